//! `Thread` and the module-level thread functions: Python's `threading.Thread`,
//! `current_thread`, `main_thread`, `enumerate`, `active_count`, `get_ident`,
//! `get_native_id`, `stack_size`, the exit rule (`shutdown`), `exit_thread` and the
//! trace/profile hooks (behaviours T-*, X-01 to X-06, J-01 to J-03, T-09).
//!
//! Design:
//! * A `Thread` is a cheap handle to shared state. Its `state` word (initial → started →
//!   stopped) is a futex word, so `join` is a wait on it and a finishing thread wakes joiners
//!   only if one registered.
//! * Idents are assigned by the crate (`get_ident()`): the OS main thread is always `1`, other
//!   threads get a process-wide counter, never reused, so a dead owner's ident can never be
//!   mistaken for a new thread's. A crate thread's ident is assigned by `start()`, so it is
//!   known as soon as `start()` returns; `native_id()` is published by the new thread itself and
//!   waited for if asked too early.
//! * Every started thread is in the registry (`enumerate()`) from `start()` until it stops;
//!   it removes itself *before* it is marked stopped, so a joined thread is never enumerated
//!   (T-10). Foreign threads get a dummy `Thread` on their first `current_thread()`, removed
//!   when the OS thread exits (T-07).
//! * A panic in `run` is caught, reported to the excepthook, and the thread stops normally;
//!   `join` never sees it. Where panics abort (wasm), the host's trap handler calls
//!   [`after_trap`] to do the same on the dead thread's instance.

mod bootstrap;
mod builder;
mod hooks;
mod join;
mod registry;
mod shutdown;
mod stack_size;

use registry::{registry, NEXT_IDENT};
use shutdown::register_exit_hook;
use stack_size::STACK_SIZE;

pub use bootstrap::exit_thread;
pub(crate) use bootstrap::{in_run, IN_RUN};
crate::sys::on_web! {
    pub(crate) use bootstrap::{defer_finish, finish_deferred};
}
pub use builder::{Builder, Run};
pub use hooks::{clear_profile, clear_trace, getprofile, gettrace, setprofile, settrace, Hook};
pub(crate) use registry::owner_key;
pub use registry::{
    active_count, current_thread, enumerate, get_ident, get_native_id, main_thread,
};
pub use shutdown::shutdown;
pub use stack_size::stack_size;

use crate::error::{Error, Result};
use crate::excepthook;
use crate::sys::{self, wait};
use crate::timeout::{or_throw, Deadline, Next};
use std::fmt;
// The futex words (`state`, `native_published`) use the seam's atomics (loom's under
// cfg(loom)); process-wide counters are plain std atomics, which can be `static`.
use crate::sys::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering::*};
use std::sync::{Arc, Mutex, MutexGuard};

const INITIAL: u32 = 0;
const STARTED: u32 = 1;
const STOPPED: u32 = 2;
const PHASE: u32 = 3;
/// In `state`: a joiner may be asleep on the word.
const JOIN_WAITERS: u32 = 4;

/// `get_ident()` of the OS main thread.
const MAIN_IDENT: u64 = 1;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Normal,
    Dummy,
    Main,
}

pub(crate) struct Inner {
    kind: Kind,
    /// The Python class name shown in the repr: `Thread`, `Timer`, a `Run` type's name, ...
    class: String,
    name: Mutex<String>,
    daemon: AtomicBool,
    /// INITIAL/STARTED/STOPPED plus JOIN_WAITERS. Release when stopping, Acquire when
    /// observing it stopped: the thread's effects are visible after `join`.
    state: AtomicU32,
    /// 0 until started.
    ident: AtomicU64,
    /// 0 until the thread published it.
    native_id: AtomicU64,
    /// 0 not yet published, 1 published, 2 someone waits for it.
    native_published: AtomicU32,
    target: Mutex<Option<Box<dyn Run>>>,
    handle: Mutex<Option<sys::JoinHandle>>,
}

/// A thread of control, as Python's `threading.Thread`.
///
/// ```
/// use pythreading as threading;
///
/// // Python:
/// //   def worker(num):
/// //       print('Worker:', num)
/// //   t = threading.Thread(target=worker, args=(1,), name='w1')
/// //   t.start(); t.join()
/// let t = threading::Thread::builder()
///     .name("w1")
///     .target(|| println!("Worker: {}", 1))
///     .build();
/// assert_eq!(t.ident(), None);
/// t.start().unwrap();
/// t.join().unwrap();
/// assert!(!t.is_alive());
/// assert!(t.start().is_err()); // RuntimeError: threads can only be started once
/// ```
#[derive(Clone)]
pub struct Thread {
    pub(crate) inner: Arc<Inner>,
}

