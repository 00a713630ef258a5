//! CPython's `lock_tests.Bunch` and `wait_threads_blocked`, the thread groups of the
//! primitives' conformance tests.
//!
//! - [`Bunch`]: start `n` *foreign* threads (`std::thread::spawn` natively, not the crate's
//!   `Thread`; see `platform::spawn_named`), wait until all have started, and on
//!   [`Bunch::join`] wait until all have finished and re-raise any panic (failed assertion) of
//!   a worker in the calling thread.
//! - [`wait_threads_blocked`]: the "by now n threads are blocked" heuristic (10 ms per thread).

use super::platform::{helper_panicked, spawn_named, Instant, JoinHandle};
use super::{panic_message, wait_until, SHORT_TIMEOUT};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

/// `wait_threads_blocked(n)`: sleep 10 ms per thread, the CPython heuristic for "by now `n`
/// threads are blocked".
pub fn wait_threads_blocked(n: usize) {
    thread::sleep(Duration::from_millis(10 * n as u64));
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
