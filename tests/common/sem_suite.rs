//! CPython's `lock_tests.BaseSemaphoreTests` (S-*), written once over [`SemLike`] and
//! instantiated with [`base_semaphore_tests!`] for `Semaphore` and `BoundedSemaphore`, plus the
//! shared bad-input checks (invalid timeouts, `release(0)`), each verifying that the counter is
//! unchanged after the error.

// Each test crate instantiates only the suites it needs.
#![allow(unused_macros, unused_imports)]

use super::{
    assert_err, assert_timeout, timed, wait_threads_blocked, wait_until, watchdog, Bunch, Kind, Log,
};
use pythreading as threading;
use pythreading::{BoundedSemaphore, Result, Semaphore};
use std::fmt::Debug;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

pub trait SemLike: Clone + Send + Sync + Debug + PartialEq + 'static {
    const NAME: &'static str;
    fn create(value: usize) -> Self;
    fn create_default() -> Self;
    fn acquire(&self) -> bool;
    fn try_acquire(&self) -> bool;
    fn acquire_timeout(&self, t: f64) -> Result<bool>;
    fn acquire_with(&self, blocking: bool, timeout: Option<f64>) -> Result<bool>;
    fn release(&self, n: usize) -> Result<()>;
    fn value(&self) -> usize;
    fn with_guard<R>(&self, f: impl FnOnce() -> R) -> R;
}

macro_rules! impl_sem_like {
    ($t:ty, $name:expr) => {
        impl SemLike for $t {
            const NAME: &'static str = $name;
            fn create(value: usize) -> Self {
                <$t>::new(value)
            }
            fn create_default() -> Self {
                <$t as Default>::default()
            }
            fn acquire(&self) -> bool {
                <$t>::acquire(self)
            }
            fn try_acquire(&self) -> bool {
                <$t>::try_acquire(self)
            }
            fn acquire_timeout(&self, t: f64) -> Result<bool> {
                <$t>::acquire_timeout(self, t)
            }
            fn acquire_with(&self, blocking: bool, timeout: Option<f64>) -> Result<bool> {
                <$t>::acquire_with(self, blocking, timeout)
            }
            fn release(&self, n: usize) -> Result<()> {
                <$t>::release(self, n)
            }
            fn value(&self) -> usize {
                <$t>::value(self)
            }
            fn with_guard<R>(&self, f: impl FnOnce() -> R) -> R {
                let _g = <$t>::guard(self);
                f()
            }
        }
    };
}

impl_sem_like!(Semaphore, "Semaphore");
impl_sem_like!(BoundedSemaphore, "BoundedSemaphore");

/// Instantiate `BaseSemaphoreTests` for a type implementing [`SemLike`].
macro_rules! base_semaphore_tests {
    ($t:ty) => {
        $crate::common::suite_tests!(sem_suite, $t;
            s_01_zero_is_a_valid_initial_value,
            s_02_acquire,
            s_03_acquire_destroy,
            s_04_acquire_contended,
            s_05_multirelease,
            s_06_try_acquire,
            s_07_try_acquire_contended,
            s_08a_nonblocking_with_timeout_is_value_error,
            s_08b_short_timeouts,
            s_08c_timed_acquire_returns_false,
            s_08_bad_timeouts_leave_value_unchanged,
            s_08_negative_timeout_acts_as_zero,
            s_09_default_value,
            s_10a_with,
            s_10b_with_error_propagates_and_releases,
            /// Needs unwinding: skipped under panic=abort (wasm).
            #[cfg(panic = "unwind")]
            s_10b_with_panic_propagates_and_releases,
            s_release_zero_is_value_error,
            s_release_n_wakes_blocked_waiters,
            s_clone_is_same_object,
        );
    };
}
pub(crate) use base_semaphore_tests;

/// S-01 (Rust form): negative initial values are unrepresentable (`usize`), so S-01a/b are
/// compile-time; what remains is that 0 is legal and gives an exhausted semaphore.
pub fn s_01_zero_is_a_valid_initial_value<S: SemLike>() {
    let sem = S::create(0);
    assert_eq!(sem.value(), 0);
    assert!(!sem.try_acquire());
    assert_eq!(sem.acquire_timeout(0.0), Ok(false));
    assert_eq!(sem.value(), 0);
}

/// S-02: `Sem(1)`: acquire/release; `Sem(2)`: acquire x2, release x2, without blocking.
pub fn s_02_acquire<S: SemLike>() {
    watchdog(|| {
        let sem = S::create(1);
        assert!(sem.acquire());
        assert_eq!(sem.value(), 0);
        sem.release(1).unwrap();
        assert_eq!(sem.value(), 1);
        let sem = S::create(2);
        assert!(sem.acquire());
        assert!(sem.acquire());
        assert_eq!(sem.value(), 0);
        sem.release(1).unwrap();
        sem.release(1).unwrap();
        assert_eq!(sem.value(), 2);
    })
}

