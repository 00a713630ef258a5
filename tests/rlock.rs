//! `threading.RLock` conformance: CPython's `lock_tests.BaseLockTests` (BL-*) and
//! `lock_tests.RLockTests` (R-*), both generic in `common::lock_suite`, plus RLock-only
//! details (repr fields, guards, bad input).
//!
//! Not applicable:
//! - BL-02, R-10 (`RLock(1)`, `RLock(a=1)` raise TypeError / DeprecationWarning): compile-time
//!   in Rust (`RLock::new()` takes no arguments), and Rust has no warnings at run time or
//!   subclass `__init__` (PY).
//! - BL-14 (weakref dead after `del`): needs a `Weak` handle, which the crate does not expose.
//!   BL-13's analogue is `bl_13_clone_is_same_object`.
//! - Python runs the RLock suites twice (C `_thread.RLock` and pure-Python `_PyRLock`); the
//!   crate has one RLock.

mod common;

use common::lock_suite::{base_lock_tests, rlock_recursion_tests, rlock_tests};
use common::{assert_err, wait_until, watchdog, Bunch, Kind, Log};
use pythreading as threading;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// BL-*: BaseLockTests for `threading.RLock`.
mod base_lock {
    super::base_lock_tests!(pythreading::RLock);
}

/// R-01..R-09: RLockTests for `threading.RLock`, including R-07 (`_recursion_count`).
mod rlock_suite {
    super::rlock_tests!(pythreading::RLock);
    super::rlock_recursion_tests!(pythreading::RLock);
}

/// R-01 (3.13 format): `<locked ... RLock object owner=<ident> count=2 at 0x...>`; the owner is
/// the holder's `get_ident()`, shown the same from any thread; `owner=0 count=0` when free.
#[crate::common::test]
fn r_01_repr_owner_and_count() {
    watchdog(|| {
        let lock = threading::RLock::new();
        let r = format!("{lock:?}");
        assert!(r.starts_with("<unlocked "), "{r}");
        assert!(r.contains("RLock object"), "{r}");
        assert!(r.contains("owner=0"), "{r}");
        assert!(r.contains("count=0"), "{r}");
        assert!(r.contains(" at 0x"), "{r}");
        lock.acquire();
        lock.acquire();
        let me = threading::get_ident();
        let r = format!("{lock:?}");
        assert!(r.starts_with("<locked "), "{r}");
        assert!(
            r.contains(&format!("owner={me} ")),
            "{r} should name owner {me}"
        );
        assert!(r.contains("count=2"), "{r}");
        let seen = Log::new();
        {
            let (lock, seen) = (lock.clone(), seen.clone());
            Bunch::start(1, move || seen.push(format!("{lock:?}"))).join();
        }
        let r = &seen.get()[0];
        assert!(r.contains(&format!("owner={me} ")), "{r}");
        assert!(r.contains("count=2"), "{r}");
        lock.release().unwrap();
        lock.release().unwrap();
    })
}

/// R-06 via the public API: a Condition over an RLock the caller does not own refuses to
/// wait and to notify (RuntimeError); the RLock is left as it was.
#[crate::common::test]
fn r_06_condition_over_unowned_rlock_errors() {
    watchdog(|| {
        let lock = threading::RLock::new();
        let cond = threading::Condition::with_lock(lock.clone());
        assert_err(cond.wait_timeout(0.0), Kind::Runtime, &[]);
        assert_err(cond.notify(1), Kind::Runtime, &[]);
        assert_err(cond.notify_all(), Kind::Runtime, &[]);
        assert!(!lock.locked());
        // Owned by another thread: still an error here, and the owner keeps its depth.
        let phase = Arc::new(AtomicUsize::new(0));
        let (l2, p2) = (lock.clone(), Arc::clone(&phase));
        let bunch = Bunch::start(1, move || {
            l2.acquire();
            l2.acquire();
            p2.store(1, Ordering::SeqCst);
            wait_until("main checked", || p2.load(Ordering::SeqCst) == 2);
            assert_eq!(l2.recursion_count(), 2);
            l2.release().unwrap();
            l2.release().unwrap();
        });
        wait_until("worker holds the lock", || {
            phase.load(Ordering::SeqCst) == 1
        });
        assert_err(cond.wait_timeout(0.0), Kind::Runtime, &[]);
        assert_err(cond.wait_timeout(1.0), Kind::Runtime, &[]);
        assert_err(cond.notify(1), Kind::Runtime, &[]);
        assert!(lock.locked());
        phase.store(2, Ordering::SeqCst);
        bunch.join();
        assert!(!lock.locked());
    })
}

/// with guards: nested guards re-enter and unwind the depth in order.
#[crate::common::test]
fn r_07_nested_guards() {
    let lock = threading::RLock::new();
    {
        let _a = lock.guard();
        assert_eq!(lock.recursion_count(), 1);
        {
            let _b = lock.guard();
            assert_eq!(lock.recursion_count(), 2);
            assert!(lock.is_owned());
        }
        assert_eq!(lock.recursion_count(), 1);
        assert!(lock.locked());
    }
    assert_eq!(lock.recursion_count(), 0);
    assert!(!lock.locked());
    assert!(!lock.is_owned());
}

/// deep recursion is counted exactly.
#[crate::common::test]
fn r_07_deep_recursion() {
    let lock = threading::RLock::new();
    for i in 1..=1000 {
        assert!(lock.acquire());
        assert_eq!(lock.recursion_count(), i);
    }
    for i in (0..1000).rev() {
        lock.release().unwrap();
        assert_eq!(lock.recursion_count(), i);
    }
    assert!(!lock.locked());
    assert_err(lock.release(), Kind::Runtime, &["release"]);
}

/// the RuntimeError is Python's (ThreadError is RuntimeError).
#[crate::common::test]
fn r_03_release_error_is_runtime_error() {
    let lock = threading::RLock::new();
    let e = lock.release().unwrap_err();
    assert!(e.is_runtime_error(), "{e:?}");
    assert!(matches!(e, threading::Error::Runtime(_)), "{e:?}");
}

/// Handles: `Default`, identity equality, `Send + Sync`.
#[crate::common::test]
fn rlock_default_and_identity() {
    fn check<T: Send + Sync + Clone + 'static>() {}
    check::<threading::RLock>();
    let a = threading::RLock::default();
    assert!(!a.locked());
    assert_eq!(a.recursion_count(), 0);
    assert!(a == a.clone());
    assert!(a != threading::RLock::new());
}
