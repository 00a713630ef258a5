//! `threading.Barrier` conformance: CPython's `lock_tests.BarrierTests` (B-*; N = 5, the
//! fixture barrier is `Barrier(5, timeout=2.0)` and is aborted on teardown), plus bad-input
//! checks.
//!
//! Not applicable:
//! - B-01b (`Barrier(parties=-1)` raises ValueError): `parties` is a `usize`, so a negative
//!   value is a compile error. B-01a (`parties=0`) is tested.

mod common;

use common::{
    assert_err, assert_module_repr, timed, wait_until, watchdog, Bunch, Kind, Log, LONG_TIMEOUT,
};
use pythreading as threading;
use pythreading::{Barrier, Error};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

const N: usize = 5;
const DEFAULT_TIMEOUT: f64 = 2.0;

/// The fixture: `Barrier(N, timeout=2.0)`, aborted when dropped (CPython's `tearDown`), so a
/// failing test releases any thread still stuck in it.
struct Fixture(Barrier);

impl Fixture {
    fn new() -> Fixture {
        Fixture(
            Barrier::builder(N)
                .timeout(DEFAULT_TIMEOUT)
                .build()
                .expect("Barrier(5, timeout=2.0)"),
        )
    }
}

impl std::ops::Deref for Fixture {
    type Target = Barrier;
    fn deref(&self) -> &Barrier {
        &self.0
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        self.0.abort();
    }
}

fn is_broken_barrier<T: std::fmt::Debug>(r: &threading::Result<T>) -> bool {
    matches!(r, Err(Error::BrokenBarrier))
}

/// B-01a: `Barrier(parties=0)` raises ValueError (also through the builder).
#[crate::common::test]
fn b_01a_zero_parties_is_value_error() {
    assert_err(Barrier::new(0), Kind::Value, &["parties"]);
    assert_err(Barrier::builder(0).build(), Kind::Value, &["parties"]);
    assert_err(
        Barrier::builder(0).timeout(1.0).action(|| {}).build(),
        Kind::Value,
        &["parties"],
    );
}

/// `multipass`: lockstep over `passes` rounds of two waits each.
fn run_multipass(passes: usize) {
    let barrier = Fixture::new();
    let results0: Log<()> = Log::new();
    let results1: Log<()> = Log::new();
    let (b, r0, r1) = (barrier.clone(), results0.clone(), results1.clone());
    Bunch::start(N, move || {
        let m = b.parties();
        assert_eq!(m, N); // B-02a
        for i in 0..passes {
            r0.push(());
            assert_eq!(r1.len(), i * m); // B-02b
            b.wait().unwrap();
            r1.push(());
            assert_eq!(r0.len(), (i + 1) * m); // B-02b
            b.wait().unwrap();
        }
        // B-02c (each thread checks after its own last wait, as in CPython).
        assert_eq!(b.n_waiting(), 0);
        assert!(!b.broken());
    })
    .join();
    assert_eq!(results0.len(), passes * N);
    assert_eq!(results1.len(), passes * N);
    assert_eq!(barrier.n_waiting(), 0);
    assert!(!barrier.broken());
}

/// B-02a..c: one pass: `parties == 5`; no thread leaves `wait()` until all 5 have arrived;
/// afterwards `n_waiting == 0` and not broken.
#[crate::common::test]
fn b_02_barrier() {
    watchdog(|| run_multipass(1))
}

/// B-03: ten passes (20 waits per thread): cyclic, reusable without reset.
#[crate::common::test]
fn b_03_barrier_10() {
    watchdog(|| run_multipass(10))
}

/// B-04: the `wait()` return values across 5 threads are the distinct indices 0..4 (sum 10).
#[crate::common::test]
fn b_04_wait_return() {
    watchdog(|| {
        let barrier = Fixture::new();
        let results = Log::new();
        let (b, r) = (barrier.clone(), results.clone());
        Bunch::start(N, move || r.push(b.wait().unwrap())).join();
        let mut r = results.get();
        assert_eq!(r.iter().sum::<usize>(), (0..N).sum::<usize>());
        r.sort();
        assert_eq!(r, (0..N).collect::<Vec<_>>());
    })
}

/// B-05: `Barrier(5, action)`: the action runs exactly once, before any waiter is released.
#[crate::common::test]
fn b_05_action() {
    watchdog(|| {
        let calls = Arc::new(AtomicUsize::new(0));
        let c = Arc::clone(&calls);
        let barrier = Barrier::builder(N)
            .action(move || {
                c.fetch_add(1, Ordering::SeqCst);
            })
            .build()
            .unwrap();
        let (b, c) = (barrier.clone(), Arc::clone(&calls));
        Bunch::start(N, move || {
            b.wait_timeout(LONG_TIMEOUT).unwrap();
            assert_eq!(c.load(Ordering::SeqCst), 1);
        })
        .join();
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        barrier.abort();
    })
}

