//! Timeouts with Python's rules: `Timeout` converts from seconds (`f64`, `f32`, `i32`) and from
//! `Duration`; each blocking call checks it the way its Python counterpart does. Also what the
//! blocking calls share: their `Deadline` (the timeout and the policy for a thread that may not
//! block), the waiter-protocol `Step` that each primitive's wait is written as, and
//! `drive_blocking`, which takes the steps on the calling thread.

use crate::error::{Error, Result};
use crate::sys::{self, Instant};
use std::time::Duration;

/// The largest timeout accepted, in seconds (Python's `threading.TIMEOUT_MAX` on Linux).
///
/// ```
/// use pythreading as threading;
/// let lock = threading::Lock::new();
/// assert_eq!(lock.acquire_timeout(threading::TIMEOUT_MAX), Ok(true));
/// assert!(matches!(lock.acquire_timeout(threading::TIMEOUT_MAX * 2.0), Err(threading::Error::Overflow(_))));
/// # lock.release().unwrap();
/// ```
pub const TIMEOUT_MAX: f64 = 9_223_372_036.0;

/// A timeout as given by the caller: seconds or a `Duration`. It is validated by the call that
/// uses it, with that call's Python rules:
///
/// * lock acquires (`Lock`, `RLock`, `Condition::acquire_timeout`): `-1` means "block forever",
///   any other negative value or NaN is `Error::Value`, above [`TIMEOUT_MAX`] is
///   `Error::Overflow`;
/// * waits (`Event`, `Condition::wait_timeout`, `Semaphore`, `Barrier`, `Thread::join_timeout`,
///   `Timer`): a negative value means "do not wait", NaN is `Error::Value`, above
///   [`TIMEOUT_MAX`] is `Error::Overflow`.
///
/// ```
/// use pythreading as threading;
/// use std::time::Duration;
/// let ev = threading::Event::new();
/// assert_eq!(ev.wait_timeout(0.01), Ok(false));                   // f64 seconds
/// assert_eq!(ev.wait_timeout(0), Ok(false));                      // integer seconds
/// assert_eq!(ev.wait_timeout(Duration::from_millis(1)), Ok(false));
/// assert!(matches!(ev.wait_timeout(f64::NAN), Err(threading::Error::Value(_))));
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Timeout(Repr);

#[derive(Debug, Clone, Copy, PartialEq)]
enum Repr {
    Secs(f64),
    Dur(Duration),
}

impl From<f64> for Timeout {
    fn from(s: f64) -> Self {
        Timeout(Repr::Secs(s))
    }
}
impl From<f32> for Timeout {
    fn from(s: f32) -> Self {
        Timeout(Repr::Secs(f64::from(s)))
    }
}
impl From<i32> for Timeout {
    fn from(s: i32) -> Self {
        Timeout(Repr::Secs(f64::from(s)))
    }
}
impl From<Duration> for Timeout {
    fn from(d: Duration) -> Self {
        Timeout(Repr::Dur(d))
    }
}

fn too_large() -> Error {
    Error::Overflow("timeout value is too large".into())
}

impl Timeout {
    /// Lock rules. `Ok(None)`: block forever.
    pub(crate) fn for_lock(self) -> Result<Option<Duration>> {
        match self.0 {
            Repr::Secs(s) if s.is_nan() => Err(Error::value("Invalid value NaN (not a number)")),
            Repr::Secs(-1.0) => Ok(None),
            Repr::Secs(s) if s < 0.0 => {
                Err(Error::value("timeout value must be a non-negative number"))
            }
            _ => self.duration().map(Some),
        }
    }

    /// Wait rules: negative is zero.
    pub(crate) fn for_wait(self) -> Result<Duration> {
        match self.0 {
            Repr::Secs(s) if s.is_nan() => Err(Error::value("Invalid value NaN (not a number)")),
            Repr::Secs(s) if s <= 0.0 => Ok(Duration::ZERO),
            _ => self.duration(),
        }
    }

