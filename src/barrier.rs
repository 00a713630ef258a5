//! `Barrier`: Python's `threading.Barrier` (behaviours B-01 to B-13), the same state machine as
//! CPython's `Lib/threading.py`, written over this crate's [`Condition`] on a plain [`Lock`]:
//! states filling / draining / resetting / broken; the last thread to arrive runs the action
//! (before anyone is released) and releases the others; a timeout or an `abort()` breaks the
//! barrier for every current and later waiter until `reset()`.

use crate::condition::Condition;
use crate::error::{Error, Result};
use crate::lock::Lock;
use crate::timeout::Timeout;
use std::fmt;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicI8, AtomicUsize, Ordering::Relaxed};
use std::sync::Arc;
use std::time::Duration;

const FILLING: i8 = 0;
const DRAINING: i8 = 1;
const RESETTING: i8 = -1;
const BROKEN: i8 = -2;

type Action = Box<dyn Fn() + Send + Sync>;

struct Inner {
    cond: Condition,
    parties: usize,
    action: Option<Action>,
    timeout: Option<Duration>,
    // Only read and written while `cond`'s lock is held: the lock orders them, so Relaxed
    // atomics are used just to keep the code free of `unsafe`.
    state: AtomicI8,
    count: AtomicUsize,
}

/// A barrier for a fixed number of threads, as Python's
/// `threading.Barrier(parties, action=None, timeout=None)`.
///
/// ```
/// use pythreading as threading;
///
/// // Python:
/// //   b = threading.Barrier(2, timeout=5)
/// //   def worker(): print(b.wait())
/// let b = threading::Barrier::builder(2).timeout(5.0).build().unwrap();
/// let b2 = b.clone();
/// let t = threading::Thread::new(move || {
///     b2.wait().unwrap();
/// });
/// t.start().unwrap();
/// let index = b.wait().unwrap();
/// assert!(index < 2);
/// t.join().unwrap();
/// assert!(matches!(threading::Barrier::new(0), Err(threading::Error::Value(_))));
/// ```
#[derive(Clone)]
pub struct Barrier {
    inner: Arc<Inner>,
}

/// Builds a [`Barrier`] with an action and/or a default timeout (Python's keyword arguments).
#[must_use = "call build() to get the Barrier"]
pub struct BarrierBuilder {
    parties: usize,
    action: Option<Action>,
    timeout: Option<Timeout>,
}

impl BarrierBuilder {
    /// A callable run by one of the threads (the last to arrive) each time the barrier is
    /// passed, before any waiter is released.
    pub fn action(mut self, f: impl Fn() + Send + Sync + 'static) -> Self {
        self.action = Some(Box::new(f));
        self
    }

    /// The default timeout of [`Barrier::wait`].
    pub fn timeout(mut self, t: impl Into<Timeout>) -> Self {
        self.timeout = Some(t.into());
        self
    }

    /// `Err(Value)` if `parties == 0` or the timeout is NaN; `Err(Overflow)` above `TIMEOUT_MAX`.
    pub fn build(self) -> Result<Barrier> {
        if self.parties == 0 {
            return Err(Error::value("parties must be >= 1"));
        }
        let timeout = self.timeout.map(|t| t.for_wait()).transpose()?;
        Ok(Barrier {
            inner: Arc::new(Inner {
                cond: Condition::with_lock(Lock::new()),
                parties: self.parties,
                action: self.action,
                timeout,
                state: AtomicI8::new(FILLING),
                count: AtomicUsize::new(0),
            }),
        })
    }
}

impl Barrier {
    /// A barrier for `parties` threads; `parties == 0` -> `Err(Value)`.
    pub fn new(parties: usize) -> Result<Barrier> {
        Barrier::builder(parties).build()
    }

    /// A builder for the optional `action` and `timeout`.
    pub fn builder(parties: usize) -> BarrierBuilder {
        BarrierBuilder {
            parties,
            action: None,
            timeout: None,
        }
    }

    fn state(&self) -> i8 {
        self.inner.state.load(Relaxed)
    }

    fn set_state(&self, s: i8) {
        self.inner.state.store(s, Relaxed)
    }

    /// Waits until all parties have called `wait`, with the barrier's default timeout.
    /// Returns this thread's arrival index in `0..parties`. `Err(BrokenBarrier)` if the
    /// barrier is or becomes broken (abort, reset, or a timeout).
    pub fn wait(&self) -> Result<usize> {
        self.wait_for(self.inner.timeout)
    }

