//! `Event`: Python's `threading.Event` (behaviours E-01 to E-04 and E-06; E-05, `fork`, is not
//! implemented).
//!
//! One futex word: bit 0 is the flag, bit 1 says a waiter may be asleep, and bits 2.. count
//! `set()` calls (a generation). A waiter that blocked during generation `g` returns `true` as
//! soon as the generation moves on, even if `clear()` already reset the flag (E-04: every
//! thread blocked when `set()` ran returns `true`). `set()` calls into the platform only when
//! the waiter bit is set. The generation wraps after 2^30 `set()` calls; a waiter would have to
//! sleep through exactly that many to miss one. A wait is one waiter protocol,
//! [`Event::wait_step`]: the blocking `wait` drives it with the futex wait, the browser's
//! `waitAsync` with `Atomics.waitAsync`.

use crate::error::Result;
use crate::sys::atomic::{AtomicU32, Ordering::*};
use crate::sys::wake_all;
use crate::timeout::{drive_blocking, or_throw, spin_for_event, Deadline, Step, Timeout};
use std::fmt;
use std::sync::Arc;

const FLAG: u32 = 1;
const WAITERS: u32 = 2;
const GEN: u32 = 4;
/// The generation bits.
const GENERATION: u32 = !(FLAG | WAITERS);

/// An event flag, as Python's `threading.Event()`.
///
/// ```
/// use pythreading as threading;
///
/// // Python:
/// //   e = threading.Event()
/// //   t = threading.Thread(target=lambda: e.wait())
/// //   t.start(); e.set(); t.join()
/// let e = threading::Event::new();
/// let e2 = e.clone();
/// let t = threading::Thread::new(move || assert!(e2.wait()));
/// t.start().unwrap();
/// e.set();
/// t.join().unwrap();
/// assert!(e.is_set());
/// e.clear();
/// assert_eq!(e.wait_timeout(0.01), Ok(false));
/// ```
#[derive(Clone)]
pub struct Event {
    state: Arc<AtomicU32>,
}

impl Default for Event {
    fn default() -> Self {
        Event::new()
    }
}

impl Event {
    /// A new event, not set.
    pub fn new() -> Event {
        Event {
            state: Arc::new(AtomicU32::new(0)),
        }
    }

    /// True if the flag is set.
    pub fn is_set(&self) -> bool {
        self.state.load(Acquire) & FLAG != 0
    }

    /// Sets the flag and wakes every waiter. Release: what the setter wrote before `set()` is
    /// visible to a thread whose `wait()` returns (its loads are Acquire).
    pub fn set(&self) {
        let old = self
            .state
            .fetch_update(Release, Relaxed, |s| {
                if s & FLAG != 0 {
                    None // already set: nothing to do (idempotent)
                } else {
                    Some((s & !WAITERS).wrapping_add(GEN) | FLAG)
                }
            })
            .ok();
        if let Some(old) = old {
            if old & WAITERS != 0 {
                wake_all(&self.state);
            }
        }
    }

    /// Resets the flag.
    pub fn clear(&self) {
        self.state.fetch_and(!FLAG, Relaxed);
    }

    /// Blocks until the flag is set; returns `true`.
    ///
    /// # Browsers
    /// On the page's UI thread it returns at once if the flag is set, else it waits at most
    /// 1 s, then throws a JS exception; use [`wait_timeout`](Event::wait_timeout) there (an
    /// error instead of a wait) or, from JS, `waitAsync`.
    pub fn wait(&self) -> bool {
        or_throw(self.wait_until(Deadline::NEVER))
    }

    /// Blocks until the flag is set or `t` elapses; returns the flag (`false` on timeout).
    /// A zero or negative timeout just polls. Errors: NaN -> `Value`; above `TIMEOUT_MAX` ->
    /// `Overflow`.
    ///
    /// # Browsers
    /// On the page's UI thread, `Err(Runtime)` if the flag is not set and `t` is positive
    /// (it would have to wait).
    pub fn wait_timeout(&self, t: impl Into<Timeout>) -> Result<bool> {
        let t = t.into().for_wait()?;
        self.wait_until(Deadline::after(Some(t)))
    }
}

