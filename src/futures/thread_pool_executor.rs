//! `ThreadPoolExecutor`: Python's `concurrent.futures.ThreadPoolExecutor` (behaviours CF-10
//! to CF-32 and CF-45 to CF-48).
//!
//! CPython's algorithm (`concurrent/futures/thread.py`): `submit` puts a work item on a
//! [`SimpleQueue`] and, unless an idle worker is waiting (the idle [`Semaphore`]), starts a new
//! worker while there are fewer than `max_workers`. A worker runs the initializer, then takes
//! items until it finds the `None` sentinel, which it puts back for the next worker. A task's
//! panic is caught (`catch_unwind`) and becomes its future's [`Error::Panic`]; the worker goes
//! on and the excepthook never sees it.

use super::{panic_message, Future};
use crate::error::{Error, Result};
use crate::lock::Lock;
use crate::queue::SimpleQueue;
use crate::semaphore::Semaphore;
use crate::thread::Thread;
use std::cell::UnsafeCell;
use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// A queued task (Python's `_WorkItem`): `run` runs it (completing its future); `abort(None)`
/// cancels its future (`shutdown(cancel_futures=True)`), `abort(Some(e))` fails it with `e` (a
/// broken pool). One box per task holding the future and the function, not a box per method:
/// the profile of the 10,000-task benchmark had the allocator at about 40%.
///
/// Crate-visible so that a binding can queue work items of its own (the JS executor's tasks,
/// `src/js/thread_pool_executor.rs`, are JS module exports whose `run` hands the task over to
/// the worker's JS loop).
pub(crate) trait Work: Send {
    fn run(self: Box<Self>);
    fn abort(self: Box<Self>, e: Option<Error>);
}

pub(crate) type WorkItem = Box<dyn Work>;

/// What a worker thread runs, given its [`Worker`]: [`native_worker`] unless a binding sets
/// its own ([`ThreadPoolExecutorBuilder::runner`]).
pub(crate) type Runner = fn(Worker);

struct Task<R, F> {
    future: Future<R>,
    f: F,
}

impl<R: Send + 'static, F: FnOnce() -> R + Send> Work for Task<R, F> {
    fn run(self: Box<Self>) {
        let Task { future, f } = *self;
        // Python's `_WorkItem.run`: skip a cancelled future.
        if !matches!(future.set_running_or_notify_cancel(), Ok(true)) {
            return;
        }
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f))
            .map_err(|p| Error::Panic(panic_message(&*p)));
        let _ = future.finish(r);
    }

    fn abort(self: Box<Self>, e: Option<Error>) {
        self.future.abort(e);
    }
}

type Initializer = Arc<dyn Fn() + Send + Sync>;

struct PoolState {
    threads: Vec<Thread>,
    shutdown: bool,
    /// Python's `_broken`: why the pool cannot be used (an initializer failed).
    broken: Option<String>,
}

struct Shared {
    work: SimpleQueue<Option<WorkItem>>,
    idle: Semaphore,
    max_workers: usize,
    prefix: String,
    initializer: Option<Initializer>,
    runner: Runner,
    /// Python's `_shutdown_lock`: guards `state`.
    lock: Lock,
    state: UnsafeCell<PoolState>,
}

// SAFETY: `state` is only accessed while `lock` is held (through `Shared::state`), so one
// thread at a time touches it; the lock's acquire/release orderings publish its writes.
// Everything else in `Shared` is `Send + Sync`.
unsafe impl Sync for Shared {}
unsafe impl Send for Shared {}

impl Shared {
    #[allow(clippy::mut_from_ref)]
    fn state(&self) -> &mut PoolState {
        debug_assert!(self.lock.locked());
        // SAFETY: see `unsafe impl Sync for Shared`; callers hold `lock` and drop the reference
        // before releasing it.
        unsafe { &mut *self.state.get() }
    }
}

