//! `Condition`: Python's `threading.Condition` (behaviours C-01 to C-08, and the whole lock
//! suite through C-08 when it is used as an RLock).
//!
//! As in CPython, each waiter gets its own wake-up word and joins a FIFO queue; `notify(n)`
//! hands a wake-up to exactly the `n` longest waiting threads, so there are no spurious
//! wake-ups and no stolen notifications. A woken waiter re-acquires the lock before `wait`
//! returns. A waiter that times out removes itself from the queue; if a notifier had already
//! taken it off the queue, the wait counts as notified and returns `true`.
//!
//! Each waiter's word: `0` waiting, `2` asleep (the notifier must wake it), `1` notified. The
//! notifier calls into the platform only when the waiter is actually asleep.
//!
//! A wait is one waiter protocol, in steps (see `timeout::Step`): [`Condition::wait_begin`]
//! (queue a waiter, release the lock), [`Condition::wait_step`] until notified, or
//! [`Condition::wait_timed_out`], then [`Condition::lock_step`] until the lock is held again
//! (the lock's own acquire protocol) and [`Condition::wait_end`]. The blocking `wait` drives the
//! steps with the futex wait, the browser's `waitAsync` with `Atomics.waitAsync`.

use crate::error::{Error, Result};
use crate::lock::{acquire_args, Lock, RawLock};
use crate::rlock::RLock;
use crate::sys::atomic::{AtomicU32, AtomicUsize, Ordering::*};
use crate::sys::wake_one;
use crate::timeout::{drive_blocking, or_throw, spin_for_event, Deadline, Step, Timeout};
use std::cell::UnsafeCell;
use std::collections::VecDeque;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

const WAITING: u32 = 0;
const NOTIFIED: u32 = 1;
const ASLEEP: u32 = 2;

struct Waiter {
    state: AtomicU32,
}

#[cfg(not(loom))]
std::thread_local! {
    /// The calling thread's waiter from its last finished wait, for its next one.
    static SPARE: std::cell::Cell<Option<Arc<Waiter>>> = const { std::cell::Cell::new(None) };
}

impl Waiter {
    /// A waiter for a new wait: the thread's spare one when nobody else holds it any more,
    /// else a new one. This takes the allocator off the path of a wait: in a ping-pong each
    /// side freed the waiter the other had allocated, and under wasmtime wasi-libc's allocator
    /// is one lock that both threads take. Measured (a scratch ping-pong over one
    /// `Condition::new()` in a crate of its own, both threads pinned to a CPU each with
    /// `taskset -p`, batches of 20,000 round trips, medians, with an experimental event spin
    /// that kept both sides spinning): under wasmtime 985 → 740 ns per round trip, natively
    /// 393 → 345 ns.
    ///
    /// Orderings: `Arc::get_mut` succeeds only when this is the last handle, and its Acquire
    /// load of the counts pairs with the Release decrement of the notifier that dropped its
    /// handle after its swap, so that swap happens before the reset here. A notifier that still
    /// holds the waiter (it took it off the queue and has not dropped it yet) makes
    /// `get_mut` fail, and the wait gets a new waiter.
    fn take() -> Arc<Waiter> {
        #[cfg(not(loom))]
        if let Some(mut w) = SPARE.with(|s| s.take()) {
            if let Some(mine) = Arc::get_mut(&mut w) {
                *mine.state.get_mut() = WAITING;
                return w;
            }
        }
        Arc::new(Waiter {
            state: AtomicU32::new(WAITING),
        })
    }

    /// Keeps a finished wait's waiter as the thread's spare (replacing an older one: a thread
    /// runs one blocking wait at a time, and concurrent `waitAsync`s on one thread just
    /// allocate). Under loom, whose model threads share OS threads and so thread-locals, every
    /// wait allocates.
    fn give_back(w: Arc<Waiter>) {
        #[cfg(not(loom))]
        SPARE.with(|s| s.set(Some(w)));
        #[cfg(loom)]
        drop(w);
    }
}

/// The lock a [`Condition`] is built on: a [`Lock`] or an [`RLock`] (Python accepts either).
/// Usually written implicitly: `Condition::with_lock(lock.clone())`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ConditionLock {
    /// A plain, non-owned lock: "holding" it means it is locked.
    Lock(Lock),
    /// A reentrant lock: "holding" it means the calling thread owns it.
    RLock(RLock),
}

