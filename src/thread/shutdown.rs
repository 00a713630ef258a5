//! The exit rule: Python's interpreter shutdown joins every alive non-daemon thread, and runs
//! by itself at process exit where the platform has a hook (behaviours X-01 to X-06).

use super::registry::{registry, MAIN};
use super::{get_ident, Kind, Thread, MAIN_IDENT};
use crate::sys;
use crate::timeout::{or_throw, Deadline};
use std::panic::catch_unwind;
use std::sync::Once;

/// Python's interpreter shutdown: marks the main thread stopped (when called from it, so that
/// `main_thread().join()` in other threads returns) and joins every alive non-daemon thread,
/// including threads started meanwhile by other threads. Daemon threads are not waited for.
///
/// Natively (and under wasi-libc) this runs by itself when the process exits after `main`
/// returns, so a program behaves like a Python script; call it yourself where the platform has
/// no exit hook (browsers) or to join threads earlier.
///
/// # Browsers
/// On the page's UI thread, which may not block, it waits at most 1 s for each thread still
/// running, then throws a JS exception; call it from the worker that runs the program.
///
/// ```
/// use pythreading as threading;
/// let t = threading::Thread::builder()
///     .daemon(false)
///     .target(|| std::thread::sleep(std::time::Duration::from_millis(20)))
///     .build();
/// t.start().unwrap();
/// threading::shutdown();
/// assert!(!t.is_alive());
/// ```
pub fn shutdown() {
    let me = get_ident();
    if me == MAIN_IDENT && MAIN.is_alive() {
        MAIN.mark_stopped();
    }
    loop {
        let pending: Vec<Thread> = registry()
            .values()
            .filter(|t| t.inner.kind == Kind::Normal && !t.is_daemon() && t.ident() != Some(me))
            .cloned()
            .collect();
        if pending.is_empty() {
            break;
        }
        for t in pending {
            if t.join().is_err() {
                // Only a thread that may not block gets here (the page's UI thread): wait as
                // the calls that cannot fail do (bounded, then a JS exception).
                or_throw(t.wait_stopped(Deadline::NEVER));
            }
        }
    }
}

extern "C" fn shutdown_at_exit() {
    // Never unwind into the C runtime.
    let _ = catch_unwind(shutdown);
}

pub(super) fn register_exit_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        sys::at_exit(shutdown_at_exit);
    });
}
