//! `Lock`: Python's `threading.Lock` (`_thread.lock`), a primitive lock that is **not owned**:
//! any thread may release it, and acquiring it twice in one thread blocks (behaviours BL-*, L-01
//! to L-03, L-05, L-06 and L-08 of `docs/behaviours.md`; L-04 and L-07 are not implemented).
//!
//! The core, [`RawLock`], is a three-state futex lock written over the platform seam (the
//! design of std's futex `Mutex`): `0` unlocked, `1` locked, `2` locked and a waiter may be
//! asleep. Release wakes a thread only when the state was `2`, so an uncontended acquire+release
//! is one compare-and-swap and one swap, with no call into the platform (on wasm, no host call).
//! A contended acquire is one waiter protocol, [`RawLock::contended_step`]: the blocking
//! acquire drives it with the futex wait, the browser's `acquireAsync` (through
//! [`Lock::acquire_step`]) with `Atomics.waitAsync`.

use crate::error::{Error, Result};
use crate::sys::atomic::{AtomicU32, Ordering::*};
use crate::sys::wake_one;
use crate::timeout::{drive_blocking, or_throw, Deadline, SpinWait, Step, Timeout};
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

const UNLOCKED: u32 = 0;
const LOCKED: u32 = 1;
const CONTENDED: u32 = 2;

/// The lock-free core of `Lock`, also the internal lock of `Condition` (its waiter queue) and
/// `Barrier` (its bookkeeping). `RLock` has its own owner word (see `rlock.rs`).
pub(crate) struct RawLock {
    state: AtomicU32,
}

impl RawLock {
    pub(crate) fn new() -> Self {
        RawLock {
            state: AtomicU32::new(UNLOCKED),
        }
    }

    /// Acquire ordering: what the previous holder wrote before its Release is visible to us.
    #[inline]
    pub(crate) fn try_lock(&self) -> bool {
        self.state
            .compare_exchange(UNLOCKED, LOCKED, Acquire, Relaxed)
            .is_ok()
    }

    /// Blocks until acquired (on a thread that may not block: see `Deadline::NEVER`).
    #[inline]
    pub(crate) fn lock(&self) {
        if !self.try_lock() {
            or_throw(self.lock_contended(Deadline::NEVER));
        }
    }

    /// Acquires before `timeout` elapses (`None`: no limit); `Ok(false)` when it expired.
    /// `Err(Runtime)` if it would have to wait on a thread that may not block.
    pub(crate) fn lock_for(&self, timeout: Option<Duration>) -> Result<bool> {
        if self.try_lock() {
            return Ok(true);
        }
        self.lock_contended(Deadline::after(timeout))
    }

    #[cold]
    #[inline(never)]
    fn lock_contended(&self, mut deadline: Deadline) -> Result<bool> {
        let mut waited = false;
        // `None`: timed out. (A refused wait leaves the state `2`: one wake call too many for
        // the holder's release, nothing else.)
        Ok(drive_blocking(&mut deadline, || self.contended_step(&mut waited))?.unwrap_or(false))
    }

