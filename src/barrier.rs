//! `Barrier`: Python's `threading.Barrier` (behaviours B-01 to B-13): the last of `parties`
//! threads to arrive runs the action (before anyone is released) and releases the others; a
//! timeout or an `abort()` breaks the barrier for every current and later waiter until
//! `reset()`; `reset()` sends the current waiters `BrokenBarrier` and leaves the barrier usable.
//!
//! Generation-counted, over the platform seam: each cycle has its own wake-up word
//! (`Generation`: waiting → passed or broken), so a waiter sleeps once per cycle and the last
//! arrival wakes everyone with one `wake_all`. (CPython's version, a draining state machine over
//! a Condition, makes each thread sleep twice per cycle.) The bookkeeping (arrivals, current
//! generation, broken flag) is guarded by a small internal lock (a `RawLock`, as `Lock`'s).
//!
//! A wait is one waiter protocol, in steps (see `timeout::Step`): arrive (`wait_begin`), then
//! [`Barrier::wait_step`] until the generation is decided, or [`Barrier::wait_timed_out`]. The
//! blocking `wait` drives the steps with the futex wait, the browser's `waitAsync` with
//! `Atomics.waitAsync`.

use crate::error::{Error, Result};
use crate::lock::RawLock;
use crate::sys::atomic::{AtomicU32, Ordering::*};
use crate::sys::wake_all;
use crate::timeout::{drive_blocking, Deadline, Step, Timeout};
use std::cell::UnsafeCell;
use std::fmt;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::sync::Arc;
use std::time::Duration;

const WAITING: u32 = 0;
const PASSED: u32 = 1;
const BROKEN: u32 = 2;

/// One cycle's outcome, the word its waiters sleep on. Release when it is decided, Acquire when
/// a waiter reads it: the action's effects are visible to every released thread.
struct Generation {
    word: AtomicU32,
}

impl Generation {
    fn new() -> Arc<Generation> {
        Arc::new(Generation {
            word: AtomicU32::new(WAITING),
        })
    }

    fn decide(&self, outcome: u32) {
        self.word.swap(outcome, Release);
        wake_all(&self.word);
    }
}

struct State {
    /// Threads waiting in the current generation.
    count: usize,
    current: Arc<Generation>,
    broken: bool,
}

type Action = Box<dyn Fn() + Send + Sync>;

struct Inner {
    parties: usize,
    action: Option<Action>,
    timeout: Option<Duration>,
    lock: RawLock,
    state: UnsafeCell<State>,
}

// SAFETY: `state` is only accessed while `lock` is held (see `with_state`).
unsafe impl Sync for Inner {}
unsafe impl Send for Inner {}

impl Inner {
    fn with_state<R>(&self, f: impl FnOnce(&mut State) -> R) -> R {
        /// Unlocks even if `f` (which may run the user's action) panics.
        struct Unlock<'a>(&'a RawLock);
        impl Drop for Unlock<'_> {
            fn drop(&mut self) {
                self.0.unlock();
            }
        }
        self.lock.lock();
        let _unlock = Unlock(&self.lock);
        // SAFETY: the lock is held, so this is the only reference to the state; `f` does not
        // re-enter `with_state` (the action runs inside it but cannot reach this barrier's
        // state except through public methods, which would block on the lock: documented).
        f(unsafe { &mut *self.state.get() })
    }
}

enum Arrival {
    Last(usize),
    Wait(usize, Arc<Generation>),
    ActionPanicked(Box<dyn std::any::Any + Send>),
}

/// A waiting arrival of [`Barrier::wait_begin`].
pub(crate) struct StepArrival {
    index: usize,
    generation: Arc<Generation>,
}

/// Breaks the current generation: its waiters get `BrokenBarrier`.
fn break_current(st: &mut State, stay_broken: bool) {
    st.broken = stay_broken;
    st.count = 0;
    let g = std::mem::replace(&mut st.current, Generation::new());
    g.decide(BROKEN);
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
///
/// The action runs while the barrier's internal lock is held: it must not call this barrier's
/// methods.
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
                parties: self.parties,
                action: self.action,
                timeout,
                lock: RawLock::new(),
                state: UnsafeCell::new(State {
                    count: 0,
                    current: Generation::new(),
                    broken: false,
                }),
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

    /// Waits until all parties have called `wait`, with the barrier's default timeout.
    /// Returns this thread's arrival index in `0..parties`. `Err(BrokenBarrier)` if the
    /// barrier is or becomes broken (abort, reset, or a timeout).
    ///
    /// # Browsers
    /// On the page's UI thread, which may not block, only the last party passes (it does not
    /// wait); an earlier one gets `Err(Runtime)` and is not counted as arrived (a zero timeout
    /// works as anywhere: it breaks the barrier).
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

    /// Counts the caller's arrival, or refuses it (`may_wait` is an error and the caller is
    /// not the last party): `Err(Runtime)` with nothing changed.
    fn arrive(&self, may_wait: Result<()>) -> Result<Arrival> {
        let inner = &*self.inner;
        inner.with_state(|st| {
            if st.broken {
                return Err(Error::BrokenBarrier);
            }
            let index = st.count;
            if index + 1 < inner.parties {
                may_wait?;
                st.count += 1;
                return Ok(Arrival::Wait(index, st.current.clone()));
            }
            st.count += 1;
            if let Some(action) = &inner.action {
                if let Err(panic) = catch_unwind(AssertUnwindSafe(action)) {
                    // Python: the barrier breaks and the action's exception propagates.
                    break_current(st, true);
                    return Ok(Arrival::ActionPanicked(panic));
                }
            }
            st.count = 0;
            let passed = std::mem::replace(&mut st.current, Generation::new());
            passed.decide(PASSED);
            Ok(Arrival::Last(index))
        })
    }

    fn wait_for(&self, timeout: Option<Duration>) -> Result<usize> {
        // Whether this thread may wait, asked before taking the lock; a refused wait must not
        // count as an arrival (`Err(Runtime)`, nothing changed).
        let mut deadline = Deadline::after(timeout);
        let arrival = match self.begin(deadline.check_may_wait())? {
            Ok(index) => return Ok(index),
            Err(arrival) => arrival,
        };
        match drive_blocking(&mut deadline, || self.wait_step(&arrival)) {
            Ok(Some(r)) => r,
            // may_wait was Ok, so the wait is never refused (`Err` cannot happen; were it to,
            // breaking the barrier as on a timeout is the right undo).
            Ok(None) | Err(_) => self.wait_timed_out(&arrival),
        }
    }

    /// Timed out: break the barrier for everyone, unless this generation was decided
    /// meanwhile (decisions happen under the lock).
    fn timed_out(&self, index: usize, generation: &Arc<Generation>) -> Result<usize> {
        self.inner.with_state(|st| {
            if Arc::ptr_eq(&st.current, generation) {
                break_current(st, true);
            }
        });
        match generation.word.load(Acquire) {
            PASSED => Ok(index),
            _ => Err(Error::BrokenBarrier),
        }
    }
}

