//! Joining: `Thread::join`, `join_timeout` and the async `join_step`, over the thread's
//! `state` word (behaviours J-01 to J-03, T-05, T-06), and the stopping side that wakes
//! joiners.

use super::get_ident;
use super::{lock, registry, Kind, Thread, INITIAL, JOIN_WAITERS, PHASE, STOPPED};
use crate::error::{Error, Result};
use crate::sys::atomic::Ordering::*;
use crate::sys::{wait, wake_all};
use crate::timeout::{Deadline, Next, Step, Timeout};

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
    /// `is_alive`); `Err(Runtime)` instead of a wait on a thread that may not block.
    pub(super) fn wait_stopped(&self, mut deadline: Deadline) -> Result<()> {
        let state = &self.inner.state;
        let mut s = state.load(Acquire);
        loop {
            if s & PHASE == STOPPED {
                // Reap the OS thread too, so its resources are gone when join returns.
                let handle = lock(&self.inner.handle).take();
                if let Some(h) = handle {
                    h.join();
                }
                return Ok(());
            }
            let t = match deadline.next_wait()? {
                Next::TimedOut => return Ok(()),
                Next::Wait(t) => t,
            };
            if s & JOIN_WAITERS == 0 {
                if let Err(now) = state.compare_exchange(s, s | JOIN_WAITERS, Acquire, Acquire) {
                    s = now;
                    continue;
                }
                s |= JOIN_WAITERS;
            }
            wait(state, s, t);
            s = state.load(Acquire);
        }
    }

    /// One step of a join that waits elsewhere (see [`Step`]; the browser's `joinAsync`):
    /// `Err` as `join`'s checks; `Done` once the thread stopped, else registers as a joiner
    /// and names the state word. On timeout nothing is left to undo.
    #[allow(dead_code)] // used by the browser's JS classes only
    pub(crate) fn join_step(&self) -> Result<Step<'_, ()>> {
        self.check_joinable()?;
        let state = &self.inner.state;
        let mut s = state.load(Acquire);
        loop {
            if s & PHASE == STOPPED {
                let handle = lock(&self.inner.handle).take();
                if let Some(h) = handle {
                    h.join();
                }
                return Ok(Step::Done(()));
            }
            if s & JOIN_WAITERS == 0 {
                if let Err(now) = state.compare_exchange(s, s | JOIN_WAITERS, Acquire, Acquire) {
                    s = now;
                    continue;
                }
                s |= JOIN_WAITERS;
            }
            return Ok(Step::Wait(state, s));
        }
    }

    /// Leaves the registry, then marks the thread stopped and wakes joiners.
    pub(super) fn mark_stopped(&self) {
        let ident = self.inner.ident.load(Relaxed);
        {
            let mut reg = registry();
            if reg.get(&ident) == Some(self) {
                reg.remove(&ident);
            }
        }
        let old = self.inner.state.swap(STOPPED, Release);
        if old & JOIN_WAITERS != 0 {
            wake_all(&self.inner.state);
        }
    }
}
