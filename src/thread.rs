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

use crate::error::{Error, Result};
use crate::excepthook::{self, ExceptHookArgs};
use crate::sys::{self, wait, wake_all};
use crate::timeout::{or_throw, Deadline, Next, Step, Timeout};
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::fmt;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
// The futex words (`state`, `native_published`) use the seam's atomics (loom's under
// cfg(loom)); process-wide counters are plain std atomics, which can be `static`.
use crate::sys::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering::*};
use std::sync::atomic::{AtomicU64 as StdAtomicU64, AtomicUsize as StdAtomicUsize};
use std::sync::{Arc, LazyLock, Mutex, MutexGuard, Once, RwLock};

const INITIAL: u32 = 0;
const STARTED: u32 = 1;
const STOPPED: u32 = 2;
const PHASE: u32 = 3;
/// In `state`: a joiner may be asleep on the word.
const JOIN_WAITERS: u32 = 4;

/// `get_ident()` of the OS main thread.
const MAIN_IDENT: u64 = 1;

/// What a thread runs: Python's "subclass `Thread` and override `run()`".
///
/// ```
/// use pythreading as threading;
///
/// // Python:
/// //   class MyThread(threading.Thread):
/// //       def run(self):
/// //           print('running')
/// struct MyThread {
///     count: usize,
/// }
/// impl threading::Run for MyThread {
///     fn run(&mut self) {
///         self.count += 1;
///         println!("running {}", self.count);
///     }
/// }
/// let t = threading::Thread::from_run(MyThread { count: 0 });
/// assert!(format!("{t:?}").starts_with("<MyThread(Thread-"));
/// t.start().unwrap();
/// t.join().unwrap();
/// ```
pub trait Run: Send + 'static {
    /// The thread's activity.
    fn run(&mut self);
}

struct FnRun<F>(Option<F>);

impl<F: FnOnce() + Send + 'static> Run for FnRun<F> {
    fn run(&mut self) {
        if let Some(f) = self.0.take() {
            f()
        }
    }
}

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

/// Python's keyword arguments of `Thread(...)`: `name`, `daemon`, `target`, or a [`Run`] value
/// for the subclass pattern.
#[must_use = "call build() to get the Thread"]
pub struct Builder {
    name: Option<String>,
    daemon: Option<bool>,
    target: Option<Box<dyn Run>>,
    target_name: Option<String>,
    class: String,
}

/// The name of a fn item or a type, from `std::any::type_name`: the last path segment, with
/// generic arguments (`<...>` groups, which also hold `<T as Trait>` qualifications) removed.
/// `None` for what has no name in Python's sense: closures, fn pointers, boxed or borrowed
/// callables, tuples, slices.
fn short_name(full: &str) -> Option<String> {
    let unnamed = [
        "fn(",
        "&",
        "*",
        "dyn ",
        "(",
        "[",
        "alloc::boxed::Box<",
        "alloc::sync::Arc<",
    ];
    if full.contains("{{closure}}")
        || full.contains("fn(")
        || unnamed.iter().any(|p| full.starts_with(p))
    {
        return None;
    }
    let mut depth = 0usize;
    let mut path = String::with_capacity(full.len());
    for c in full.chars() {
        match c {
            '<' => depth += 1,
            '>' => depth = depth.saturating_sub(1),
            _ if depth == 0 => path.push(c),
            _ => {}
        }
    }
    let last = path.rsplit("::").next().unwrap_or("").trim();
    (!last.is_empty()).then(|| last.to_owned())
}

static NAME_COUNTER: StdAtomicU64 = StdAtomicU64::new(1);

fn new_name(template: &str) -> String {
    // Relaxed: only uniqueness of the number matters.
    format!("{template}-{}", NAME_COUNTER.fetch_add(1, Relaxed))
}

impl Builder {
    fn new() -> Builder {
        Builder {
            name: None,
            daemon: None,
            target: None,
            target_name: None,
            class: "Thread".into(),
        }
    }

    /// The thread's name; empty means unnamed (Python: `Thread-N`, or `Thread-N (func)` when
    /// the target is a named function).
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Whether the thread is a daemon (default: inherited from the creating thread).
    pub fn daemon(mut self, daemon: bool) -> Self {
        self.daemon = Some(daemon);
        self
    }

