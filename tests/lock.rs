//! `threading.Lock` conformance: CPython's `lock_tests.BaseLockTests` (BL-*, generic, in
//! `common::lock_suite`) and `lock_tests.LockTests` (L-*), plus bad-input checks.
//!
//! Not applicable:
//! - BL-02, L-06 (TypeError part): `Lock(1)`, `Lock(a=1)`... are compile errors in Rust
//!   (`Lock::new()` takes no arguments); the positive part ("`Lock()` works") is BL-01.
//! - L-04 (`_at_fork_reinit`): fork-only, skipped as in docs/behaviours.md §17.
//! - L-07 (subclassing `Lock` raises TypeError): PY; Rust has no inheritance.
//! - L-08 (`Lock | None` is a UnionType): PY; `Lock` is a real type by construction
//!   (`Option<Lock>` below stands for it).
//! - BL-14 (weakref dead after `del`): needs a `Weak` handle, which the crate does not expose.
//!   BL-13's analogue is `bl_13_clone_is_same_object`.

mod common;

use common::lock_suite::base_lock_tests;
use common::{
    assert_err, assert_timeout, timed, wait_threads_blocked, wait_until, watchdog, Bunch, Kind,
};
use pythreading as threading;
use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// BL-*: the generic BaseLockTests suite for `threading.Lock`.
mod base_lock {
    super::base_lock_tests!(pythreading::Lock);
}

/// L-01: a worker acquires (phase 1), then acquires again: the second call blocks in the
/// same thread (no re-entrancy, no error) until the *main* thread releases; then phase 2.
#[crate::common::test]
fn l_01_reacquire_blocks_in_same_thread() {
    watchdog(|| {
        let lock = threading::Lock::new();
        let phase = Arc::new(AtomicUsize::new(0));
        let (l2, p2) = (lock.clone(), Arc::clone(&phase));
        let bunch = Bunch::start(1, move || {
            assert!(l2.acquire());
            p2.store(1, Ordering::SeqCst);
            assert!(l2.acquire());
            p2.store(2, Ordering::SeqCst);
        });
        wait_until("phase 1", || phase.load(Ordering::SeqCst) >= 1);
        wait_threads_blocked(5);
        assert_eq!(
            phase.load(Ordering::SeqCst),
            1,
            "a Lock must not be re-entrant: the second acquire must block"
        );
        assert!(lock.locked());
        lock.release().unwrap();
        wait_until("phase 2", || phase.load(Ordering::SeqCst) == 2);
        bunch.join();
        // The (now dead) worker holds it again; a Lock is not owner-bound, so anyone may release.
        assert!(lock.locked());
        lock.release().unwrap();
        assert!(!lock.locked());
    })
}

/// L-01 (non-blocking forms): the holder's own `acquire(False)` and timed acquire fail.
#[crate::common::test]
fn l_01_holder_cannot_reacquire_without_blocking() {
    watchdog(|| {
        let lock = threading::Lock::new();
        assert!(lock.acquire());
        assert!(!lock.try_acquire());
        assert_eq!(lock.acquire_with(false, None), Ok(false));
        let (r, dt) = timed(|| lock.acquire_timeout(0.1));
        assert_eq!(r, Ok(false));
        assert_timeout(dt, 0.1);
        lock.release().unwrap();
        assert!(!lock.locked());
    })
}

/// L-02: the main thread acquires; another thread releases it successfully; the main thread
/// can then acquire and release again.
#[crate::common::test]
fn l_02_different_thread_may_release() {
    watchdog(|| {
        let lock = threading::Lock::new();
        assert!(lock.acquire());
        let l2 = lock.clone();
        Bunch::start(1, move || l2.release().unwrap()).join();
        assert!(!lock.locked());
        assert!(lock.acquire());
        lock.release().unwrap();
    })
}

/// L-02 (cross-thread hand-off): a lock taken in one foreign thread is released by another and
/// a blocked acquirer in a third wakes up.
#[crate::common::test]
fn l_02_release_by_other_thread_wakes_waiter() {
    watchdog(|| {
        let lock = threading::Lock::new();
        let l1 = lock.clone();
        Bunch::start(1, move || assert!(l1.acquire())).join();
        assert!(lock.locked());
        let l2 = lock.clone();
        let waiter = Bunch::start(1, move || {
            assert_eq!(l2.acquire_timeout(common::LONG_TIMEOUT), Ok(true));
        });
        wait_threads_blocked(1);
        assert_eq!(waiter.finished(), 0);
        let l3 = lock.clone();
        Bunch::start(1, move || l3.release().unwrap()).join();
        waiter.join();
        assert!(lock.locked());
        lock.release().unwrap();
    })
}