    /// One step of an acquire after the fast path (`try_lock`) failed (see [`Step`]): takes the
    /// lock, or marks it contended (so that its release notifies the state word) and names the
    /// word. `waited` starts false and is set once a step returned `Wait`.
    ///
    /// The first step spins while a running thread holds the lock and nobody sleeps, then takes
    /// a free lock as `1`. A step after a wait takes it only as `2`: other waiters may still be
    /// asleep, and a release of `1` would not wake them (std's futex mutex does the same).
    /// Swapping in `2` when it was free acquires it (conservatively as "contended": one extra
    /// wake later). Acquire on every successful exchange: what the previous holder wrote before
    /// its Release swap is visible to us. After the timeout nothing is to be undone: the state
    /// stays `2` (one wake call too many).
    pub(crate) fn contended_step(&self, waited: &mut bool) -> Step<'_, bool> {
        let mut state = self.spin();
        if !*waited && state == UNLOCKED {
            match self
                .state
                .compare_exchange(UNLOCKED, LOCKED, Acquire, Relaxed)
            {
                Ok(_) => return Step::Done(true),
                Err(s) => state = s,
            }
        }
        if state != CONTENDED && self.state.swap(CONTENDED, Acquire) == UNLOCKED {
            return Step::Done(true);
        }
        *waited = true;
        Step::Wait(&self.state, CONTENDED)
    }

    /// Spins while the lock is held and nobody sleeps on it (the holder is running and will
    /// release it soon), boundedly: [`SpinWait`]. Relaxed: only a hint; the exchanges that
    /// follow order the memory.
    fn spin(&self) -> u32 {
        let mut spin = SpinWait::locking();
        loop {
            let state = self.state.load(Relaxed);
            if state != LOCKED || !spin.spin() {
                return state;
            }
        }
    }

    /// Releases; false (and nothing changed) if it was not locked. Release ordering publishes
    /// the critical section to the next acquirer.
    #[inline]
    pub(crate) fn unlock(&self) -> bool {
        match self.state.swap(UNLOCKED, Release) {
            UNLOCKED => false,
            LOCKED => true,
            _ => {
                wake_one(&self.state);
                true
            }
        }
    }

    #[inline]
    pub(crate) fn is_locked(&self) -> bool {
        self.state.load(Relaxed) != UNLOCKED
    }
}

/// Python's lock-acquire argument rules, shared by `Lock`, `RLock` and `Condition`:
/// `Ok(None)` = non-blocking, `Ok(Some(None))` = forever, `Ok(Some(Some(t)))` = timed.
#[allow(clippy::option_option)]
pub(crate) fn acquire_args(
    blocking: bool,
    timeout: Option<f64>,
) -> Result<Option<Option<Duration>>> {
    let timeout = timeout.unwrap_or(-1.0);
    if !blocking {
        if timeout != -1.0 {
            return Err(Error::value(
                "can't specify a timeout for a non-blocking call",
            ));
        }
        return Ok(None);
    }
    Timeout::from(timeout).for_lock().map(Some)
}

/// A primitive lock, as Python's `threading.Lock()`.
///
/// It is not owned by a thread: any thread may `release()` it, and a second `acquire()` in the
/// thread that holds it blocks (Python's behaviour, unlike `std::sync::Mutex`). Handles are
/// cheap clones of one shared lock.
///
/// ```
/// use pythreading as threading;
///
/// // Python:
/// //   lock = threading.Lock()
/// //   with lock:
/// //       assert lock.locked()
/// //   assert lock.acquire(False)
/// //   lock.release()
/// let lock = threading::Lock::new();
/// {
///     let _g = lock.guard();
///     assert!(lock.locked());
///     assert!(!lock.try_acquire());
/// }
/// assert!(lock.try_acquire());
/// // Another thread may release it.
/// let l2 = lock.clone();
/// std::thread::spawn(move || l2.release().unwrap()).join().unwrap();
/// assert!(!lock.locked());
/// ```
#[derive(Clone)]
pub struct Lock {
    raw: Arc<RawLock>,
}

impl Default for Lock {
    fn default() -> Self {
        Lock {
            raw: Arc::new(RawLock::new()),
        }
    }
}

impl Lock {
    /// A new, unlocked lock.
    pub fn new() -> Lock {
        Lock::default()
    }

    #[inline]
    fn raw(&self) -> &RawLock {
        &self.raw
    }

    /// Blocks until the lock is acquired; always returns `true` (Python's `acquire()`).
    ///
    /// # Browsers
    /// On the page's UI thread, which may not block, it waits (spinning) at most 1 s for a
    /// lock held elsewhere, then throws a JS exception; prefer [`acquire_timeout`](Lock::acquire_timeout)
    /// there (an error instead of a wait) or, from JS, `acquireAsync`.
    #[inline]
    pub fn acquire(&self) -> bool {
        self.raw().lock();
        true
    }

    /// Acquires without blocking (Python's `acquire(False)`): true if it was free.
    #[inline]
    pub fn try_acquire(&self) -> bool {
        self.raw().try_lock()
    }