    fn duration(self) -> Result<Duration> {
        match self.0 {
            Repr::Secs(s) if s > TIMEOUT_MAX => Err(too_large()),
            Repr::Secs(s) => Ok(Duration::from_secs_f64(s)),
            Repr::Dur(d) if d.as_secs_f64() > TIMEOUT_MAX => Err(too_large()),
            Repr::Dur(d) => Ok(d),
        }
    }
}

/// How long a call that cannot fail (`Lock::acquire()`, `Event::wait()`, the guards, ...: they
/// return `bool` or nothing) may wait on a thread that may not block (the page's UI thread in
/// browsers) before it gives up with a JS exception: long enough for a lock that a worker holds
/// briefly, short enough that a wait that would never end does not freeze the page.
pub(crate) const UI_WAIT_LIMIT: Duration = Duration::from_secs(1);

/// The error of a call that would have to wait on a thread that may not block.
pub(crate) fn cannot_block() -> Error {
    Error::runtime(
        "cannot block on the page's UI thread (this call would wait): run blocking calls in a \
         worker (a Thread), or use the JS class's ...Async variant",
    )
}

/// What a wait does on a thread that may not block (`sys::can_block()` false: the page's UI
/// thread in browsers; every other thread can block and never looks at this).
#[derive(Debug, Clone, Copy, PartialEq)]
enum OnUi {
    /// Calls that return `Result`: refuse to wait, with [`cannot_block`], before changing
    /// anything.
    Refuse,
    /// Calls that cannot fail: wait (the seam spins there) up to [`UI_WAIT_LIMIT`].
    Spin,
    /// `Spin` once the first wait began: `at` is the limit, and reaching it is the error.
    Capped,
}

/// A point in time after which a blocking call gives up; `None` never expires. It also carries
/// the call's rule for threads that may not block (see [`Deadline::next_wait`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Deadline {
    at: Option<Instant>,
    on_ui: OnUi,
}

/// What a blocking call does next: wait (for at most the duration; `None`: no limit), or stop
/// because its timeout passed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Next {
    Wait(Option<Duration>),
    TimedOut,
}

impl Deadline {
    /// No timeout, for the calls that cannot fail (they return `bool` or nothing): on a thread
    /// that may not block they wait up to [`UI_WAIT_LIMIT`], then [`next_wait`](Self::next_wait)
    /// answers the error, which they throw ([`or_throw`]).
    pub(crate) const NEVER: Deadline = Deadline {
        at: None,
        on_ui: OnUi::Spin,
    };

    /// A timeout (`None`: none) for calls that return `Result`: on a thread that may not block,
    /// [`next_wait`](Self::next_wait) refuses to wait.
    pub(crate) fn after(t: Option<Duration>) -> Deadline {
        // An instant beyond the clock's range is as good as never.
        Deadline {
            at: t.and_then(|t| Instant::now().checked_add(t)),
            on_ui: OnUi::Refuse,
        }
    }

    fn expired(&self) -> bool {
        self.at.is_some_and(|d| Instant::now() >= d)
    }

    /// Called right before each wait (only on slow paths: the fast paths never get here).
    /// `Ok(Next::Wait(t))`: wait at most `t`; `Ok(Next::TimedOut)`: the timeout passed;
    /// `Err(Runtime)`: the calling thread may not block and this call may not wait there
    /// (a `Result` call that would wait, or a call that cannot fail past [`UI_WAIT_LIMIT`]).
    pub(crate) fn next_wait(&mut self) -> Result<Next> {
        // Natively `can_block()` is the constant `true`, so this branch compiles away.
        if self.on_ui != OnUi::Capped && !sys::can_block() {
            if self.on_ui == OnUi::Spin {
                self.at = Instant::now().checked_add(UI_WAIT_LIMIT);
                self.on_ui = OnUi::Capped;
            } else if !self.expired() {
                return Err(cannot_block());
            }
        }
        match self.at {
            None => Ok(Next::Wait(None)),
            Some(d) => {
                let now = Instant::now();
                if now < d {
                    Ok(Next::Wait(Some(d - now)))
                } else if self.on_ui == OnUi::Capped {
                    Err(cannot_block())
                } else {
                    Ok(Next::TimedOut)
                }
            }
        }
    }

