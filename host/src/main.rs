//! `pythreading-host`: runs a WebAssembly command module under wasmtime 48 LTS.
//!
//! ```text
//! pythreading-host [run] [OPTIONS] MODULE [ARGS]...
//! ```
//!
//! Runs `wasm32-wasip1-threads` modules (a shared memory imported from `env`, wasi-threads'
//! `thread-spawn`) and plain `wasm32-wasip1` command modules (their own memory, one thread).
//! The options are `wasmtime run`'s spelling of the common ones (see `cli.rs` and `--help`);
//! `MODULE` becomes the guest's `argv[0]`, and the guest's exit code becomes the host's.
//!
//! WASI preview 1 is implemented here (`wasi/`), on `wiggle` bindings and cap-std, with one
//! context and file table shared by every thread; threads (wasi-threads) are implemented here
//! too (`threads.rs`), with trap recovery through the module's optional
//! `__pythreading_thread_trapped` export. wasmtime itself provides neither for threaded
//! modules from 47 on.
//!
//! Exit rules: returning from `_start` ends the process with 0 (threads still running die with
//! it); `proc_exit(n)` in any thread ends it with `n`; a trap in the main thread prints one
//! line and ends it with 134; a trap in a spawned thread runs the guest's trap hook, or without
//! one prints one line and ends the process with 134; `--max-wall-time` ends it with 124.
//! Set `PYTHREADING_HOST_BACKTRACE=1` to also print the full error (with the wasm backtrace)
//! after the one-line message.

#[cfg(not(unix))]
compile_error!("pythreading-host supports unix hosts only (its WASI uses poll(2) and fcntl(2))");

mod cli;
mod exit;
mod threads;
mod wasi;

use std::path::Path;
use std::sync::Arc;

use wasmtime::{
    Cache, Config, Engine, ExternType, FuncType, Linker, MemoryType, Module, SharedMemory, Store,
    ValType,
};

use crate::exit::{
    describe, die, exit_code, exit_process, one_line, print_backtrace, report, SETUP_EXIT_CODE,
    TIMEOUT_EXIT_CODE, TRAP_EXIT_CODE, USAGE_EXIT_CODE,
};
use crate::threads::{Threads, THREAD_START, THREAD_TRAPPED};
use crate::wasi::{WasiConfig, WasiCtx, WasiView};

/// Per-store data. Every thread's store gets its own, all sharing one WASI context.
pub struct Host {
    wasi: WasiView,
    threads: Arc<Threads>,
}

impl Host {
    fn for_new_thread(&self) -> Host {
        Host {
            wasi: self.wasi.clone(),
            threads: self.threads.clone(),
        }
    }
}

