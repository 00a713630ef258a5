//! Joining: `Thread::join`, `join_timeout` and the async `join_step`, over the thread's
//! `state` word (behaviours J-01 to J-03, T-05, T-06), and the stopping side that wakes
//! joiners. A join is one waiter protocol ([`joiner_step`]): the blocking join drives it with
//! the futex wait, the browser's `joinAsync` (through `join_step`) with `Atomics.waitAsync`.

use super::get_ident;
use super::{lock, registry, Kind, Thread, INITIAL, JOIN_WAITERS, PHASE, STOPPED};
use crate::error::{Error, Result};
use crate::sys::atomic::{AtomicU32, Ordering::*};
use crate::sys::wake_all;
use crate::timeout::{drive_blocking, Deadline, Step, Timeout};

impl Thread {
    fn check_joinable(&self) -> Result<()> {
        if self.inner.kind == Kind::Dummy {
            return Err(Error::runtime("cannot join a dummy thread"));
        }
        if self.phase() == INITIAL {
            return Err(Error::runtime("cannot join thread before it is started"));
        }
        if self.inner.ident.load(Relaxed) == get_ident() {
            return Err(Error::runtime("cannot join current thread"));
        }
        Ok(())
    }

    /// Waits until the thread terminates. `Err(Runtime)` before `start()`, for the current
    /// thread, and for dummy threads. A panic in the thread is not re-raised here.
    ///
    /// # Browsers
    /// On the page's UI thread, which may not block, joining a thread that has stopped works;
    /// joining one still running returns `Err(Runtime)` at once (so does `join_timeout` with a
    /// positive timeout). From JS, await `joinAsync()` instead.
    pub fn join(&self) -> Result<()> {
        self.check_joinable()?;
        if self.phase() != STOPPED {
            // A thread that may not block refuses before anything changes.
            Deadline::after(None).check_may_wait()?;
        }
        // The first joiner joins the OS thread directly: one sleep, as `std`'s join (on wasm the
        // seam's join only detaches, and the wait below does the waiting).
        let handle = lock(&self.inner.handle).take();
        if let Some(h) = handle {
            h.join();
        }
        self.wait_stopped(Deadline::after(None))
    }

    /// Waits at most `t` (Python's `join(timeout)`); like Python it returns nothing either
    /// way: check [`is_alive`](Thread::is_alive). Errors as `join`, plus NaN -> `Value` and
    /// above `TIMEOUT_MAX` -> `Overflow`.
    pub fn join_timeout(&self, t: impl Into<Timeout>) -> Result<()> {
        self.check_joinable()?;
        let t = t.into().for_wait()?;
        self.wait_stopped(Deadline::after(Some(t)))
    }

    /// Waits for the thread to stop (`Ok` also when the timeout passed first: check
    /// `is_alive`); `Err(Runtime)` instead of a wait on a thread that may not block. Drives the
    /// join protocol's steps ([`joiner_step`]) with the futex wait.
    pub(super) fn wait_stopped(&self, mut deadline: Deadline) -> Result<()> {
        if self.phase() != STOPPED {
            // A poll (zero timeout, or one already past) returns, and a wait that a thread that
            // may not block must refuse is refused, before the first step sets the joiner bit
            // (which would make the stopping thread call into the platform).
            if deadline.timed_out() {
                return Ok(());
            }
            deadline.check_may_wait()?;
        }
        // `None`: timed out (the joiner bit stays: nothing to undo).
        drive_blocking(&mut deadline, || self.stopped_step())?;
        Ok(())
    }

    /// One step of the join protocol for this thread ([`joiner_step`] on its `state` word),
    /// reaping the OS thread once it stopped, so its resources are gone when join returns.
    fn stopped_step(&self) -> Step<'_, ()> {
        let step = joiner_step(&self.inner.state);
        if let Step::Done(()) = step {
            let handle = lock(&self.inner.handle).take();
            if let Some(h) = handle {
                h.join();
            }
        }
        step
    }
}

// Only the JS binding layer (src/js/, built for browsers alone) calls this.
crate::sys::on_web! {
    impl Thread {
        /// One step of a join that waits elsewhere (see [`Step`]; the browser's `joinAsync`):
        /// `Err` as `join`'s checks; then the step the blocking join takes. On timeout nothing is
        /// left to undo.
        pub(crate) fn join_step(&self) -> Result<Step<'_, ()>> {
            self.check_joinable()?;
            Ok(self.stopped_step())
        }
    }
}

impl Thread {
    /// Leaves the registry, then marks the thread stopped and wakes joiners.
    pub(super) fn mark_stopped(&self) {
        let ident = self.inner.ident.load(Relaxed);
        {
            let mut reg = registry();
            if reg.get(&ident) == Some(self) {
                reg.remove(&ident);
            }
        }
        mark_word_stopped(&self.inner.state);
    }
}

// ---- the join protocol on a thread's `state` word ----------------------------------------------
//
// The join wait state is the `state` word alone (`INITIAL`/`STARTED`/`STOPPED` plus
// `JOIN_WAITERS`): the two halves below need neither the registry nor the thread's identity, so
// loom models them on a bare word (`step_models` at the end of this file).