    /// `Err(Runtime)` if a `Result` call with this deadline would have to wait (it has not
    /// expired) on a thread that may not block: for calls that must refuse before they change
    /// any state (`Condition::wait` releases its lock, `Barrier::wait` counts its arrival;
    /// `Event::wait` and `Thread::join` would set a waiter bit).
    pub(crate) fn check_may_wait(&self) -> Result<()> {
        if self.on_ui == OnUi::Refuse && !sys::can_block() && !self.expired() {
            Err(cannot_block())
        } else {
            Ok(())
        }
    }

    /// True once the timeout passed (never for `NEVER`).
    pub(crate) fn timed_out(&self) -> bool {
        self.on_ui != OnUi::Capped && self.expired()
    }
}

/// The value of a call that cannot fail, whose wait ended with the error of
/// [`Deadline::NEVER`] on a thread that may not block: a JS exception there (a panic elsewhere,
/// where this cannot happen because every thread may block).
#[inline]
pub(crate) fn or_throw<T>(r: Result<T>) -> T {
    match r {
        Ok(v) => v,
        Err(e) => throw(e),
    }
}

#[cold]
fn throw(e: Error) -> ! {
    sys::throw(&format!(
        "pythreading: {e} (a call that cannot return an error waited {} s)",
        UI_WAIT_LIMIT.as_secs()
    ))
}

/// One non-blocking step of a waiter protocol. Each blocking call's protocol is written once,
/// as a step function, and driven two ways:
///
/// * by the blocking call itself, with [`drive_blocking`]: between steps the calling thread
///   blocks in the platform's futex wait on the word the step names;
/// * by the browser's async JS methods (`…Async`), which await `Atomics.waitAsync` on that word
///   between steps, on the calling thread (so an owned lock gets the right owner).
///
/// `Done(v)`: the call's result. `Wait(word, expected)`: the caller is registered as a waiter
/// (whoever changes the state will notify the word); wait while `word` holds `expected` (or
/// until the timeout), then step again. A protocol whose registration must be undone when the
/// caller gives up (a timeout, a refused wait) says so at its step function.
pub(crate) enum Step<'a, T> {
    Done(T),
    Wait(&'a crate::sys::atomic::AtomicU32, u32),
}

/// Drives a waiter protocol on the calling thread: takes `step`s until one is `Done`, and after
/// each `Wait` asks `deadline` ([`Deadline::next_wait`]: the timeout, and the policy for a
/// thread that may not block) and blocks in [`sys::wait`] on the named word for at most that
/// long. Every wake-up (a notification, a spurious one, the timeout) is followed by a step, so a
/// woken waiter always looks at the state again before it looks at the clock.
///
/// `Ok(Some(v))`: done. `Ok(None)`: the timeout passed after a `Wait` step; `Err(Runtime)`: the
/// thread may not block and this wait may not happen there. In both cases the last step's
/// registration is still in place, for the caller to undo if its protocol needs that.
#[inline]
pub(crate) fn drive_blocking<'a, T>(
    deadline: &mut Deadline,
    mut step: impl FnMut() -> Step<'a, T>,
) -> Result<Option<T>> {
    loop {
        match step() {
            Step::Done(v) => return Ok(Some(v)),
            Step::Wait(word, expected) => match deadline.next_wait()? {
                Next::TimedOut => return Ok(None),
                Next::Wait(t) => sys::wait(word, expected, t),
            },
        }
    }
}

