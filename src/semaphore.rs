//! `Semaphore`: Python's `threading.Semaphore` (behaviours S-01 to S-10, SU-01, SU-02), and the
//! counting core [`RawSemaphore`] that `BoundedSemaphore` shares.
//!
//! The permit count is one atomic, so accounting is exact under contention (S-04, S-05, S-07):
//! a permit is taken only by a successful compare-and-swap. Sleepers wait on a separate
//! `epoch` word that a release bumps when a sleeper is registered; `waiters` counts
//! registered sleepers so that a release with nobody waiting never calls into the platform.
//! An acquire that has to wait is one waiter protocol, [`RawSemaphore::acquire_step`]: the
//! blocking acquire drives it with the futex wait, the browser's `acquireAsync` with
//! `Atomics.waitAsync`.

use crate::error::{Error, Result};
use crate::sys::atomic::{sleepers_after_change, AtomicU32, AtomicUsize, Ordering::*};
use crate::sys::{wake_all, wake_one};
use crate::timeout::{drive_blocking, or_throw, Deadline, SpinWait, Step, Timeout};
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

pub(crate) struct RawSemaphore {
    value: AtomicUsize,
    epoch: AtomicU32,
    waiters: AtomicU32,
}

impl RawSemaphore {
    pub(crate) fn new(value: usize) -> Self {
        RawSemaphore {
            value: AtomicUsize::new(value),
            epoch: AtomicU32::new(0),
            waiters: AtomicU32::new(0),
        }
    }

    /// Takes a permit if there is one. Acquire pairs with the Release compare-and-swap by which
    /// `release` added the permits: what the releaser wrote before is visible to the taker.
    #[inline]
    pub(crate) fn try_acquire(&self) -> bool {
        let mut v = self.value.load(Relaxed);
        while v > 0 {
            match self.value.compare_exchange_weak(v, v - 1, Acquire, Relaxed) {
                Ok(_) => return true,
                Err(now) => v = now,
            }
        }
        false
    }

    /// Blocks until a permit is taken or `timeout` elapses (`None`: forever); `Err(Runtime)`
    /// instead of a wait on a thread that may not block.
    pub(crate) fn acquire_for(&self, timeout: Option<Duration>) -> Result<bool> {
        if self.try_acquire() {
            return Ok(true);
        }
        self.acquire_slow(Deadline::after(timeout))
    }

    /// Blocks until a permit is taken (a call that cannot fail: see `Deadline::NEVER`).
    pub(crate) fn acquire(&self) -> bool {
        self.try_acquire() || or_throw(self.acquire_slow(Deadline::NEVER))
    }

    #[cold]
    #[inline(never)]
    fn acquire_slow(&self, mut deadline: Deadline) -> Result<bool> {
        let mut registered = false;
        let got = drive_blocking(&mut deadline, || self.acquire_step(&mut registered));
        // After a timeout or a refused wait (a thread that may not block), the last step's
        // registration is undone; the count is as it was.
        self.abandon_step(&mut registered);
        Ok(got?.unwrap_or(false))
    }