fn main() {
    match run() {
        Ok(code) => exit_process(code),
        Err(Failure { message, code }) => die(code, || report(&message)),
    }
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

/// wasmtime's compilation cache, as `wasmtime run` uses it (`-C cache`, on by default): the
/// same on-disk format and default configuration, keyed by the module's bytes and the engine's
/// settings, so a module compiled once starts without compiling on the next run (a test binary
/// of this crate: ~2 s of Cranelift otherwise). A configuration file given with
/// `-C cache-config` must load; without one, a cache that cannot be set up (no home
/// directory, say) only means compiling every time.
fn compilation_cache(opts: &cli::Options) -> Result<Option<Cache>, Failure> {
    if !opts.cache {
        return Ok(None);
    }
    match &opts.cache_config {
        Some(file) => Cache::from_file(Some(file)).map(Some).map_err(|e| {
            setup_error(format!(
                "cannot use the cache configuration {}: {}",
                file.display(),
                one_line(&e)
            ))
        }),
        None => Ok(Cache::from_file(None).ok()),
    }
}

fn run() -> Result<i32, Failure> {
    let opts = match cli::parse(std::env::args_os()) {
        cli::Parsed::Run(opts) => opts,
        cli::Parsed::Printed => return Ok(0),
        cli::Parsed::Usage(message) => {
            return Err(Failure {
                message,
                code: USAGE_EXIT_CODE,
            })
        }
    };
    let module_name = opts.module.display().to_string();

    let bytes = std::fs::read(&opts.module)
        .map_err(|e| setup_error(format!("cannot read {module_name}: {e}")))?;
    check_magic(&bytes, &module_name)?;

    let mut config = Config::new();
    config
        .wasm_threads(opts.wasm_threads)
        .shared_memory(opts.wasm_threads)
        .wasm_exceptions(opts.wasm_exceptions)
        .cache(compilation_cache(&opts)?);
    let engine = Engine::new(&config)
        .map_err(|e| setup_error(format!("cannot start wasmtime: {}", one_line(&e))))?;
    let module = Module::from_binary(&engine, &bytes).map_err(|e| {
        setup_error(format!(
            "{module_name} is not a valid WebAssembly module: {}",
            one_line(&e)
        ))
    })?;
    let shared_memory = check_module(&module, &module_name)?;

    let wasi = Arc::new(WasiCtx::new(wasi_config(&opts, &module_name)?));
    let threads = Arc::new(Threads::new(opts.max_threads));
    let host = Host {
        wasi: WasiView::new(wasi),
        threads: threads.clone(),
    };
    let mut store = Store::new(&engine, host);

    let link_error =
        |e: wasmtime::Error| setup_error(format!("cannot link {module_name}: {}", one_line(&e)));
    let mut linker: Linker<Host> = Linker::new(&engine);
    wasi::add_to_linker(&mut linker, |h: &mut Host| &mut h.wasi).map_err(link_error)?;
    if opts.wasi_threads {
        linker
            .func_wrap(
                "wasi",
                "thread-spawn",
                |caller: wasmtime::Caller<'_, Host>, start_arg: i32| -> i32 {
                    threads::spawn(caller.data().for_new_thread(), start_arg)
                },
            )
            .map_err(link_error)?;
    }
    if let Some((mem_module, mem_name, mem_ty)) = &shared_memory {
        let memory = SharedMemory::new(&engine, mem_ty.clone()).map_err(|e| {
            setup_error(format!(
                "cannot create the shared memory of {module_name}: {}",
                one_line(&e)
            ))
        })?;
        linker
            .define(&store, mem_module, mem_name, memory)
            .map_err(link_error)?;
    }
    let pre = linker.instantiate_pre(&module).map_err(link_error)?;
    let single_thread;
    let pre = if shared_memory.is_some() {
        threads.pre.get_or_init(|| pre)
    } else {
        // One thread only: `thread-spawn`, if imported, fails (see threads::spawn).
        single_thread = pre;
        &single_thread
    };

    if let Some(limit) = opts.max_wall_time {
        start_watchdog(limit);
    }

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

/// `--max-wall-time`: a host thread that ends the process when the time is up, whatever the
/// guest's threads are doing (running, blocked in a host call, or waiting on an atomic).
fn start_watchdog(limit: std::time::Duration) {
    let spawned = std::thread::Builder::new()
        .name("max-wall-time".into())
        .stack_size(64 << 10)
        .spawn(move || {
            let deadline = std::time::Instant::now() + limit;
            // `sleep` may return early on some systems; sleep until the deadline has passed.
            while let Some(left) = deadline.checked_duration_since(std::time::Instant::now()) {
                if left.is_zero() {
                    break;
                }
                std::thread::sleep(left);
            }
            die(TIMEOUT_EXIT_CODE, || {
                report(&format!(
                    "stopped after --max-wall-time {}s",
                    limit.as_secs_f64()
                ))
            })
        });
    if spawned.is_err() {
        die(SETUP_EXIT_CODE, || {
            report("cannot start the --max-wall-time timer")
        });
    }
}

/// The main thread ended with an error: `proc_exit`'s code, or 134 after reporting the trap.
fn main_failed(e: wasmtime::Error, what: &str) -> i32 {
    if let Some(code) = exit_code(&e) {
        return code;
    }
    die(TRAP_EXIT_CODE, || {
        report(&format!("{what} trapped: {}", describe(&e)));
        print_backtrace(&e);
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

/// Checks that `module` is a WASI command module; returns its shared memory import for a
/// wasi-threads module (`None` for a plain wasm32-wasip1 module with its own memory).
fn check_module(
    module: &Module,
    name: &str,
) -> Result<Option<(String, String, MemoryType)>, Failure> {
    let mut memory = None;
    for import in module.imports() {
        if let ExternType::Memory(ty) = import.ty() {
            if !ty.is_shared() {
                return Err(setup_error(format!(
                    "{name} imports a memory that is not shared; build it for \
                     wasm32-wasip1-threads (shared memory) or wasm32-wasip1 (its own memory)"
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
    let has_func = |export: &str, params: &[ValType]| match module.get_export(export) {
        None => None,
        Some(ExternType::Func(ty)) => Some(signature_is(&ty, params)),
        Some(_) => Some(false),
    };
    if memory.is_some() {
        match has_func(THREAD_START, &[ValType::I32, ValType::I32]) {
            Some(true) => {}
            Some(false) => {
                return Err(setup_error(format!(
                    "{name}: export `{THREAD_START}` is not a function of type (i32, i32) -> ()"
                )))
            }
            None => {
                return Err(setup_error(format!(
                    "{name} imports a shared memory but does not export `{THREAD_START}`; \
                     it cannot run threads (build it for wasm32-wasip1-threads)"
                )))
            }
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

fn wasi_config(opts: &cli::Options, module_name: &str) -> Result<WasiConfig, Failure> {
    let mut args = vec![module_name.to_string()];
    for arg in &opts.args {
        let arg = arg
            .to_str()
            .ok_or_else(|| setup_error(format!("argument {arg:?} is not valid UTF-8")))?;
        args.push(arg.to_string());
    }
    // The environment: the host's (unless -S inherit-env=n), then --env on top, in order.
    // Variables that are not UTF-8 cannot be expressed in WASI preview 1; they are skipped.
    let mut env: Vec<(String, String)> = Vec::new();
    let mut set = |name: &str, value: &str| match env.iter_mut().find(|(n, _)| n == name) {
        Some(slot) => slot.1 = value.to_string(),
        None => env.push((name.to_string(), value.to_string())),
    };
    if opts.inherit_env {
        for (key, value) in std::env::vars_os() {
            if let (Some(key), Some(value)) = (key.to_str(), value.to_str()) {
                set(key, value);
            }
        }
    }
    for var in &opts.envs {
        match &var.value {
            Some(value) => set(&var.name, value),
            None => {
                if let Some(value) = std::env::var_os(&var.name).and_then(|v| v.into_string().ok())
                {
                    set(&var.name, &value);
                }
            }
        }
    }
    let env = env.into_iter().map(|(k, v)| format!("{k}={v}")).collect();

    let mut preopens = Vec::new();
    for dir in &opts.dirs {
        let opened = cap_std::fs::Dir::open_ambient_dir(&dir.host, cap_std::ambient_authority())
            .map_err(|e| {
                setup_error(format!(
                    "cannot open --dir {}: {e}",
                    Path::new(&dir.host).display()
                ))
            })?;
        preopens.push((opened, dir.guest.clone()));
    }
    Ok(WasiConfig {
        args,
        env,
        preopens,
    })
}