/// Bounded adaptive spinning before a waiter goes to sleep, as parking_lot's `SpinWait`: while
/// the holder (or the notifier) is running, three rounds busy-waiting 2, 4 and 8 `spin_loop`
/// hints, then rounds yielding the CPU (`std::thread::yield_now`: with more threads than cores
/// the holder or notifier may be waiting for ours; a no-op in browsers, where spinning is all a
/// thread that may not block can do). Then the caller sleeps on its futex word. A waiter for
/// an event ([`SpinWait::yielding`]: `Condition`, `Event`, `Barrier` and `Queue` waiters;
/// `Condition` and `Event` through [`spin_for_event`], which also moves off a shared CPU)
/// yields up to 7 rounds (40 under wasmtime, `sys::SPIN_YIELD_ROUNDS`); a lock's waiter
/// ([`SpinWait::locking`]: `Lock`, `RLock`, `Semaphore`) 7 natively and none on wasm
/// (`sys::LOCK_YIELD_ROUNDS`, which gives the measurements and the fairness reason).
///
/// Measured (`PYTHREADING_BENCH_ROUNDS=11` or `15 cargo bench --bench primitives --
/// --no-cpython KEY...`, ours/parking_lot natively on 2 noisy cores; before = `Lock`'s former
/// 100 busy hints and nothing elsewhere): 4 threads' lock-protected increments 2.55× →
/// 0.9-1.1×, `notify_all` to 8 waiters 1.89× → 0.95× (yielding in `Condition::wait`; without
/// the yields 1.96-2.45×), the 1×1 condition queue 5.3× → 1.8-2.6×.
///
/// Where a hint is free (wasm has no pause instruction) a busy round re-checks the word
/// instead, `sys::SPIN_CHECKS_PER_HINT` times per hint, so that it lasts about as long.
///
/// Bounded: at most 14 hints (448 checks on wasm) and 7 yields (40 under wasmtime, ~25 µs) per
/// step of a waiter protocol, however long the wait (a step runs once per wake-up):
/// `tests/fairness.rs` measures the CPU time of a thread blocked 1 s on a held `RLock`, `Lock`
/// and in a `Condition` wait. Under loom it never spins (every load there is a scheduling
/// point, and spinning only multiplies the states).
pub(crate) struct SpinWait {
    round: u32,
    rounds: u32,
    /// Checks left in the current busy round where a hint is free (wasm, see
    /// `sys::SPIN_CHECKS_PER_HINT`).
    checks: u32,
}

impl SpinWait {
    /// Rounds of busy spinning (round `r` spins `2^r` hints).
    const SPIN_ROUNDS: u32 = 3;
    /// Rounds of yielding after them, for [`SpinWait::yielding`] (7; 40 under wasmtime, where
    /// a wake-up takes longer than 7 yields: see `sys::SPIN_YIELD_ROUNDS`).
    const YIELD_ROUNDS: u32 = sys::SPIN_YIELD_ROUNDS;

    /// Rounds of yielding after the busy ones, for [`SpinWait::locking`] (7 natively, none on
    /// wasm: see `sys::LOCK_YIELD_ROUNDS`).
    const LOCK_YIELD_ROUNDS: u32 = sys::LOCK_YIELD_ROUNDS;

    /// For a lock's waiter (`Lock`, `RLock`, `Semaphore`): busy spinning, then natively a few
    /// yields (see `sys::LOCK_YIELD_ROUNDS` for why, and why not on wasm).
    pub(crate) fn locking() -> Self {
        Self::with_yield_rounds(Self::LOCK_YIELD_ROUNDS)
    }

    /// Busy spinning, then yields, for a waiter that waits for an event rather than a lock
    /// (`Condition::wait`, waiting to be notified).
    pub(crate) fn yielding() -> Self {
        Self::with_yield_rounds(Self::YIELD_ROUNDS)
    }

    /// The busy rounds, then `yields` rounds of yielding; no rounds at all under loom.
    fn with_yield_rounds(yields: u32) -> Self {
        SpinWait {
            round: 0,
            rounds: if cfg!(loom) {
                0
            } else {
                Self::SPIN_ROUNDS + yields
            },
            checks: 0,
        }
    }

    /// Spins while `cond()` holds, for the rounds of `self` at most. Under loom, where there
    /// are no rounds, `cond` is not even called (each of its loads would be one more scheduling
    /// point to explore).
    #[inline]
    pub(crate) fn spin_while(mut self, mut cond: impl FnMut() -> bool) {
        if self.rounds == 0 {
            return;
        }
        while cond() && self.spin() {}
    }

    /// Whether the next [`spin`](Self::spin) yields the CPU (its busy rounds are over).
    #[inline]
    pub(crate) fn yields_next(&self) -> bool {
        self.round >= Self::SPIN_ROUNDS && self.checks == 0
    }

