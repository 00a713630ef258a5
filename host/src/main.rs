//! `pythreading-host`: runs a `wasm32-wasip1-threads` command module under wasmtime.
//!
//! ```text
//! pythreading-host [--dir HOST[::GUEST]]... MODULE.wasm [ARGS...]
//! ```
//!
//! Preview-1 WASI comes from `wasi-common` (its context is shared by all threads); stdio, the
//! environment and the arguments (`MODULE.wasm` becomes `argv[0]`) are passed through, and the
//! guest's exit code becomes the host's.
//!
//! Threads (wasi-threads) are implemented here rather than by `wasmtime-wasi-threads`, because
//! that crate ends the whole process when any spawned thread traps. Each `wasi::thread-spawn`
//! call instantiates the module again (same shared memory, same WASI context) on a new host
//! thread and calls its `wasi_thread_start(tid, start_arg)` export. When a guest thread
//! returns, its host thread and instance wait a few seconds to run the next spawned thread
//! (see [`spawn_thread`]); thread ids are never reused (1, 2, 3, ... up to 0x1FFFFFFF).
//!
//! Thread trap protocol: when `wasi_thread_start` traps in a spawned thread and the module
//! exports a function `__pythreading_thread_trapped: () -> ()`, the host calls it on the *same*
//! instance (its stack pointer and TLS globals still belong to the dead thread, so the guest can
//! find its own thread-local state, report the failure, mark the thread stopped in shared memory
//! and wake its joiners); when it returns, the host thread ends quietly and the program carries
//! on. If the export traps too, the host calls it again (at most three calls in all: the guest
//! makes each call do less). Without that export the host prints
//! `pythreading-host: thread N trapped: MESSAGE` and
//! exits with 134, like the stock wasi-threads host. `proc_exit` in any thread ends the whole
//! process with that code; a trap in the main thread prints one line and exits with 134.
//!
//! Set `PYTHREADING_HOST_BACKTRACE=1` to also print the full error (with the wasm backtrace)
//! after the one-line message.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process;
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::Duration;

use wasi_common::sync::{ambient_authority, Dir, WasiCtxBuilder};
use wasi_common::{I32Exit, WasiCtx};
use wasmtime::{
    Config, Engine, ExternType, FuncType, Instance, InstancePre, Linker, Module, SharedMemory,
    Store, Trap, ValType,
};

/// Export that starts a spawned thread (wasi-threads specification).
const THREAD_START: &str = "wasi_thread_start";
/// Optional export that the host calls on a thread's own instance after that thread trapped.
const THREAD_TRAPPED: &str = "__pythreading_thread_trapped";
/// Exit code for a trap, as a native process killed by `abort()` reports it (128 + SIGABRT).
const TRAP_EXIT_CODE: i32 = 134;
/// Exit code for bad usage or a module the host cannot run.
const SETUP_EXIT_CODE: i32 = 1;
/// Exit code for a malformed command line.
const USAGE_EXIT_CODE: i32 = 2;
/// Largest thread id the wasi-threads specification allows.
const MAX_TID: i32 = 0x1FFF_FFFF;
/// WASI errno `EAGAIN`, returned (negated) when a thread cannot be spawned.
const EAGAIN: i32 = 6;
/// Native stack of each host thread that runs a guest thread: room for wasmtime's default
/// 512 KiB wasm stack limit plus host frames. Explicit so that a `RUST_MIN_STACK` meant for
/// the guest does not change the host.
const HOST_THREAD_STACK: usize = 4 << 20;
/// How long a host thread whose guest thread finished waits to run another one.
const IDLE_WORKER_TIMEOUT: Duration = Duration::from_secs(5);
/// At most this many host threads wait for work; more end when their guest thread ends.
const MAX_IDLE_WORKERS: usize = 64;

const USAGE: &str = "usage: pythreading-host [--dir HOST[::GUEST]]... MODULE.wasm [ARGS...]";

/// Per-store data. Every thread's store gets a clone: the WASI context is `Arc`-shared.
#[derive(Clone)]
struct Host {
    wasi: WasiCtx,
    threads: Arc<Threads>,
}

/// State shared by all threads for spawning.
struct Threads {
    /// The pre-linked module; set once the linker is complete (the linker's `thread-spawn`
    /// itself needs this, hence the cell).
    pre: OnceLock<InstancePre<Host>>,
    /// Last thread id handed out (the main thread has none).
    last_tid: AtomicI32,
    /// Host threads waiting to run another guest thread (most recently idle last).
    idle: Mutex<Vec<IdleWorker>>,
    /// Source of worker ids.
    next_worker: AtomicU64,
    /// Whether finished workers wait for more jobs (`PYTHREADING_HOST_THREAD_POOL`).
    reuse: bool,
}