    /// Python's `acquire(timeout=t)`: true if acquired within `t`; `-1` blocks forever.
    ///
    /// Errors: NaN or negative (other than -1) -> `Value`, above `TIMEOUT_MAX` -> `Overflow`.
    ///
    /// # Browsers
    /// On the page's UI thread, which may not block, a free lock is taken as anywhere, but if
    /// it would have to wait (held elsewhere, timeout not zero) it returns `Err(Runtime)` and
    /// changes nothing. The same holds for every blocking call that returns `Result`.
    pub fn acquire_timeout(&self, t: impl Into<Timeout>) -> Result<bool> {
        let t = t.into().for_lock()?;
        self.raw().lock_for(t)
    }

    /// `acquire(blocking=True, timeout)` with the timeout already checked.
    pub(crate) fn acquire_for(&self, t: Option<Option<Duration>>) -> Result<bool> {
        match t {
            None => Ok(self.raw().try_lock()),
            Some(t) => self.raw().lock_for(t),
        }
    }

    /// Python's `acquire(blocking, timeout)` exactly (`None` is Python's default `-1`).
    ///
    /// Errors: a timeout with `blocking == false` -> `Value`, and the timeout errors of
    /// [`acquire_timeout`](Lock::acquire_timeout).
    pub fn acquire_with(&self, blocking: bool, timeout: Option<f64>) -> Result<bool> {
        self.acquire_for(acquire_args(blocking, timeout)?)
    }

    /// Releases the lock, from any thread. `Err(Runtime)` if it is not locked.
    #[inline]
    pub fn release(&self) -> Result<()> {
        if self.raw().unlock() {
            Ok(())
        } else {
            Err(Error::runtime("release unlocked lock"))
        }
    }

    /// True if the lock is held (by any thread).
    #[inline]
    pub fn locked(&self) -> bool {
        self.raw().is_locked()
    }

    /// Python's `with lock:` — acquires, and releases when the guard is dropped.
    pub fn guard(&self) -> LockGuard<'_> {
        self.acquire();
        LockGuard { lock: self }
    }

    pub(crate) fn addr(&self) -> usize {
        Arc::as_ptr(&self.raw) as usize
    }

    /// One step of an acquire (see [`Step`]), for the browser's `acquireAsync` and
    /// `Condition`'s re-acquire after a wait: the first step tries the fast path, as
    /// [`acquire`](Lock::acquire) does, then every step is [`RawLock::contended_step`] (`waited`
    /// as there: after a wait, no fast path, which would take the lock as uncontended).
    pub(crate) fn acquire_step(&self, waited: &mut bool) -> Step<'_, bool> {
        let raw = self.raw();
        if !*waited && raw.try_lock() {
            return Step::Done(true);
        }
        raw.contended_step(waited)
    }
}

/// Holds a [`Lock`] until dropped (Python's `with lock:` block). The drop calls `release()`, as
/// the end of Python's `with` block does: if the lock was released by hand inside the block,
/// the drop releases whoever holds the lock by then (a `Lock` is not owned), and if it is
/// unlocked the drop changes nothing (where Python's `with` would raise `RuntimeError`, the
/// drop ignores the error: a drop cannot fail).
///
/// ```
/// use pythreading as threading;
/// let lock = threading::Lock::new();
/// {
///     let _g = lock.guard();
///     lock.release().unwrap();   // released by hand inside the block
///     assert!(lock.try_acquire()); // taken again, here by the same thread
/// } // the guard's drop releases it
/// assert!(!lock.locked());
/// ```
#[must_use = "the lock is released as soon as the guard is dropped"]
pub struct LockGuard<'a> {
    lock: &'a Lock,
}

impl Drop for LockGuard<'_> {
    fn drop(&mut self) {
        let _ = self.lock.release();
    }
}

impl fmt::Debug for LockGuard<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "LockGuard({:?})", self.lock)
    }
}

impl fmt::Debug for Lock {
    /// Python's repr: `<unlocked pythreading.Lock object at 0x...>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = if self.locked() { "locked" } else { "unlocked" };
        write!(f, "<{state} pythreading.Lock object at {:#x}>", self.addr())
    }
}

identity_eq!(Lock, |l| l.addr());