    /// Spins (or yields) once more and returns true, or returns false once the rounds are used
    /// up: time to sleep.
    #[inline]
    pub(crate) fn spin(&mut self) -> bool {
        // A constant test first: natively (one check per hint) this branch compiles away.
        if sys::SPIN_CHECKS_PER_HINT > 1 && self.checks > 0 {
            // A busy round where hints are free: the caller's check is the wait.
            self.checks -= 1;
            return true;
        }
        if self.round >= self.rounds {
            return false;
        }
        self.round += 1;
        if self.round <= Self::SPIN_ROUNDS {
            if sys::SPIN_CHECKS_PER_HINT == 1 {
                for _ in 0..1u32 << self.round {
                    core::hint::spin_loop();
                }
            } else {
                // This call is the round's first check; `2^round` hints' worth follow.
                self.checks = (sys::SPIN_CHECKS_PER_HINT << self.round) - 1;
            }
        } else {
            std::thread::yield_now();
        }
        true
    }
}

/// A yield that took at least this long let another thread run on the caller's CPU (an idle
/// CPU's `sched_yield` returns in 0.25-0.35 µs natively on this project's machines, ~0.6 µs
/// under wasmtime; a no-op in browsers).
const SHARED_CPU_YIELD: Duration = Duration::from_micros(2);

/// What the calling thread's last event waits found (see [`spin_for_event`]).
#[derive(Clone, Copy)]
struct EventSpin {
    /// The next wait sleeps without spinning.
    sleep_next: bool,
    /// Shared-CPU waits to let go by before the next sleep to move.
    skip: u16,
}

impl EventSpin {
    const FRESH: EventSpin = EventSpin {
        sleep_next: false,
        skip: 0,
    };

    /// A wait found its CPU shared: sleep the next wait to move, unless the last such sleep
    /// was fewer than `every` shared-CPU waits ago.
    fn found_shared_cpu(&mut self, every: u16) {
        if self.skip > 0 {
            self.skip -= 1;
        } else {
            self.sleep_next = true;
            self.skip = every.saturating_sub(1);
        }
    }
}

std::thread_local! {
    static EVENT_SPIN: std::cell::Cell<EventSpin> = const {
        std::cell::Cell::new(EventSpin::FRESH)
    };
}

