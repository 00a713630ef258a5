//! `Future`: Python's `concurrent.futures.Future` (behaviours CF-01 to CF-09).
//!
//! The state (pending, running, cancelled, finished with a result or an error), the done
//! callbacks and the waiters of `as_completed`/`wait` sit behind one lock (the crate's futex
//! lock, [`RawLock`], inline). Callbacks run outside the lock (a callback may use the future),
//! in the thread that completes the future, or at once in `add_done_callback` on a future
//! already done, as in Python.
//!
//! `result()`/`exception()` callers that find the future pending wait on an [`Event`] that the
//! first of them hangs on the state, and that becoming done sets (Python uses a `Condition`;
//! "done" is final, so a one-shot flag is all a waiter needs: set before the waiter looks, it
//! returns at once, so no wake-up is lost). A future nobody waits for, the common case for an
//! executor's tasks, is thus one allocation: before, a `Lock` and a `Condition` over it made it
//! three, and the allocator was the top of the profile of the executor's 10,000-task
//! throughput (`perf record` of `cargo bench --bench queue_futures -- --no-cpython
//! executor_throughput`: `malloc`/`free` about 20% of the samples). Measured with
//! `PYTHREADING_BENCH_ROUNDS=11 cargo bench --bench queue_futures -- --no-cpython
//! executor_throughput` (same-run ratios, on a busy 2-core machine): rayon/ours 0.56×
//! [0.48–0.60] before, 1.39× [1.25–1.48] and 1.12× [1.03–1.28] after; the round trip
//! (`executor_round_trip`, which always waits) stayed at about 0.65× rayon's.

use crate::error::{Error, Result};
use crate::event::Event;
use crate::lock::RawLock;
use crate::queue::SimpleQueue;
use crate::sys::Instant;
use crate::timeout::{Deadline, Timeout};
use std::cell::UnsafeCell;
use std::fmt;
use std::sync::Arc;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Status {
    Pending,
    Running,
    Cancelled,
    Finished,
}

type Callback<R> = Box<dyn FnOnce(&Future<R>) + Send>;

struct State<R> {
    status: Status,
    result: Option<Result<R>>,
    callbacks: Vec<Callback<R>>,
    /// The queues of `as_completed`/`wait` calls waiting on this future: each gets the future
    /// once it is done.
    waiters: Vec<SimpleQueue<Future<R>>>,
    /// Set when the future becomes done; made by the first `result()`/`exception()` caller
    /// that has to wait (see the module docs).
    done_event: Option<Event>,
}

struct Inner<R> {
    lock: RawLock,
    /// Only touched while `lock` is held (see `state`).
    state: UnsafeCell<State<R>>,
}

/// Holds a future's lock until dropped.
struct Guard<'a>(&'a RawLock);

impl Drop for Guard<'_> {
    fn drop(&mut self) {
        self.0.unlock();
    }
}

/// What becoming done leaves to do once the lock is released (see `notify_locked`).
struct Done<R> {
    event: Option<Event>,
    callbacks: Vec<Callback<R>>,
}

fn is_done(s: Status) -> bool {
    matches!(s, Status::Cancelled | Status::Finished)
}

// SAFETY: `state` is only accessed while `lock` is held (through `state()`, between acquiring
// the lock and the next wait or release), so one thread at a time touches it, and the lock's
// acquire/release orderings publish its writes to the next holder. The result and the
// callbacks move between threads (`R: Send`, callbacks are `Send`); `&R` is only used under the
// lock (to clone it), so `R: Sync` is not needed.
unsafe impl<R: Send> Sync for Inner<R> {}
unsafe impl<R: Send> Send for Inner<R> {}

/// Python's `concurrent.futures.Future`: the eventual result of a task, usually made by
/// [`ThreadPoolExecutor::submit`](crate::futures::ThreadPoolExecutor::submit). A cheap `Clone`
/// handle (`==` and hash by identity).
///
/// ```
/// use pythreading::futures::ThreadPoolExecutor;
///
/// // Python:
/// //   with ThreadPoolExecutor() as ex:
/// //       f = ex.submit(lambda: 6 * 7)
/// //       print(f.result(), f.done())
/// let ex = ThreadPoolExecutor::new(None).unwrap();
/// let f = ex.submit(|| 6 * 7).unwrap();
/// assert_eq!(f.result(), Ok(42));
/// assert!(f.done());
/// ```
pub struct Future<R> {
    inner: Arc<Inner<R>>,
}