impl From<Lock> for ConditionLock {
    fn from(l: Lock) -> Self {
        ConditionLock::Lock(l)
    }
}
impl From<RLock> for ConditionLock {
    fn from(l: RLock) -> Self {
        ConditionLock::RLock(l)
    }
}

impl ConditionLock {
    fn acquire(&self) -> bool {
        match self {
            ConditionLock::Lock(l) => l.acquire(),
            ConditionLock::RLock(l) => l.acquire(),
        }
    }

    fn acquire_for(&self, t: Option<Option<Duration>>) -> Result<bool> {
        match self {
            ConditionLock::Lock(l) => l.acquire_for(t),
            ConditionLock::RLock(l) => l.acquire_for(t),
        }
    }

    fn release(&self) -> Result<()> {
        match self {
            ConditionLock::Lock(l) => l.release(),
            ConditionLock::RLock(l) => l.release(),
        }
    }

    fn locked(&self) -> bool {
        match self {
            ConditionLock::Lock(l) => l.locked(),
            ConditionLock::RLock(l) => l.locked(),
        }
    }

    /// Python's `Condition._is_owned`: for a plain Lock, "is it locked at all".
    fn is_owned(&self) -> bool {
        match self {
            ConditionLock::Lock(l) => l.locked(),
            ConditionLock::RLock(l) => l.is_owned(),
        }
    }

    /// Fully releases for a wait; returns the RLock depth to restore (0 for a Lock).
    fn release_save(&self) -> Result<usize> {
        match self {
            ConditionLock::Lock(l) => l.release().map(|()| 0),
            ConditionLock::RLock(l) => l.release_save(),
        }
    }
}

struct Inner {
    lock: ConditionLock,
    /// Guards `waiters`. The user's lock cannot guard it: a plain `Lock` may be released by any
    /// thread, so holding it proves nothing about which thread touches the queue.
    queue_lock: RawLock,
    waiters: UnsafeCell<VecDeque<Arc<Waiter>>>,
    /// `waiters.len()`, stored under `queue_lock` after every change (Relaxed), so that
    /// `notify` finds an empty queue with one load instead of a lock round trip (see there).
    queued: AtomicUsize,
}

// SAFETY: `waiters` is only accessed while `queue_lock` is held (see `with_queue`).
unsafe impl Sync for Inner {}
unsafe impl Send for Inner {}

impl Inner {
    fn with_queue<R>(&self, f: impl FnOnce(&mut VecDeque<Arc<Waiter>>) -> R) -> R {
        self.queue_lock.lock();
        // SAFETY: queue_lock is held, so this is the only reference to the queue; `f` cannot
        // re-enter (it is crate code that only pushes, pops and scans).
        let q = unsafe { &mut *self.waiters.get() };
        let r = f(q);
        self.queued.store(q.len(), Relaxed);
        self.queue_lock.unlock();
        r
    }
}

/// A condition variable, as Python's `threading.Condition(lock=None)`.
///
/// ```
/// use pythreading as threading;
///
/// // Python:
/// //   cond = threading.Condition()
/// //   def consumer():
/// //       with cond:
/// //           cond.wait()
/// //   ...
/// //   with cond:
/// //       cond.notify_all()
/// let cond = threading::Condition::new();
/// let items = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
/// let (c, it) = (cond.clone(), items.clone());
/// let consumer = threading::Thread::new(move || {
///     let _g = c.guard();
///     assert!(c.wait_for(|| !it.lock().unwrap().is_empty()).unwrap());
/// });
/// consumer.start().unwrap();
/// {
///     let _g = cond.guard();
///     items.lock().unwrap().push(1);
///     cond.notify_all().unwrap();
/// }
/// consumer.join().unwrap();
/// // Waiting without the lock is Python's RuntimeError.
/// assert!(cond.wait_timeout(0.0).is_err());
/// ```
#[derive(Clone)]
pub struct Condition {
    inner: Arc<Inner>,
}

impl Default for Condition {
    fn default() -> Self {
        Condition::new()
    }
}

impl Condition {
    /// A condition over a new [`RLock`] (Python's `Condition()`).
    pub fn new() -> Condition {
        Condition::with_lock(RLock::new())
    }

    /// A condition over an existing [`Lock`] or [`RLock`] (Python's `Condition(lock)`);
    /// several conditions may share one lock.
    pub fn with_lock(lock: impl Into<ConditionLock>) -> Condition {
        Condition {
            inner: Arc::new(Inner {
                lock: lock.into(),
                queue_lock: RawLock::new(),
                waiters: UnsafeCell::new(VecDeque::new()),
                queued: AtomicUsize::new(0),
            }),
        }
    }

