//! Shared test harness: the Rust counterpart of the helpers at the top of CPython's
//! `Lib/test/lock_tests.py` (behaviours catalogue §1), plus the generic lock and semaphore
//! suites that several concrete types run (see `lock_suite` and `sem_suite`).
//!
//! - [`Bunch`]: start `n` *foreign* threads (`std::thread::spawn`, not the crate's `Thread`),
//!   wait until all have started, and on [`Bunch::join`] wait until all have finished and
//!   re-raise any panic (failed assertion) of a worker in the calling thread.
//! - [`wait_threads_blocked`]: the "by now n threads are blocked" heuristic (10 ms per thread).
//! - [`assert_timeout`]: CPython's `assertTimeout` window, `0.6*t <= actual < 10*t`.
//! - [`with_timeout`] / [`watchdog`]: run a test body on a helper thread and fail, instead of
//!   hanging CI, if it does not finish in time.
//!
//! Portability: nothing here uses processes or the filesystem. Under `panic=abort`
//! (wasm32-wasip1-threads) a failing assertion in a worker aborts the process, which still fails
//! the test run; on native targets (unwinding) the panic is collected and re-raised.
#![allow(dead_code)]

pub mod lock_suite;
pub mod sem_suite;

pub mod platform;

#[allow(unused_imports)]
pub use platform::{helper_panicked, spawn_named, test, Instant, JoinHandle};
use std::fmt::Debug;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

/// `support.SHORT_TIMEOUT`: the cap for every polling loop.
pub const SHORT_TIMEOUT: Duration = Duration::from_secs(30);

/// Stand-in for `support.LONG_TIMEOUT` ("effectively forever") in helper threads. Shorter than
/// CPython's 300 s so that a lost wakeup fails the test within the polling cap instead of hanging.
pub const LONG_TIMEOUT: f64 = 20.0;

/// Default watchdog for a whole test body.
pub const WATCHDOG_SECS: f64 = 60.0;

/// `wait_threads_blocked(n)`: sleep 10 ms per thread, the CPython heuristic for "by now `n`
/// threads are blocked".
pub fn wait_threads_blocked(n: usize) {
    thread::sleep(Duration::from_millis(10 * n as u64));
}

/// `support.sleeping_retry(SHORT_TIMEOUT)`: poll `cond` until it holds; panic after 30 s.
pub fn wait_until(what: &str, mut cond: impl FnMut() -> bool) {
    let deadline = Instant::now() + SHORT_TIMEOUT;
    while !cond() {
        assert!(
            Instant::now() < deadline,
            "gave up after {SHORT_TIMEOUT:?} waiting until {what}"
        );
        thread::sleep(Duration::from_millis(5));
    }
}

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

/// A shared, thread-safe list standing in for the Python lists the CPython tests append to.
#[derive(Debug)]
pub struct Log<T>(Arc<Mutex<Vec<T>>>);

impl<T> Clone for Log<T> {
    fn clone(&self) -> Self {
        Log(Arc::clone(&self.0))
    }
}

impl<T> Default for Log<T> {
    fn default() -> Self {
        Log(Arc::new(Mutex::new(Vec::new())))
    }
}

impl<T: Clone> Log<T> {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn push(&self, v: T) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).push(v);
    }
    pub fn len(&self) -> usize {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).len()
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    pub fn get(&self) -> Vec<T> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
    pub fn clear(&self) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }
}

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

/// CPython's `lock_tests.Bunch`: `n` foreign threads running `f`.
///
/// [`Bunch::start`] returns once every thread has started (polling, capped at 30 s).
/// [`Bunch::join`] (also run on drop unless the test is already panicking) waits until every
/// thread has finished `f`, lets `wait_before_exit` threads exit, joins them (so they are really
/// gone: an RLock owner is then dead) and re-raises worker panics as one panic listing them all.
pub struct Bunch {
    n: usize,
    handles: Vec<JoinHandle<()>>,
    started: Arc<AtomicUsize>,
    finished: Arc<AtomicUsize>,
    can_exit: Arc<AtomicBool>,
    joined: bool,
}

impl Bunch {
    /// `Bunch(f, n)`.
    pub fn start(n: usize, f: impl Fn() + Send + Sync + 'static) -> Bunch {
        Self::spawn(n, f, false)
    }

