//! `RLock`: Python's `threading.RLock`, a reentrant lock **owned** by the thread that acquired
//! it: only the owner may release it, and the owner may acquire it again (behaviours BL-*,
//! R-01 to R-09). `locked()` and the repr's owner/count are global; `is_owned()` and
//! `recursion_count()` are relative to the calling thread.
//!
//! Built on the same [`RawLock`] as `Lock`, plus the owner's thread ident and a count.

use crate::error::{Error, Result};
use crate::lock::{acquire_args, RawLock};
use crate::sys::atomic::{AtomicU64, AtomicUsize, Ordering::Relaxed};
use crate::thread::get_ident;
use crate::timeout::Timeout;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

pub(crate) struct RLockInner {
    lock: RawLock,
    /// Ident of the owning thread, 0 when unowned. Relaxed is enough: a thread can only read its
    /// own ident here if it stored it itself (program order), and other threads only compare it
    /// against their own, different, ident. The RawLock's Acquire/Release orders the data.
    owner: AtomicU64,
    /// Recursion depth; written only by the owner, read by anyone for the repr.
    count: AtomicUsize,
}

/// A reentrant lock, as Python's `threading.RLock()`.
///
/// ```
/// use pythreading as threading;
///
/// // Python:
/// //   lock = threading.RLock()
/// //   print('First try :', lock.acquire())
/// //   print('Second try:', lock.acquire(0))
/// let lock = threading::RLock::new();
/// assert!(lock.acquire());
/// assert!(lock.try_acquire()); // re-entrant: the owner may acquire again
/// assert_eq!(lock.recursion_count(), 2);
/// // Another thread does not own it, cannot take it and cannot release it.
/// let l2 = lock.clone();
/// std::thread::spawn(move || {
///     assert!(!l2.is_owned());
///     assert!(!l2.try_acquire());
///     assert!(l2.release().is_err());
/// }).join().unwrap();
/// lock.release().unwrap();
/// lock.release().unwrap();
/// assert!(!lock.locked());
/// ```
#[derive(Clone)]
pub struct RLock {
    inner: Arc<RLockInner>,
}

impl Default for RLock {
    fn default() -> Self {
        RLock::new()
    }
}

impl RLock {
    /// A new, unowned reentrant lock.
    pub fn new() -> RLock {
        RLock {
            inner: Arc::new(RLockInner {
                lock: RawLock::new(),
                owner: AtomicU64::new(0),
                count: AtomicUsize::new(0),
            }),
        }
    }

    /// Re-entry by the owner; `None` when the caller does not own the lock.
    #[inline]
    fn reenter(&self, me: u64) -> Option<bool> {
        let i = &*self.inner;
        if i.owner.load(Relaxed) == me {
            i.count.store(i.count.load(Relaxed) + 1, Relaxed);
            Some(true)
        } else {
            None
        }
    }

    #[inline]
    fn take(&self, me: u64, count: usize) {
        self.inner.owner.store(me, Relaxed);
        self.inner.count.store(count, Relaxed);
    }

    #[inline]
    fn acquire_for(&self, t: Option<Option<Duration>>) -> bool {
        let me = get_ident();
        if let Some(r) = self.reenter(me) {
            return r;
        }
        let got = match t {
            None => self.inner.lock.try_lock(),
            Some(None) => {
                self.inner.lock.lock();
                true
            }
            Some(Some(t)) => self.inner.lock.lock_for(Some(t)),
        };
        if got {
            self.take(me, 1);
        }
        got
    }

    /// Blocks until acquired (or re-entered); always `true`.
    #[inline]
    pub fn acquire(&self) -> bool {
        self.acquire_for(Some(None))
    }

    /// Python's `acquire(False)`.
    #[inline]
    pub fn try_acquire(&self) -> bool {
        self.acquire_for(None)
    }

    /// Python's `acquire(timeout=t)`; errors as [`Lock::acquire_timeout`](crate::Lock::acquire_timeout).
    pub fn acquire_timeout(&self, t: impl Into<Timeout>) -> Result<bool> {
        let t = t.into().for_lock()?;
        Ok(self.acquire_for(Some(t)))
    }

    /// Python's `acquire(blocking, timeout)` exactly.
    pub fn acquire_with(&self, blocking: bool, timeout: Option<f64>) -> Result<bool> {
        Ok(self.acquire_for(acquire_args(blocking, timeout)?))
    }

    /// Releases one level. `Err(Runtime)` if the calling thread does not own the lock.
    #[inline]
    pub fn release(&self) -> Result<()> {
        let i = &*self.inner;
        if i.owner.load(Relaxed) != get_ident() {
            return Err(Error::runtime("cannot release un-acquired lock"));
        }
        let c = i.count.load(Relaxed) - 1;
        i.count.store(c, Relaxed);
        if c == 0 {
            i.owner.store(0, Relaxed);
            i.lock.unlock();
        }
        Ok(())
    }

    /// True if any thread holds the lock (global, like Python 3.14's `RLock.locked()`).
    pub fn locked(&self) -> bool {
        self.inner.lock.is_locked()
    }

    /// True if the calling thread owns the lock (Python's `_is_owned()`).
    pub fn is_owned(&self) -> bool {
        self.inner.owner.load(Relaxed) == get_ident()
    }

    /// The calling thread's recursion depth; 0 if it does not own the lock
    /// (Python's `_recursion_count()`).
    pub fn recursion_count(&self) -> usize {
        if self.is_owned() {
            self.inner.count.load(Relaxed)
        } else {
            0
        }
    }

    /// Python's `with rlock:`.
    pub fn guard(&self) -> RLockGuard<'_> {
        self.acquire();
        RLockGuard { lock: self }
    }

    /// Fully releases the lock for `Condition::wait`, returning the depth to restore
    /// (Python's `_release_save`). `Err(Runtime)` if the caller does not own it.
    pub(crate) fn release_save(&self) -> Result<usize> {
        let i = &*self.inner;
        if i.owner.load(Relaxed) != get_ident() {
            return Err(Error::runtime("cannot release un-acquired lock"));
        }
        let c = i.count.load(Relaxed);
        i.count.store(0, Relaxed);
        i.owner.store(0, Relaxed);
        i.lock.unlock();
        Ok(c)
    }

    /// Re-acquires after `Condition::wait` with the saved depth (Python's `_acquire_restore`).
    pub(crate) fn acquire_restore(&self, count: usize) {
        self.inner.lock.lock();
        self.take(get_ident(), count);
    }

    pub(crate) fn addr(&self) -> usize {
        Arc::as_ptr(&self.inner) as usize
    }
}

/// Holds an [`RLock`] level until dropped.
#[must_use = "the lock is released as soon as the guard is dropped"]
pub struct RLockGuard<'a> {
    lock: &'a RLock,
}

impl Drop for RLockGuard<'_> {
    fn drop(&mut self) {
        let _ = self.lock.release();
    }
}

impl fmt::Debug for RLockGuard<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RLockGuard({:?})", self.lock)
    }
}

impl fmt::Debug for RLock {
    /// Python's repr: `<locked pythreading.RLock object owner=7 count=2 at 0x...>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = if self.locked() { "locked" } else { "unlocked" };
        write!(
            f,
            "<{state} pythreading.RLock object owner={} count={} at {:#x}>",
            self.inner.owner.load(Relaxed),
            self.inner.count.load(Relaxed),
            self.addr()
        )
    }
}

impl PartialEq for RLock {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }
}
impl Eq for RLock {}
impl std::hash::Hash for RLock {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.addr().hash(state)
    }
}