impl Thread {
    /// A thread that will run `target` (Python's `Thread(target=f)`).
    pub fn new<F: FnOnce() + Send + 'static>(target: F) -> Thread {
        Builder::new().target(target).build()
    }

    /// Python's keyword arguments: `Thread::builder().name("w").daemon(true).target(f).build()`.
    pub fn builder() -> Builder {
        Builder::new()
    }

    /// A thread whose activity is `r.run()` (Python's subclass overriding `run()`).
    pub fn from_run<R: Run>(r: R) -> Thread {
        Builder::new().run(r).build()
    }

    fn make(
        kind: Kind,
        class: &str,
        name: String,
        daemon: bool,
        ident: u64,
        native_id: u64,
        target: Option<Box<dyn Run>>,
    ) -> Thread {
        let state = if kind == Kind::Normal {
            INITIAL
        } else {
            STARTED
        };
        Thread {
            inner: Arc::new(Inner {
                kind,
                class: class.into(),
                name: Mutex::new(name),
                daemon: AtomicBool::new(daemon),
                state: AtomicU32::new(state),
                ident: AtomicU64::new(ident),
                native_id: AtomicU64::new(native_id),
                native_published: AtomicU32::new(u32::from(native_id != 0)),
                target: Mutex::new(target),
                handle: Mutex::new(None),
            }),
        }
    }

    fn phase(&self) -> u32 {
        self.inner.state.load(Acquire) & PHASE
    }

    /// Starts the thread's activity in a new OS thread (a Web Worker in browsers, a wasi
    /// thread under wasmtime). `Err(Runtime)` if it was already started, or if the platform
    /// cannot create a thread (then the thread is left unstarted and unregistered).
    pub fn start(&self) -> Result<()> {
        let inner = &*self.inner;
        if inner.kind != Kind::Normal
            || inner
                .state
                .compare_exchange(INITIAL, STARTED, AcqRel, Relaxed)
                .is_err()
        {
            return Err(Error::runtime("threads can only be started once"));
        }
        let ident = NEXT_IDENT.fetch_add(1, Relaxed);
        inner.ident.store(ident, Relaxed);
        excepthook::install_panic_hook();
        sys::set_trap_handler(bootstrap::after_trap);
        if !inner.daemon.load(Relaxed) {
            register_exit_hook();
        }
        registry().insert(ident, self.clone());
        let me = self.clone();
        let spawned = sys::spawn(
            &self.name(),
            STACK_SIZE.load(Relaxed),
            Box::new(move || bootstrap::bootstrap(me)),
        );
        match spawned {
            Ok(h) => {
                *lock(&inner.handle) = Some(h);
                Ok(())
            }
            Err(e) => {
                registry().remove(&ident);
                inner.ident.store(0, Relaxed);
                inner.state.store(INITIAL, Release);
                Err(Error::runtime(format!("can't start new thread: {e}")))
            }
        }
    }

    /// Runs the target in the calling thread (Python's `run()`); the target is consumed and
    /// dropped, so a second call does nothing. Panics propagate to the caller.
    pub fn run(&self) {
        let target = lock(&self.inner.target).take();
        if let Some(mut t) = target {
            t.run();
        }
    }

    /// True from `start()` until the thread's activity ends.
    pub fn is_alive(&self) -> bool {
        self.phase() == STARTED
    }

    /// The thread's name.
    pub fn name(&self) -> String {
        lock(&self.inner.name).clone()
    }

    /// Renames the thread (Python's `t.name = ...`).
    pub fn set_name(&self, name: impl Into<String>) {
        *lock(&self.inner.name) = name.into();
    }

    /// The thread's ident (`get_ident()` inside it); `None` before `start()`.
    pub fn ident(&self) -> Option<u64> {
        match self.inner.ident.load(Relaxed) {
            0 => None,
            i => Some(i),
        }
    }

    /// The OS-level thread id (on wasm, a unique number per thread); `None` before
    /// `start()`. Right after `start()` it waits for the new thread to publish it.
    ///
    /// # Browsers
    /// On the page's UI thread, if the thread has not published its id after 1 s (its worker
    /// cannot start before the page returns to its event loop), this throws a JS exception.
    pub fn native_id(&self) -> Option<u64> {
        let inner = &*self.inner;
        let mut deadline = Deadline::NEVER;
        loop {
            match inner.native_id.load(Acquire) {
                0 if self.phase() == INITIAL => return None,
                0 => {
                    // Register as a waiter, then sleep until the thread publishes its id.
                    let _ = inner
                        .native_published
                        .compare_exchange(0, 2, Relaxed, Relaxed);
                    if inner.native_published.load(Acquire) == 2 {
                        // (`Deadline::NEVER` never times out; it only limits a thread that
                        // may not block.)
                        if let Next::Wait(_) = or_throw(deadline.next_wait()) {
                            wait(
                                &inner.native_published,
                                2,
                                Some(std::time::Duration::from_millis(50)),
                            );
                        }
                    }
                }
                id => return Some(id),
            }
        }
    }

    /// Whether this is a daemon thread (not waited for at exit).
    pub fn is_daemon(&self) -> bool {
        self.inner.daemon.load(Relaxed)
    }

    /// Sets the daemon flag. `Err(Runtime)` once the thread has started.
    pub fn set_daemon(&self, daemon: bool) -> Result<()> {
        if self.phase() != INITIAL {
            return Err(Error::runtime("cannot set daemon status of active thread"));
        }
        self.inner.daemon.store(daemon, Relaxed);
        Ok(())
    }

    fn addr(&self) -> usize {
        Arc::as_ptr(&self.inner) as usize
    }
}

impl fmt::Debug for Thread {
    /// Python's repr: `<Thread(worker, started 3)>`, `<Thread(Thread-1, stopped daemon 5)>`,
    /// `<Thread(Thread-2, initial)>`, `<_DummyThread(Dummy-3, started daemon 4)>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut status = match self.phase() {
            INITIAL => "initial",
            STARTED => "started",
            _ => "stopped",
        }
        .to_string();
        if self.is_daemon() {
            status.push_str(" daemon");
        }
        if let Some(i) = self.ident() {
            status.push_str(&format!(" {i}"));
        }
        write!(f, "<{}({}, {status})>", self.inner.class, self.name())
    }
}

identity_eq!(Thread, |t| t.addr());

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // The crate never panics while holding these; stay usable if user code ever did.
    m.lock().unwrap_or_else(|e| e.into_inner())
}
