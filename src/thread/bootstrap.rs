//! Running a thread: the bootstrap on the new OS thread (ident, native id, `current_thread`,
//! trace/profile hooks, `run()`, a panic to the excepthook), its finish (its `Local` values
//! dropped, then stopped), recovery after a trap where panics abort (wasm), and
//! `exit_thread`.

use super::registry::{current_slot, set_current, set_ident};
use super::{get_ident, getprofile, gettrace, shutdown, Kind, Thread, MAIN_IDENT};
use crate::excepthook::{self, ExceptHookArgs};
use crate::sys::atomic::Ordering::*;
use crate::sys::{self, wake_all};
use std::cell::Cell;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};

thread_local! {
    /// True while a crate thread runs its target (and its excepthook): panics there are
    /// reported through the excepthook instead of std's panic message.
    pub(crate) static IN_RUN: Cell<bool> = const { Cell::new(false) };
    /// Set by `exit_thread()`: the thread's end is silent (Python's SystemExit).
    static EXITING: Cell<bool> = const { Cell::new(false) };
    /// How many times the host's trap handler entered `after_trap` on this thread.
    static TRAP_STAGE: Cell<u8> = const { Cell::new(0) };
    /// Set by [`defer_finish`]: the target went on asynchronously (a JS target in a browser),
    /// so the thread ends later, in [`finish_deferred`].
    static DEFERRED: Cell<bool> = const { Cell::new(false) };
}

// Only the JS binding layer (browsers) defers a thread's end.
crate::sys::on_web! {
    /// Called by a target that goes on after it returns (a JS thread's target, which runs once its
    /// worker is back in its event loop): the bootstrap then leaves the thread alive and current
    /// on this OS thread, and [`finish_deferred`] ends it.
    pub(crate) fn defer_finish() {
        DEFERRED.with(|d| d.set(true));
    }

    /// Ends the deferred crate thread current on this OS thread, first handing `exception` (what
    /// escaped its target) to the excepthook. Does nothing if no thread was deferred here.
    pub(crate) fn finish_deferred(exception: Option<ExceptHookArgs>) {
        if !DEFERRED.with(|d| d.replace(false)) {
            return;
        }
        let Some(me) = current_slot() else { return };
        if let Some(mut args) = exception {
            args.thread = Some(me.clone());
            IN_RUN.with(|f| f.set(true));
            excepthook::excepthook(&args);
            IN_RUN.with(|f| f.set(false));
        }
        finish(&me);
    }
}

/// Marker payload of `exit_thread()`.
struct ExitThread;

/// The new OS thread's entry (what `Thread::start` hands to `sys::spawn`).
pub(super) fn bootstrap(me: Thread) {
    let inner = &*me.inner;
    set_ident(inner.ident.load(Relaxed));
    inner.native_id.store(sys::native_id(), Release);
    if inner.native_published.swap(1, Release) == 2 {
        wake_all(&inner.native_published);
    }
    set_current(Some(me.clone()));
    EXITING.with(|e| e.set(false));
    DEFERRED.with(|d| d.set(false));
    TRAP_STAGE.with(|s| s.set(0));
    IN_RUN.with(|f| f.set(true));
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        if let Some(hook) = gettrace() {
            hook(&me);
        }
        if let Some(hook) = getprofile() {
            hook(&me);
        }
        me.run();
    }));
    if let Err(payload) = outcome {
        // A panic ends the thread now, deferred or not.
        DEFERRED.with(|d| d.set(false));
        if !payload.is::<ExitThread>() {
            excepthook::excepthook(&ExceptHookArgs::from_panic(
                Some(me.clone()),
                Some(&*payload),
            ));
        }
    }
    IN_RUN.with(|f| f.set(false));
    if outcome_deferred() {
        return;
    }
    finish(&me);
}

/// True if the target deferred its end ([`defer_finish`]) and did not panic.
fn outcome_deferred() -> bool {
    DEFERRED.with(Cell::get)
}

fn finish(me: &Thread) {
    // Drop the thread's Local values before it counts as stopped, so that they are gone when
    // join() returns.
    crate::local::thread_exit(me.inner.ident.load(Relaxed));
    sys::thread_finishing();
    me.mark_stopped();
    // The OS thread may outlive (or, on a reused worker, run another) crate thread: forget
    // this one so its TLS does not keep the finished Thread alive.
    set_current(None);
}

/// The host's trap handler landed here, on the instance of a crate thread whose panic aborted
/// (wasm): report the panic like an unwinding one, then stop the thread.
///
/// Re-entrant by design: if reporting traps too (a custom excepthook that panics), the host
/// calls this again on the same instance, and the second call reports the hook's failure as
/// Python does (`Exception in threading.excepthook:`) and stops the thread; a third call only
/// stops it.
/// Registered with the seam as its trap handler (`sys::set_trap_handler`) by `Thread::start`.
pub(super) fn after_trap() {
    let me = match current_slot() {
        Some(t) if t.inner.kind == Kind::Normal && t.is_alive() => t,
        _ => return,
    };
    let stage = TRAP_STAGE.with(|s| s.replace(s.get().saturating_add(1)));
    match stage {
        0 if !EXITING.with(Cell::get) => {
            excepthook::excepthook(&ExceptHookArgs::from_panic(Some(me.clone()), None));
        }
        1 => excepthook::report_hook_failure(None),
        _ => {}
    }
    DEFERRED.with(|d| d.set(false));
    IN_RUN.with(|f| f.set(false));
    finish(&me);
}

/// Ends the calling thread silently, as Python's `sys.exit()` / `_thread.exit()` inside a
/// thread: the excepthook is not called, joiners return. Called on the main thread, it runs
/// [`shutdown`] and exits the process with status 0 (Python's `SystemExit` in the main thread).
///
/// ```no_run
/// use pythreading as threading;
/// let t = threading::Thread::new(|| {
///     threading::exit_thread();
/// });
/// t.start().unwrap();
/// t.join().unwrap();
/// ```
pub fn exit_thread() -> ! {
    if get_ident() == MAIN_IDENT {
        shutdown();
        std::process::exit(0);
    }
    EXITING.with(|e| e.set(true));
    resume_unwind(Box::new(ExitThread))
}

/// Whether the calling thread is a crate thread running its target.
pub(crate) fn in_run() -> bool {
    IN_RUN.try_with(Cell::get).unwrap_or(false)
}