impl Threads {
    fn next_tid(&self) -> Option<i32> {
        self.last_tid
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |t| {
                (t < MAX_TID).then_some(t + 1)
            })
            .ok()
            .map(|t| t + 1)
    }

    fn idle_workers(&self) -> MutexGuard<'_, Vec<IdleWorker>> {
        // Host code never panics while holding the lock; recover the list if it ever did.
        self.idle.lock().unwrap_or_else(|e| e.into_inner())
    }
}

struct Options {
    dirs: Vec<(PathBuf, String)>,
    module: PathBuf,
    args: Vec<String>,
}

fn main() {
    let code = match run() {
        Ok(code) => code,
        Err(Failure { message, code }) => {
            eprintln!("pythreading-host: {message}");
            code
        }
    };
    exit_process(code)
}

/// An error that ends the host before the guest runs: one line on stderr and an exit code.
struct Failure {
    message: String,
    code: i32,
}

fn setup_error(message: impl Into<String>) -> Failure {
    Failure {
        message: message.into(),
        code: SETUP_EXIT_CODE,
    }
}

fn run() -> Result<i32, Failure> {
    let opts = parse_args(std::env::args_os().skip(1).collect())?;
    let module_name = opts.module.display().to_string();

    let bytes = std::fs::read(&opts.module)
        .map_err(|e| setup_error(format!("cannot read {module_name}: {e}")))?;
    check_magic(&bytes, &module_name)?;

    let mut config = Config::new();
    config.wasm_threads(true).shared_memory(true);
    let engine = Engine::new(&config)
        .map_err(|e| setup_error(format!("cannot start wasmtime: {}", one_line(&e))))?;
    let module = Module::from_binary(&engine, &bytes).map_err(|e| {
        setup_error(format!(
            "{module_name} is not a valid WebAssembly module: {}",
            one_line(&e)
        ))
    })?;
    let memory_import = check_module(&module, &module_name)?;

    let wasi = build_wasi(&opts, &module_name)?;
    let threads = Arc::new(Threads {
        pre: OnceLock::new(),
        last_tid: AtomicI32::new(0),
        idle: Mutex::new(Vec::new()),
        next_worker: AtomicU64::new(0),
        reuse: std::env::var_os("PYTHREADING_HOST_THREAD_POOL").is_none_or(|v| v != "0"),
    });
    let host = Host {
        wasi,
        threads: threads.clone(),
    };
    let mut store = Store::new(&engine, host);

    let link_error =
        |e: wasmtime::Error| setup_error(format!("cannot link {module_name}: {}", one_line(&e)));
    let mut linker: Linker<Host> = Linker::new(&engine);
    wasi_common::sync::add_to_linker(&mut linker, |h: &mut Host| &mut h.wasi)
        .map_err(link_error)?;
    linker
        .func_wrap(
            "wasi",
            "thread-spawn",
            |caller: wasmtime::Caller<'_, Host>, start_arg: i32| -> i32 {
                spawn_thread(caller.data().clone(), start_arg)
            },
        )
        .map_err(link_error)?;
    let (mem_module, mem_name, mem_ty) = memory_import;
    let memory = SharedMemory::new(&engine, mem_ty).map_err(|e| {
        setup_error(format!(
            "cannot create the shared memory of {module_name}: {}",
            one_line(&e)
        ))
    })?;
    linker
        .define(&store, &mem_module, &mem_name, memory)
        .map_err(link_error)?;
    let pre = linker.instantiate_pre(&module).map_err(link_error)?;
    let pre = threads.pre.get_or_init(|| pre);

    let instance = match pre.instantiate(&mut store) {
        Ok(instance) => instance,
        Err(e) => return Ok(main_failed(e, "while instantiating the module")),
    };
    let start = instance
        .get_typed_func::<(), ()>(&mut store, "_start")
        .map_err(|e| setup_error(format!("{module_name}: `_start`: {}", one_line(&e))))?;
    match start.call(&mut store, ()) {
        // Returning from `_start` is `proc_exit(0)`: threads still running die with the process.
        Ok(()) => Ok(0),
        Err(e) => Ok(main_failed(e, "main thread")),
    }
}