/// B-06a/b: all pass the first wait; the thread with index N/2 aborts instead of waiting
/// again: the other 4 get BrokenBarrierError, none passes, and the barrier is broken.
#[crate::common::test]
fn b_06_abort() {
    watchdog(|| {
        let barrier = Fixture::new();
        let results1: Log<()> = Log::new();
        let results2: Log<()> = Log::new();
        let (b, r1, r2) = (barrier.clone(), results1.clone(), results2.clone());
        Bunch::start(N, move || match b.wait() {
            Ok(i) if i == N / 2 => b.abort(),
            Ok(_) => match b.wait() {
                Ok(_) => r1.push(()),
                Err(Error::BrokenBarrier) => r2.push(()),
                Err(e) => panic!("unexpected {e:?}"),
            },
            Err(Error::BrokenBarrier) => r2.push(()),
            Err(e) => panic!("unexpected {e:?}"),
        })
        .join();
        assert_eq!(results1.len(), 0);
        assert_eq!(results2.len(), N - 1);
        assert!(barrier.broken());
        // A broken barrier refuses new waiters at once.
        let (r, dt) = timed(|| barrier.wait_timeout(LONG_TIMEOUT));
        assert!(is_broken_barrier(&r), "{r:?}");
        assert!(dt < Duration::from_secs(5));
    })
}

/// B-07a/b: thread N/2 waits until the other 4 are in the barrier, then `reset()`s: they get
/// BrokenBarrierError; then all 5 pass the barrier again (immediately reusable, not broken).
#[crate::common::test]
fn b_07_reset() {
    watchdog(|| {
        let barrier = Fixture::new();
        let results1: Log<()> = Log::new();
        let results2: Log<()> = Log::new();
        let results3: Log<()> = Log::new();
        let (b, r1, r2, r3) = (
            barrier.clone(),
            results1.clone(),
            results2.clone(),
            results3.clone(),
        );
        Bunch::start(N, move || {
            let i = b.wait().unwrap();
            if i == N / 2 {
                wait_until("the other threads are all in the barrier", || {
                    b.n_waiting() >= N - 1
                });
                b.reset();
            } else {
                match b.wait() {
                    Ok(_) => r1.push(()),
                    Err(Error::BrokenBarrier) => r2.push(()),
                    Err(e) => panic!("unexpected {e:?}"),
                }
            }
            b.wait().unwrap();
            r3.push(());
        })
        .join();
        assert_eq!(results1.len(), 0);
        assert_eq!(results2.len(), N - 1);
        assert_eq!(results3.len(), N);
        assert!(!barrier.broken());
    })
}

/// B-08: abort as in B-06, then all 5 sync on a second barrier, one resets the broken
/// barrier, they sync again, and all 5 pass the original barrier: reset repairs it.
#[crate::common::test]
fn b_08_abort_and_reset() {
    watchdog(|| {
        let barrier = Fixture::new();
        let barrier2 = Barrier::new(N).unwrap();
        let results1: Log<()> = Log::new();
        let results2: Log<()> = Log::new();
        let results3: Log<()> = Log::new();
        let (b, b2, r1, r2, r3) = (
            barrier.clone(),
            barrier2.clone(),
            results1.clone(),
            results2.clone(),
            results3.clone(),
        );
        Bunch::start(N, move || {
            match b.wait() {
                Ok(i) if i == N / 2 => b.abort(),
                Ok(_) => match b.wait() {
                    Ok(_) => r1.push(()),
                    Err(Error::BrokenBarrier) => r2.push(()),
                    Err(e) => panic!("unexpected {e:?}"),
                },
                Err(Error::BrokenBarrier) => r2.push(()),
                Err(e) => panic!("unexpected {e:?}"),
            }
            let i = b2.wait_timeout(LONG_TIMEOUT).unwrap();
            if i == N / 2 {
                b.reset();
            }
            b2.wait_timeout(LONG_TIMEOUT).unwrap();
            b.wait().unwrap();
            r3.push(());
        })
        .join();
        assert_eq!(results1.len(), 0);
        assert_eq!(results2.len(), N - 1);
        assert_eq!(results3.len(), N);
        assert!(!barrier.broken());
        barrier2.abort();
    })
}