/// One step of a join (see [`Step`]): `Done` once the word says stopped, else sets the joiner
/// bit (so that [`mark_word_stopped`] wakes the word) and names the word with the value that
/// includes it. Acquire on the load and on the CAS (whose failure reloads): pairs with the
/// Release swap of `mark_word_stopped`, so the thread's effects are visible once the join
/// returns. The bit and the swap are RMWs of one word: either the stopper sees the bit and
/// wakes, or the CAS fails on `STOPPED`. Nothing is to be undone on timeout.
fn joiner_step(state: &AtomicU32) -> Step<'_, ()> {
    let mut s = state.load(Acquire);
    loop {
        if s & PHASE == STOPPED {
            return Step::Done(());
        }
        if s & JOIN_WAITERS == 0 {
            if let Err(now) = state.compare_exchange(s, s | JOIN_WAITERS, Acquire, Acquire) {
                s = now;
                continue;
            }
            s |= JOIN_WAITERS;
        }
        return Step::Wait(state, s);
    }
}

/// The stopping half: marks the word stopped (Release: publishes the thread's effects to its
/// joiners) and wakes every joiner, only if one registered.
fn mark_word_stopped(state: &AtomicU32) {
    let old = state.swap(STOPPED, Release);
    if old & JOIN_WAITERS != 0 {
        wake_all(state);
    }
}

/// loom models of the join protocol (run with `RUSTFLAGS="--cfg loom" cargo test --release --lib
/// step_models`, as `src/step_models.rs`): a thread's `state` word, joined by a blocking joiner
/// (the steps driven with the futex wait, as `Thread::join`) and a stepping one (as
/// `joinAsync`), against the stopping thread. Neither may sleep through the stop, and both see
/// what the stopped thread wrote.
#[cfg(all(test, loom))]
mod step_models {
    use super::{joiner_step, mark_word_stopped};
    use crate::sys::{self, atomic::AtomicU32, atomic::AtomicUsize, atomic::Ordering::Relaxed};
    use crate::thread::STARTED;
    use crate::timeout::{drive_blocking, Deadline, Step};
    use loom::sync::Arc;
    use loom::thread;

    /// The thread's word and something it writes before it stops (Relaxed: only the join's
    /// Acquire/Release makes it visible).
    struct Joinee {
        state: AtomicU32,
        result: AtomicUsize,
    }

    fn blocking_join(j: &Joinee) -> usize {
        let mut deadline = Deadline::after(None);
        assert_eq!(
            drive_blocking(&mut deadline, || joiner_step(&j.state)),
            Ok(Some(()))
        );
        j.result.load(Relaxed)
    }

    fn stepping_join(j: &Joinee) -> usize {
        loop {
            match joiner_step(&j.state) {
                Step::Done(()) => return j.result.load(Relaxed),
                Step::Wait(word, expected) => sys::wait(word, expected, None),
            }
        }
    }

    fn stop(j: &Joinee) {
        j.result.store(7, Relaxed);
        mark_word_stopped(&j.state);
    }

    /// A blocking and a stepping joiner against the stop (one `wake_all` for both).
    #[test]
    fn join_blocking_and_stepping_joiners() {
        let mut model = loom::model::Builder::new();
        model.preemption_bound = Some(3);
        model.check(|| {
            let j = Arc::new(Joinee {
                state: AtomicU32::new(STARTED),
                result: AtomicUsize::new(0),
            });
            let j2 = j.clone();
            let blocking = thread::spawn(move || blocking_join(&j2));
            let j3 = j.clone();
            let stepping = thread::spawn(move || stepping_join(&j3));
            stop(&j);
            assert_eq!(blocking.join().unwrap(), 7);
            assert_eq!(stepping.join().unwrap(), 7);
        });
    }

    /// A joiner that times out (zero timeout: it steps once, registers, and gives up) next to
    /// a blocking joiner: the registration it leaves is harmless, the blocking joiner returns.
    #[test]
    fn join_timed_out_joiner_next_to_blocking_one() {
        let mut model = loom::model::Builder::new();
        model.preemption_bound = Some(3);
        model.check(|| {
            let j = Arc::new(Joinee {
                state: AtomicU32::new(STARTED),
                result: AtomicUsize::new(0),
            });
            let j2 = j.clone();
            let timed = thread::spawn(move || {
                let mut deadline = Deadline::after(Some(std::time::Duration::ZERO));
                match drive_blocking(&mut deadline, || joiner_step(&j2.state)) {
                    Ok(Some(())) => assert_eq!(j2.result.load(Relaxed), 7),
                    Ok(None) => {} // timed out
                    Err(e) => panic!("{e}"),
                }
            });
            let j3 = j.clone();
            let blocking = thread::spawn(move || blocking_join(&j3));
            stop(&j);
            timed.join().unwrap();
            assert_eq!(blocking.join().unwrap(), 7);
        });
    }
}