    /// One step of an acquire that may wait (see [`Step`]). `registered` says whether the
    /// previous step registered as a sleeper: the registration lasts for the wait and is undone
    /// by the next step, or by [`abandon_step`] when the caller gives up (timeout, refused
    /// wait). Every step after a wake-up tries for a permit first (whoever woke us, before the
    /// caller looks at the clock): a woken thread that gave up without trying could strand a
    /// permit while others sleep.
    ///
    /// [`abandon_step`]: RawSemaphore::abandon_step
    pub(crate) fn acquire_step(&self, registered: &mut bool) -> Step<'_, bool> {
        self.abandon_step(registered);
        // Spin (boundedly, see `SpinWait`) while no permit is free and nobody sleeps: a
        // running holder is likely to release one soon. Relaxed: a hint only, the CAS of
        // `try_acquire` orders the memory.
        SpinWait::locking()
            .spin_while(|| self.value.load(Relaxed) == 0 && self.waiters.load(Relaxed) == 0);
        loop {
            if self.try_acquire() {
                return Step::Done(true);
            }
            // The epoch to sleep on, read before registering: a release that sees the
            // registration bumps it after, so the wait returns at once.
            let epoch = self.epoch.load(Acquire);
            // Register, then re-check: a SeqCst RMW of `waiters`, then a SeqCst load of
            // `value`, against the releaser's SeqCst CAS of `value`, then its SeqCst read of
            // `waiters` (see `RawSemaphore::any_waiter`): either the re-check sees the permits
            // or the releaser sees us and bumps `epoch`, and the wait returns at once.
            self.waiters.fetch_add(1, SeqCst);
            if self.value.load(SeqCst) > 0 {
                // Relaxed: an unregistration publishes nothing.
                self.waiters.fetch_sub(1, Relaxed);
                continue;
            }
            *registered = true;
            return Step::Wait(&self.epoch, epoch);
        }
    }

    /// Undoes the registration of the last [`acquire_step`](RawSemaphore::acquire_step), if it
    /// registered.
    pub(crate) fn abandon_step(&self, registered: &mut bool) {
        if std::mem::take(registered) {
            self.waiters.fetch_sub(1, Relaxed);
        }
    }

    /// Adds `n` permits unless that would exceed `bound`; wakes up to `n` sleepers.
    pub(crate) fn release(&self, n: usize, bound: Option<usize>) -> Result<()> {
        if n == 0 {
            return Err(Error::value("n must be one or more"));
        }
        let mut v = self.value.load(Relaxed);
        loop {
            let new = match v.checked_add(n) {
                Some(new) if bound.is_none_or(|b| new <= b) => new,
                _ if bound.is_some() => {
                    return Err(Error::value("Semaphore released too many times"))
                }
                _ => return Err(Error::Overflow("semaphore value is too large".into())),
            };
            match self.value.compare_exchange_weak(v, new, SeqCst, Relaxed) {
                Ok(_) => break,
                Err(now) => v = now,
            }
        }
        if self.any_waiter() {
            self.epoch.fetch_add(1, Release);
            if n == 1 {
                wake_one(&self.epoch);
            } else {
                // Waking everyone is simpler than waking exactly n; the losers of the race
                // for permits re-register and sleep again.
                wake_all(&self.epoch);
            }
        }
        Ok(())
    }

    /// Whether a sleeper is registered, or registering: `release`'s check after its
    /// compare-and-swap of `value`, with [`sleepers_after_change`] (a SeqCst load; its docs
    /// give the ordering argument). The change is that SeqCst CAS; an acquirer registers with
    /// a SeqCst RMW of `waiters` and then re-checks with a SeqCst load of `value`, so either
    /// this sees the registration or the re-check sees the permits.
    ///
    /// An RMW (`fetch_add(0)`) was the check until it cost too much: every release makes it.
    /// Measured (`PYTHREADING_BENCH_ROUNDS=15 cargo bench --bench primitives -- --wasmtime
    /// --no-cpython semaphore semaphore_contended`, the old and new wasm modules taking turns,
    /// two runs each), the uncontended acquire+release under wasmtime 31.0-32.1 ns (0.80-0.81×
    /// std) with the RMW and 24.2-24.5 ns (0.61-0.63×) with the load, natively 26.4-26.6 and
    /// 23.7-24.1 ns; the contended Semaphore(2) row within its spread (natively 61.8-77.9
    /// and 54.3-74.2 ns, under wasmtime 70.6-93.9 and 64.4-83.4 ns).
    #[inline]
    fn any_waiter(&self) -> bool {
        sleepers_after_change(&self.waiters) > 0
    }

    pub(crate) fn value(&self) -> usize {
        self.value.load(Relaxed)
    }

    /// The sleepers registered now (for the loom models' accounting checks).
    #[cfg(all(test, loom))]
    pub(crate) fn registered_sleepers(&self) -> u32 {
        self.waiters.load(Relaxed)
    }
}

/// Python's `Semaphore.acquire(blocking, timeout)` argument rules.
pub(crate) fn sem_acquire_args(
    blocking: bool,
    timeout: Option<f64>,
) -> Result<Option<Option<Duration>>> {
    match (blocking, timeout) {
        (false, Some(_)) => Err(Error::value(
            "can't specify timeout for non-blocking acquire",
        )),
        (false, None) => Ok(None),
        (true, None) => Ok(Some(None)),
        (true, Some(t)) => Timeout::from(t).for_wait().map(|d| Some(Some(d))),
    }
}

pub(crate) fn sem_acquire(raw: &RawSemaphore, args: Option<Option<Duration>>) -> Result<bool> {
    match args {
        None => Ok(raw.try_acquire()),
        Some(t) => raw.acquire_for(t),
    }
}