/// B-09a/b: after one pass, thread N/2 sleeps 1.0 s while the others `wait(0.5)` (overriding
/// the 2.0 s default): they time out with BrokenBarrierError, and so does the late thread,
/// because a timeout breaks the barrier for everyone.
#[crate::common::test]
fn b_09_timeout() {
    watchdog(|| {
        let barrier = Fixture::new();
        let times = Log::new();
        let (b, t) = (barrier.clone(), times.clone());
        Bunch::start(N, move || {
            let i = b.wait().unwrap();
            if i == N / 2 {
                std::thread::sleep(Duration::from_secs_f64(DEFAULT_TIMEOUT / 2.0));
            }
            let (r, dt) = timed(|| b.wait_timeout(DEFAULT_TIMEOUT / 4.0));
            assert!(is_broken_barrier(&r), "{r:?}");
            if i != N / 2 {
                t.push(dt);
            }
        })
        .join();
        assert!(barrier.broken());
        // The 4 punctual threads gave up after their own 0.5 s, not the 2.0 s default. (One of
        // them times out; the others may see the break a little earlier, never later.)
        for dt in times.get() {
            assert!(
                dt < Duration::from_secs_f64(DEFAULT_TIMEOUT * 5.0),
                "{dt:?}"
            );
        }
        let max = times.get().into_iter().max().unwrap();
        assert!(
            max >= Duration::from_secs_f64(0.6 * DEFAULT_TIMEOUT / 4.0),
            "{max:?}"
        );
    })
}

/// B-10: `Barrier(2, timeout=0.1)`: a lone thread's `wait()` raises BrokenBarrierError after
/// at least 0.1 s: the constructor timeout is the default for `wait()`.
#[crate::common::test]
fn b_10_default_timeout() {
    watchdog(|| {
        let timeout = 0.1;
        let barrier = Barrier::builder(2).timeout(timeout).build().unwrap();
        let b = barrier.clone();
        let (_, dt) = timed(|| {
            Bunch::start(1, move || {
                let r = b.wait();
                assert!(is_broken_barrier(&r), "{r:?}");
            })
            .join()
        });
        assert!(dt >= Duration::from_secs_f64(timeout), "{dt:?}");
        assert!(dt < Duration::from_secs_f64(timeout * 10.0 + 5.0), "{dt:?}");
        assert!(barrier.broken());
    })
}

/// B-11: `Barrier(1).wait()` returns at once, twice in a row (index 0).
#[crate::common::test]
fn b_11_single_thread() {
    watchdog(|| {
        let b = Barrier::new(1).unwrap();
        assert_eq!(b.wait(), Ok(0));
        assert_eq!(b.wait(), Ok(0));
        assert_eq!(b.parties(), 1);
        assert_eq!(b.n_waiting(), 0);
        assert!(!b.broken());
    })
}

/// B-12a..c: repr `<\w+\.Barrier at .*: waiters=0/3>`; with 2 threads blocked,
/// `waiters=2/3`; after the main thread's wait releases them, `waiters=0/3`; after `abort()`,
/// `<\w+\.Barrier at .*: broken>`.
#[crate::common::test]
fn b_12_repr() {
    watchdog(|| {
        let barrier = Barrier::new(3).unwrap();
        assert_module_repr(&format!("{barrier:?}"), "Barrier", "waiters=0/3");
        let b = barrier.clone();
        let bunch = Bunch::start(2, move || {
            b.wait_timeout(LONG_TIMEOUT).unwrap();
        });
        wait_until("2 threads wait", || barrier.n_waiting() >= 2);
        assert_module_repr(&format!("{barrier:?}"), "Barrier", "waiters=2/3");
        barrier.wait_timeout(LONG_TIMEOUT).unwrap();
        bunch.join();
        assert_module_repr(&format!("{barrier:?}"), "Barrier", "waiters=0/3");
        barrier.abort();
        assert_module_repr(&format!("{barrier:?}"), "Barrier", "broken");
    })
}

/// B-13: BrokenBarrierError is a RuntimeError.
#[crate::common::test]
fn b_13_broken_barrier_is_runtime_error() {
    let b = Barrier::new(2).unwrap();
    b.abort();
    let e = b.wait().unwrap_err();
    assert_eq!(e, Error::BrokenBarrier);
    assert!(e.is_runtime_error());
    assert!(!e.to_string().is_empty());
}

/// Bad input: `wait(NaN)` -> Value and `wait(> TIMEOUT_MAX)` -> Overflow, returned at once,
/// without breaking the barrier or leaving a waiter counted; the barrier then works.
#[crate::common::test]
fn b_bad_wait_timeouts_leave_state_unchanged() {
    watchdog(|| {
        let barrier = Barrier::new(2).unwrap();
        for (t, kind) in [
            (f64::NAN, Kind::Value),
            (1e100, Kind::Overflow),
            (threading::TIMEOUT_MAX + 1.0, Kind::Overflow),
        ] {
            let (r, dt) = timed(|| barrier.wait_timeout(t));
            assert_err(r, kind, &[]);
            assert!(dt < Duration::from_secs(5), "timeout {t} waited {dt:?}");
            assert!(!barrier.broken(), "timeout {t} broke the barrier");
            assert_eq!(barrier.n_waiting(), 0, "timeout {t} left a waiter counted");
        }
        // Still a working 2-party barrier (a leaked arrival would let one thread through).
        let b = barrier.clone();
        let bunch = Bunch::start(1, move || {
            b.wait_timeout(LONG_TIMEOUT).unwrap();
        });
        wait_until("one waiter", || barrier.n_waiting() == 1);
        barrier.wait_timeout(LONG_TIMEOUT).unwrap();
        bunch.join();
        assert!(!barrier.broken());
    })
}

