//! `threading.BoundedSemaphore` conformance: CPython's `lock_tests.BaseSemaphoreTests` (S-*,
//! generic, in `common::sem_suite`), `lock_tests.BoundedSemaphoreTests` (SB-01, SB-02) and
//! `ThreadTests.test_BoundedSemaphore_limit` (SB-03 / T-20), plus bad-input checks
//! (over-release leaves the value unchanged).
//!
//! Not applicable:
//! - S-01a/b (negative initial value raises ValueError): the value is a `usize`, so a negative
//!   value is a compile error; `s_01_zero_is_a_valid_initial_value` covers what remains.

mod common;

use common::sem_suite::base_semaphore_tests;
use common::{assert_err, assert_module_repr, watchdog, Kind};
use pythreading as threading;
use pythreading::BoundedSemaphore;

/// S-*: BaseSemaphoreTests for `threading.BoundedSemaphore`.
mod base_semaphore {
    super::base_semaphore_tests!(pythreading::BoundedSemaphore);
}

/// SB-01a/b: `BoundedSemaphore()` (value 1): `release()` raises ValueError; after
/// `acquire(); release()`, another `release()` raises ValueError. The value is unchanged.
#[crate::common::test]
fn sb_01_release_unacquired_is_value_error() {
    let sem = BoundedSemaphore::default();
    assert_err(sem.release(1), Kind::Value, &["release"]);
    assert_eq!(sem.value(), 1);
    assert!(sem.acquire());
    sem.release(1).unwrap();
    assert_err(sem.release(1), Kind::Value, &["release"]);
    assert_eq!(sem.value(), 1);
    // Still exactly one permit.
    assert!(sem.try_acquire());
    assert!(!sem.try_acquire());
    sem.release(1).unwrap();
}

/// SB-01 with `release(n)`: a release that would exceed the bound is refused as a whole
/// (Python checks `value + n > initial` before changing anything).
#[crate::common::test]
fn sb_01_release_n_over_bound_is_all_or_nothing() {
    let sem = BoundedSemaphore::new(3);
    assert!(sem.acquire());
    assert_eq!(sem.value(), 2);
    assert_err(sem.release(2), Kind::Value, &["release"]);
    assert_eq!(
        sem.value(),
        2,
        "a refused release(2) must not add one permit"
    );
    assert_err(sem.release(usize::MAX), Kind::Value, &[]);
    assert_eq!(sem.value(), 2);
    sem.release(1).unwrap();
    assert_eq!(sem.value(), 3);
    assert_err(sem.release(1), Kind::Value, &["release"]);
    assert_eq!(sem.value(), 3);
    // Acquire all, release all at once: exactly back to the bound.
    for _ in 0..3 {
        assert!(sem.try_acquire());
    }
    sem.release(3).unwrap();
    assert_eq!(sem.value(), 3);
}

/// `BoundedSemaphore(0)` is legal; any release is an over-release.
#[crate::common::test]
fn sb_01_zero_bound() {
    let sem = BoundedSemaphore::new(0);
    assert!(!sem.try_acquire());
    assert_err(sem.release(1), Kind::Value, &[]);
    assert_eq!(sem.value(), 0);
}

/// SB-02a/b: the repr matches `<\w+\.BoundedSemaphore at .*: value=3/3>`, then `value=2/3`.
#[crate::common::test]
fn sb_02_repr() {
    let sem = BoundedSemaphore::new(3);
    assert_module_repr(&format!("{sem:?}"), "BoundedSemaphore", "value=3/3");
    assert!(sem.acquire());
    assert_module_repr(&format!("{sem:?}"), "BoundedSemaphore", "value=2/3");
    sem.release(1).unwrap();
    assert_module_repr(&format!("{sem:?}"), "BoundedSemaphore", "value=3/3");
}

/// SB-03 (T-20, `test_BoundedSemaphore_limit`): for limit in 1..9, `limit` Threads each
/// acquire once and are joined; `limit` *different* Threads each release once and are
/// joined; then one more release from the main thread raises ValueError. Not owner-bound, and
/// the bound holds across threads.
#[crate::common::test]
fn sb_03_bounded_semaphore_limit() {
    watchdog(|| {
        for limit in 1..10 {
            let bs = BoundedSemaphore::new(limit);
            let spawn_all = |f: fn(&BoundedSemaphore)| {
                let threads: Vec<threading::Thread> = (0..limit)
                    .map(|_| {
                        let bs = bs.clone();
                        threading::Thread::new(move || f(&bs))
                    })
                    .collect();
                for t in &threads {
                    t.start().unwrap();
                }
                for t in &threads {
                    t.join().unwrap();
                }
            };
            spawn_all(|bs| assert!(bs.acquire()));
            assert_eq!(bs.value(), 0);
            spawn_all(|bs| bs.release(1).unwrap());
            assert_eq!(bs.value(), limit);
            assert_err(bs.release(1), Kind::Value, &[]);
            assert_eq!(bs.value(), limit);
        }
    })
}