    /// The underlying lock.
    pub fn lock(&self) -> &ConditionLock {
        &self.inner.lock
    }

    /// Acquires the underlying lock (blocking); `true`.
    ///
    /// # Browsers
    /// As the lock's `acquire()` on the page's UI thread: at most 1 s of waiting, then a JS
    /// exception.
    pub fn acquire(&self) -> bool {
        self.inner.lock.acquire()
    }

    /// `acquire(False)` on the underlying lock.
    pub fn try_acquire(&self) -> bool {
        self.inner.lock.acquire_for(None).unwrap_or(false)
    }

    /// `acquire(timeout=t)` on the underlying lock, with the lock's argument rules.
    ///
    /// # Browsers
    /// On the page's UI thread, `Err(Runtime)` instead of a wait.
    pub fn acquire_timeout(&self, t: impl Into<Timeout>) -> Result<bool> {
        let t = t.into().for_lock()?;
        self.inner.lock.acquire_for(Some(t))
    }

    /// `acquire(blocking, timeout)` on the underlying lock, with Python's argument rules.
    pub fn acquire_with(&self, blocking: bool, timeout: Option<f64>) -> Result<bool> {
        self.inner
            .lock
            .acquire_for(acquire_args(blocking, timeout)?)
    }

    /// Releases the underlying lock (errors as that lock's `release`).
    pub fn release(&self) -> Result<()> {
        self.inner.lock.release()
    }

    /// True if the underlying lock is held by any thread.
    pub fn locked(&self) -> bool {
        self.inner.lock.locked()
    }

    /// Python's `Condition._is_owned()`: the caller owns the RLock, or the Lock is locked.
    pub fn is_owned(&self) -> bool {
        self.inner.lock.is_owned()
    }