/// A negative `wait` timeout acts as 0: a lone waiter times out at once, which breaks the
/// barrier (Python computes a deadline in the past); `reset()` repairs it.
#[crate::common::test]
fn b_09_negative_timeout_acts_as_zero() {
    watchdog(|| {
        let barrier = Barrier::new(2).unwrap();
        let (r, dt) = timed(|| barrier.wait_timeout(-1.0));
        assert!(is_broken_barrier(&r), "{r:?}");
        assert!(dt < Duration::from_secs(2), "{dt:?}");
        assert!(barrier.broken());
        barrier.reset();
        assert!(!barrier.broken());
        assert_eq!(barrier.n_waiting(), 0);
        // For a 1-party barrier no wait happens at all.
        let one = Barrier::new(1).unwrap();
        assert_eq!(one.wait_timeout(-1.0), Ok(0));
        assert_eq!(one.wait_timeout(0.0), Ok(0));
    })
}

/// The last arriving thread runs the action; with Duration timeouts too.
#[crate::common::test]
fn b_05_action_runs_in_a_waiting_thread() {
    watchdog(|| {
        let runner = Arc::new(std::sync::Mutex::new(None));
        let r = Arc::clone(&runner);
        let barrier = Barrier::builder(2)
            .action(move || *r.lock().unwrap() = Some(threading::get_ident()))
            .timeout(Duration::from_secs(20))
            .build()
            .unwrap();
        let idents = Log::new();
        let (b, ids) = (barrier.clone(), idents.clone());
        Bunch::start(2, move || {
            b.wait().unwrap();
            ids.push(threading::get_ident());
        })
        .join();
        let who = runner.lock().unwrap().expect("the action ran");
        assert!(
            idents.get().contains(&who),
            "the action ran in a non-waiting thread"
        );
    })
}

/// Python: if the action raises, the barrier is put into the broken state and the error
/// propagates in the thread that ran it; the other waiters get BrokenBarrierError. `reset()`
/// repairs it. Relies on unwinding (the action panics), so not run under panic=abort.
#[cfg(panic = "unwind")]
#[crate::common::test]
fn b_05_action_panic_breaks_barrier() {
    watchdog(|| {
        let barrier = Barrier::builder(2)
            .action(|| panic!("action failed"))
            .build()
            .unwrap();
        let b = barrier.clone();
        let other = Bunch::start(1, move || {
            let r = b.wait_timeout(LONG_TIMEOUT);
            assert!(is_broken_barrier(&r), "{r:?}");
        });
        wait_until("the other party waits", || barrier.n_waiting() == 1);
        let b = barrier.clone();
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || {
            b.wait_timeout(LONG_TIMEOUT)
        }));
        let msg = common::panic_message(&*r.expect_err("the action's panic must propagate"));
        assert!(msg.contains("action failed"), "{msg}");
        other.join();
        assert!(barrier.broken());
        assert_eq!(barrier.n_waiting(), 0);
        barrier.reset();
        assert!(!barrier.broken());
    })
}

/// BL-14 analogue for Barrier: handles hold no hidden strong references, so dropping the
/// last handle (after use from several threads) frees the barrier and with it the action
/// closure and everything it captured.
#[crate::common::test]
fn b_14_dropping_last_handle_frees_action() {
    watchdog(|| {
        let sentinel = Arc::new(());
        let s = Arc::clone(&sentinel);
        let barrier = Barrier::builder(2)
            .action(move || {
                let _ = &s;
            })
            .timeout(LONG_TIMEOUT)
            .build()
            .unwrap();
        assert_eq!(Arc::strong_count(&sentinel), 2);
        let b = barrier.clone();
        Bunch::start(2, move || {
            b.wait().unwrap();
        })
        .join();
        let c = barrier.clone();
        drop(barrier);
        assert_eq!(
            Arc::strong_count(&sentinel),
            2,
            "a live clone keeps it alive"
        );
        drop(c);
        assert_eq!(
            Arc::strong_count(&sentinel),
            1,
            "the last handle did not free the barrier"
        );
    })
}

/// Handles: identity equality and `Send + Sync`.
#[crate::common::test]
fn b_handles() {
    fn check<T: Send + Sync + Clone + 'static>() {}
    check::<Barrier>();
    let a = Barrier::new(2).unwrap();
    assert!(a == a.clone());
    assert!(a != Barrier::new(2).unwrap());
    assert_eq!(a.parties(), 2);
}