    /// The callable run by `run()` (Python's `target=`; arguments are captured by the closure).
    pub fn target<F: FnOnce() + Send + 'static>(mut self, f: F) -> Self {
        self.target_name = short_name(std::any::type_name::<F>());
        self.target = Some(Box::new(FnRun(Some(f))));
        self
    }

    /// A [`Run`] value whose `run` is the thread's activity (Python's subclass pattern); the
    /// type's name becomes the repr's class name.
    pub fn run<R: Run>(mut self, r: R) -> Self {
        self.class = short_name(std::any::type_name::<R>()).unwrap_or_else(|| "Thread".into());
        self.target = Some(Box::new(r));
        self.target_name = None;
        self
    }

    pub(crate) fn class(mut self, class: &str) -> Self {
        self.class = class.into();
        self
    }

    /// Creates the thread (not started).
    pub fn build(self) -> Thread {
        let name = match self.name {
            Some(n) if !n.is_empty() => n,
            _ => match self.target_name {
                Some(t) => format!("{} ({t})", new_name("Thread")),
                None => new_name("Thread"),
            },
        };
        let daemon = self.daemon.unwrap_or_else(|| current_thread().is_daemon());
        Thread::make(Kind::Normal, &self.class, name, daemon, 0, 0, self.target)
    }
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
        if !inner.daemon.load(Relaxed) {
            register_exit_hook();
        }
        registry().insert(ident, self.clone());
        let me = self.clone();
        let spawned = sys::spawn(
            &self.name(),
            STACK_SIZE.load(Relaxed),
            Box::new(move || bootstrap(me)),
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

    fn check_joinable(&self) -> Result<()> {
        if self.inner.kind == Kind::Dummy {
            return Err(Error::runtime("cannot join a dummy thread"));
        }
        if self.phase() == INITIAL {
            return Err(Error::runtime("cannot join thread before it is started"));
        }
        if self.inner.ident.load(Relaxed) == get_ident() {
            return Err(Error::runtime("cannot join current thread"));
        }
        Ok(())
    }

    /// Waits until the thread terminates. `Err(Runtime)` before `start()`, for the current
    /// thread, and for dummy threads. A panic in the thread is not re-raised here.
    ///
    /// # Browsers
    /// On the page's UI thread, which may not block, joining a thread that has stopped works;
    /// joining one still running returns `Err(Runtime)` at once (so does `join_timeout` with a
    /// positive timeout). From JS, await `joinAsync()` instead.
    pub fn join(&self) -> Result<()> {
        self.check_joinable()?;
        if self.phase() != STOPPED {
            // A thread that may not block refuses before anything changes.
            Deadline::after(None).check_may_wait()?;
        }
        // The first joiner joins the OS thread directly: one sleep, as `std`'s join (on wasm the
        // seam's join only detaches, and the wait below does the waiting).
        let handle = lock(&self.inner.handle).take();
        if let Some(h) = handle {
            h.join();
        }
        self.wait_stopped(Deadline::after(None))
    }

    /// Waits at most `t` (Python's `join(timeout)`); like Python it returns nothing either
    /// way: check [`is_alive`](Thread::is_alive). Errors as `join`, plus NaN -> `Value` and
    /// above `TIMEOUT_MAX` -> `Overflow`.
    pub fn join_timeout(&self, t: impl Into<Timeout>) -> Result<()> {
        self.check_joinable()?;
        let t = t.into().for_wait()?;
        self.wait_stopped(Deadline::after(Some(t)))
    }

    /// Waits for the thread to stop (`Ok` also when the timeout passed first: check
    /// `is_alive`); `Err(Runtime)` instead of a wait on a thread that may not block.
    fn wait_stopped(&self, mut deadline: Deadline) -> Result<()> {
        let state = &self.inner.state;
        let mut s = state.load(Acquire);
        loop {
            if s & PHASE == STOPPED {
                // Reap the OS thread too, so its resources are gone when join returns.
                let handle = lock(&self.inner.handle).take();
                if let Some(h) = handle {
                    h.join();
                }
                return Ok(());
            }
            let t = match deadline.next_wait()? {
                Next::TimedOut => return Ok(()),
                Next::Wait(t) => t,
            };
            if s & JOIN_WAITERS == 0 {
                if let Err(now) = state.compare_exchange(s, s | JOIN_WAITERS, Acquire, Acquire) {
                    s = now;
                    continue;
                }
                s |= JOIN_WAITERS;
            }
            wait(state, s, t);
            s = state.load(Acquire);
        }
    }

    /// One step of a join that waits elsewhere (see [`Step`]; the browser's `joinAsync`):
    /// `Err` as `join`'s checks; `Done` once the thread stopped, else registers as a joiner
    /// and names the state word. On timeout nothing is left to undo.
    #[allow(dead_code)] // used by the browser's JS classes only
    pub(crate) fn join_step(&self) -> Result<Step<'_, ()>> {
        self.check_joinable()?;
        let state = &self.inner.state;
        let mut s = state.load(Acquire);
        loop {
            if s & PHASE == STOPPED {
                let handle = lock(&self.inner.handle).take();
                if let Some(h) = handle {
                    h.join();
                }
                return Ok(Step::Done(()));
            }
            if s & JOIN_WAITERS == 0 {
                if let Err(now) = state.compare_exchange(s, s | JOIN_WAITERS, Acquire, Acquire) {
                    s = now;
                    continue;
                }
                s |= JOIN_WAITERS;
            }
            return Ok(Step::Wait(state, s));
        }
    }

    /// Leaves the registry, then marks the thread stopped and wakes joiners.
    fn mark_stopped(&self) {
        let ident = self.inner.ident.load(Relaxed);
        {
            let mut reg = registry();
            if reg.get(&ident) == Some(self) {
                reg.remove(&ident);
            }
        }
        let old = self.inner.state.swap(STOPPED, Release);
        if old & JOIN_WAITERS != 0 {
            wake_all(&self.inner.state);
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

// ---- identity and the registry --------------------------------------------------------------

static NEXT_IDENT: StdAtomicU64 = StdAtomicU64::new(MAIN_IDENT + 1);

thread_local! {
    static IDENT: Cell<u64> = const { Cell::new(0) };
    static CURRENT: CurrentSlot = const { CurrentSlot(RefCell::new(None)) };
    /// True while a crate thread runs its target (and its excepthook): panics there are
    /// reported through the excepthook instead of std's panic message.
    pub(crate) static IN_RUN: Cell<bool> = const { Cell::new(false) };
    /// Set by `exit_thread()`: the thread's end is silent (Python's SystemExit).
    static EXITING: Cell<bool> = const { Cell::new(false) };
    /// How many times the host's trap handler entered `after_trap` on this thread.
    static TRAP_STAGE: Cell<u8> = const { Cell::new(0) };
}

/// The calling thread's `Thread`. Overwritable: a platform may run several crate threads one
/// after the other on one OS thread (browser workers are reused), and each sets its own.
struct CurrentSlot(RefCell<Option<Thread>>);

impl CurrentSlot {
    fn get(&self) -> Option<Thread> {
        self.0.borrow().clone()
    }

    fn set(&self, t: Option<Thread>) {
        let old = self.0.replace(t);
        drop(old); // outside the borrow
    }
}

impl Drop for CurrentSlot {
    fn drop(&mut self) {
        // A foreign thread's dummy leaves the registry when the OS thread exits (T-07c).
        if let Some(t) = self.0.get_mut().take() {
            if t.inner.kind == Kind::Dummy {
                t.mark_stopped();
            }
        }
    }
}

/// The calling thread's identifier: non-zero, unique among all threads that ever ran in this
/// process, `1` for the OS main thread (Python's `threading.get_ident()`).
///
/// ```
/// use pythreading as threading;
/// let here = threading::get_ident();
/// let there = std::thread::spawn(threading::get_ident).join().unwrap();
/// assert_ne!(here, there);
/// assert_eq!(here, threading::current_thread().ident().unwrap());
/// ```
#[inline]
pub fn get_ident() -> u64 {
    match IDENT.with(Cell::get) {
        0 => assign_ident(),
        id => id,
    }
}

/// First `get_ident()` in a thread the crate did not start.
#[cold]
fn assign_ident() -> u64 {
    let id = if sys::is_main_thread() {
        MAIN_IDENT
    } else {
        NEXT_IDENT.fetch_add(1, Relaxed)
    };
    IDENT.with(|c| c.set(id));
    id
}

/// The OS's id for the calling thread (Python's `threading.get_native_id()`); on wasm a unique
/// per-thread number.
pub fn get_native_id() -> u64 {
    sys::native_id()
}

static MAIN: LazyLock<Thread> = LazyLock::new(|| {
    Thread::make(
        Kind::Main,
        "_MainThread",
        "MainThread".into(),
        false,
        MAIN_IDENT,
        sys::main_native_id().unwrap_or(0),
        None,
    )
});

static REGISTRY: LazyLock<Mutex<BTreeMap<u64, Thread>>> = LazyLock::new(|| {
    let mut m = BTreeMap::new();
    m.insert(MAIN_IDENT, MAIN.clone());
    Mutex::new(m)
});

fn registry() -> MutexGuard<'static, BTreeMap<u64, Thread>> {
    lock(&REGISTRY)
}

/// The `Thread` of the OS main thread, named `MainThread` (Python's `threading.main_thread()`).
///
/// ```
/// use pythreading as threading;
/// assert_eq!(threading::main_thread().name(), "MainThread");
/// assert_eq!(threading::main_thread().ident(), Some(1));
/// ```
pub fn main_thread() -> Thread {
    MAIN.clone()
}

fn make_current() -> Thread {
    let ident = get_ident();
    if ident == MAIN_IDENT {
        let _ = MAIN
            .inner
            .native_id
            .compare_exchange(0, sys::native_id(), Relaxed, Relaxed);
        MAIN.inner.native_published.store(1, Release);
        return main_thread();
    }
    let dummy = Thread::make(
        Kind::Dummy,
        "_DummyThread",
        new_name("Dummy"),
        true,
        ident,
        sys::native_id(),
        None,
    );
    registry().insert(ident, dummy.clone());
    dummy
}

/// The `Thread` of the calling thread (Python's `threading.current_thread()`). For a thread the
/// crate did not create, a dummy `Thread` is made and registered: alive, daemonic, not joinable,
/// and removed from `enumerate()` when that OS thread exits.
///
/// ```
/// use pythreading as threading;
/// let t = threading::Thread::builder()
///     .name("worker")
///     .target(|| assert_eq!(threading::current_thread().name(), "worker"))
///     .build();
/// t.start().unwrap();
/// t.join().unwrap();
/// std::thread::spawn(|| {
///     let me = threading::current_thread();
///     assert!(me.is_daemon() && me.is_alive() && me.join().is_err());
/// }).join().unwrap();
/// ```
pub fn current_thread() -> Thread {
    CURRENT
        .try_with(|slot| {
            slot.get().unwrap_or_else(|| {
                let t = make_current();
                slot.set(Some(t.clone()));
                t
            })
        })
        // During this thread's TLS teardown: an unregistered stand-in.
        .unwrap_or_else(|_| {
            Thread::make(
                Kind::Dummy,
                "_DummyThread",
                new_name("Dummy"),
                true,
                get_ident(),
                sys::native_id(),
                None,
            )
        })
}

/// Every alive `Thread`: started crate threads, dummies of foreign threads that called
/// `current_thread()`, and the main thread (Python's `threading.enumerate()`).
pub fn enumerate() -> Vec<Thread> {
    registry().values().cloned().collect()
}

/// `enumerate().len()` (Python's `threading.active_count()`).
pub fn active_count() -> usize {
    registry().len()
}

// ---- stack size -----------------------------------------------------------------------------

static STACK_SIZE: StdAtomicUsize = StdAtomicUsize::new(0);

/// Python's `threading.stack_size([size])`: the stack size for threads started from now on.
/// `None` only reads it; `Some(0)` restores the platform default; otherwise at least 32 KiB.
/// Returns the previous setting (0 = platform default). `Err(Value)` for a too-small size,
/// which leaves the setting unchanged.
///
/// ```
/// use pythreading as threading;
/// let old = threading::stack_size(Some(256 * 1024)).unwrap();
/// assert_eq!(threading::stack_size(None), Ok(256 * 1024));
/// assert!(threading::stack_size(Some(1000)).is_err());
/// threading::stack_size(Some(old)).unwrap();
/// ```
pub fn stack_size(size: Option<usize>) -> Result<usize> {
    match size {
        None => Ok(STACK_SIZE.load(Relaxed)),
        Some(n) if n != 0 && n < sys::MIN_STACK_SIZE => {
            Err(Error::value(format!("size not valid: {n} bytes")))
        }
        Some(n) => Ok(STACK_SIZE.swap(n, Relaxed)),
    }
}

// ---- running a thread -----------------------------------------------------------------------

/// Marker payload of `exit_thread()`.
struct ExitThread;

fn bootstrap(me: Thread) {
    let inner = &*me.inner;
    IDENT.with(|c| c.set(inner.ident.load(Relaxed)));
    inner.native_id.store(sys::native_id(), Release);
    if inner.native_published.swap(1, Release) == 2 {
        wake_all(&inner.native_published);
    }
    let _ = CURRENT.try_with(|slot| slot.set(Some(me.clone())));
    EXITING.with(|e| e.set(false));
    TRAP_STAGE.with(|s| s.set(0));
    IN_RUN.with(|f| f.set(true));
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        if let Some(hook) = gettrace() {
            hook(&me);
        }
        if let Some(hook) = getprofile() {
            hook(&me);
        }
        me.run();
    }));
    if let Err(payload) = outcome {
        if !payload.is::<ExitThread>() {
            excepthook::excepthook(&ExceptHookArgs::from_panic(
                Some(me.clone()),
                Some(&*payload),
            ));
        }
    }
    IN_RUN.with(|f| f.set(false));
    finish(&me);
}