/// S-03: `semtype()` acquired, then dropped: no crash.
pub fn s_03_acquire_destroy<S: SemLike>() {
    watchdog(|| {
        let sem = S::create_default();
        assert!(sem.acquire());
        drop(sem);
    })
}

/// S-04 (single releases) and S-05 (`release(n)`): `Sem(7)`, the main thread takes 1; 10
/// threads each acquire twice. Exactly 6 pass, then 7 single releases (or `release(7)`) let
/// exactly 7 more through, then 6 let exactly 6 through; `acquire(False)` is then False; a
/// final release lets the 20th through; every blocking acquire returned True.
pub fn s_04_acquire_contended<S: SemLike>() {
    acquire_contended::<S>(false)
}

/// S-05: [`s_04_acquire_contended`] with `release(n)` instead of `n` single releases.
pub fn s_05_multirelease<S: SemLike>() {
    acquire_contended::<S>(true)
}

/// The body of S-04 and S-05 (CPython's `test_acquire_contended` and `test_multirelease`).
fn acquire_contended<S: SemLike>(multirelease: bool) {
    watchdog(move || {
        const SEM_VALUE: usize = 7;
        const N: usize = 10;
        let sem = S::create(SEM_VALUE);
        assert!(sem.acquire());
        let phase = Arc::new(AtomicUsize::new(0));
        let sem_results = Log::new();
        let results1 = Log::new();
        let results2 = Log::new();
        let bunch = {
            let (sem, phase, sem_results, results1, results2) = (
                sem.clone(),
                Arc::clone(&phase),
                sem_results.clone(),
                results1.clone(),
                results2.clone(),
            );
            Bunch::start(N, move || {
                sem_results.push(sem.acquire());
                results1.push(phase.load(Ordering::SeqCst));
                sem_results.push(sem.acquire());
                results2.push(phase.load(Ordering::SeqCst));
            })
        };
        let all = || {
            let mut v = results1.get();
            v.extend(results2.get());
            v.sort();
            v
        };
        let wait_count = |count: usize| {
            wait_until(&format!("{count} acquisitions"), || {
                results1.len() + results2.len() >= count
            });
            // Give extra permits (a bug) a chance to show before checking "exactly".
            wait_threads_blocked(N);
        };
        let release = |n: usize| {
            if multirelease {
                sem.release(n).unwrap();
            } else {
                for _ in 0..n {
                    sem.release(1).unwrap();
                }
            }
        };

        // Phase 0: exactly 6 pass.
        let count1 = SEM_VALUE - 1;
        wait_count(count1);
        assert_eq!(all(), vec![0; count1]);

        // Phase 1: 7 releases let exactly 7 through.
        phase.store(1, Ordering::SeqCst);
        let count2 = SEM_VALUE;
        release(count2);
        wait_count(count1 + count2);
        let mut expected = vec![0; count1];
        expected.extend(vec![1; count2]);
        assert_eq!(all(), expected);

        // Phase 2: 6 releases let exactly 6 through; one waiter remains, no spare permit.
        phase.store(2, Ordering::SeqCst);
        let count3 = SEM_VALUE - 1;
        release(count3);
        wait_count(count1 + count2 + count3);
        expected.extend(vec![2; count3]);
        assert_eq!(all(), expected);
        assert!(
            !sem.try_acquire(),
            "the remaining waiter must not leave a spare permit"
        );
        assert_eq!(sem.value(), 0);

        // Final release lets the last thread finish.
        release(1);
        bunch.join();
        assert_eq!(sem_results.get(), vec![true; 20]);
        assert_eq!(sem.value(), 0);
    })
}

/// S-06: `Sem(2)`: `acquire(False)` True, True, False; after `release()`, True.
pub fn s_06_try_acquire<S: SemLike>() {
    let sem = S::create(2);
    assert!(sem.try_acquire());
    assert!(sem.acquire_with(false, None).unwrap());
    assert!(!sem.try_acquire());
    assert!(!sem.acquire_with(false, None).unwrap());
    sem.release(1).unwrap();
    assert!(sem.try_acquire());
    assert_eq!(sem.value(), 0);
}