/// L-03: after a timed-out `acquire(timeout=0.01)`, `release()` leaves `locked()` False and
/// `acquire(blocking=False)` succeeds: a timed-out waiter does not corrupt the lock.
#[crate::common::test]
fn l_03_state_after_timeout() {
    watchdog(|| {
        let lock = threading::Lock::new();
        assert!(lock.acquire());
        assert_eq!(lock.acquire_timeout(0.01), Ok(false));
        lock.release().unwrap();
        assert!(!lock.locked());
        assert_eq!(lock.acquire_with(false, None), Ok(true));
        lock.release().unwrap();
    })
}

/// L-03 with a timed-out waiter in another thread, several times in a row.
#[crate::common::test]
fn l_03_state_after_timeout_in_other_thread() {
    watchdog(|| {
        let lock = threading::Lock::new();
        for _ in 0..3 {
            assert!(lock.acquire());
            let l2 = lock.clone();
            Bunch::start(2, move || assert_eq!(l2.acquire_timeout(0.02), Ok(false))).join();
            lock.release().unwrap();
            assert!(!lock.locked());
            assert!(lock.try_acquire());
            lock.release().unwrap();
        }
    })
}

/// L-05 / X-05: `Lock().release()` on an unlocked lock raises RuntimeError (ThreadError); the
/// lock stays unlocked and usable.
#[crate::common::test]
fn l_05_releasing_unacquired_lock_is_runtime_error() {
    let lock = threading::Lock::new();
    let e = lock.release().unwrap_err();
    assert!(e.is_runtime_error(), "{e:?}");
    assert_err(lock.release(), Kind::Runtime, &["release"]);
    assert!(!lock.locked());
    assert!(lock.try_acquire());
    lock.release().unwrap();
    // Double release: the second one fails and nothing changes.
    assert!(lock.acquire());
    lock.release().unwrap();
    assert_err(lock.release(), Kind::Runtime, &["release"]);
    assert!(!lock.locked());
    assert!(lock.try_acquire());
    assert!(lock.locked());
    lock.release().unwrap();
}

/// L-06 (positive part) and `Default`: a new Lock is unlocked.
#[crate::common::test]
fn l_06_lock_no_args_and_default() {
    let a = threading::Lock::new();
    let b = threading::Lock::default();
    assert!(!a.locked());
    assert!(!b.locked());
    assert!(a != b);
}

/// L-08 analogue: `Lock` is a real type usable in `Option` ("Lock | None").
#[crate::common::test]
fn l_08_lock_or_none() {
    fn maybe(make: bool) -> Option<threading::Lock> {
        make.then(threading::Lock::new)
    }
    assert!(maybe(false).is_none());
    assert!(maybe(true).is_some_and(|l| !l.locked()));
}

/// BL-03/BL-04 details: the repr names the type, like Python's `<unlocked _thread.lock object
/// at 0x...>`.
#[crate::common::test]
fn bl_03_repr_names_the_lock_type() {
    let lock = threading::Lock::new();
    let r = format!("{lock:?}");
    assert!(r.starts_with("<unlocked "), "{r}");
    assert!(r.contains("Lock object"), "{r}");
    assert!(r.contains(" at 0x"), "{r}");
    lock.acquire();
    let r = format!("{lock:?}");
    assert!(r.starts_with("<locked "), "{r}");
    lock.release().unwrap();
}

/// BL-13 (Rust): handles hash and compare by identity.
#[crate::common::test]
// Hashing is by identity (the Arc's address), not by the mutable lock state.
#[allow(clippy::mutable_key_type)]
fn bl_13_hash_by_identity() {
    let a = threading::Lock::new();
    let b = threading::Lock::new();
    let mut set = HashSet::new();
    set.insert(a.clone());
    set.insert(a.clone());
    set.insert(b.clone());
    assert_eq!(set.len(), 2);
    assert!(set.contains(&a) && set.contains(&b));
}

/// Handles are `Send + Sync` (shared between threads by cloning).
#[crate::common::test]
fn handles_are_send_sync() {
    fn check<T: Send + Sync + Clone + 'static>() {}
    check::<threading::Lock>();
}

/// The RAII guard holds the lock until dropped, and explicit `drop` releases early.
#[crate::common::test]
fn bl_10_guard_releases_on_drop() {
    let lock = threading::Lock::new();
    let g = lock.guard();
    assert!(lock.locked());
    assert!(!lock.try_acquire());
    drop(g);
    assert!(!lock.locked());
    {
        let _g = lock.guard();
        assert!(lock.locked());
    }
    assert!(!lock.locked());
}