/// Python's `ThreadPoolExecutor._counter`: numbers the executors for their default names.
static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// Python's `concurrent.futures.ThreadPoolExecutor`: a pool of at most `max_workers` crate
/// threads running submitted tasks. Dropping it is Python's leaving `with`:
/// `shutdown(wait=true, cancel_futures=false)`.
///
/// ```
/// use pythreading::futures::ThreadPoolExecutor;
///
/// // Python:
/// //   with ThreadPoolExecutor(max_workers=3, thread_name_prefix='pool') as ex:
/// //       print(list(ex.map(lambda x: x * x, range(5))))
/// let ex = ThreadPoolExecutor::builder()
///     .max_workers(3)
///     .thread_name_prefix("pool")
///     .build()
///     .unwrap();
/// let squares: Vec<i32> = ex.map(|x| x * x, 0..5).unwrap().map(|r| r.unwrap()).collect();
/// assert_eq!(squares, [0, 1, 4, 9, 16]);
/// ```
pub struct ThreadPoolExecutor {
    shared: Arc<Shared>,
    /// Whether dropping waits for the workers (Python's `with`); a binding whose objects are
    /// dropped by a garbage collector turns it off ([`set_wait_on_drop`](Self::set_wait_on_drop)).
    wait_on_drop: bool,
}

/// Keyword arguments of [`ThreadPoolExecutor`]: `max_workers`, `thread_name_prefix`,
/// `initializer`.
///
/// ```
/// use pythreading::futures::ThreadPoolExecutor;
/// use std::sync::atomic::{AtomicUsize, Ordering};
/// use std::sync::Arc;
///
/// // Python: ThreadPoolExecutor(2, initializer=init)
/// let inits = Arc::new(AtomicUsize::new(0));
/// let i2 = inits.clone();
/// let ex = ThreadPoolExecutor::builder()
///     .max_workers(2)
///     .initializer(move || {
///         i2.fetch_add(1, Ordering::SeqCst);
///     })
///     .build()
///     .unwrap();
/// ex.submit(|| ()).unwrap().result().unwrap();
/// ex.shutdown(true, false);
/// assert!(inits.load(Ordering::SeqCst) >= 1);
/// ```
#[derive(Default)]
pub struct ThreadPoolExecutorBuilder {
    max_workers: Option<usize>,
    prefix: Option<String>,
    initializer: Option<Initializer>,
    runner: Option<Runner>,
}

impl ThreadPoolExecutorBuilder {
    /// `max_workers` (default: `min(32, cpu_count + 4)`). `0` makes `build` fail with
    /// `Err(Value)`.
    pub fn max_workers(mut self, n: usize) -> Self {
        self.max_workers = Some(n);
        self
    }

    /// `thread_name_prefix`: workers are named `PREFIX_0`, `PREFIX_1`, ... (default prefix
    /// `ThreadPoolExecutor-N`, N numbering the executors).
    pub fn thread_name_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = Some(prefix.into());
        self
    }

    /// `initializer`: run at the start of each worker. If it panics, the pool is broken:
    /// queued and later tasks fail with `Err(Runtime)` (Python's `BrokenThreadPool`). Catching
    /// the panic needs unwinding (see the [module docs](crate::futures)).
    pub fn initializer(mut self, f: impl Fn() + Send + Sync + 'static) -> Self {
        self.initializer = Some(Arc::new(f));
        self
    }

    /// What each worker thread runs instead of [`native_worker`] (a binding's own loop over
    /// [`Worker::next`]).
    #[allow(dead_code)] // only the browser binding has its own (src/js/thread_pool_executor.rs)
    pub(crate) fn runner(mut self, r: Runner) -> Self {
        self.runner = Some(r);
        self
    }

    /// The executor. `max_workers(0)`: `Err(Value)` ("max_workers must be greater than 0").
    pub fn build(self) -> Result<ThreadPoolExecutor> {
        let max_workers = match self.max_workers {
            Some(0) => return Err(Error::value("max_workers must be greater than 0")),
            Some(n) => n,
            None => default_workers(),
        };
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let prefix = self
            .prefix
            .unwrap_or_else(|| format!("ThreadPoolExecutor-{n}"));
        Ok(ThreadPoolExecutor {
            shared: Arc::new(Shared {
                work: SimpleQueue::new(),
                idle: Semaphore::new(0),
                max_workers,
                prefix,
                initializer: self.initializer,
                runner: self.runner.unwrap_or(native_worker),
                lock: Lock::new(),
                state: UnsafeCell::new(PoolState {
                    threads: Vec::new(),
                    shutdown: false,
                    broken: None,
                }),
            }),
            wait_on_drop: true,
        })
    }
}

/// Python's default: `min(32, (os.process_cpu_count() or 1) + 4)`.
fn default_workers() -> usize {
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    32.min(cpus + 4)
}

fn broken_error(why: &str) -> Error {
    Error::runtime(format!("BrokenThreadPool: {why}"))
}

/// A worker thread's view of its pool: the next work item, Python's `_worker` loop body.
pub(crate) struct Worker(Arc<Shared>);