// Only the JS binding layer (src/js/, built for browsers alone) calls this.
crate::sys::on_web! {
    impl Event {
        /// `wait(timeout)` with the timeout checked (`None`: no limit), refusing to wait on a
        /// thread that may not block (for the JS class).
        pub(crate) fn wait_for(&self, t: Option<std::time::Duration>) -> Result<bool> {
            self.wait_until(Deadline::after(t))
        }
    }
}

impl Event {
    #[inline]
    fn wait_until(&self, deadline: Deadline) -> Result<bool> {
        // Acquire: pairs with `set()`'s Release (also in every load of `wait_step`).
        let s = self.state.load(Acquire);
        if s & FLAG != 0 {
            return Ok(true);
        }
        self.wait_slow(deadline, s)
    }

    /// The flag was not set in `s`: waits by the steps.
    #[cold]
    fn wait_slow(&self, mut deadline: Deadline, s: u32) -> Result<bool> {
        // A poll (zero timeout, or a timeout already past) returns, and a wait that a thread
        // that may not block must refuse is refused, before the first step, which would set the
        // waiter bit and so make the next `set()` call into the platform.
        if deadline.timed_out() {
            return Ok(false);
        }
        deadline.check_may_wait()?;
        // Spin (boundedly, see `spin_for_event`: yielding, as a Condition waiter does, since
        // this waits for an event, not a lock; and off a CPU shared with the setter) before
        // the first step sets the waiter bit and sleeps: a setter that is running often sets
        // the flag within a few hundred nanoseconds, and then neither side calls into the
        // platform. Relaxed: only a hint; the step's loads are Acquire. Measured on a quiet
        // machine (`PYTHREADING_BENCH_ROUNDS=61 cargo bench --bench primitives -- --wasmtime
        // --no-cpython event_pingpong`, same-run medians, before the move off a shared CPU):
        // the round trip natively 7.5 µs -> 5.9 µs (0.94× -> 0.37× std's Condvar), under
        // wasmtime 31.7 µs -> 3.3 µs (4.27× -> 1.20× native), where every sleep and wake-up
        // goes through wasmtime's parking table. Bounded: `tests/fairness.rs` checks the CPU
        // time of a 1 s `Event` wait.
        spin_for_event(|| {
            let now = self.state.load(Relaxed);
            now & FLAG == 0 && now & GENERATION == s & GENERATION
        });
        // The wait started in the generation of that load.
        let mut generation = Some(s & GENERATION);
        // `None`: timed out (the waiter bit stays set: nothing to undo).
        Ok(drive_blocking(&mut deadline, || self.wait_step(&mut generation))?.unwrap_or(false))
    }

    /// One step of a wait (see [`Step`]): `generation` is `None` on a first step that did not
    /// look at the state yet (it records the generation the wait started in). `Done(true)` once
    /// the flag is set or the generation moved on; else sets the waiter bit (so that `set()`
    /// wakes the word) and names the word with the value that includes it. On timeout the
    /// result is `false`, and nothing is to be undone: the waiter bit only makes the next
    /// `set()` call into the platform once.
    ///
    /// Acquire on every load (and on the CAS, whose failure reloads): pairs with `set()`'s
    /// Release, so what the setter wrote is visible when this returns `Done`. The waiter bit
    /// and `set()` are RMWs of the same word, so either `set()` sees the bit and wakes, or the
    /// CAS fails on the changed word and the step sees the new generation.
    pub(crate) fn wait_step(&self, generation: &mut Option<u32>) -> Step<'_, bool> {
        let mut s = self.state.load(Acquire);
        if s & FLAG != 0 {
            return Step::Done(true);
        }
        let g = *generation.get_or_insert(s & GENERATION);
        loop {
            if s & FLAG != 0 || s & GENERATION != g {
                return Step::Done(true);
            }
            if s & WAITERS == 0 {
                if let Err(now) = self
                    .state
                    .compare_exchange(s, s | WAITERS, Acquire, Acquire)
                {
                    s = now;
                    continue;
                }
                s |= WAITERS;
            }
            return Step::Wait(&self.state, s);
        }
    }
}

impl fmt::Debug for Event {
    /// Python's repr: `<pythreading.Event at 0x...: unset>` / `...: set>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let st = if self.is_set() { "set" } else { "unset" };
        write!(
            f,
            "<pythreading.Event at {:#x}: {st}>",
            Arc::as_ptr(&self.state) as usize
        )
    }
}

identity_eq!(Event, |e| Arc::as_ptr(&e.state) as usize);
