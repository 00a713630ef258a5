//! `threading.Semaphore` conformance: CPython's `lock_tests.BaseSemaphoreTests` (S-*, generic,
//! in `common::sem_suite`) and `lock_tests.SemaphoreTests` (SU-*), plus bad-input checks.
//!
//! Not applicable:
//! - S-01a/b (`Semaphore(-1)`, `Semaphore(-sys.maxsize)` raise ValueError): the initial value
//!   is a `usize`, so a negative value is a compile error; `s_01_zero_is_a_valid_initial_value`
//!   covers what remains.

mod common;

use common::sem_suite::base_semaphore_tests;
use common::{assert_module_repr, watchdog, Bunch};
use pythreading::Semaphore;

/// S-*: BaseSemaphoreTests for `threading.Semaphore`.
mod base_semaphore {
    super::base_semaphore_tests!(pythreading::Semaphore);
}

/// SU-01: `Semaphore(1).release()` without an acquire is allowed and raises the value to 2;
/// two acquires then succeed without blocking.
#[crate::common::test]
fn su_01_release_unacquired() {
    watchdog(|| {
        let sem = Semaphore::new(1);
        sem.release(1).unwrap();
        assert_eq!(sem.value(), 2);
        assert!(sem.try_acquire());
        assert!(sem.try_acquire());
        assert!(!sem.try_acquire());
        sem.release(1).unwrap();
        assert_eq!(sem.value(), 1);
        // Unbounded: release(n) can go far beyond the initial value.
        sem.release(1000).unwrap();
        assert_eq!(sem.value(), 1001);
    })
}

/// SU-02a/b: the repr matches `<\w+\.Semaphore at .*: value=3>`, then `value=2` after an
/// acquire and `value=4` after two releases (above the initial value).
#[crate::common::test]
fn su_02_repr() {
    let sem = Semaphore::new(3);
    assert_module_repr(&format!("{sem:?}"), "Semaphore", "value=3");
    assert!(sem.acquire());
    assert_module_repr(&format!("{sem:?}"), "Semaphore", "value=2");
    sem.release(1).unwrap();
    sem.release(1).unwrap();
    assert_module_repr(&format!("{sem:?}"), "Semaphore", "value=4");
}

/// SU-01 across threads: releases from threads that never acquired count too.
#[crate::common::test]
fn su_01_release_from_other_threads() {
    watchdog(|| {
        let sem = Semaphore::new(0);
        let s2 = sem.clone();
        Bunch::start(4, move || s2.release(1).unwrap()).join();
        assert_eq!(sem.value(), 4);
        for _ in 0..4 {
            assert!(sem.try_acquire());
        }
        assert!(!sem.try_acquire());
    })
}