// ---- the wait protocol (see `Step`): driven by `wait_for` and `Barrier.waitAsync` ----

impl Barrier {
    /// Arrives (as `wait`); `Ok(index)` for the last party, else the generation to wait on with
    /// [`wait_step`](Self::wait_step) (and [`wait_timed_out`](Self::wait_timed_out)).
    #[allow(dead_code)] // the async drivers only: the JS layer (browsers) and the loom step models
    pub(crate) fn wait_begin(&self) -> Result<std::result::Result<usize, StepArrival>> {
        self.begin(Ok(()))
    }

    /// `wait_begin`, refusing to count the arrival when `may_wait` is an error and the caller is
    /// not the last party. A panic of the action propagates to the last party's caller.
    fn begin(&self, may_wait: Result<()>) -> Result<std::result::Result<usize, StepArrival>> {
        match self.arrive(may_wait)? {
            Arrival::Last(index) => Ok(Ok(index)),
            Arrival::ActionPanicked(panic) => resume_unwind(panic),
            Arrival::Wait(index, generation) => Ok(Err(StepArrival { index, generation })),
        }
    }

    /// `Done` once this arrival's generation is decided (passed: the arrival index; broken:
    /// `BrokenBarrier`), else names the generation's word. No registration: the deciding
    /// thread always wakes every waiter of the word. Acquire: pairs with the Release swap of
    /// `Generation::decide`, so the action's effects are visible to every released thread.
    pub(crate) fn wait_step<'a>(&self, a: &'a StepArrival) -> Step<'a, Result<usize>> {
        match a.generation.word.load(Acquire) {
            PASSED => Step::Done(Ok(a.index)),
            BROKEN => Step::Done(Err(Error::BrokenBarrier)),
            _ => Step::Wait(&a.generation.word, WAITING),
        }
    }

    /// The timeout passed: breaks the barrier for everyone, unless this arrival's generation
    /// was decided meanwhile (then its outcome).
    pub(crate) fn wait_timed_out(&self, a: &StepArrival) -> Result<usize> {
        self.timed_out(a.index, &a.generation)
    }
}

// Only the JS binding layer (src/js/, built for browsers alone) calls this.
crate::sys::on_web! {
    impl Barrier {
        /// The default timeout of `wait` (the builder's).
        pub(crate) fn default_timeout(&self) -> Option<Duration> {
            self.inner.timeout
        }
    }
}

impl Barrier {
    /// Returns the barrier to its initial state. Threads waiting in it get
    /// `Err(BrokenBarrier)`; a broken barrier is repaired.
    pub fn reset(&self) {
        self.inner.with_state(|st| {
            if st.count > 0 {
                break_current(st, false);
            }
            st.broken = false;
        });
    }

    /// Breaks the barrier: current and future `wait` calls get `Err(BrokenBarrier)` until
    /// `reset()`.
    pub fn abort(&self) {
        self.inner.with_state(|st| break_current(st, true));
    }

    /// The number of threads required to pass the barrier.
    pub fn parties(&self) -> usize {
        self.inner.parties
    }

    /// The number of threads currently waiting in the barrier.
    pub fn n_waiting(&self) -> usize {
        self.inner
            .with_state(|st| if st.broken { 0 } else { st.count })
    }

    /// True if the barrier is broken.
    pub fn broken(&self) -> bool {
        self.inner.with_state(|st| st.broken)
    }
}

impl fmt::Debug for Barrier {
    /// Python's repr: `<pythreading.Barrier at 0x...: waiters=2/3>` or `...: broken>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let addr = Arc::as_ptr(&self.inner) as usize;
        let (broken, waiting) = self.inner.with_state(|st| (st.broken, st.count));
        if broken {
            write!(f, "<pythreading.Barrier at {addr:#x}: broken>")
        } else {
            write!(
                f,
                "<pythreading.Barrier at {addr:#x}: waiters={waiting}/{}>",
                self.parties()
            )
        }
    }
}

identity_eq!(Barrier, |b| Arc::as_ptr(&b.inner) as usize);