fn finish(me: &Thread) {
    // Drop the thread's Local values before it counts as stopped, so that they are gone when
    // join() returns.
    crate::local::thread_exit(me.inner.ident.load(Relaxed));
    sys::thread_finishing();
    me.mark_stopped();
    // The OS thread may outlive (or, on a reused worker, run another) crate thread: forget
    // this one so its TLS does not keep the finished Thread alive.
    let _ = CURRENT.try_with(|slot| slot.set(None));
}

/// The host's trap handler landed here, on the instance of a crate thread whose panic aborted
/// (wasm): report the panic like an unwinding one, then stop the thread.
///
/// Re-entrant by design: if reporting traps too (a custom excepthook that panics), the host
/// calls this again on the same instance, and the second call reports the hook's failure as
/// Python does (`Exception in threading.excepthook:`) and stops the thread; a third call only
/// stops it.
#[allow(dead_code)]
pub(crate) fn after_trap() {
    let me = match CURRENT.try_with(CurrentSlot::get) {
        Ok(Some(t)) if t.inner.kind == Kind::Normal && t.is_alive() => t,
        _ => return,
    };
    let stage = TRAP_STAGE.with(|s| s.replace(s.get().saturating_add(1)));
    match stage {
        0 if !EXITING.with(Cell::get) => {
            excepthook::excepthook(&ExceptHookArgs::from_panic(Some(me.clone()), None));
        }
        1 => excepthook::report_hook_failure(None),
        _ => {}
    }
    IN_RUN.with(|f| f.set(false));
    finish(&me);
}