impl Worker {
    /// Runs the initializer, if any. `false` if it panicked: the pool is broken, and the worker
    /// ends without taking work.
    pub(crate) fn initialize(&self) -> bool {
        if let Some(init) = &self.0.initializer {
            if let Err(p) = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| init())) {
                eprintln!("Exception in initializer:\n{}", panic_message(&*p));
                initializer_failed(&self.0);
                return false;
            }
        }
        true
    }

    /// The next work item, waiting for one; `None` once the worker should end (it found the
    /// sentinel, which it put back for the next worker).
    #[inline]
    pub(crate) fn next(&self) -> Option<WorkItem> {
        let shared = &self.0;
        let item = match shared.work.get_nowait() {
            Ok(item) => item,
            Err(_) => {
                // Idle: let `submit` know it need not start a thread.
                let _ = shared.idle.release(1);
                shared.work.get().ok()?
            }
        };
        if item.is_none() {
            // The sentinel: pass it on to the next worker and end.
            shared.work.put(None);
        }
        item
    }
}

/// A worker: Python's `_worker`, running each item in turn.
fn native_worker(w: Worker) {
    if !w.initialize() {
        return;
    }
    while let Some(item) = w.next() {
        item.run();
    }
}

/// Python's `_initializer_failed`: the pool is broken; every queued task fails.
fn initializer_failed(shared: &Shared) {
    let why = "A thread initializer failed, the thread pool is not usable anymore";
    {
        let _g = shared.lock.guard();
        shared.state().broken = Some(why.to_string());
    }
    while let Ok(item) = shared.work.get_nowait() {
        match item {
            Some(item) => item.abort(Some(broken_error(why))),
            None => {
                shared.work.put(None);
                break;
            }
        }
    }
}

impl ThreadPoolExecutor {
    /// Python's `ThreadPoolExecutor(max_workers)`: `None` is Python's default,
    /// `min(32, cpu_count + 4)`; `Some(0)` is `Err(Value)`.
    ///
    /// ```
    /// use pythreading::futures::ThreadPoolExecutor;
    /// assert!(ThreadPoolExecutor::new(Some(4)).is_ok());
    /// // Python: ThreadPoolExecutor(0) -> ValueError
    /// assert!(matches!(ThreadPoolExecutor::new(Some(0)), Err(pythreading::Error::Value(_))));
    /// ```
    pub fn new(max_workers: Option<usize>) -> Result<ThreadPoolExecutor> {
        ThreadPoolExecutorBuilder {
            max_workers,
            ..Default::default()
        }
        .build()
    }

    /// The keyword arguments: `max_workers`, `thread_name_prefix`, `initializer`.
    ///
    /// ```
    /// let ex = pythreading::futures::ThreadPoolExecutor::builder().max_workers(1).build().unwrap();
    /// assert_eq!(ex.max_workers(), 1);
    /// ```
    pub fn builder() -> ThreadPoolExecutorBuilder {
        ThreadPoolExecutorBuilder::default()
    }

    /// Python's `_max_workers`.
    ///
    /// ```
    /// let ex = pythreading::futures::ThreadPoolExecutor::new(Some(3)).unwrap();
    /// assert_eq!(ex.max_workers(), 3);
    /// ```
    pub fn max_workers(&self) -> usize {
        self.shared.max_workers
    }

    /// The workers started so far (Python's `_threads`): at most `max_workers`, reused while
    /// idle.
    ///
    /// ```
    /// let ex = pythreading::futures::ThreadPoolExecutor::new(Some(2)).unwrap();
    /// ex.submit(|| ()).unwrap().result().unwrap();
    /// let names: Vec<String> = ex.threads().iter().map(|t| t.name()).collect();
    /// assert_eq!(names.len(), 1);
    /// assert!(names[0].starts_with("ThreadPoolExecutor-") && names[0].ends_with("_0"));
    /// ```
    pub fn threads(&self) -> Vec<Thread> {
        let _g = self.shared.lock.guard();
        self.shared.state().threads.clone()
    }