    /// `Bunch(f, n, wait_before_exit=True)`: the threads finish `f` but stay alive until
    /// [`Bunch::do_finish`] (or [`Bunch::join`]).
    pub fn start_wait_before_exit(n: usize, f: impl Fn() + Send + Sync + 'static) -> Bunch {
        Self::spawn(n, f, true)
    }

    fn spawn(n: usize, f: impl Fn() + Send + Sync + 'static, wait_before_exit: bool) -> Bunch {
        struct Finished(Arc<AtomicUsize>);
        impl Drop for Finished {
            // Runs on normal return and while unwinding from a panic in `f`.
            fn drop(&mut self) {
                self.0.fetch_add(1, Ordering::SeqCst);
            }
        }
        let f = Arc::new(f);
        let started = Arc::new(AtomicUsize::new(0));
        let finished = Arc::new(AtomicUsize::new(0));
        let can_exit = Arc::new(AtomicBool::new(!wait_before_exit));
        let mut handles = Vec::with_capacity(n);
        for i in 0..n {
            let (f, started, finished, can_exit) = (
                Arc::clone(&f),
                Arc::clone(&started),
                Arc::clone(&finished),
                Arc::clone(&can_exit),
            );
            let h = spawn_named(format!("bunch-{i}"), move || {
                started.fetch_add(1, Ordering::SeqCst);
                {
                    let _done = Finished(finished);
                    f();
                }
                let deadline = Instant::now() + SHORT_TIMEOUT;
                while !can_exit.load(Ordering::SeqCst) && Instant::now() < deadline {
                    thread::sleep(Duration::from_millis(1));
                }
            });
            handles.push(h);
        }
        let b = Bunch {
            n,
            handles,
            started,
            finished,
            can_exit,
            joined: false,
        };
        wait_until("all Bunch threads have started", || {
            b.started.load(Ordering::SeqCst) >= n || helper_panicked()
        });
        b
    }

    /// How many threads have returned from `f` (`len(bunch.finished)`).
    pub fn finished(&self) -> usize {
        self.finished.load(Ordering::SeqCst)
    }

    /// Let `wait_before_exit` threads exit.
    pub fn do_finish(&self) {
        self.can_exit.store(true, Ordering::SeqCst);
    }

    /// `__exit__`: wait for all threads to finish (panicking after 30 s: a deadlock), join them
    /// and re-raise worker panics.
    pub fn join(mut self) {
        self.join_inner();
    }

    fn join_inner(&mut self) {
        self.joined = true;
        let n = self.n;
        wait_until("all Bunch threads have finished (deadlock?)", || {
            self.finished() >= n || helper_panicked()
        });
        self.do_finish();
        let mut panics = Vec::new();
        for h in self.handles.drain(..) {
            if let Err(p) = h.join() {
                panics.push(panic_message(&*p));
            }
        }
        assert!(
            panics.is_empty(),
            "{} of {} Bunch threads panicked:\n  {}",
            panics.len(),
            n,
            panics.join("\n  ")
        );
    }
}

impl Drop for Bunch {
    fn drop(&mut self) {
        if !self.joined && !thread::panicking() {
            self.join_inner();
        }
    }
}

/// Run `f` on a helper thread and wait at most `secs` for it: a deadlocked test fails with a
/// clear message instead of hanging CI (the stuck thread is leaked). A panic in `f` is re-raised
/// here (needs unwinding; under `panic=abort` the panic already ended the process).
pub fn with_timeout<R: Send + 'static>(secs: f64, f: impl FnOnce() -> R + Send + 'static) -> R {
    let (tx, rx) = mpsc::channel();
    let h = spawn_named("test-body".into(), move || {
        let _ = tx.send(f());
    });
    let deadline = Instant::now() + Duration::from_secs_f64(secs);
    loop {
        match recv_timeout(&rx, Duration::from_millis(20)) {
            Ok(r) => {
                let _ = h.join();
                return r;
            }
            // A body that panicked: natively its sender is dropped (Disconnected); where a panic
            // aborts the thread (browsers) nothing is dropped, but the thread has ended.
            Err(RecvTimeoutError::Disconnected) => break,
            Err(RecvTimeoutError::Timeout) if h.is_finished() => break,
            Err(RecvTimeoutError::Timeout) if Instant::now() >= deadline => {
                panic!("test body did not finish within {secs} s: deadlock or lost wakeup?")
            }
            Err(RecvTimeoutError::Timeout) => {}
        }
    }
    match h.join() {
        // panic! rather than resume_unwind: where panics abort (browsers), resume_unwind would
        // end the test without the message.
        Err(p) => panic!("{}", panic_message(&*p)),
        Ok(()) => unreachable!("the body thread returned without sending its result"),
    }
}