/// Ends the calling thread silently, as Python's `sys.exit()` / `_thread.exit()` inside a
/// thread: the excepthook is not called, joiners return. Called on the main thread, it runs
/// [`shutdown`] and exits the process with status 0 (Python's `SystemExit` in the main thread).
///
/// ```no_run
/// use pythreading as threading;
/// let t = threading::Thread::new(|| {
///     threading::exit_thread();
/// });
/// t.start().unwrap();
/// t.join().unwrap();
/// ```
pub fn exit_thread() -> ! {
    if get_ident() == MAIN_IDENT {
        shutdown();
        std::process::exit(0);
    }
    EXITING.with(|e| e.set(true));
    resume_unwind(Box::new(ExitThread))
}

// ---- exit rule ------------------------------------------------------------------------------

/// Python's interpreter shutdown: marks the main thread stopped (when called from it, so that
/// `main_thread().join()` in other threads returns) and joins every alive non-daemon thread,
/// including threads started meanwhile by other threads. Daemon threads are not waited for.
///
/// Natively (and under wasi-libc) this runs by itself when the process exits after `main`
/// returns, so a program behaves like a Python script; call it yourself where the platform has
/// no exit hook (browsers) or to join threads earlier.
///
/// # Browsers
/// On the page's UI thread, which may not block, it waits at most 1 s for each thread still
/// running, then throws a JS exception; call it from the worker that runs the program.
///
/// ```
/// use pythreading as threading;
/// let t = threading::Thread::builder()
///     .daemon(false)
///     .target(|| std::thread::sleep(std::time::Duration::from_millis(20)))
///     .build();
/// t.start().unwrap();
/// threading::shutdown();
/// assert!(!t.is_alive());
/// ```
pub fn shutdown() {
    let me = get_ident();
    if me == MAIN_IDENT && MAIN.is_alive() {
        MAIN.mark_stopped();
    }
    loop {
        let pending: Vec<Thread> = registry()
            .values()
            .filter(|t| t.inner.kind == Kind::Normal && !t.is_daemon() && t.ident() != Some(me))
            .cloned()
            .collect();
        if pending.is_empty() {
            break;
        }
        for t in pending {
            if t.join().is_err() {
                // Only a thread that may not block gets here (the page's UI thread): wait as
                // the calls that cannot fail do (bounded, then a JS exception).
                or_throw(t.wait_stopped(Deadline::NEVER));
            }
        }
    }
}

