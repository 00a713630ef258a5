//! wasi-threads: `wasi::thread-spawn`, the host threads that run guest threads, trap recovery.
//!
//! Each spawned guest thread runs `wasi_thread_start(tid, start_arg)` in its own store and
//! instance of the module (same shared memory, same [`WasiCtx`](crate::wasi::WasiCtx)) on a
//! host thread. When a guest thread returns, its host thread and instance wait a few seconds
//! to run the next spawned thread (see [`spawn`]); thread ids are never reused (1, 2, 3, ... up
//! to 0x1FFFFFFF).
//!
//! Limits: at most `--max-threads` guest threads are alive at once; beyond that, and when the
//! OS cannot create a host thread, `thread-spawn` returns `-EAGAIN` (what wasi-libc's
//! `pthread_create` turns into `EAGAIN`) and nothing else happens: the host does not crash.
//!
//! Trap protocol: when `wasi_thread_start` traps in a spawned thread and the module exports
//! `__pythreading_thread_trapped: () -> ()`, the host calls it on the *same* instance (its
//! stack pointer and TLS globals still belong to the dead thread, so the guest can find its own
//! thread-local state, report the failure, mark the thread stopped in shared memory and wake
//! its joiners); when it returns, the host thread ends quietly and the program carries on. If
//! the export traps too, the host calls it again (at most three calls in all: the guest makes
//! each call do less). Without that export the host prints `pythreading-host: thread N
//! trapped: MESSAGE` and exits with 134, like the stock wasi-threads host. `proc_exit` in any
//! thread ends the whole process with that code.

use std::sync::atomic::{AtomicI32, AtomicU32, AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender, TrySendError};
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::Duration;

use wasmtime::{Instance, InstancePre, Store};

use crate::exit::{
    describe, die, exit_code, exit_process, print_backtrace, report, TRAP_EXIT_CODE,
};
use crate::Host;

/// Export that starts a spawned thread (wasi-threads specification).
pub const THREAD_START: &str = "wasi_thread_start";
/// Optional export that the host calls on a thread's own instance after that thread trapped.
pub const THREAD_TRAPPED: &str = "__pythreading_thread_trapped";
/// Largest thread id the wasi-threads specification allows.
const MAX_TID: i32 = 0x1FFF_FFFF;
/// WASI errno `EAGAIN`, returned (negated) when a thread cannot be spawned.
const EAGAIN: i32 = 6;
/// WASI errno `ENOTSUP`, returned (negated) by `thread-spawn` in a module without a shared
/// memory: its threads could not see each other's memory.
const ENOTSUP: i32 = 58;
/// Native stack of each host thread that runs a guest thread: room for wasmtime's default
/// 512 KiB wasm stack limit plus host frames. Explicit so that a `RUST_MIN_STACK` meant for
/// the guest does not change the host.
const HOST_THREAD_STACK: usize = 4 << 20;
/// How long a host thread whose guest thread finished waits to run another one.
const IDLE_WORKER_TIMEOUT: Duration = Duration::from_secs(5);
/// At most this many host threads wait for work; more end when their guest thread ends.
const MAX_IDLE_WORKERS: usize = 64;
/// How often the host enters `__pythreading_thread_trapped` on one thread: the export may trap
/// too (the guest's excepthook may itself panic), and the guest's handler is written to be
/// entered again, each time doing less (report; report the hook's failure; just stop).
const TRAP_HANDLER_CALLS: usize = 3;

/// State shared by all threads for spawning.
pub struct Threads {
    /// The pre-linked module; set once the linker is complete (the linker's `thread-spawn`
    /// itself needs this, hence the cell). Unset for a module without a shared memory.
    pub pre: OnceLock<InstancePre<Host>>,
    /// Last thread id handed out (the main thread has none).
    last_tid: AtomicI32,
    /// Guest threads spawned and not yet ended.
    alive: AtomicU32,
    /// `--max-threads`.
    max_alive: u32,
    /// Host threads waiting to run another guest thread (most recently idle last).
    idle: Mutex<Vec<IdleWorker>>,
    /// Source of worker ids.
    next_worker: AtomicU64,
    /// Whether finished workers wait for more jobs (`PYTHREADING_HOST_THREAD_POOL`).
    reuse: bool,
}