impl<R> Clone for Future<R> {
    fn clone(&self) -> Self {
        Future {
            inner: self.inner.clone(),
        }
    }
}

impl<R> PartialEq for Future<R> {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }
}
impl<R> Eq for Future<R> {}
impl<R> std::hash::Hash for Future<R> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        (Arc::as_ptr(&self.inner) as usize).hash(state)
    }
}

/// A pending future, `Future::new()`.
impl<R: Send + 'static> Default for Future<R> {
    fn default() -> Self {
        Self::new()
    }
}

fn invalid_state(what: &str, repr: String) -> Error {
    Error::runtime(format!("InvalidStateError: {what}: {repr}"))
}

impl<R: Send + 'static> Future<R> {
    /// Python's `Future()`: a pending future, for code that completes it itself with
    /// [`set_result`](Self::set_result) or [`set_exception`](Self::set_exception) (what an
    /// executor does).
    ///
    /// ```
    /// use pythreading::futures::Future;
    /// let f = Future::new();
    /// assert!(!f.done());
    /// f.set_result(5).unwrap();
    /// assert_eq!(f.result(), Ok(5));
    /// ```
    pub fn new() -> Self {
        Future {
            inner: Arc::new(Inner {
                lock: RawLock::new(),
                state: UnsafeCell::new(State {
                    status: Status::Pending,
                    result: None,
                    callbacks: Vec::new(),
                    waiters: Vec::new(),
                    done_event: None,
                }),
            }),
        }
    }

    /// Locks the state (on the page's UI thread, as `Lock::acquire()`: at most 1 s of waiting,
    /// then a JS exception; the critical sections are short).
    fn guard(&self) -> Guard<'_> {
        self.inner.lock.lock();
        Guard(&self.inner.lock)
    }

    /// The state. Call only while holding `lock`, and do not keep the reference across its
    /// release.
    #[allow(clippy::mut_from_ref)]
    fn state(&self) -> &mut State<R> {
        debug_assert!(self.inner.lock.is_locked());
        // SAFETY: see `unsafe impl Sync for Inner`.
        unsafe { &mut *self.inner.state.get() }
    }

    fn status(&self) -> Status {
        let _g = self.guard();
        self.state().status
    }

    /// Python's `cancel()`: a pending future becomes cancelled (its task will not run) and
    /// `true` is returned; a running or finished one cannot be, `false`; an already cancelled
    /// one, `true`. Done callbacks run.
    ///
    /// ```
    /// use pythreading::futures::Future;
    /// let f = Future::<i32>::new();
    /// assert!(f.cancel());
    /// assert!(f.cancelled() && f.done());
    /// assert_eq!(f.result(), Err(pythreading::Error::Cancelled));
    /// ```
    pub fn cancel(&self) -> bool {
        let done = {
            let _g = self.guard();
            let st = self.state();
            match st.status {
                Status::Running | Status::Finished => return false,
                Status::Cancelled => return true,
                Status::Pending => {}
            }
            st.status = Status::Cancelled;
            self.notify_locked()
        };
        self.after_done(done);
        true
    }

    /// Python's `cancelled()`.
    ///
    /// ```
    /// let f = pythreading::futures::Future::<()>::new();
    /// assert!(!f.cancelled());
    /// ```
    pub fn cancelled(&self) -> bool {
        self.status() == Status::Cancelled
    }

    /// Python's `running()`: the task is running now.
    ///
    /// ```
    /// let f = pythreading::futures::Future::<()>::new();
    /// assert!(!f.running());
    /// assert_eq!(f.set_running_or_notify_cancel(), Ok(true));
    /// assert!(f.running());
    /// ```
    pub fn running(&self) -> bool {
        self.status() == Status::Running
    }

    /// Python's `done()`: finished (with a result or an error) or cancelled.
    ///
    /// ```
    /// let f = pythreading::futures::Future::new();
    /// assert!(!f.done());
    /// f.set_result(()).unwrap();
    /// assert!(f.done());
    /// ```
    pub fn done(&self) -> bool {
        is_done(self.status())
    }

    /// Locks the state once the future is done, waiting until then or `at` (`None`: no
    /// limit). `Ok(None)`: timed out. `Err(Runtime)` only where the thread may not block (the
    /// page's UI thread), refused before waiting, as `Condition::wait` refuses.
    fn lock_done(&self, at: Option<Instant>) -> Result<Option<Guard<'_>>> {
        loop {
            let g = self.guard();
            let st = self.state();
            if is_done(st.status) {
                return Ok(Some(g));
            }
            let left = match at {
                None => None,
                Some(at) => {
                    let now = Instant::now();
                    if now >= at {
                        return Ok(None);
                    }
                    Some(at - now)
                }
            };
            Deadline::after(left).check_may_wait()?;
            let event = st.done_event.get_or_insert_with(Event::new).clone();
            drop(g);
            // Set only once the future is done (and never cleared): set before this wait, it
            // returns at once; the next round finds the future done. The event's Release
            // `set` and Acquire wait order nothing we rely on: the lock taken again does.
            match left {
                None => {
                    event.wait();
                }
                Some(d) => {
                    event.wait_timeout(d)?;
                }
            }
        }
    }

    fn deadline(t: Timeout) -> Result<Option<Instant>> {
        // Python's `Condition.wait(timeout)` rules: NaN -> Value, negative: no wait.
        let d = t.for_wait()?;
        Ok(Instant::now().checked_add(d))
    }

    fn outcome(&self) -> Result<R>
    where
        R: Clone,
    {
        let st = self.state();
        match (&st.status, &st.result) {
            (Status::Cancelled, _) => Err(Error::Cancelled),
            (_, Some(r)) => r.clone(),
            _ => unreachable!("a finished future has its outcome"),
        }
    }

    /// Python's `result()`: waits until the future is done and returns its value; the task's
    /// error (a panic is [`Error::Panic`]) or [`Error::Cancelled`] otherwise.
    ///
    /// ```
    /// use pythreading::futures::ThreadPoolExecutor;
    /// let ex = ThreadPoolExecutor::new(Some(1)).unwrap();
    /// let f = ex.submit(|| "done".to_string()).unwrap();
    /// assert_eq!(f.result().unwrap(), "done");
    /// ```
    pub fn result(&self) -> Result<R>
    where
        R: Clone,
    {
        let _g = self.lock_done(None)?;
        self.outcome()
    }

    /// Python's `result(timeout=t)`: as [`result`](Self::result), but [`Error::Timeout`] if the
    /// future is not done within `t` (a zero or negative `t` does not wait). NaN is
    /// `Error::Value`, above `TIMEOUT_MAX` `Error::Overflow`.
    ///
    /// ```
    /// use pythreading::futures::Future;
    /// use pythreading::Error;
    /// let f = Future::<i32>::new();
    /// // Python: f.result(timeout=0) -> TimeoutError
    /// assert_eq!(f.result_timeout(0.0), Err(Error::Timeout));
    /// ```
    pub fn result_timeout(&self, t: impl Into<Timeout>) -> Result<R>
    where
        R: Clone,
    {
        let at = Self::deadline(t.into())?;
        let Some(_g) = self.lock_done(at)? else {
            return Err(Error::Timeout);
        };
        self.outcome()
    }

    fn error_of(&self) -> Option<Error> {
        let st = self.state();
        match (&st.status, &st.result) {
            (Status::Cancelled, _) => Some(Error::Cancelled),
            (_, Some(Err(e))) => Some(e.clone()),
            _ => None,
        }
    }

    /// Python's `exception()`: waits until done; the task's error, or `None` if it returned a
    /// value. A cancelled future gives `Some(Error::Cancelled)` (Python raises
    /// `CancelledError`). Where the thread may not block and the future is not done (the
    /// page's UI thread), the `Runtime` error saying so.
    ///
    /// ```
    /// use pythreading::futures::Future;
    /// use pythreading::Error;
    /// let f = Future::<i32>::new();
    /// f.set_exception(Error::Value("bad".into())).unwrap();
    /// assert_eq!(f.exception(), Some(Error::Value("bad".into())));
    /// ```
    pub fn exception(&self) -> Option<Error> {
        let _g = match self.lock_done(None) {
            Ok(g) => g,
            Err(e) => return Some(e),
        };
        self.error_of()
    }

    /// Python's `exception(timeout=t)`: as [`exception`](Self::exception), but
    /// `Err(Error::Timeout)` if not done within `t`.
    ///
    /// ```
    /// use pythreading::futures::Future;
    /// let f = Future::<i32>::new();
    /// assert_eq!(f.exception_timeout(0.0), Err(pythreading::Error::Timeout));
    /// f.set_result(1).unwrap();
    /// assert_eq!(f.exception_timeout(0.0), Ok(None));
    /// ```
    pub fn exception_timeout(&self, t: impl Into<Timeout>) -> Result<Option<Error>> {
        let at = Self::deadline(t.into())?;
        let Some(_g) = self.lock_done(at)? else {
            return Err(Error::Timeout);
        };
        Ok(self.error_of())
    }

    /// Python's `add_done_callback(fn)`: calls `f(&future)` once the future is done (at once,
    /// in this thread, if it already is). Callbacks run in the order added, in the thread that
    /// completes the future. A callback that panics is reported on stderr
    /// ("exception calling callback for ...") and the others still run.
    ///
    /// ```
    /// use pythreading::futures::Future;
    /// use std::sync::{Arc, Mutex};
    /// let seen = Arc::new(Mutex::new(None));
    /// let f = Future::new();
    /// let s = seen.clone();
    /// f.add_done_callback(move |fut| *s.lock().unwrap() = Some(fut.result().unwrap()));
    /// f.set_result(5).unwrap();
    /// assert_eq!(*seen.lock().unwrap(), Some(5));
    /// ```
    pub fn add_done_callback(&self, f: impl FnOnce(&Future<R>) + Send + 'static) {
        {
            let _g = self.guard();
            let st = self.state();
            if !is_done(st.status) {
                st.callbacks.push(Box::new(f));
                return;
            }
        }
        self.run_callbacks(vec![Box::new(f)]);
    }

    /// Python's `set_running_or_notify_cancel()`, for executors: `Ok(true)` and the future is
    /// running (a pending one); `Ok(false)` if it was cancelled (the task must not run);
    /// `Err(Runtime)` in any other state.
    ///
    /// ```
    /// let f = pythreading::futures::Future::<()>::new();
    /// assert_eq!(f.set_running_or_notify_cancel(), Ok(true));
    /// assert!(f.set_running_or_notify_cancel().is_err());
    /// ```
    pub fn set_running_or_notify_cancel(&self) -> Result<bool> {
        let _g = self.guard();
        let st = self.state();
        match st.status {
            Status::Cancelled => Ok(false),
            Status::Pending => {
                st.status = Status::Running;
                Ok(true)
            }
            s => Err(Error::runtime(format!("Future in unexpected state: {s:?}"))),
        }
    }

    /// Python's `set_result(value)`, for executors: finishes the future with `value`, wakes
    /// its waiters and runs its callbacks. A future already finished or cancelled: `Err`
    /// (Python's `InvalidStateError`, here `Error::Runtime`), the future unchanged.
    ///
    /// ```
    /// let f = pythreading::futures::Future::new();
    /// f.set_result(1).unwrap();
    /// assert!(f.set_result(2).is_err());
    /// assert_eq!(f.result(), Ok(1));
    /// ```
    pub fn set_result(&self, value: R) -> Result<()> {
        self.finish(Ok(value))
    }

    /// Python's `set_exception(exc)`, for executors: finishes the future with the error `e`
    /// (what `result()` then returns). Errors as [`set_result`](Self::set_result).
    ///
    /// ```
    /// use pythreading::Error;
    /// let f = pythreading::futures::Future::<i32>::new();
    /// f.set_exception(Error::Panic("boom".into())).unwrap();
    /// assert_eq!(f.result(), Err(Error::Panic("boom".into())));
    /// ```
    pub fn set_exception(&self, e: Error) -> Result<()> {
        self.finish(Err(e))
    }

    /// What an executor does with a queued task it will not run: `None` cancels the future
    /// (`shutdown(cancel_futures=True)`), `Some(e)` fails it with `e` (a broken pool).
    pub(crate) fn abort(&self, e: Option<Error>) {
        match e {
            None => {
                self.cancel();
            }
            Some(e) => {
                let _ = self.set_exception(e);
            }
        }
    }

    pub(crate) fn finish(&self, r: Result<R>) -> Result<()> {
        let done = {
            let _g = self.guard();
            let st = self.state();
            if is_done(st.status) {
                let what = if st.status == Status::Cancelled {
                    "CANCELLED"
                } else {
                    "FINISHED"
                };
                return Err(invalid_state(what, self.repr_locked()));
            }
            st.result = Some(r);
            st.status = Status::Finished;
            self.notify_locked()
        };
        self.after_done(done);
        Ok(())
    }

    /// With the lock held, on becoming done: hands the future to each waiter of
    /// `as_completed`/`wait`, and returns what [`after_done`](Self::after_done) does once the
    /// lock is released: wake `result()` callers, run the callbacks.
    fn notify_locked(&self) -> Done<R> {
        let st = self.state();
        for w in &st.waiters {
            w.put(self.clone());
        }
        Done {
            event: st.done_event.take(),
            callbacks: std::mem::take(&mut st.callbacks),
        }
    }

    /// Outside the lock: wakes the waiting `result()` callers (before the callbacks run, as
    /// Python's `notify_all` under the lock does), then runs the callbacks.
    fn after_done(&self, done: Done<R>) {
        if let Some(e) = done.event {
            e.set();
        }
        self.run_callbacks(done.callbacks);
    }

    fn run_callbacks(&self, callbacks: Vec<Callback<R>>) {
        for cb in callbacks {
            let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| cb(self)));
            if let Err(p) = r {
                eprintln!(
                    "exception calling callback for {self:?}\n{}",
                    super::panic_message(&*p)
                );
            }
        }
    }

    /// For `as_completed`/`wait`: `q` gets this future once it is done (at once if it is).
    pub(crate) fn add_waiter(&self, q: &SimpleQueue<Future<R>>) {
        let _g = self.guard();
        let st = self.state();
        if is_done(st.status) {
            q.put(self.clone());
        } else {
            st.waiters.push(q.clone());
        }
    }

    pub(crate) fn remove_waiter(&self, q: &SimpleQueue<Future<R>>) {
        let _g = self.guard();
        self.state().waiters.retain(|w| w != q);
    }

    /// Whether the future finished with an error (`wait`'s FIRST_EXCEPTION).
    pub(crate) fn has_error(&self) -> bool {
        let _g = self.guard();
        matches!(self.state().result, Some(Err(_)))
    }

    fn repr_locked(&self) -> String {
        let st = self.state();
        let state = match (&st.status, &st.result) {
            (Status::Pending, _) => "pending".to_string(),
            (Status::Running, _) => "running".to_string(),
            (Status::Cancelled, _) => "cancelled".to_string(),
            (Status::Finished, Some(Err(e))) => format!("finished raised {}", e.python_type()),
            (Status::Finished, _) => {
                let ty = std::any::type_name::<R>();
                let short = ty.rsplit("::").next().unwrap_or(ty);
                format!("finished returned {short}")
            }
        };
        format!(
            "<Future at {:#x} state={state}>",
            Arc::as_ptr(&self.inner) as usize
        )
    }
}

/// Python's repr: `<Future at 0x... state=pending>`, `... state=finished returned i32>`,
/// `... state=finished raised Panic>`.
impl<R: Send + 'static> fmt::Debug for Future<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let _g = self.guard();
        f.write_str(&self.repr_locked())
    }
}