/// `rx.recv_timeout(d)` without std's clock (which panics in browsers): polls every
/// millisecond.
pub fn recv_timeout<T>(rx: &mpsc::Receiver<T>, d: Duration) -> Result<T, RecvTimeoutError> {
    let deadline = Instant::now() + d;
    loop {
        match rx.try_recv() {
            Ok(v) => return Ok(v),
            Err(mpsc::TryRecvError::Disconnected) => return Err(RecvTimeoutError::Disconnected),
            Err(mpsc::TryRecvError::Empty) if Instant::now() >= deadline => {
                return Err(RecvTimeoutError::Timeout)
            }
            Err(mpsc::TryRecvError::Empty) => thread::sleep(Duration::from_millis(1)),
        }
    }
}

/// [`with_timeout`] with the default [`WATCHDOG_SECS`].
pub fn watchdog<R: Send + 'static>(f: impl FnOnce() -> R + Send + 'static) -> R {
    with_timeout(WATCHDOG_SECS, f)
}

/// Which `pythreading::Error` variant is expected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Runtime,
    Value,
    Overflow,
    BrokenBarrier,
}

pub fn kind_of(e: &pythreading::Error) -> Option<Kind> {
    use pythreading::Error;
    match e {
        Error::Runtime(_) => Some(Kind::Runtime),
        Error::Value(_) => Some(Kind::Value),
        Error::Overflow(_) => Some(Kind::Overflow),
        Error::BrokenBarrier => Some(Kind::BrokenBarrier),
        #[allow(unreachable_patterns)]
        _ => None,
    }
}

/// Assert `r` is `Err` of `kind`, and that its message (Display) is non-empty and mentions each
/// word of `words` (case-insensitive): "a clear message".
#[track_caller]
pub fn assert_err<T: Debug>(r: pythreading::Result<T>, kind: Kind, words: &[&str]) {
    match r {
        Ok(v) => panic!("expected Err({kind:?}), got Ok({v:?})"),
        Err(e) => {
            assert_eq!(kind_of(&e), Some(kind), "wrong error variant: {e:?}");
            let msg = e.to_string();
            assert!(!msg.trim().is_empty(), "empty error message for {e:?}");
            let lower = msg.to_lowercase();
            for w in words {
                assert!(
                    lower.contains(&w.to_lowercase()),
                    "error message {msg:?} should mention {w:?}"
                );
            }
        }
    }
}

/// `re.search(r"<\w+\.CLASS at .*: SUFFIX>", s)` without a regex crate: the repr of Event,
/// Semaphore, BoundedSemaphore and Barrier.
#[track_caller]
pub fn assert_module_repr(s: &str, class: &str, suffix: &str) {
    let needle = format!(".{class} at ");
    let ok = s.match_indices(&needle).any(|(i, _)| {
        let head = &s[..i];
        let word_start = head
            .rfind(|c: char| !(c.is_alphanumeric() || c == '_'))
            .map(|j| j + 1)
            .unwrap_or(0);
        word_start > 0
            && word_start < i
            && head[..word_start].ends_with('<')
            && s[i + needle.len()..].contains(&format!(": {suffix}>"))
    });
    assert!(
        ok,
        "repr {s:?} does not match <\\w+\\.{class} at .*: {suffix}>"
    );
}

/// `re.search(r"<STATE .* object (.*)?at .*>", s)`: the repr of Lock and RLock (and of a
/// Condition, which embeds its lock's repr), where STATE is `locked` or `unlocked`.
#[track_caller]
pub fn assert_lock_repr(s: &str, state: &str) {
    let ok = s.match_indices(&format!("<{state} ")).any(|(i, m)| {
        let rest = &s[i + m.len()..];
        match rest.find(" object ") {
            Some(j) => {
                let after = &rest[j + " object ".len()..];
                after.contains("at ") && after.contains('>')
            }
            None => false,
        }
    });
    assert!(
        ok,
        "repr {s:?} does not match <{state} .* object (.*)?at .*>"
    );
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