    /// As [`wait`](Barrier::wait), with an explicit timeout that overrides the default. On
    /// timeout the barrier breaks for everyone. Errors: NaN -> `Value`; above `TIMEOUT_MAX`
    /// -> `Overflow`.
    pub fn wait_timeout(&self, t: impl Into<Timeout>) -> Result<usize> {
        let t = t.into().for_wait()?;
        self.wait_for(Some(t))
    }

    fn wait_for(&self, timeout: Option<Duration>) -> Result<usize> {
        let inner = &*self.inner;
        let _g = inner.cond.guard();
        // Block while the barrier drains or resets.
        while matches!(self.state(), DRAINING | RESETTING) {
            inner.cond.wait()?;
        }
        if self.state() < 0 {
            return Err(Error::BrokenBarrier);
        }
        let index = inner.count.fetch_add(1, Relaxed);
        let result = if index + 1 == inner.parties {
            self.release_all().map(|()| index)
        } else {
            self.wait_release(timeout).map(|()| index)
        };
        // Python's `_exit`: the last thread out lets the next cycle fill.
        let left = inner.count.fetch_sub(1, Relaxed) - 1;
        if left == 0 && matches!(self.state(), DRAINING | RESETTING) {
            self.set_state(FILLING);
            inner.cond.notify_all()?;
        }
        result
    }

    fn release_all(&self) -> Result<()> {
        if let Some(action) = &self.inner.action {
            if let Err(panic) = catch_unwind(AssertUnwindSafe(action)) {
                self.break_barrier();
                // Undo our arrival before the panic leaves `wait` (the guard unlocks).
                self.inner.count.fetch_sub(1, Relaxed);
                resume_unwind(panic);
            }
        }
        self.set_state(DRAINING);
        self.inner.cond.notify_all()
    }

    fn wait_release(&self, timeout: Option<Duration>) -> Result<()> {
        let released = self
            .inner
            .cond
            .wait_for_until(|| self.state() != FILLING, timeout)?;
        if !released {
            self.break_barrier();
            return Err(Error::BrokenBarrier);
        }
        if self.state() < 0 {
            return Err(Error::BrokenBarrier);
        }
        Ok(())
    }

    fn break_barrier(&self) {
        self.set_state(BROKEN);
        let _ = self.inner.cond.notify_all();
    }

    /// Returns the barrier to its initial state. Threads waiting in it get
    /// `Err(BrokenBarrier)`; a broken barrier is repaired.
    pub fn reset(&self) {
        let inner = &*self.inner;
        let _g = inner.cond.guard();
        if inner.count.load(Relaxed) > 0 {
            if matches!(self.state(), FILLING | BROKEN) {
                self.set_state(RESETTING);
            }
        } else {
            self.set_state(FILLING);
        }
        let _ = inner.cond.notify_all();
    }

    /// Breaks the barrier: current and future `wait` calls get `Err(BrokenBarrier)` until
    /// `reset()`.
    pub fn abort(&self) {
        let _g = self.inner.cond.guard();
        self.break_barrier();
    }

    /// The number of threads required to pass the barrier.
    pub fn parties(&self) -> usize {
        self.inner.parties
    }

    /// The number of threads currently waiting in the barrier.
    pub fn n_waiting(&self) -> usize {
        let _g = self.inner.cond.guard();
        if self.state() == FILLING {
            self.inner.count.load(Relaxed)
        } else {
            0
        }
    }

    /// True if the barrier is broken.
    pub fn broken(&self) -> bool {
        let _g = self.inner.cond.guard();
        self.state() == BROKEN
    }
}

impl fmt::Debug for Barrier {
    /// Python's repr: `<pythreading.Barrier at 0x...: waiters=2/3>` or `...: broken>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let addr = Arc::as_ptr(&self.inner) as usize;
        if self.broken() {
            write!(f, "<pythreading.Barrier at {addr:#x}: broken>")
        } else {
            write!(
                f,
                "<pythreading.Barrier at {addr:#x}: waiters={}/{}>",
                self.n_waiting(),
                self.parties()
            )
        }
    }
}

impl PartialEq for Barrier {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }
}
impl Eq for Barrier {}
impl std::hash::Hash for Barrier {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        (Arc::as_ptr(&self.inner) as usize).hash(state)
    }
}