    /// Python's `submit(fn)`: schedules `f` and returns its [`Future`]. After `shutdown`:
    /// `Err(Runtime)` ("cannot schedule new futures after shutdown"); on a broken pool,
    /// `Err(Runtime)` (Python's `BrokenThreadPool`).
    ///
    /// ```
    /// use pythreading::futures::ThreadPoolExecutor;
    /// let ex = ThreadPoolExecutor::new(Some(1)).unwrap();
    /// // Python: ex.submit(pow, 2, 8).result()
    /// assert_eq!(ex.submit(|| 2i32.pow(8)).unwrap().result(), Ok(256));
    /// ex.shutdown(true, false);
    /// assert!(ex.submit(|| 1).is_err());
    /// ```
    pub fn submit<R: Send + 'static>(
        &self,
        f: impl FnOnce() -> R + Send + 'static,
    ) -> Result<Future<R>> {
        let future = Future::new();
        self.submit_work(Box::new(Task {
            future: future.clone(),
            f,
        }))?;
        Ok(future)
    }

    /// Queues `item` (what `submit` does with a task): `Err` after shutdown or on a broken
    /// pool, the item dropped unrun.
    pub(crate) fn submit_work(&self, item: WorkItem) -> Result<()> {
        let shared = &self.shared;
        let _g = shared.lock.guard();
        let st = shared.state();
        if let Some(why) = &st.broken {
            return Err(broken_error(why));
        }
        if st.shutdown {
            return Err(Error::runtime("cannot schedule new futures after shutdown"));
        }
        shared.work.put(Some(item));
        self.adjust_thread_count()
    }

    /// Python's `_adjust_thread_count` (with the lock held): reuse an idle worker, else start
    /// one while below `max_workers`.
    fn adjust_thread_count(&self) -> Result<()> {
        let shared = &self.shared;
        if shared.idle.try_acquire() {
            return Ok(());
        }
        let st = shared.state();
        if st.threads.len() < shared.max_workers {
            let name = format!("{}_{}", shared.prefix, st.threads.len());
            let s2 = shared.clone();
            // Daemon workers: a program that never shuts its executor down still exits (Python
            // joins them at exit instead, through a private atexit hook).
            let t = Thread::builder()
                .name(name)
                .daemon(true)
                .target(move || {
                    let run = s2.runner;
                    run(Worker(s2))
                })
                .build();
            t.start()?;
            st.threads.push(t);
        }
        Ok(())
    }

    /// Python's `map(fn, iterable)`: submits `f(x)` for every `x` at once and returns an
    /// iterator over the results in order (each `Ok(value)` or the task's error). Dropping the
    /// iterator cancels the tasks not yet started.
    ///
    /// ```
    /// use pythreading::futures::ThreadPoolExecutor;
    /// let ex = ThreadPoolExecutor::new(Some(4)).unwrap();
    /// // Python: list(ex.map(str.upper, ['a', 'b']))
    /// let up: Vec<String> = ex.map(|s: &str| s.to_uppercase(), ["a", "b"]).unwrap()
    ///     .map(|r| r.unwrap()).collect();
    /// assert_eq!(up, ["A", "B"]);
    /// ```
    pub fn map<T, R, F, I>(&self, f: F, iter: I) -> Result<Map<R>>
    where
        T: Send + 'static,
        R: Clone + Send + 'static,
        F: Fn(T) -> R + Send + Sync + 'static,
        I: IntoIterator<Item = T>,
    {
        self.map_with(f, iter, None)
    }

    /// Python's `map(fn, iterable, timeout=t)`: as [`map`](Self::map), but once `t` seconds
    /// (from this call) have passed, the next result not yet there is `Err(Error::Timeout)`
    /// and the iteration ends, cancelling the rest. NaN is `Err(Value)` here.
    ///
    /// ```
    /// use pythreading::futures::ThreadPoolExecutor;
    /// use pythreading::Error;
    /// let ex = ThreadPoolExecutor::new(Some(1)).unwrap();
    /// let gate = pythreading::Event::new();
    /// let g = gate.clone();
    /// let blocker = ex.submit(move || { g.wait(); }).unwrap();
    /// let mut it = ex.map_timeout(|x: i32| x, [1, 2], 0.0).unwrap();
    /// assert_eq!(it.next(), Some(Err(Error::Timeout)));
    /// gate.set();
    /// blocker.result().unwrap();
    /// ```
    pub fn map_timeout<T, R, F, I>(&self, f: F, iter: I, t: f64) -> Result<Map<R>>
    where
        T: Send + 'static,
        R: Clone + Send + 'static,
        F: Fn(T) -> R + Send + Sync + 'static,
        I: IntoIterator<Item = T>,
    {
        self.map_with(f, iter, Some(t))
    }

    fn map_with<T, R, F, I>(&self, f: F, iter: I, timeout: Option<f64>) -> Result<Map<R>>
    where
        T: Send + 'static,
        R: Clone + Send + 'static,
        F: Fn(T) -> R + Send + Sync + 'static,
        I: IntoIterator<Item = T>,
    {
        let at = match timeout {
            None => None,
            Some(t) => {
                let d = crate::Timeout::from(t).for_wait()?;
                crate::sys::Instant::now().checked_add(d)
            }
        };
        let f = Arc::new(f);
        let mut fs = std::collections::VecDeque::new();
        for x in iter {
            let f = f.clone();
            match self.submit(move || f(x)) {
                Ok(fut) => fs.push_back(fut),
                Err(e) => {
                    for fut in &fs {
                        fut.cancel();
                    }
                    return Err(e);
                }
            }
        }
        Ok(Map {
            fs,
            at,
            ended: false,
        })
    }

    /// Python's `shutdown(wait=True, *, cancel_futures=False)`: no new tasks are accepted;
    /// with `cancel_futures` the tasks not yet started are cancelled; the workers end once the
    /// queue is drained; with `wait`, returns when they have. Calling it again is harmless.
    ///
    /// ```
    /// use pythreading::futures::ThreadPoolExecutor;
    /// let ex = ThreadPoolExecutor::new(Some(2)).unwrap();
    /// let f = ex.submit(|| 1).unwrap();
    /// ex.shutdown(true, false);
    /// assert_eq!(f.result(), Ok(1)); // queued work still runs
    /// assert!(ex.threads().iter().all(|t| !t.is_alive()));
    /// ```
    pub fn shutdown(&self, wait: bool, cancel_futures: bool) {
        let shared = &self.shared;
        let threads = {
            let _g = shared.lock.guard();
            shared.state().shutdown = true;
            if cancel_futures {
                while let Ok(item) = shared.work.get_nowait() {
                    if let Some(item) = item {
                        item.abort(None);
                    }
                }
            }
            // The sentinel wakes one worker, which passes it on.
            shared.work.put(None);
            shared.state().threads.clone()
        };
        if wait {
            for t in threads {
                // Only where the thread may not block (the page's UI thread) can this fail.
                let _ = t.join();
            }
        }
    }
}