    /// Python's `with cond:`.
    pub fn guard(&self) -> ConditionGuard<'_> {
        self.acquire();
        ConditionGuard { cond: self }
    }

    /// Waits until notified; returns `Ok(true)`. The lock is released while waiting and held
    /// again on return. `Err(Runtime)` if the caller does not hold the lock.
    ///
    /// # Browsers
    /// On the page's UI thread, which may not block, it returns `Err(Runtime)` without
    /// releasing the lock (so do `wait_timeout` with a positive timeout, `wait_for` and
    /// `wait_for_timeout`; a zero timeout works as anywhere).
    pub fn wait(&self) -> Result<bool> {
        self.wait_until(Deadline::after(None))
    }

    /// Waits until notified or `t` elapses: `Ok(true)` if notified, `Ok(false)` on timeout.
    /// A negative timeout does not wait. Errors: not holding the lock -> `Runtime`; NaN ->
    /// `Value`; above `TIMEOUT_MAX` -> `Overflow`.
    pub fn wait_timeout(&self, t: impl Into<Timeout>) -> Result<bool> {
        self.check_owned("cannot wait on un-acquired lock")?;
        let t = t.into().for_wait()?;
        self.wait_until(Deadline::after(Some(t)))
    }

    /// Python checks that the caller holds the lock before anything else (C-02, C-03).
    fn check_owned(&self, msg: &str) -> Result<()> {
        if self.inner.lock.is_owned() {
            Ok(())
        } else {
            Err(Error::runtime(msg))
        }
    }

    fn wait_until(&self, mut deadline: Deadline) -> Result<bool> {
        let w = self.begin(&deadline)?;
        let notified = match drive_blocking(&mut deadline, || self.wait_step(&w)) {
            Ok(Some(notified)) => notified,
            // `begin` asked `check_may_wait`, so the wait is never refused (`Err` cannot
            // happen; were it to, leaving the queue is the right undo).
            Ok(None) | Err(_) => self.wait_timed_out(&w),
        };
        // After a wait: the lock is ours again (or the call throws, see `Deadline::NEVER`;
        // reached on a thread that may not block only by a zero timeout).
        let (mut never, mut waited) = (Deadline::NEVER, false);
        or_throw(drive_blocking(&mut never, || self.lock_step(&mut waited)));
        self.wait_end(w);
        Ok(notified)
    }

    /// Python's `wait_for(predicate)`: waits until `pred()` is true, re-checking it after every
    /// wake-up; returns `Ok(true)`.
    pub fn wait_for(&self, pred: impl FnMut() -> bool) -> Result<bool> {
        self.wait_for_until(pred, None)
    }

    /// Python's `wait_for(predicate, timeout)`: returns the predicate's last value, so
    /// `Ok(false)` after the (total, not per-wake-up) timeout.
    pub fn wait_for_timeout(
        &self,
        pred: impl FnMut() -> bool,
        t: impl Into<Timeout>,
    ) -> Result<bool> {
        self.check_owned("cannot wait on un-acquired lock")?;
        let t = t.into().for_wait()?;
        self.wait_for_until(pred, Some(t))
    }

    pub(crate) fn wait_for_until(
        &self,
        mut pred: impl FnMut() -> bool,
        t: Option<Duration>,
    ) -> Result<bool> {
        if !self.inner.lock.is_owned() {
            return Err(Error::runtime("cannot wait on un-acquired lock"));
        }
        let deadline = Deadline::after(t);
        let mut result = pred();
        while !result {
            if deadline.timed_out() {
                break;
            }
            self.wait_until(deadline)?;
            result = pred();
        }
        Ok(result)
    }

    /// Wakes up to `n` threads waiting on this condition, longest waiting first.
    /// `Err(Runtime)` if the caller does not hold the lock.
    pub fn notify(&self, n: usize) -> Result<()> {
        let inner = &*self.inner;
        if !inner.lock.is_owned() {
            return Err(Error::runtime("cannot notify on un-acquired lock"));
        }
        // Nobody waits: nothing to do, without taking the queue lock (with the `n == 1` path
        // below, measured on the 1×1 condition queue of `benches/primitives.rs`, where a
        // producer notifies per item: 3-3.9× → 1.9× parking_lot natively; 3×3: 2.7× → 0.4×).
        // Relaxed suffices: a
        // waiter is queued (and `queued` stored) before it releases the lock in `begin`, and
        // the caller holds the lock, taken after that release (Acquire on the lock), so it sees
        // the waiter. (With a plain `Lock` held by another thread than the caller, Python's
        // rules allow the call although nothing orders it with a waiter's: then it may miss a
        // waiter that queued meanwhile, as if it had come first, which it may have.)
        if n == 0 || inner.queued.load(Relaxed) == 0 {
            return Ok(());
        }
        if n == 1 {
            // The common `notify()`: one waiter, no Vec to allocate.
            if let Some(w) = inner.with_queue(VecDeque::pop_front) {
                Self::wake(&w);
            }
            return Ok(());
        }
        let woken: Vec<Arc<Waiter>> = inner.with_queue(|q| {
            let k = n.min(q.len());
            q.drain(..k).collect()
        });
        for w in woken {
            Self::wake(&w);
        }
        Ok(())
    }

    /// Hands a waiter taken off the queue its notification, and wakes it if it sleeps.
    /// Release: see the Acquire in `wait_step`.
    fn wake(w: &Waiter) {
        if w.state.swap(NOTIFIED, Release) == ASLEEP {
            wake_one(&w.state);
        }
    }

    /// Wakes every waiting thread. `Err(Runtime)` if the caller does not hold the lock.
    pub fn notify_all(&self) -> Result<()> {
        self.notify(usize::MAX)
    }

    fn n_waiters(&self) -> usize {
        self.inner.with_queue(|q| q.len())
    }
}

// ---- the wait protocol (see `Step`): driven by `wait_until` and `Condition.waitAsync` ----

impl Condition {
    /// Starts a wait: checks that the caller holds the lock, queues a waiter and releases the
    /// lock (all of it, for an RLock). Then: [`wait_step`](Self::wait_step) until done (or
    /// [`wait_timed_out`](Self::wait_timed_out)), [`lock_step`](Self::lock_step) until the lock
    /// is held again, and [`wait_end`](Self::wait_end).
    ///
    /// The waiter is queued before the lock is released, so a notifier that takes the lock
    /// after the release finds it (no lost notification); if the release fails, the waiter
    /// leaves the queue again.
    #[allow(dead_code)] // the async drivers only: the JS layer (browsers) and the loom step models
    pub(crate) fn wait_begin(&self) -> Result<StepWaiter> {
        // An async wait never blocks the thread, so it never refuses.
        self.begin(&Deadline::NEVER)
    }

