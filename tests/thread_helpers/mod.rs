//! Helpers shared by the Thread-side conformance tests (thread.rs, timer.rs, local.rs,
//! excepthook.rs, module.rs, main_thread.rs). Not a test target itself (it lives in a
//! subdirectory), included with `mod thread_helpers;`.
//!
//! Everything here is platform-neutral (no filesystem, no subprocesses) so the files that use it
//! can run under wasmtime and in browsers too.
#![allow(dead_code)]

#[path = "../common/platform.rs"]
pub mod platform;

#[allow(unused_imports)]
pub use platform::{test, Instant};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex, MutexGuard};
use std::time::Duration;

use pythreading as threading;

/// Upper bound for "this must finish": generous, so a slow CI machine never fails a correct
/// implementation, yet a hang turns into a failure instead of a stuck test run.
pub const BOUND: f64 = 10.0;

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
    // Poll instead of `recv_timeout` (std's clock panics in browsers), and stop early if the
    // helper ended without sending (where a panic aborts the thread, nothing is dropped).
    let deadline = Instant::now() + Duration::from_secs_f64(secs);
    let received = loop {
        match rx.try_recv() {
            Ok(v) => break Ok(v),
            Err(mpsc::TryRecvError::Disconnected) => break Err(()),
            Err(mpsc::TryRecvError::Empty) if !helper.is_alive() => match rx.try_recv() {
                Ok(v) => break Ok(v),
                Err(_) => panic!("{what}: the helper thread died (panic)"),
            },
            Err(mpsc::TryRecvError::Empty) if Instant::now() >= deadline => break Err(()),
            Err(mpsc::TryRecvError::Empty) => std::thread::sleep(Duration::from_millis(1)),
        }
    };
    match received {
        Ok(Ok(r)) => r,
        // The crate reports panics of its threads through the excepthook rather than std's
        // message, so repeat the message here, in the test's own thread.
        Ok(Err(p)) => {
            let msg = p
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| p.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "non-string panic payload".into());
            panic!("{what}: {msg}")
        }
        Err(_) => panic!("{what}: did not finish within {secs} s (hang)"),
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

/// Poll `pred` every 5 ms for up to `secs`; true as soon as it holds.
pub fn wait_until(secs: f64, mut pred: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + Duration::from_secs_f64(secs);
    loop {
        if pred() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Join with a generous bound and assert the thread really finished.
pub fn join_bounded(t: &threading::Thread) {
    t.join_timeout(BOUND)
        .expect("join_timeout on a started thread");
    assert!(
        !t.is_alive(),
        "{t:?} still alive after join_timeout({BOUND})"
    );
}

/// Serialise the tests of one file that touch global state (excepthook, trace hooks,
/// stack_size, thread counts). Poison is ignored: one failed test must not fail the others.
pub fn serial(m: &'static Mutex<()>) -> MutexGuard<'static, ()> {
    if platform::ONE_TEST_AT_A_TIME {
        // Nothing to serialise; a lock held by a failed (trapped) test must not block the rest.
        let fresh: &'static Mutex<()> = Box::leak(Box::new(Mutex::new(())));
        return fresh.lock().unwrap();
    }
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Counts drops, for "the closure / the value is released" checks (T-13, Local).
#[derive(Debug)]
pub struct DropCount(pub Arc<AtomicUsize>);

impl Drop for DropCount {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

pub fn counter() -> Arc<AtomicUsize> {
    Arc::new(AtomicUsize::new(0))
}

pub fn count(c: &Arc<AtomicUsize>) -> usize {
    c.load(Ordering::SeqCst)
}

/// For `"Thread-17"` or `"Thread-17 (func)"` returns `(17, Some("func"))`; `None` if the name
/// is not an automatic name with the given prefix (`"Thread"`, `"Dummy"`).
pub fn auto_name(name: &str, prefix: &str) -> Option<(u64, Option<String>)> {
    let rest = name.strip_prefix(prefix)?.strip_prefix('-')?;
    let (digits, suffix) = match rest.find(' ') {
        Some(i) => (&rest[..i], Some(&rest[i..])),
        None => (rest, None),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n = digits.parse().ok()?;
    let func = match suffix {
        None => None,
        Some(s) => Some(s.strip_prefix(" (")?.strip_suffix(')')?.to_string()),
    };
    Some((n, func))
}

/// Python's `repr(thread)`: `<Cls(name, status)>` with status `initial` / `started` /
/// `stopped`, then ` daemon` if daemonic, then ` <ident>` once an ident exists.
pub fn expected_repr(cls: &str, t: &threading::Thread, status: &str) -> String {
    let mut s = format!("<{cls}({}, {status}", t.name());
    if t.is_daemon() {
        s.push_str(" daemon");
    }
    if let Some(id) = t.ident() {
        s.push_str(&format!(" {id}"));
    }
    s.push_str(")>");
    s
}

/// `rx.recv_timeout(d)` without std's clock (which panics in browsers): polls every millisecond.
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
            Err(mpsc::TryRecvError::Empty) => std::thread::sleep(Duration::from_millis(1)),
        }
    }
}