impl ThreadPoolExecutor {
    /// Whether dropping the executor waits for its workers (default `true`, Python's `with`).
    /// `false` is Python's executor collected without `shutdown()`: the workers end once the
    /// queued work is done, and nobody waits (what a binding wants whose objects a garbage
    /// collector drops, on any thread).
    #[allow(dead_code)] // only the browser binding's objects are collected
    pub(crate) fn set_wait_on_drop(&mut self, wait: bool) {
        self.wait_on_drop = wait;
    }
}

/// Shuts down like Python's leaving `with`: `shutdown(wait=true, cancel_futures=false)`.
impl Drop for ThreadPoolExecutor {
    fn drop(&mut self) {
        self.shutdown(self.wait_on_drop, false);
    }
}

impl fmt::Debug for ThreadPoolExecutor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "<concurrent.futures.thread.ThreadPoolExecutor object at {:#x}>",
            Arc::as_ptr(&self.shared) as usize
        )
    }
}

/// The iterator of [`ThreadPoolExecutor::map`]: the results in order. Dropping it cancels
/// the tasks not yet started (Python's `finally: future.cancel()`).
pub struct Map<R: Send + 'static> {
    fs: std::collections::VecDeque<Future<R>>,
    at: Option<crate::sys::Instant>,
    ended: bool,
}

impl<R: Clone + Send + 'static> Iterator for Map<R> {
    type Item = Result<R>;

    fn next(&mut self) -> Option<Result<R>> {
        if self.ended {
            return None;
        }
        let f = self.fs.pop_front()?;
        let r = match self.at {
            None => f.result(),
            Some(at) => {
                let left = at.saturating_duration_since(crate::sys::Instant::now());
                f.result_timeout(left)
            }
        };
        if matches!(r, Err(Error::Timeout)) {
            // Python cancels the timed-out future too.
            f.cancel();
            self.ended = true;
        }
        Some(r)
    }
}

/// Reads like Python's repr of the generator `map` returns.
impl<R: Send + 'static> fmt::Debug for Map<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "<generator object Executor.map.<locals>.result_iterator at {:#x}>",
            self as *const Self as usize
        )
    }
}

impl<R: Send + 'static> Drop for Map<R> {
    fn drop(&mut self) {
        for f in &self.fs {
            f.cancel();
        }
    }
}
