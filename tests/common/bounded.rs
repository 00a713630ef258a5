//! Running what might hang on a helper thread, with a deadline: a deadlocked or lost-wakeup test
//! fails with a clear message instead of hanging the run (CPython leaves that to its test
//! runner's `--timeout`). The stuck helper is leaked.
//!
//! The helpers differ in the thread they use, because tests care which threads exist:
//!
//! - [`with_timeout`] / [`watchdog`]: a whole test body on a *foreign* helper thread
//!   (`platform::spawn_named`: a std thread natively, a crate thread in browsers), so the
//!   primitives' tests run, like their `Bunch` workers, outside any crate thread.
//! - [`within`]: one call on a daemonic crate `Thread`, which works wherever the crate can
//!   spawn; [`in_foreign_thread`] runs a call in a foreign thread, itself bounded by `within`.
//! - [`join_bounded`]: `join` with [`BOUND`], asserting that the thread really ended.
//! - [`panic_message`]: the text of a panic payload, to re-raise it with its message.
//!
//! `with_timeout` and `within` wait for the helper's result in one loop that polls
//! ([`std::sync::mpsc::Receiver::recv_timeout`] reads std's clock, which panics in browsers).

use super::platform::{self, spawn_named, Instant};
use super::{BOUND, WATCHDOG_SECS};
use pythreading as threading;
use std::sync::mpsc::{self, TryRecvError};
use std::thread;
use std::time::Duration;

/// Render a panic payload.
pub fn panic_message(p: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = p.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = p.downcast_ref::<String>() {
        s.clone()
    } else {
        "<non-string panic payload>".to_string()
    }
}

/// How waiting for a helper thread's result ended.
enum Waited<T> {
    /// The helper sent its result.
    Sent(T),
    /// The helper ended without sending: it panicked (natively its sender was dropped while
    /// unwinding; where a panic aborts the thread, as in browsers, nothing is dropped, but the
    /// thread has ended).
    Ended,
    /// Neither within the deadline: a hang.
    TimedOut,
}

/// Poll `rx` every millisecond for up to `secs` until the helper sends its result or `ended()`
/// says it is gone.
fn wait_for<T>(rx: &mpsc::Receiver<T>, secs: f64, ended: impl Fn() -> bool) -> Waited<T> {
    let deadline = Instant::now() + Duration::from_secs_f64(secs);
    loop {
        match rx.try_recv() {
            Ok(v) => return Waited::Sent(v),
            Err(TryRecvError::Disconnected) => return Waited::Ended,
            // It may have sent its result just before it ended: look once more.
            Err(TryRecvError::Empty) if ended() => {
                return rx.try_recv().map_or(Waited::Ended, Waited::Sent)
            }
            Err(TryRecvError::Empty) if Instant::now() >= deadline => return Waited::TimedOut,
            Err(TryRecvError::Empty) => thread::sleep(Duration::from_millis(1)),
        }
    }
}

/// Run `f` on a foreign helper thread and wait at most `secs` for it: a deadlocked test fails
/// with a clear message instead of hanging CI (the stuck thread is leaked). A panic in `f` is
/// re-raised here (needs unwinding; under `panic=abort` the panic already ended the process).
pub fn with_timeout<R: Send + 'static>(secs: f64, f: impl FnOnce() -> R + Send + 'static) -> R {
    let (tx, rx) = mpsc::channel();
    let h = spawn_named("test-body".into(), move || {
        let _ = tx.send(f());
    });
    match wait_for(&rx, secs, || h.is_finished()) {
        Waited::Sent(r) => {
            let _ = h.join();
            r
        }
        Waited::TimedOut => {
            panic!("test body did not finish within {secs} s: deadlock or lost wakeup?")
        }
        Waited::Ended => match h.join() {
            // panic! rather than resume_unwind: where panics abort (browsers), resume_unwind
            // would end the test without the message.
            Err(p) => panic!("{}", panic_message(&*p)),
            Ok(()) => unreachable!("the body thread returned without sending its result"),
        },
    }
}

/// [`with_timeout`] with the default [`WATCHDOG_SECS`].
pub fn watchdog<R: Send + 'static>(f: impl FnOnce() -> R + Send + 'static) -> R {
    with_timeout(WATCHDOG_SECS, f)
}

/// Run `f` on a helper thread and wait at most `secs` for it. A panic inside `f` fails the
/// caller with the same message; a hang fails it with `what` in the message. Used around calls
/// that are themselves unbounded (`join()`, `wait()`), so a broken library cannot hang the test
/// run. The helper is a daemonic crate `Thread` (so this works wherever the crate can spawn,
/// including browsers where `std::thread::spawn` is unsupported).
pub fn within<R: Send + 'static>(
    secs: f64,
    what: &str,
    f: impl FnOnce() -> R + Send + 'static,
) -> R {
    let (tx, rx) = mpsc::channel();
    let helper = threading::Thread::builder()
        .name(format!("within: {what}"))
        .daemon(true)
        .target(move || {
            let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
            let _ = tx.send(r);
        })
        .build();
    helper.start().expect("start the helper thread");
    match wait_for(&rx, secs, || !helper.is_alive()) {
        Waited::Sent(Ok(r)) => r,
        // The crate reports panics of its threads through the excepthook rather than std's
        // message, so repeat the message here, in the test's own thread.
        Waited::Sent(Err(p)) => panic!("{what}: {}", panic_message(&*p)),
        Waited::Ended => panic!("{what}: the helper thread died (panic)"),
        Waited::TimedOut => panic!("{what}: did not finish within {secs} s (hang)"),
    }
}

/// Run `f` in a *foreign* thread (`std::thread::spawn`, a thread the crate did not create),
/// bounded like [`within`]. Tests use it instead of assuming that the test's own thread is
/// foreign: natively libtest runs tests on its own threads, but under wasm it runs them on the
/// main thread.
pub fn in_foreign_thread<R: Send + 'static>(f: impl FnOnce() -> R + Send + 'static) -> R {
    within(BOUND, "foreign thread", move || {
        platform::spawn(f)
            .join()
            .unwrap_or_else(|p| std::panic::resume_unwind(p))
    })
}

/// Join with a generous bound ([`BOUND`]) and assert the thread really finished.
pub fn join_bounded(t: &threading::Thread) {
    t.join_timeout(BOUND)
        .expect("join_timeout on a started thread");
    assert!(
        !t.is_alive(),
        "{t:?} still alive after join_timeout({BOUND})"
    );
}