/// S-07: `Sem(4)`, the main thread takes 1; 5 threads each try twice: exactly 3 True, 7 False.
pub fn s_07_try_acquire_contended<S: SemLike>() {
    let sem = S::create(4);
    assert!(sem.acquire());
    let results = Log::new();
    {
        let (sem, results) = (sem.clone(), results.clone());
        Bunch::start(5, move || {
            results.push(sem.try_acquire());
            results.push(sem.try_acquire());
        })
        .join();
    }
    let mut r = results.get();
    r.sort();
    let mut expected = vec![false; 7];
    expected.extend(vec![true; 3]);
    assert_eq!(r, expected);
    assert_eq!(sem.value(), 0);
}

/// S-08a: `acquire(False, timeout=1.0)` raises ValueError; in Python's Semaphore *any*
/// timeout with blocking=False is refused, even -1. The counter is unchanged.
pub fn s_08a_nonblocking_with_timeout_is_value_error<S: SemLike>() {
    let sem = S::create(2);
    for t in [1.0, 0.0, -1.0, 1e100, f64::NAN] {
        assert_err(sem.acquire_with(false, Some(t)), Kind::Value, &["timeout"]);
        assert_eq!(
            sem.value(),
            2,
            "acquire_with(false, Some({t})) changed the value"
        );
    }
    assert!(sem.acquire_with(false, None).unwrap());
    assert_eq!(sem.value(), 1);
}

/// S-08b: `Sem(2)`: `acquire(timeout=0.005)` True, True, False; after `release()`, True.
pub fn s_08b_short_timeouts<S: SemLike>() {
    watchdog(|| {
        let sem = S::create(2);
        assert_eq!(sem.acquire_timeout(0.005), Ok(true));
        assert_eq!(sem.acquire_timeout(0.005), Ok(true));
        assert_eq!(sem.acquire_timeout(0.005), Ok(false));
        sem.release(1).unwrap();
        assert_eq!(sem.acquire_timeout(0.005), Ok(true));
        assert_eq!(sem.acquire_with(true, Some(0.005)), Ok(false));
    })
}

/// S-08c: `acquire(timeout=0.5)` on an exhausted semaphore returns False after [0.3, 5) s.
pub fn s_08c_timed_acquire_returns_false<S: SemLike>() {
    watchdog(|| {
        let sem = S::create(1);
        assert!(sem.acquire());
        let (r, dt) = timed(|| sem.acquire_timeout(0.5));
        assert_eq!(r, Ok(false));
        assert_timeout(dt, 0.5);
        assert_eq!(sem.value(), 0);
        // The timed-out waiter left no trace: one release gives exactly one permit.
        sem.release(1).unwrap();
        assert_eq!(sem.value(), 1);
        assert!(sem.try_acquire());
        assert!(!sem.try_acquire());
    })
}

/// Bad input: NaN -> Value, above TIMEOUT_MAX -> Overflow (on an exhausted semaphore, where
/// the timeout matters); the counter is unchanged and the semaphore still works.
pub fn s_08_bad_timeouts_leave_value_unchanged<S: SemLike>() {
    watchdog(|| {
        let sem = S::create(1);
        assert_err(sem.acquire_timeout(f64::NAN), Kind::Value, &[]);
        assert_eq!(sem.value(), 1);
        assert_err(sem.acquire_with(true, Some(f64::NAN)), Kind::Value, &[]);
        assert_eq!(sem.value(), 1);
        assert!(sem.acquire());
        for t in [1e100, threading::TIMEOUT_MAX + 1.0, f64::INFINITY] {
            let (r, dt) = timed(|| sem.acquire_timeout(t));
            assert_err(r, Kind::Overflow, &[]);
            assert!(
                dt < Duration::from_secs(5),
                "an invalid timeout waited {dt:?}"
            );
            assert_eq!(sem.value(), 0);
        }
        assert_err(sem.acquire_timeout(f64::NAN), Kind::Value, &[]);
        assert_eq!(sem.value(), 0);
        sem.release(1).unwrap();
        assert_eq!(sem.value(), 1);
        assert!(sem.try_acquire());
    })
}

/// Waits: a negative timeout acts as 0 (Python's Semaphore computes a deadline in the past):
/// True at once when a permit is free, False at once otherwise.
pub fn s_08_negative_timeout_acts_as_zero<S: SemLike>() {
    watchdog(|| {
        let sem = S::create(1);
        let (r, dt) = timed(|| sem.acquire_timeout(-1.0));
        assert_eq!(r, Ok(true));
        assert!(dt < Duration::from_secs(5));
        for t in [-1.0, -0.5, -100.0] {
            let (r, dt) = timed(|| sem.acquire_timeout(t));
            assert_eq!(r, Ok(false), "timeout {t}");
            assert!(dt < Duration::from_secs(2), "timeout {t} waited {dt:?}");
        }
        assert_eq!(sem.value(), 0);
    })
}