extern "C" fn shutdown_at_exit() {
    // Never unwind into the C runtime.
    let _ = catch_unwind(shutdown);
}

fn register_exit_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        sys::at_exit(shutdown_at_exit);
    });
}

// ---- trace and profile hooks -----------------------------------------------------------------

/// A hook run in each new crate thread before its `run()` (see [`settrace`], [`setprofile`]).
pub type Hook = Arc<dyn Fn(&Thread) + Send + Sync>;

static TRACE: RwLock<Option<Hook>> = RwLock::new(None);
static PROFILE: RwLock<Option<Hook>> = RwLock::new(None);

fn read_hook(h: &RwLock<Option<Hook>>) -> Option<Hook> {
    h.read().unwrap_or_else(|e| e.into_inner()).clone()
}

fn write_hook(h: &RwLock<Option<Hook>>, v: Option<Hook>) {
    *h.write().unwrap_or_else(|e| e.into_inner()) = v;
}

/// Python's `threading.settrace(func)`: `f` runs in every thread started afterwards, before its
/// `run()`, with that thread's `Thread`.
///
/// ```
/// use pythreading as threading;
/// threading::settrace(|t| println!("tracing {}", t.name()));
/// assert!(threading::gettrace().is_some());
/// threading::clear_trace();
/// assert!(threading::gettrace().is_none());
/// ```
pub fn settrace(f: impl Fn(&Thread) + Send + Sync + 'static) {
    write_hook(&TRACE, Some(Arc::new(f)));
}

/// The hook set by [`settrace`] (Python's `threading.gettrace()`).
pub fn gettrace() -> Option<Hook> {
    read_hook(&TRACE)
}

/// Removes the trace hook (Python's `threading.settrace(None)`).
pub fn clear_trace() {
    write_hook(&TRACE, None);
}

/// Python's `threading.setprofile(func)`: like [`settrace`], a second, independent hook.
pub fn setprofile(f: impl Fn(&Thread) + Send + Sync + 'static) {
    write_hook(&PROFILE, Some(Arc::new(f)));
}

/// The hook set by [`setprofile`] (Python's `threading.getprofile()`).
pub fn getprofile() -> Option<Hook> {
    read_hook(&PROFILE)
}

/// Removes the profile hook (Python's `threading.setprofile(None)`).
pub fn clear_profile() {
    write_hook(&PROFILE, None);
}

/// Whether the calling thread is a crate thread running its target.
pub(crate) fn in_run() -> bool {
    IN_RUN.try_with(Cell::get).unwrap_or(false)
}

impl Thread {
    pub(crate) fn timer_builder() -> Builder {
        Builder::new().class("Timer")
    }
}
