//! How long tests wait, and how they tell "returned in time" from "hung": the bounds every
//! blocking call in a test is given, CPython's timing window for timeouts, polling, and the
//! stress tests' iteration scale.
//!
//! Windows are generous on purpose (timing thresholds belong in benchmarks, not tests): a
//! timeout must not return early, and a hang must turn into a failure instead of a stuck run.
//!
//! - [`SHORT_TIMEOUT`], [`LONG_TIMEOUT`]: `support.SHORT_TIMEOUT` and `support.LONG_TIMEOUT`.
//! - [`WATCHDOG_SECS`]: the bound of a whole test body (`bounded::watchdog`).
//! - [`BOUND`]: the bound of one call that must finish (`join`, `wait`, a helper thread).
//! - [`assert_timeout`]: CPython's `assertTimeout`, `0.6*expected <= actual < 10*expected`.
//! - [`timed`]: time a call (CPython's `t1 = time.monotonic(); ...; dt = time.monotonic() - t1`).
//! - [`wait_until`]: `support.sleeping_retry(SHORT_TIMEOUT)`, failing the test when it gives up.
//! - [`poll_until`]: the same poll with its own bound, returning whether the condition held.
//! - [`recv_timeout`]: `Receiver::recv_timeout` without std's clock (browsers).
//! - [`stress_iters`]: iteration counts of the stress tests.

use super::platform::Instant;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

/// `support.SHORT_TIMEOUT`: the cap for every polling loop.
pub const SHORT_TIMEOUT: Duration = Duration::from_secs(30);

/// Stand-in for `support.LONG_TIMEOUT` ("effectively forever") in helper threads. Shorter than
/// CPython's 300 s so that a lost wakeup fails the test within the polling cap instead of hanging.
pub const LONG_TIMEOUT: f64 = 20.0;

/// Default watchdog for a whole test body.
pub const WATCHDOG_SECS: f64 = 60.0;

/// Upper bound for "this must finish": generous, so a slow CI machine never fails a correct
/// implementation, yet a hang turns into a failure instead of a stuck test run.
pub const BOUND: f64 = 10.0;

/// CPython's `assertTimeout(actual, expected)`: `0.6*expected <= actual < 10*expected`.
#[track_caller]
pub fn assert_timeout(actual: Duration, expected: f64) {
    let a = actual.as_secs_f64();
    assert!(
        a >= 0.6 * expected,
        "returned too early: {a:.3} s for a {expected} s timeout (expected >= {:.3} s)",
        0.6 * expected
    );
    assert!(
        a < 10.0 * expected,
        "returned too late: {a:.3} s for a {expected} s timeout (expected < {:.3} s)",
        10.0 * expected
    );
}

/// Time a call.
pub fn timed<R>(f: impl FnOnce() -> R) -> (R, Duration) {
    let t = Instant::now();
    let r = f();
    (r, t.elapsed())
}

/// Poll `pred` every 5 ms for up to `secs`; true as soon as it holds, false if it never did.
pub fn poll_until(secs: f64, mut pred: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + Duration::from_secs_f64(secs);
    loop {
        if pred() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        thread::sleep(Duration::from_millis(5));
    }
}

/// `support.sleeping_retry(SHORT_TIMEOUT)`: poll `cond` (as [`poll_until`]) until it holds;
/// panic, naming `what`, after 30 s.
pub fn wait_until(what: &str, cond: impl FnMut() -> bool) {
    assert!(
        poll_until(SHORT_TIMEOUT.as_secs_f64(), cond),
        "gave up after {SHORT_TIMEOUT:?} waiting until {what}"
    );
}

/// `rx.recv_timeout(d)` without std's clock (which panics in browsers): polls every
/// millisecond.
pub fn recv_timeout<T>(rx: &mpsc::Receiver<T>, d: Duration) -> Result<T, mpsc::RecvTimeoutError> {
    let deadline = Instant::now() + d;
    loop {
        match rx.try_recv() {
            Ok(v) => return Ok(v),
            Err(mpsc::TryRecvError::Disconnected) => {
                return Err(mpsc::RecvTimeoutError::Disconnected)
            }
            Err(mpsc::TryRecvError::Empty) if Instant::now() >= deadline => {
                return Err(mpsc::RecvTimeoutError::Timeout)
            }
            Err(mpsc::TryRecvError::Empty) => thread::sleep(Duration::from_millis(1)),
        }
    }
}

/// Number of iterations for stress tests: `base * PYTHREADING_STRESS_SCALE`, where the scale
/// defaults to 1 in optimised builds and 0.25 in debug builds (to keep CI fast).
pub fn stress_iters(base: usize) -> usize {
    let default = if cfg!(debug_assertions) { 0.25 } else { 1.0 };
    let scale = std::env::var("PYTHREADING_STRESS_SCALE")
        .ok()
        .and_then(|s| s.trim().parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s > 0.0)
        .unwrap_or(default);
    ((base as f64 * scale).round() as usize).max(1)
}