impl Threads {
    pub fn new(max_alive: u32) -> Threads {
        Threads {
            pre: OnceLock::new(),
            last_tid: AtomicI32::new(0),
            alive: AtomicU32::new(0),
            max_alive,
            idle: Mutex::new(Vec::new()),
            next_worker: AtomicU64::new(0),
            reuse: std::env::var_os("PYTHREADING_HOST_THREAD_POOL").is_none_or(|v| v != "0"),
        }
    }

    fn next_tid(&self) -> Option<i32> {
        // Relaxed: ids only need to be unique, which the atomic read-modify-write gives.
        self.last_tid
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |t| {
                (t < MAX_TID).then_some(t + 1)
            })
            .ok()
            .map(|t| t + 1)
    }

    /// Claims a place for one more live guest thread, if `--max-threads` allows it.
    fn claim(&self) -> bool {
        // Relaxed: a counter; no other memory is published through it.
        self.alive
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| {
                (n < self.max_alive).then_some(n + 1)
            })
            .is_ok()
    }

    fn release(&self) {
        self.alive.fetch_sub(1, Ordering::Relaxed);
    }

    fn idle_workers(&self) -> MutexGuard<'_, Vec<IdleWorker>> {
        // Host code never panics while holding the lock; recover the list if it ever did.
        self.idle.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Implementation of `wasi::thread-spawn`: returns the new thread's id, or a negative errno.
///
/// A host thread whose guest thread returned keeps its store and instance and waits (up to
/// [`IDLE_WORKER_TIMEOUT`]) to run the next spawned thread: `wasi_thread_start` sets the stack
/// pointer and TLS base from its argument, so an instance can run one guest thread after
/// another, and a spawn then costs a channel send instead of an OS thread, a store and an
/// instantiation. `PYTHREADING_HOST_THREAD_POOL=0` turns the reuse off.
pub fn spawn(host: Host, start_arg: i32) -> i32 {
    let threads = host.threads.clone();
    if threads.pre.get().is_none() {
        return -ENOTSUP;
    }
    if !threads.claim() {
        return -EAGAIN;
    }
    let Some(tid) = threads.next_tid() else {
        threads.release();
        return -EAGAIN;
    };
    let job = Job { tid, start_arg };
    let idle = threads.idle_workers().pop();
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
        Err(_) => {
            threads.release();
            -EAGAIN
        }
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
    let pre = threads
        .pre
        .get()
        .expect("spawn checks the module is linked");
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
        let result = start.call(&mut store, (job.tid, job.start_arg));
        if let Err(error) = result {
            thread_failed(&mut store, instance, job.tid, error);
            threads.release();
            // The guest has recorded the failure; this instance is not reused.
            return;
        }
        threads.release();
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

/// A guest thread ended with an error: `proc_exit` ends the process; after a trap the
/// guest's `__pythreading_thread_trapped` runs on the same instance (again, up to
/// [`TRAP_HANDLER_CALLS`] times, if it traps itself), or, without it, the process ends with 134.
fn thread_failed(store: &mut Store<Host>, instance: Instance, tid: i32, error: wasmtime::Error) {
    if let Some(code) = exit_code(&error) {
        exit_process(code);
    }
    let Ok(hook) = instance.get_typed_func::<(), ()>(&mut *store, THREAD_TRAPPED) else {
        thread_fatal(tid, "trapped", &error)
    };
    let mut last = None;
    for _ in 0..TRAP_HANDLER_CALLS {
        match hook.call(&mut *store, ()) {
            Ok(()) => return,
            Err(e) => {
                if let Some(code) = exit_code(&e) {
                    exit_process(code);
                }
                last = Some(e);
            }
        }
    }
    let e = last.expect("the loop ran at least once and every call failed");
    die(TRAP_EXIT_CODE, || {
        report(&format!("thread {tid} trapped: {}", describe(&error)));
        report(&format!(
            "thread {tid} trapped again in `{THREAD_TRAPPED}`: {}",
            describe(&e)
        ));
        print_backtrace(&e);
    })
}

fn thread_fatal(tid: i32, what: &str, e: &wasmtime::Error) -> ! {
    die(TRAP_EXIT_CODE, || {
        report(&format!("thread {tid} {what}: {}", describe(e)));
        print_backtrace(e);
    })
}