/// How a waiter for an event (`Condition::wait`, `Event::wait`) spins before it sleeps: the
/// bounded spin of [`SpinWait::yielding`], and natively a way off a CPU shared with the thread
/// it waits for.
///
/// Two threads that hand an event back and forth (a ping-pong: notify, then wait for the
/// answer) and never sleep stay wherever the scheduler put them: Linux places a thread when it
/// wakes up, not when it yields. When both ended up on one CPU, every wait ran its busy rounds
/// for nothing (the answer cannot come while the waiter holds the CPU) and then got the answer
/// only by a yield that ran the other thread: two context switches per round trip. A yield
/// that took [`SHARED_CPU_YIELD`] or more, after which the event had come, says the CPU is
/// shared; then the thread's next event wait sleeps without spinning, and the wake-up that ends
/// the sleep may place the thread on the idle CPU. It may as well put it back (Linux prefers
/// the waker's or the previous CPU), so while the CPU stays shared only every
/// `sys::SHARED_CPU_ESCAPE_EVERY`th such wait sleeps to move (16: a failed try costs one
/// wake-up per 8 round trips). A wait that sees its event during the busy rounds or after a
/// short yield (a CPU each) starts the count over. Where `SHARED_CPU_ESCAPE_EVERY` is 0
/// (wasm: see there) this is `SpinWait::yielding`'s spin alone.
///
/// Measured with a scratch ping-pong over one `Condition::new()` in a crate of its own,
/// natively on this project's 2-core machine, unpinned, 8 runs of 10 batches of 400 round
/// trips: before, all 8 runs settled at 2.7-2.9 µs per round trip (a shared CPU: each wait got
/// its answer after one yield of over 2 µs); with this, 6 runs at 0.33-0.65 µs throughout
/// (a CPU each), one that fell onto a shared CPU for 6 batches and moved off again, and one
/// that stayed at 3.2-3.5 µs (every try put back on the same CPU). The benchmark's ping-pong
/// rows, natively (`PYTHREADING_BENCH_ROUNDS=21 cargo bench --bench primitives --
/// --no-cpython condition_pingpong event_pingpong`): before, Condition 3.0-3.8 µs and Event
/// 2.9-3.5 µs in six runs; after, Condition 341-414 ns in four of five runs (3.23 µs in the
/// fifth) and Event 160-534 ns in all five. No extra spinning: the rounds are
/// `SpinWait::yielding`'s, plus one clock read per yield. Memory: only the thread's own state
/// (thread-local); `cond` orders nothing (the caller's step loads with Acquire after it).
#[inline]
pub(crate) fn spin_for_event(mut cond: impl FnMut() -> bool) {
    if cfg!(loom) {
        return;
    }
    if sys::SHARED_CPU_ESCAPE_EVERY == 0 {
        // Not on this platform (see there): the plain yielding spin, untimed.
        SpinWait::yielding().spin_while(cond);
        return;
    }
    let mut state = EVENT_SPIN.with(|s| s.get());
    if state.sleep_next {
        state.sleep_next = false;
        EVENT_SPIN.with(|s| s.set(state));
        return;
    }
    if !cond() {
        // Already there (as on the step after a wake-up): nothing learnt.
        return;
    }
    let mut spin = SpinWait::yielding();
    loop {
        // A yielding round is timed: how long the yield took tells a shared CPU.
        let yield_start = spin.yields_next().then(Instant::now);
        if !spin.spin() {
            return; // the rounds are used up: sleep
        }
        if cond() {
            continue;
        }
        if yield_start.is_some_and(|t0| t0.elapsed() >= SHARED_CPU_YIELD) {
            state.found_shared_cpu(sys::SHARED_CPU_ESCAPE_EVERY);
            EVENT_SPIN.with(|s| s.set(state));
        } else if state.skip != 0 {
            // The event came during the busy rounds or after a short yield: a CPU each.
            EVENT_SPIN.with(|s| s.set(EventSpin::FRESH));
        }
        return;
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn a_shared_cpu_sleeps_one_wait_in_every() {
        let mut s = EventSpin::FRESH;
        s.found_shared_cpu(4);
        assert!(
            s.sleep_next,
            "the first shared-CPU wait sleeps the next one"
        );
        s.sleep_next = false; // that next wait slept
        for _ in 0..3 {
            s.found_shared_cpu(4);
            assert!(!s.sleep_next, "the next 3 go by");
        }
        s.found_shared_cpu(4);
        assert!(s.sleep_next, "the 4th after the sleep tries again");
    }

    fn set_state(sleep_next: bool, skip: u16) {
        EVENT_SPIN.with(|s| s.set(EventSpin { sleep_next, skip }));
    }

    #[test]
    fn an_event_already_there_leaves_the_state_alone() {
        set_state(false, 5);
        let mut calls = 0;
        spin_for_event(|| {
            calls += 1;
            false
        });
        assert_eq!(calls, 1);
        assert_eq!(EVENT_SPIN.with(|s| s.get().skip), 5);
    }

    #[test]
    fn a_wait_told_to_sleep_does_not_spin() {
        set_state(true, 0);
        let mut calls = 0;
        spin_for_event(|| {
            calls += 1;
            true
        });
        // (Where the escape is off, the plain spin runs and the state is not used.)
        if sys::SHARED_CPU_ESCAPE_EVERY != 0 {
            assert_eq!(calls, 0, "it returns to sleep at once");
            assert!(!EVENT_SPIN.with(|s| s.get().sleep_next), "once");
        }
    }

    #[test]
    fn an_event_seen_while_spinning_starts_the_count_over() {
        set_state(false, 7);
        let mut left = 3;
        spin_for_event(|| {
            left -= 1;
            left > 0
        });
        if sys::SHARED_CPU_ESCAPE_EVERY != 0 {
            assert_eq!(EVENT_SPIN.with(|s| s.get().skip), 0);
        }
    }
}