/// The main thread ended with an error: returns the exit code after reporting it.
fn main_failed(e: wasmtime::Error, what: &str) -> i32 {
    if let Some(exit) = e.downcast_ref::<I32Exit>() {
        return exit.0;
    }
    eprintln!("pythreading-host: {what} trapped: {}", describe(&e));
    print_backtrace(&e);
    TRAP_EXIT_CODE
}

fn parse_args(args: Vec<OsString>) -> Result<Options, Failure> {
    let usage = |msg: &str| Failure {
        message: format!("{msg}\n{USAGE}"),
        code: USAGE_EXIT_CODE,
    };
    let mut dirs = Vec::new();
    let mut iter = args.into_iter();
    let module = loop {
        let Some(arg) = iter.next() else {
            return Err(usage("missing MODULE.wasm"));
        };
        let text = arg.to_string_lossy();
        if text == "--" {
            break iter.next().ok_or_else(|| usage("missing MODULE.wasm"))?;
        } else if text == "-h" || text == "--help" {
            println!("{USAGE}");
            exit_process(0);
        } else if text == "--dir" || text.starts_with("--dir=") {
            let spec = match text.strip_prefix("--dir=") {
                Some(spec) => OsString::from(spec),
                None => iter
                    .next()
                    .ok_or_else(|| usage("--dir needs a directory"))?,
            };
            dirs.push(parse_dir(&spec).map_err(|m| usage(&m))?);
        } else if text.starts_with('-') && text.len() > 1 {
            return Err(usage(&format!("unknown option {text}")));
        } else {
            break arg;
        }
    };
    let args = iter
        .map(|a| {
            a.into_string()
                .map_err(|a| setup_error(format!("argument {a:?} is not valid UTF-8")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Options {
        dirs,
        module: PathBuf::from(module),
        args,
    })
}

/// `HOST` (seen by the guest under the same name) or `HOST::GUEST`, like wasmtime's `--dir`.
fn parse_dir(spec: &OsString) -> Result<(PathBuf, String), String> {
    let text = spec
        .to_str()
        .ok_or_else(|| format!("--dir {spec:?} is not valid UTF-8"))?;
    if text.is_empty() {
        return Err("--dir needs a directory".into());
    }
    Ok(match text.split_once("::") {
        Some((host, guest)) => (PathBuf::from(host), guest.to_string()),
        None => (PathBuf::from(text), text.to_string()),
    })
}

fn check_magic(bytes: &[u8], name: &str) -> Result<(), Failure> {
    if bytes.len() < 8 || &bytes[..4] != b"\0asm" {
        return Err(setup_error(format!(
            "{name} is not a WebAssembly module (no \\0asm header)"
        )));
    }
    if bytes[4..8] != [1, 0, 0, 0] {
        return Err(setup_error(format!(
            "{name} is a WebAssembly component or an unknown binary version, not a core module"
        )));
    }
    Ok(())
}

/// Checks that `module` is a wasi-threads command module; returns its shared memory import.
fn check_module(
    module: &Module,
    name: &str,
) -> Result<(String, String, wasmtime::MemoryType), Failure> {
    let mut memory = None;
    for import in module.imports() {
        if let ExternType::Memory(ty) = import.ty() {
            if !ty.is_shared() {
                return Err(setup_error(format!(
                    "{name} imports a memory that is not shared; build it for wasm32-wasip1-threads"
                )));
            }
            if memory.is_some() {
                return Err(setup_error(format!(
                    "{name} imports more than one memory; wasi-threads supports one"
                )));
            }
            memory = Some((import.module().to_string(), import.name().to_string(), ty));
        }
    }
    let Some(memory) = memory else {
        return Err(setup_error(format!(
            "{name} does not import a shared memory; wasi-threads needs one \
             (build it for wasm32-wasip1-threads, not wasm32-wasip1)"
        )));
    };
    let has_func = |export: &str, params: &[ValType]| match module.get_export(export) {
        None => None,
        Some(ExternType::Func(ty)) => Some(signature_is(&ty, params)),
        Some(_) => Some(false),
    };
    match has_func(THREAD_START, &[ValType::I32, ValType::I32]) {
        Some(true) => {}
        Some(false) => {
            return Err(setup_error(format!(
                "{name}: export `{THREAD_START}` is not a function of type (i32, i32) -> ()"
            )))
        }
        None => {
            return Err(setup_error(format!(
                "{name} does not export `{THREAD_START}`; it cannot run threads \
                 (build it for wasm32-wasip1-threads)"
            )))
        }
    }
    if has_func(THREAD_TRAPPED, &[]) == Some(false) {
        return Err(setup_error(format!(
            "{name}: export `{THREAD_TRAPPED}` is not a function of type () -> ()"
        )));
    }
    match has_func("_start", &[]) {
        Some(true) => Ok(memory),
        Some(false) => Err(setup_error(format!(
            "{name}: export `_start` is not a function of type () -> ()"
        ))),
        None if module.get_export("_initialize").is_some() => Err(setup_error(format!(
            "{name} is a reactor module (exports `_initialize`, no `_start`); \
             pythreading-host runs command modules only"
        ))),
        None => Err(setup_error(format!(
            "{name} does not export `_start`; it is not a WASI command module"
        ))),
    }
}

fn signature_is(ty: &FuncType, params: &[ValType]) -> bool {
    ty.results().len() == 0
        && ty.params().len() == params.len()
        && ty.params().zip(params).all(|(a, b)| ValType::eq(&a, b))
}

fn build_wasi(opts: &Options, module_name: &str) -> Result<WasiCtx, Failure> {
    let mut builder = WasiCtxBuilder::new();
    builder.inherit_stdio();
    let too_big = |what: &str| setup_error(format!("cannot pass the {what} to the guest"));
    builder.arg(module_name).map_err(|_| too_big("arguments"))?;
    for arg in &opts.args {
        builder.arg(arg).map_err(|_| too_big("arguments"))?;
    }
    // Variables that are not UTF-8 cannot be expressed in WASI preview 1; they are skipped.
    for (key, value) in std::env::vars_os() {
        if let (Some(key), Some(value)) = (key.to_str(), value.to_str()) {
            builder
                .env(key, value)
                .map_err(|_| too_big("environment"))?;
        }
    }
    for (host_path, guest_path) in &opts.dirs {
        let dir = Dir::open_ambient_dir(host_path, ambient_authority()).map_err(|e| {
            setup_error(format!(
                "cannot open --dir {}: {e}",
                Path::new(host_path).display()
            ))
        })?;
        builder
            .preopened_dir(dir, guest_path)
            .map_err(|e| setup_error(format!("cannot preopen {guest_path}: {e}")))?;
    }
    Ok(builder.build())
}

/// Implementation of `wasi::thread-spawn`: returns the new thread's id, or a negative errno.
///
/// A host thread whose guest thread returned keeps its store and instance and waits (up to
/// [`IDLE_WORKER_TIMEOUT`]) to run the next spawned thread: `wasi_thread_start` sets the stack
/// pointer and TLS base from its argument, so an instance can run one guest thread after
/// another, and a spawn then costs a channel send instead of an OS thread, a store and an
/// instantiation. `PYTHREADING_HOST_THREAD_POOL=0` turns the reuse off.
fn spawn_thread(host: Host, start_arg: i32) -> i32 {
    let Some(tid) = host.threads.next_tid() else {
        return -EAGAIN;
    };
    let job = Job { tid, start_arg };
    let idle = host.threads.idle_workers().pop();
    if let Some(worker) = idle {
        // The worker is blocked on its channel (or about to be), and the channel holds one job.
        if worker.send(job).is_ok() {
            return tid;
        }
    }
    let (send, receive) = mpsc::sync_channel(1);
    let spawned = std::thread::Builder::new()
        .name(format!("wasi-thread-{tid}"))
        .stack_size(HOST_THREAD_STACK)
        .spawn(move || run_worker(host, job, send, receive));
    match spawned {
        Ok(_detached) => tid,
        Err(_) => -EAGAIN,
    }
}

/// One guest thread to run: `wasi_thread_start(tid, start_arg)`.
#[derive(Clone, Copy)]
struct Job {
    tid: i32,
    start_arg: i32,
}

/// An idle host thread, identified by its channel.
#[derive(Clone)]
struct IdleWorker {
    id: u64,
    send: SyncSender<Job>,
}

impl IdleWorker {
    fn send(self, job: Job) -> Result<(), TrySendError<Job>> {
        self.send.try_send(job)
    }
}

/// Body of a host thread: a new instance of the module runs `wasi_thread_start` for `job`,
/// then for each job handed to it while idle.
fn run_worker(host: Host, first: Job, send: SyncSender<Job>, receive: Receiver<Job>) {
    let threads = host.threads.clone();
    let pre = threads.pre.get().expect("spawn happens after linking");
    let mut store = Store::new(pre.module().engine(), host);
    let instance = match pre.instantiate(&mut store) {
        Ok(instance) => instance,
        Err(e) => thread_fatal(first.tid, "could not be instantiated", &e),
    };
    let start = match instance.get_typed_func::<(i32, i32), ()>(&mut store, THREAD_START) {
        Ok(start) => start,
        Err(e) => thread_fatal(first.tid, "has no entry point", &e),
    };
    let id = threads.next_worker.fetch_add(1, Ordering::Relaxed);
    let mut job = first;
    loop {
        if let Err(error) = start.call(&mut store, (job.tid, job.start_arg)) {
            thread_failed(&mut store, instance, job.tid, error);
            // The guest has recorded the failure; this instance is not reused.
            return;
        }
        match wait_for_job(&threads, id, &send, &receive) {
            Some(next) => job = next,
            None => return,
        }
    }
}

/// Parks an idle worker; returns its next job, or `None` when it should end.
fn wait_for_job(
    threads: &Threads,
    id: u64,
    send: &SyncSender<Job>,
    receive: &Receiver<Job>,
) -> Option<Job> {
    if !threads.reuse {
        return None;
    }
    {
        let mut idle = threads.idle_workers();
        if idle.len() >= MAX_IDLE_WORKERS {
            return None;
        }
        idle.push(IdleWorker {
            id,
            send: send.clone(),
        });
    }
    match receive.recv_timeout(IDLE_WORKER_TIMEOUT) {
        Ok(job) => Some(job),
        Err(_) => {
            let mut idle = threads.idle_workers();
            if let Some(at) = idle.iter().position(|w| w.id == id) {
                idle.remove(at);
                return None;
            }
            drop(idle);
            // A spawner took this worker off the list just now: its job is on the way.
            receive.recv().ok()
        }
    }
}

/// How often the host enters `__pythreading_thread_trapped` on one thread: the export may trap
/// too (the guest's excepthook may itself panic), and the guest's handler is written to be
/// entered again, each time doing less (report; report the hook's failure; just stop).
const TRAP_HANDLER_CALLS: usize = 3;

/// A guest thread ended with an error: `proc_exit` ends the process; after a trap the
/// guest's `__pythreading_thread_trapped` runs on the same instance (again, up to
/// [`TRAP_HANDLER_CALLS`] times, if it traps itself), or, without it, the process ends with 134.
fn thread_failed(store: &mut Store<Host>, instance: Instance, tid: i32, error: wasmtime::Error) {
    if let Some(exit) = error.downcast_ref::<I32Exit>() {
        exit_process(exit.0);
    }
    let Ok(hook) = instance.get_typed_func::<(), ()>(&mut *store, THREAD_TRAPPED) else {
        thread_fatal(tid, "trapped", &error)
    };
    let mut last = None;
    for _ in 0..TRAP_HANDLER_CALLS {
        match hook.call(&mut *store, ()) {
            Ok(()) => return,
            Err(e) => {
                if let Some(exit) = e.downcast_ref::<I32Exit>() {
                    exit_process(exit.0);
                }
                last = Some(e);
            }
        }
    }
    eprintln!(
        "pythreading-host: thread {tid} trapped: {}",
        describe(&error)
    );
    let e = last.expect("the loop ran at least once and every call failed");
    thread_fatal(tid, &format!("trapped again in `{THREAD_TRAPPED}`"), &e)
}

fn thread_fatal(tid: i32, what: &str, e: &wasmtime::Error) -> ! {
    eprintln!("pythreading-host: thread {tid} {what}: {}", describe(e));
    print_backtrace(e);
    exit_process(TRAP_EXIT_CODE)
}

/// One line describing an error: the trap's message for a trap.
fn describe(e: &wasmtime::Error) -> String {
    match e.downcast_ref::<Trap>() {
        // Displays as "wasm trap: ...".
        Some(trap) => trap.to_string(),
        None => one_line(e),
    }
}

fn one_line(e: &wasmtime::Error) -> String {
    let text = format!("{e:#}");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn print_backtrace(e: &wasmtime::Error) {
    if std::env::var_os("PYTHREADING_HOST_BACKTRACE").is_some_and(|v| v != "0") {
        eprintln!("{e:?}");
    }
}

/// Ends the process once: the first caller's code wins, later callers (other threads that
/// exit or fail at the same moment) wait for the process to end.
fn exit_process(code: i32) -> ! {
    static EXITING: AtomicBool = AtomicBool::new(false);
    if EXITING.swap(true, Ordering::SeqCst) {
        loop {
            std::thread::park();
        }
    }
    process::exit(code)
}