/// A counting semaphore, as Python's `threading.Semaphore(value=1)`. It is not owned: any
/// thread may release it, and releases may raise the value above its initial value.
///
/// ```
/// use pythreading as threading;
///
/// // Python:
/// //   s = threading.Semaphore(2)
/// //   with s: ...
/// let s = threading::Semaphore::new(2);
/// assert!(s.try_acquire());
/// {
///     let _g = s.guard();
///     assert_eq!(s.value(), 0);
///     assert!(!s.try_acquire());
/// }
/// s.release(2).unwrap(); // unbounded: the value may exceed the initial 2
/// assert_eq!(s.value(), 3);
/// assert!(s.release(0).is_err()); // ValueError: n must be one or more
/// ```
#[derive(Clone)]
pub struct Semaphore {
    // pub(crate): the loom step models (src/step_models.rs) drive its steps.
    pub(crate) raw: Arc<RawSemaphore>,
}

impl Default for Semaphore {
    /// Python's default `Semaphore()` has value 1.
    fn default() -> Self {
        Semaphore::new(1)
    }
}

// Only the JS binding layer (src/js/, built for browsers alone) calls this.
crate::sys::on_web! {
    impl Semaphore {
        pub(crate) fn raw(&self) -> &RawSemaphore {
            &self.raw
        }
    }
}

impl Semaphore {
    /// A semaphore with `value` permits (negative values are unrepresentable: Python's
    /// ValueError for them is a compile-time error here).
    pub fn new(value: usize) -> Semaphore {
        Semaphore {
            raw: Arc::new(RawSemaphore::new(value)),
        }
    }

    /// Blocks until a permit is taken; `true`.
    ///
    /// # Browsers
    /// On the page's UI thread it waits at most 1 s when no permit is free, then throws a JS
    /// exception (as [`Lock::acquire`](crate::Lock::acquire)).
    pub fn acquire(&self) -> bool {
        self.raw.acquire()
    }

    /// Python's `acquire(False)`.
    pub fn try_acquire(&self) -> bool {
        self.raw.try_acquire()
    }

    /// Python's `acquire(timeout=t)`: `false` if no permit came within `t` (negative: no
    /// wait). Errors: NaN -> `Value`; above `TIMEOUT_MAX` -> `Overflow`.
    ///
    /// # Browsers
    /// On the page's UI thread, `Err(Runtime)` instead of a wait (no permit free and `t`
    /// positive), with the value unchanged.
    pub fn acquire_timeout(&self, t: impl Into<Timeout>) -> Result<bool> {
        let t = t.into().for_wait()?;
        self.raw.acquire_for(Some(t))
    }

    /// Python's `acquire(blocking, timeout)`: a timeout with `blocking == false` -> `Value`.
    pub fn acquire_with(&self, blocking: bool, timeout: Option<f64>) -> Result<bool> {
        sem_acquire(&self.raw, sem_acquire_args(blocking, timeout)?)
    }

    /// Adds `n` permits, waking waiters. `n == 0` -> `Value` (nothing changes).
    pub fn release(&self, n: usize) -> Result<()> {
        self.raw.release(n, None)
    }

    /// The current number of permits.
    pub fn value(&self) -> usize {
        self.raw.value()
    }

    /// Python's `with sem:` — acquires one permit, released when the guard drops.
    pub fn guard(&self) -> SemaphoreGuard<'_> {
        self.acquire();
        SemaphoreGuard { raw: &self.raw }
    }
}

/// Holds one permit of a [`Semaphore`] or [`BoundedSemaphore`](crate::BoundedSemaphore)
/// until dropped.
#[must_use = "the permit is released as soon as the guard is dropped"]
pub struct SemaphoreGuard<'a> {
    pub(crate) raw: &'a RawSemaphore,
}

impl Drop for SemaphoreGuard<'_> {
    fn drop(&mut self) {
        // Unbounded release of the permit this guard took; cannot exceed a bound.
        let _ = self.raw.release(1, None);
    }
}

impl fmt::Debug for SemaphoreGuard<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SemaphoreGuard")
    }
}

impl fmt::Debug for Semaphore {
    /// Python's repr: `<pythreading.Semaphore at 0x...: value=3>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "<pythreading.Semaphore at {:#x}: value={}>",
            Arc::as_ptr(&self.raw) as usize,
            self.value()
        )
    }
}

identity_eq!(Semaphore, |s| Arc::as_ptr(&s.raw) as usize);