/// S-09: the default initial value is 1: after `semtype()` and one `acquire()`, another
/// thread's `acquire()` blocks until `release()`.
pub fn s_09_default_value<S: SemLike>() {
    watchdog(|| {
        let sem = S::create_default();
        assert_eq!(sem.value(), 1);
        assert!(sem.acquire());
        let s2 = sem.clone();
        let bunch = Bunch::start(1, move || {
            assert!(s2.acquire());
            s2.release(1).unwrap();
        });
        wait_threads_blocked(1);
        assert_eq!(bunch.finished(), 0, "a default {} admitted two", S::NAME);
        sem.release(1).unwrap();
        bunch.join();
        assert_eq!(sem.value(), 1);
    })
}

/// S-10a: `Sem(2)`: inside `with sem:` (1 left) `acquire(False)` is True (then released);
/// inside a nested `with sem:` (0 left) it is False.
pub fn s_10a_with<S: SemLike>() {
    let sem = S::create(2);
    sem.with_guard(|| {
        assert_eq!(sem.value(), 1);
        assert!(sem.try_acquire());
        sem.release(1).unwrap();
        sem.with_guard(|| {
            assert_eq!(sem.value(), 0);
            assert!(!sem.try_acquire());
        });
    });
    assert_eq!(sem.value(), 2);
    assert!(sem.try_acquire());
    sem.release(1).unwrap();
}

/// S-10b: an error raised in the nested block propagates and both guards release.
pub fn s_10b_with_error_propagates_and_releases<S: SemLike>() {
    #[derive(Debug, PartialEq)]
    struct TypeError;
    fn with<S: SemLike>(sem: &S) -> std::result::Result<(), TypeError> {
        sem.with_guard(|| {
            assert!(sem.try_acquire());
            sem.release(1).unwrap();
            sem.with_guard(|| {
                assert!(!sem.try_acquire());
                Err(TypeError)
            })?;
            Ok(())
        })
    }
    let sem = S::create(2);
    assert_eq!(with(&sem), Err(TypeError));
    assert_eq!(sem.value(), 2);
    assert!(sem.try_acquire());
    sem.release(1).unwrap();
}

/// S-10b, panic flavour (relies on unwinding).
pub fn s_10b_with_panic_propagates_and_releases<S: SemLike>() {
    let sem = S::create(2);
    let s2 = sem.clone();
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || {
        s2.with_guard(|| s2.with_guard(|| panic!("TypeError in nested with")))
    }));
    assert!(r.is_err());
    assert_eq!(sem.value(), 2, "both guards must release while unwinding");
}

/// Bad input: `release(0)` -> ValueError ("n must be one or more"), counter unchanged.
pub fn s_release_zero_is_value_error<S: SemLike>() {
    let sem = S::create(2);
    assert_err(sem.release(0), Kind::Value, &[]);
    assert_eq!(sem.value(), 2);
    assert!(sem.acquire());
    assert_err(sem.release(0), Kind::Value, &[]);
    assert_eq!(sem.value(), 1);
    sem.release(1).unwrap();
    assert_eq!(sem.value(), 2);
}

/// `release(n)` wakes exactly `n` of the blocked acquirers (S-05 in miniature, with
/// blocking acquires bounded by a generous timeout).
pub fn s_release_n_wakes_blocked_waiters<S: SemLike>() {
    watchdog(|| {
        let sem = S::create(3);
        for _ in 0..3 {
            assert!(sem.acquire());
        }
        let got = Arc::new(AtomicUsize::new(0));
        let (s2, g2) = (sem.clone(), Arc::clone(&got));
        let bunch = Bunch::start(3, move || {
            assert_eq!(s2.acquire_timeout(super::LONG_TIMEOUT), Ok(true));
            g2.fetch_add(1, Ordering::SeqCst);
        });
        wait_threads_blocked(3);
        assert_eq!(got.load(Ordering::SeqCst), 0);
        sem.release(2).unwrap();
        wait_until("2 waiters pass", || got.load(Ordering::SeqCst) >= 2);
        wait_threads_blocked(3);
        assert_eq!(got.load(Ordering::SeqCst), 2);
        assert_eq!(sem.value(), 0);
        sem.release(1).unwrap();
        bunch.join();
        assert_eq!(got.load(Ordering::SeqCst), 3);
        assert_eq!(sem.value(), 0);
    })
}

/// Handles: a clone is the same semaphore (identity equality, shared counter).
pub fn s_clone_is_same_object<S: SemLike>() {
    let a = S::create(1);
    let b = a.clone();
    assert!(a == b);
    assert!(a != S::create(1));
    assert!(b.try_acquire());
    assert_eq!(a.value(), 0);
    a.release(1).unwrap();
    assert_eq!(b.value(), 1);
}