    /// `wait_begin` for a wait until `deadline`: in Python's order, not holding the lock is the
    /// error before any other; then a wait that may not happen on this thread (see
    /// [`Deadline::check_may_wait`]) is refused before the lock is released.
    fn begin(&self, deadline: &Deadline) -> Result<StepWaiter> {
        self.check_owned("cannot wait on un-acquired lock")?;
        deadline.check_may_wait()?;
        let inner = &*self.inner;
        let me = Waiter::take();
        inner.with_queue(|q| q.push_back(me.clone()));
        match inner.lock.release_save() {
            Ok(saved) => Ok(StepWaiter { me, saved }),
            Err(e) => {
                inner.with_queue(|q| q.retain(|w| !Arc::ptr_eq(w, &me)));
                Err(e)
            }
        }
    }

    /// `Done(true)` once notified; else marks the waiter asleep (so the notifier wakes its
    /// word) and names the word. Acquire on the load and the CAS: pairs with the notifier's
    /// Release swap, so what was written before `notify()` is visible once the wait returns
    /// (the re-acquired lock orders it too). The CAS and the notifier's swap are RMWs of one
    /// word: either the notifier sees `ASLEEP` and wakes, or the CAS fails on `NOTIFIED`.
    pub(crate) fn wait_step<'a>(&self, w: &'a StepWaiter) -> Step<'a, bool> {
        // Spin (boundedly, see `spin_for_event`) before sleeping: a notifier that is running
        // often notifies within microseconds (a producer/consumer queue), and a waiter that did
        // not sleep costs the notifier no wake call. Relaxed: a hint only, the Acquire load
        // below orders the memory.
        spin_for_event(|| w.me.state.load(Relaxed) == WAITING);
        match w.me.state.load(Acquire) {
            NOTIFIED => Step::Done(true),
            s => {
                if s == WAITING
                    && w.me
                        .state
                        .compare_exchange(WAITING, ASLEEP, Acquire, Acquire)
                        .is_err()
                {
                    return Step::Done(true); // notified meanwhile
                }
                Step::Wait(&w.me.state, ASLEEP)
            }
        }
    }

    /// The timeout passed: leaves the queue. True if a notifier had already taken the waiter
    /// off it (the wait counts as notified, so a timed-out waiter never swallows a notification
    /// meant for another: `notify(n)` takes exactly `n` waiters off the queue, under the queue
    /// lock, and a waiter that removed itself first is not among them).
    pub(crate) fn wait_timed_out(&self, w: &StepWaiter) -> bool {
        let removed = self.inner.with_queue(|q| {
            q.iter()
                .position(|x| Arc::ptr_eq(x, &w.me))
                .map(|i| q.remove(i))
                .is_some()
        });
        !removed
    }

    /// One step of acquiring the underlying lock on the calling thread (see [`Step`]): the
    /// lock's own acquire step (`waited` as there).
    pub(crate) fn lock_step(&self, waited: &mut bool) -> Step<'_, bool> {
        match &self.inner.lock {
            ConditionLock::Lock(l) => l.acquire_step(waited),
            ConditionLock::RLock(l) => l.acquire_step(waited),
        }
    }

    /// After `lock_step` took the lock again: restores an RLock's depth.
    pub(crate) fn wait_end(&self, w: StepWaiter) {
        if let ConditionLock::RLock(l) = &self.inner.lock {
            l.restore_depth(w.saved);
        }
        Waiter::give_back(w.me);
    }
}

/// A waiter of [`Condition::wait_begin`].
pub(crate) struct StepWaiter {
    me: Arc<Waiter>,
    saved: usize,
}

/// Holds a [`Condition`]'s lock until dropped.
#[must_use = "the lock is released as soon as the guard is dropped"]
pub struct ConditionGuard<'a> {
    cond: &'a Condition,
}

impl Drop for ConditionGuard<'_> {
    fn drop(&mut self) {
        let _ = self.cond.release();
    }
}

impl fmt::Debug for ConditionGuard<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ConditionGuard({:?})", self.cond)
    }
}

impl fmt::Debug for Condition {
    /// Python's repr: `<Condition(<unlocked pythreading.RLock object owner=0 count=0 at 0x...>, 0)>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let lock = match &self.inner.lock {
            ConditionLock::Lock(l) => format!("{l:?}"),
            ConditionLock::RLock(l) => format!("{l:?}"),
        };
        write!(f, "<Condition({lock}, {})>", self.n_waiters())
    }
}

identity_eq!(Condition, |c| Arc::as_ptr(&c.inner) as usize);
