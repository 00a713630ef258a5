//! `BoundedSemaphore`: Python's `threading.BoundedSemaphore` (behaviours S-*, SB-01 to SB-03,
//! T-20):
//! a [`Semaphore`](crate::Semaphore) whose value may never exceed its initial value. The bound is
//! checked in the same compare-and-swap that adds the permits, so an over-release fails with
//! `Value` and leaves the counter unchanged, whichever threads acquire and release.

use crate::error::Result;
use crate::semaphore::{sem_acquire, sem_acquire_args, RawSemaphore, SemaphoreGuard};
use crate::timeout::Timeout;
use std::fmt;
use std::sync::Arc;

struct Inner {
    raw: RawSemaphore,
    initial: usize,
}

/// A semaphore that refuses to be released above its initial value, as Python's
/// `threading.BoundedSemaphore(value=1)`.
///
/// ```
/// use pythreading as threading;
///
/// // Python:
/// //   pool = threading.BoundedSemaphore(2)
/// //   pool.release()  -> ValueError: Semaphore released too many times
/// let pool = threading::BoundedSemaphore::new(2);
/// assert!(matches!(pool.release(1), Err(threading::Error::Value(_))));
/// assert_eq!(pool.value(), 2); // unchanged
/// assert!(pool.acquire());
/// pool.release(1).unwrap();
/// assert_eq!(format!("{pool:?}").split(": ").last(), Some("value=2/2>"));
/// ```
#[derive(Clone)]
pub struct BoundedSemaphore {
    inner: Arc<Inner>,
}

impl Default for BoundedSemaphore {
    /// Python's default `BoundedSemaphore()` has value 1.
    fn default() -> Self {
        BoundedSemaphore::new(1)
    }
}

// Only the JS binding layer (src/js/, built for browsers alone) calls this.
crate::sys::on_web! {
    impl BoundedSemaphore {
        pub(crate) fn raw(&self) -> &RawSemaphore {
            &self.inner.raw
        }
    }
}

impl BoundedSemaphore {
    /// A semaphore with `value` permits, which is also its upper bound.
    pub fn new(value: usize) -> BoundedSemaphore {
        BoundedSemaphore {
            inner: Arc::new(Inner {
                raw: RawSemaphore::new(value),
                initial: value,
            }),
        }
    }

    /// Blocks until a permit is taken; `true`.
    ///
    /// # Browsers
    /// As [`Semaphore::acquire`](crate::Semaphore::acquire) on the page's UI thread.
    pub fn acquire(&self) -> bool {
        self.inner.raw.acquire()
    }

    /// Python's `acquire(False)`.
    pub fn try_acquire(&self) -> bool {
        self.inner.raw.try_acquire()
    }

    /// Python's `acquire(timeout=t)`; errors as [`Semaphore::acquire_timeout`](crate::Semaphore::acquire_timeout).
    ///
    /// # Browsers
    /// On the page's UI thread, `Err(Runtime)` instead of a wait (as `Semaphore`).
    pub fn acquire_timeout(&self, t: impl Into<Timeout>) -> Result<bool> {
        let t = t.into().for_wait()?;
        self.inner.raw.acquire_for(Some(t))
    }

    /// Python's `acquire(blocking, timeout)`.
    pub fn acquire_with(&self, blocking: bool, timeout: Option<f64>) -> Result<bool> {
        sem_acquire(&self.inner.raw, sem_acquire_args(blocking, timeout)?)
    }

    /// Adds `n` permits. `n == 0` -> `Value`; a value above the initial one -> `Value`
    /// ("Semaphore released too many times"), with the counter unchanged.
    pub fn release(&self, n: usize) -> Result<()> {
        self.inner.raw.release(n, Some(self.inner.initial))
    }

    /// The current number of permits.
    pub fn value(&self) -> usize {
        self.inner.raw.value()
    }

    /// The initial value, which is also the bound.
    pub fn initial_value(&self) -> usize {
        self.inner.initial
    }

    /// Python's `with sem:`.
    pub fn guard(&self) -> SemaphoreGuard<'_> {
        self.acquire();
        SemaphoreGuard {
            raw: &self.inner.raw,
        }
    }
}

impl fmt::Debug for BoundedSemaphore {
    /// Python's repr: `<pythreading.BoundedSemaphore at 0x...: value=2/3>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "<pythreading.BoundedSemaphore at {:#x}: value={}/{}>",
            Arc::as_ptr(&self.inner) as usize,
            self.value(),
            self.inner.initial
        )
    }
}

identity_eq!(BoundedSemaphore, |s| Arc::as_ptr(&s.inner) as usize);
