//! The generic lock suites of CPython's `lock_tests.py`: `BaseLockTests` (BL-*) and
//! `RLockTests` (R-*), written once over [`LockLike`] / [`RLockLike`] and instantiated with the
//! [`base_lock_tests!`] and [`rlock_tests!`] macros for `Lock`, `RLock` and, as C-08
//! (`ConditionAsRLockTests`), for `Condition::new()` used as an RLock.
//!
//! Also here: the bad-input checks shared by all three (every invalid timeout returns the
//! documented `Err` with a message and leaves the lock's state unchanged).

// Each test crate instantiates only the suites it needs.
#![allow(unused_macros, unused_imports)]

use super::{
    assert_err, assert_lock_repr, assert_timeout, timed, wait_threads_blocked, wait_until,
    watchdog, Bunch, Kind, Log,
};
use pythreading as threading;
use pythreading::{Condition, Lock, RLock, Result};
use std::fmt::Debug;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::time::Duration;

/// The lock interface shared by `Lock`, `RLock` and `Condition` (Python duck typing).
pub trait LockLike: Clone + Send + Sync + Debug + PartialEq + 'static {
    const NAME: &'static str;
    fn create() -> Self;
    fn acquire(&self) -> bool;
    fn try_acquire(&self) -> bool;
    fn acquire_timeout(&self, t: f64) -> Result<bool>;
    fn acquire_duration(&self, t: Duration) -> Result<bool>;
    fn acquire_with(&self, blocking: bool, timeout: Option<f64>) -> Result<bool>;
    fn release(&self) -> Result<()>;
    fn locked(&self) -> bool;
    /// `with lock: f()` through the RAII guard.
    fn with_guard<R>(&self, f: impl FnOnce() -> R) -> R;
}

/// What `RLockTests` needs on top: `_is_owned`, `_recursion_count` (None where not exposed,
/// i.e. Condition) and `_release_save` (the hook Condition uses to release an RLock fully
/// before waiting; its Rust analogue is a zero-timeout `wait` on a Condition over the lock).
pub trait RLockLike: LockLike {
    fn is_owned(&self) -> bool;
    fn recursion_count(&self) -> Option<usize>;
    fn release_save(&self) -> Result<bool>;
}

macro_rules! impl_lock_like {
    ($t:ty, $name:expr) => {
        impl LockLike for $t {
            const NAME: &'static str = $name;
            fn create() -> Self {
                <$t>::new()
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
            fn acquire_duration(&self, t: Duration) -> Result<bool> {
                <$t>::acquire_timeout(self, t)
            }
            fn acquire_with(&self, blocking: bool, timeout: Option<f64>) -> Result<bool> {
                <$t>::acquire_with(self, blocking, timeout)
            }
            fn release(&self) -> Result<()> {
                <$t>::release(self)
            }
            fn locked(&self) -> bool {
                <$t>::locked(self)
            }
            fn with_guard<R>(&self, f: impl FnOnce() -> R) -> R {
                let _g = <$t>::guard(self);
                f()
            }
        }
    };
}

impl_lock_like!(Lock, "Lock");
impl_lock_like!(RLock, "RLock");
impl_lock_like!(Condition, "Condition");

impl RLockLike for RLock {
    fn is_owned(&self) -> bool {
        RLock::is_owned(self)
    }
    fn recursion_count(&self) -> Option<usize> {
        Some(RLock::recursion_count(self))
    }
    fn release_save(&self) -> Result<bool> {
        Condition::with_lock(self.clone()).wait_timeout(0.0)
    }
}

impl RLockLike for Condition {
    fn is_owned(&self) -> bool {
        // Python's Condition exposes its lock's `_is_owned`; so does the crate. `notify`
        // (which checks ownership first) must agree with it; notify(0) wakes nobody.
        let owned = Condition::is_owned(self);
        assert_eq!(
            self.notify(0).is_ok(),
            owned,
            "notify(0) disagrees with is_owned()"
        );
        owned
    }
    fn recursion_count(&self) -> Option<usize> {
        None
    }
    fn release_save(&self) -> Result<bool> {
        self.wait_timeout(0.0)
    }
}

/// Instantiate `BaseLockTests` for a type implementing [`LockLike`].
macro_rules! base_lock_tests {
    ($t:ty) => {
        $crate::common::suite_tests!(lock_suite, $t;
            bl_01_constructor,
            bl_03_repr,
            bl_04_locked_repr,
            bl_05_acquire_destroy,
            bl_06_acquire_release,
            bl_07_try_acquire,
            bl_08_try_acquire_contended,
            bl_09_acquire_contended,
            bl_10a_with,
            bl_10b_with_error_propagates_and_releases,
            /// Needs unwinding: skipped under panic=abort (wasm).
            #[cfg(panic = "unwind")]
            bl_10b_with_panic_propagates_and_releases,
            #[cfg_attr(
                all(target_arch = "wasm32", target_os = "unknown"),
                ignore = "BL-11 is about foreign threads, which browsers do not have (std cannot spawn)"
            )]
            bl_11_thread_leak,
            bl_12a_nonblocking_with_timeout_is_value_error,
            bl_12b_negative_timeout_is_value_error,
            bl_12c_huge_timeout_is_overflow_error,
            bl_12d_timeout_max_plus_one_is_overflow_error,
            bl_12e_timeout_max_is_accepted,
            bl_12f_free_lock_does_not_wait_out_timeout,
            bl_12g_timed_acquire_returns_false,
            bl_12_bad_timeouts_leave_state_unchanged,
            bl_12_minus_one_means_forever_and_zero_means_poll,
            bl_12_duration_timeouts,
            bl_13_clone_is_same_object,
        );
    };
}
pub(crate) use base_lock_tests;

/// Instantiate `RLockTests` (without `test_recursion_count`, see [`rlock_recursion_tests!`]).
macro_rules! rlock_tests {
    ($t:ty) => {
        $crate::common::suite_tests!(lock_suite, $t;
            r_01_repr_count,
            r_02_reacquire,
            r_03a_release_unacquired,
            r_03b_over_release,
            r_04_locked,
            r_05_locked_with_2threads,
            r_06_release_save_unacquired,
            r_08_different_thread,
            r_08_non_owner_release_leaves_owner_state_unchanged,
            r_09_is_owned,
            r_02_non_owner_cannot_take_held_rlock,
        );
    };
}
pub(crate) use rlock_tests;

/// `RLockTests.test_recursion_count`, not run for Condition.
macro_rules! rlock_recursion_tests {
    ($t:ty) => {
        $crate::common::suite_tests!(lock_suite, $t;
            r_07a_recursion_count,
            r_07b_recursion_count_is_per_owner,
        );
    };
}
pub(crate) use rlock_recursion_tests;

// ---------------------------------------------------------------------------------------------
// BaseLockTests

/// BL-01: the constructor works; dropping the lock unused is fine.
pub fn bl_01_constructor<L: LockLike>() {
    let lock = L::create();
    assert!(!lock.locked(), "a new {} must be unlocked", L::NAME);
    drop(lock);
}

/// BL-03: `repr` of a fresh lock matches `<unlocked .* object (.*)?at .*>`.
pub fn bl_03_repr<L: LockLike>() {
    let lock = L::create();
    assert_lock_repr(&format!("{lock:?}"), "unlocked");
}

/// BL-04: after `acquire()`, `repr` matches `<locked .* object (.*)?at .*>`.
pub fn bl_04_locked_repr<L: LockLike>() {
    let lock = L::create();
    assert!(lock.acquire());
    assert_lock_repr(&format!("{lock:?}"), "locked");
    lock.release().unwrap();
    assert_lock_repr(&format!("{lock:?}"), "unlocked");
}

/// BL-05: acquire, then drop the lock while it is held: no crash, no hang.
pub fn bl_05_acquire_destroy<L: LockLike>() {
    watchdog(|| {
        let lock = L::create();
        assert!(lock.acquire());
        drop(lock);
    })
}

/// BL-06: `acquire(); release()`, then drop.
pub fn bl_06_acquire_release<L: LockLike>() {
    watchdog(|| {
        let lock = L::create();
        assert!(lock.acquire());
        assert!(lock.locked());
        lock.release().unwrap();
        assert!(!lock.locked());
        drop(lock);
    })
}

/// BL-07: `acquire(False)` on a free lock returns True.
pub fn bl_07_try_acquire<L: LockLike>() {
    let lock = L::create();
    assert!(lock.try_acquire());
    assert!(lock.locked());
    lock.release().unwrap();
    // acquire_with(blocking=False) is the same call.
    assert!(lock.acquire_with(false, None).unwrap());
    lock.release().unwrap();
    assert!(!lock.locked());
}

/// BL-08: the main thread holds the lock; `acquire(False)` in another thread is False (for
/// RLock too: recursion is only for the owner).
pub fn bl_08_try_acquire_contended<L: LockLike>() {
    let lock = L::create();
    assert!(lock.acquire());
    let result = Log::new();
    {
        let (lock, result) = (lock.clone(), result.clone());
        Bunch::start(1, move || {
            result.push(lock.try_acquire());
            result.push(lock.acquire_with(false, None).unwrap());
            result.push(lock.acquire_timeout(0.0).unwrap());
        })
        .join();
    }
    assert_eq!(result.get(), vec![false, false, false]);
    assert!(lock.locked());
    lock.release().unwrap();
}

/// BL-09: the main thread holds the lock; 5 threads each `acquire(); release()`. After 50 ms
/// none has finished; after the main thread's `release()`, all 5 finish.
pub fn bl_09_acquire_contended<L: LockLike>() {
    watchdog(|| {
        let lock = L::create();
        assert!(lock.acquire());
        const N: usize = 5;
        let l2 = lock.clone();
        let bunch = Bunch::start(N, move || {
            assert!(l2.acquire());
            l2.release().unwrap();
        });
        wait_threads_blocked(N);
        assert_eq!(bunch.finished(), 0, "threads passed a held {}", L::NAME);
        lock.release().unwrap();
        wait_until("all 5 contending threads finish", || bunch.finished() == N);
        bunch.join();
        assert!(!lock.locked());
    })
}

fn acquire_release_in_other_thread<L: LockLike>(lock: &L) {
    let lock = lock.clone();
    Bunch::start(1, move || {
        assert!(
            lock.acquire_timeout(super::LONG_TIMEOUT).unwrap(),
            "the lock was left held"
        );
        lock.release().unwrap();
    })
    .join();
}

/// BL-10a: `with lock:` acquires and releases; afterwards another thread can take the lock.
pub fn bl_10a_with<L: LockLike>() {
    watchdog(|| {
        let lock = L::create();
        let inside = lock.with_guard(|| lock.locked());
        assert!(inside, "the guard must hold the lock");
        assert!(!lock.locked(), "the guard must release the lock on drop");
        acquire_release_in_other_thread(&lock);
    })
}

/// BL-10b: an error raised inside `with lock:` propagates and the lock is released (Rust: an
/// `Err` returned with `?` out of a guarded scope).
pub fn bl_10b_with_error_propagates_and_releases<L: LockLike>() {
    watchdog(|| {
        #[derive(Debug, PartialEq)]
        struct TypeError;
        fn with_lock<L: LockLike>(
            lock: &L,
            err: Option<TypeError>,
        ) -> std::result::Result<(), TypeError> {
            lock.with_guard(|| match err {
                Some(e) => Err(e),
                None => Ok(()),
            })?;
            Ok(())
        }
        let lock = L::create();
        assert_eq!(with_lock(&lock, None), Ok(()));
        acquire_release_in_other_thread(&lock);
        assert_eq!(with_lock(&lock, Some(TypeError)), Err(TypeError));
        assert!(!lock.locked());
        acquire_release_in_other_thread(&lock);
    })
}

/// BL-10b, panic flavour: a panic inside the guarded scope propagates and the guard releases
/// the lock while unwinding. Relies on unwinding (not run under panic=abort).
pub fn bl_10b_with_panic_propagates_and_releases<L: LockLike>() {
    watchdog(|| {
        let lock = L::create();
        let l2 = lock.clone();
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || {
            l2.with_guard(|| panic!("TypeError inside with"))
        }));
        let msg = super::panic_message(&*r.expect_err("the panic must propagate"));
        assert!(msg.contains("TypeError inside with"));
        assert!(!lock.locked(), "the guard must release while unwinding");
        acquire_release_in_other_thread(&lock);
    })
}

/// BL-11: 15 foreign threads each acquire and release: all exit cleanly, and using a lock from
/// a foreign thread does not register a Thread object for it (it is not in `enumerate()`).
pub fn bl_11_thread_leak<L: LockLike>() {
    watchdog(|| {
        let lock = L::create();
        let registered = Log::new();
        {
            let (lock, registered) = (lock.clone(), registered.clone());
            Bunch::start(15, move || {
                assert!(lock.acquire());
                lock.release().unwrap();
                let me = threading::get_ident();
                let found = threading::enumerate().iter().any(|t| t.ident() == Some(me));
                registered.push(found);
            })
            .join();
        }
        assert_eq!(registered.get(), vec![false; 15]);
        assert!(!lock.locked());
    })
}

/// BL-12a: `acquire(False, 1)` raises ValueError; so does any timeout but -1 with
/// blocking=False. State unchanged (still free).
pub fn bl_12a_nonblocking_with_timeout_is_value_error<L: LockLike>() {
    let lock = L::create();
    assert_err(
        lock.acquire_with(false, Some(1.0)),
        Kind::Value,
        &["timeout"],
    );
    assert!(!lock.locked());
    assert_err(
        lock.acquire_with(false, Some(0.0)),
        Kind::Value,
        &["timeout"],
    );
    assert!(!lock.locked());
    // -1 is "no timeout" and is allowed with blocking=False: a plain try-acquire.
    assert!(lock.acquire_with(false, Some(-1.0)).unwrap());
    assert!(lock.locked());
    // While held: still an error, still held.
    assert_err(
        lock.acquire_with(false, Some(1.0)),
        Kind::Value,
        &["timeout"],
    );
    assert!(lock.locked());
    lock.release().unwrap();
    assert!(!lock.locked());
}

/// BL-12b: `acquire(timeout=-100)` raises ValueError (negative other than -1); so do -0.5,
/// -2 and NaN.
pub fn bl_12b_negative_timeout_is_value_error<L: LockLike>() {
    let lock = L::create();
    for t in [-100.0, -0.5, -2.0, -1.5, f64::NAN] {
        assert_err(lock.acquire_timeout(t), Kind::Value, &[]);
        assert!(!lock.locked(), "timeout {t} left the lock held");
        assert_err(lock.acquire_with(true, Some(t)), Kind::Value, &[]);
        assert!(!lock.locked(), "timeout {t} left the lock held");
    }
}

/// BL-12c: `acquire(timeout=1e100)` raises OverflowError; so does +inf.
pub fn bl_12c_huge_timeout_is_overflow_error<L: LockLike>() {
    let lock = L::create();
    for t in [1e100, f64::INFINITY, f64::MAX] {
        assert_err(lock.acquire_timeout(t), Kind::Overflow, &[]);
        assert!(!lock.locked(), "timeout {t} left the lock held");
        assert_err(lock.acquire_with(true, Some(t)), Kind::Overflow, &[]);
        assert!(!lock.locked());
    }
}

/// BL-12d: `acquire(timeout=TIMEOUT_MAX + 1)` raises OverflowError.
pub fn bl_12d_timeout_max_plus_one_is_overflow_error<L: LockLike>() {
    let lock = L::create();
    assert_err(
        lock.acquire_timeout(threading::TIMEOUT_MAX + 1.0),
        Kind::Overflow,
        &[],
    );
    assert!(!lock.locked());
}

/// BL-12e: `acquire(timeout=TIMEOUT_MAX)` on a free lock succeeds immediately.
pub fn bl_12e_timeout_max_is_accepted<L: LockLike>() {
    watchdog(|| {
        let lock = L::create();
        let (r, dt) = timed(|| lock.acquire_timeout(threading::TIMEOUT_MAX));
        assert_eq!(r, Ok(true));
        assert!(dt < Duration::from_secs(5), "took {dt:?}");
        lock.release().unwrap();
    })
}

/// BL-12f: `acquire(timeout=5)` on a free lock returns True in < 5 s.
pub fn bl_12f_free_lock_does_not_wait_out_timeout<L: LockLike>() {
    watchdog(|| {
        let lock = L::create();
        let (r, dt) = timed(|| lock.acquire_timeout(5.0));
        assert_eq!(r, Ok(true));
        assert!(dt < Duration::from_secs(5), "took {dt:?}");
        lock.release().unwrap();
    })
}

/// BL-12g: the main thread holds the lock; in another thread `acquire(timeout=0.5)` returns
/// False after [0.3, 5) s.
pub fn bl_12g_timed_acquire_returns_false<L: LockLike>() {
    watchdog(|| {
        let lock = L::create();
        assert!(lock.acquire_timeout(5.0).unwrap());
        let results = Log::new();
        {
            let (lock, results) = (lock.clone(), results.clone());
            Bunch::start(1, move || {
                results.push(timed(|| lock.acquire_timeout(0.5)));
            })
            .join();
        }
        let (r, dt) = results.get()[0].clone();
        assert_eq!(r, Ok(false));
        assert_timeout(dt, 0.5);
        assert!(lock.locked());
        lock.release().unwrap();
    })
}

/// Bad input on a held lock: every invalid timeout is rejected and the holder keeps it.
pub fn bl_12_bad_timeouts_leave_state_unchanged<L: LockLike>() {
    watchdog(|| {
        let lock = L::create();
        assert!(lock.acquire());
        let l2 = lock.clone();
        // From another thread (a non-owner for RLock), so a wrong "success" would be visible.
        Bunch::start(1, move || {
            for (t, kind) in [
                (f64::NAN, Kind::Value),
                (-100.0, Kind::Value),
                (-0.5, Kind::Value),
                (1e100, Kind::Overflow),
                (threading::TIMEOUT_MAX + 1.0, Kind::Overflow),
            ] {
                assert_err(l2.acquire_timeout(t), kind, &[]);
                assert!(l2.locked());
            }
            // -inf: CPython says OverflowError (it fails converting before the sign check);
            // the crate documents Value for negatives. Either is an error; nothing may change.
            let e = l2.acquire_timeout(f64::NEG_INFINITY).unwrap_err();
            assert!(
                matches!(
                    e,
                    pythreading::Error::Value(_) | pythreading::Error::Overflow(_)
                ),
                "{e:?}"
            );
            assert_err(l2.acquire_with(false, Some(1.0)), Kind::Value, &["timeout"]);
            assert!(l2.locked());
            assert!(!l2.try_acquire());
        })
        .join();
        assert!(lock.locked());
        lock.release().unwrap();
        assert!(!lock.locked());
        // And nothing is corrupted: it can be taken and released normally.
        acquire_release_in_other_thread(&lock);
    })
}

/// `timeout=-1` means "wait forever"; `timeout=0` is a non-blocking attempt.
pub fn bl_12_minus_one_means_forever_and_zero_means_poll<L: LockLike>() {
    watchdog(|| {
        let lock = L::create();
        assert_eq!(lock.acquire_timeout(-1.0), Ok(true));
        lock.release().unwrap();
        assert_eq!(lock.acquire_with(true, Some(-1.0)), Ok(true));
        lock.release().unwrap();
        assert_eq!(lock.acquire_with(true, None), Ok(true));
        lock.release().unwrap();
        assert_eq!(lock.acquire_timeout(0.0), Ok(true));
        // Held: a zero timeout fails at once in another thread; -1 blocks until released.
        let l2 = lock.clone();
        let (tx, rx) = mpsc::channel();
        let bunch = Bunch::start(1, move || {
            let (r, dt) = timed(|| l2.acquire_timeout(0.0));
            assert_eq!(r, Ok(false));
            assert!(dt < Duration::from_secs(5));
            tx.send(()).unwrap();
            assert_eq!(l2.acquire_timeout(-1.0), Ok(true));
            l2.release().unwrap();
        });
        super::recv_timeout(&rx, super::SHORT_TIMEOUT).unwrap();
        wait_threads_blocked(1);
        assert_eq!(bunch.finished(), 0, "acquire(timeout=-1) did not block");
        lock.release().unwrap();
        bunch.join();
        assert!(!lock.locked());
    })
}

/// Rust extra: `Duration` timeouts follow the same rules as seconds.
pub fn bl_12_duration_timeouts<L: LockLike>() {
    watchdog(|| {
        let lock = L::create();
        assert_eq!(lock.acquire_duration(Duration::from_millis(100)), Ok(true));
        let l2 = lock.clone();
        Bunch::start(1, move || {
            let (r, dt) = timed(|| l2.acquire_duration(Duration::from_millis(200)));
            assert_eq!(r, Ok(false));
            assert_timeout(dt, 0.2);
            assert_eq!(l2.acquire_duration(Duration::ZERO), Ok(false));
        })
        .join();
        lock.release().unwrap();
    })
}

/// BL-13 (Rust analogue of `weakref.ref(lock)()`): a clone is a reference to the same object:
/// equal by identity and sharing state; a different lock is not equal.
/// BL-14 (dropping the last reference frees the lock) needs a `Weak` handle, which the crate
/// does not expose: not testable from outside.
pub fn bl_13_clone_is_same_object<L: LockLike>() {
    let a = L::create();
    let b = a.clone();
    assert!(a == b);
    assert!(a != L::create());
    assert!(b.acquire());
    assert!(a.locked(), "a clone must share the lock state");
    a.release().unwrap();
    assert!(!b.locked());
}

// ---------------------------------------------------------------------------------------------
// RLockTests

/// the repr shows `count=0`/`<unlocked`, then `count=2`/`<locked` after 2 acquires, also
/// when computed in another thread (the count is not relative to the calling thread).
pub fn r_01_repr_count<L: RLockLike>() {
    watchdog(|| {
        let lock = L::create();
        let r = format!("{lock:?}");
        assert!(r.contains("count=0"), "{r}");
        assert!(r.contains("<unlocked"), "{r}");
        assert!(lock.acquire());
        assert!(lock.acquire());
        let r = format!("{lock:?}");
        assert!(r.contains("count=2"), "{r}");
        assert!(r.contains("<locked"), "{r}");
        let result = Log::new();
        {
            let (lock, result) = (lock.clone(), result.clone());
            Bunch::start(1, move || result.push(format!("{lock:?}"))).join();
        }
        let r = &result.get()[0];
        assert!(r.contains("count=2"), "repr in another thread: {r}");
        assert!(r.contains("<locked"), "repr in another thread: {r}");
        lock.release().unwrap();
        lock.release().unwrap();
    })
}

fn balanced_sequence<L: LockLike>(lock: &L) {
    assert!(lock.acquire());
    assert!(lock.acquire());
    lock.release().unwrap();
    assert!(lock.acquire());
    lock.release().unwrap();
    lock.release().unwrap();
}

/// re-entrant: `acq, acq, rel, acq, rel, rel` in one thread without blocking.
pub fn r_02_reacquire<L: RLockLike>() {
    watchdog(|| {
        let lock = L::create();
        balanced_sequence(&lock);
        assert!(!lock.locked());
        // try_acquire and timed acquire re-enter too.
        assert!(lock.acquire());
        assert!(lock.try_acquire());
        assert_eq!(lock.acquire_timeout(0.0), Ok(true));
        for _ in 0..3 {
            lock.release().unwrap();
        }
        assert!(!lock.locked());
    })
}

/// BL-08/R-02: recursion is only for the owner: while the main thread holds the RLock
/// (recursively), another thread cannot take it, not even with a timeout.
pub fn r_02_non_owner_cannot_take_held_rlock<L: RLockLike>() {
    watchdog(|| {
        let lock = L::create();
        assert!(lock.acquire());
        assert!(lock.acquire());
        let l2 = lock.clone();
        Bunch::start(1, move || {
            assert!(!l2.try_acquire());
            assert_eq!(l2.acquire_timeout(0.05), Ok(false));
            assert!(!l2.is_owned());
        })
        .join();
        lock.release().unwrap();
        lock.release().unwrap();
    })
}

/// R-03a: `release()` on a fresh RLock raises RuntimeError; it stays unlocked.
pub fn r_03a_release_unacquired<L: RLockLike>() {
    let lock = L::create();
    assert_err(lock.release(), Kind::Runtime, &["release"]);
    assert!(!lock.locked());
    assert!(!lock.is_owned());
    // Still usable.
    assert!(lock.try_acquire());
    lock.release().unwrap();
}

/// R-03b: after the balanced sequence, one more `release()` raises RuntimeError.
pub fn r_03b_over_release<L: RLockLike>() {
    let lock = L::create();
    assert_err(lock.release(), Kind::Runtime, &["release"]);
    balanced_sequence(&lock);
    assert_err(lock.release(), Kind::Runtime, &["release"]);
    assert!(!lock.locked());
    if let Some(c) = lock.recursion_count() {
        assert_eq!(
            c, 0,
            "a failed release must not make the count negative/wrap"
        );
    }
    // Count not corrupted: one acquire needs exactly one release.
    assert!(lock.acquire());
    lock.release().unwrap();
    assert!(!lock.locked());
    assert_err(lock.release(), Kind::Runtime, &["release"]);
}

/// `locked()` is False, True, True, still True after one release, False after two.
pub fn r_04_locked<L: RLockLike>() {
    let lock = L::create();
    assert!(!lock.locked());
    assert!(lock.acquire());
    assert!(lock.locked());
    assert!(lock.acquire());
    assert!(lock.locked());
    lock.release().unwrap();
    assert!(lock.locked());
    lock.release().unwrap();
    assert!(!lock.locked());
}

/// `locked()` reports global state: a worker acquires and exits without releasing; the
/// main thread then sees `locked()` True (held by a dead owner).
pub fn r_05_locked_with_2threads<L: RLockLike>() {
    watchdog(|| {
        let lock = L::create();
        assert!(!lock.locked());
        let result = Log::new();
        {
            let (lock, result) = (lock.clone(), result.clone());
            Bunch::start(1, move || {
                result.push(lock.locked());
                assert!(lock.acquire());
                result.push(lock.locked());
            })
            .join();
        }
        assert_eq!(result.get(), vec![false, true]);
        assert!(lock.locked(), "the dead owner still holds the lock");
        assert!(!lock.is_owned());
        assert!(!lock.try_acquire());
    })
}

/// `_release_save()` on an RLock the caller does not own raises RuntimeError, before
/// and after the balanced sequence. Rust: waiting on a Condition over such a lock must error.
pub fn r_06_release_save_unacquired<L: RLockLike>() {
    watchdog(|| {
        let lock = L::create();
        assert_err(lock.release_save(), Kind::Runtime, &[]);
        assert!(!lock.locked());
        balanced_sequence(&lock);
        assert_err(lock.release_save(), Kind::Runtime, &[]);
        assert!(!lock.locked());
        // Held by another thread: still not ours.
        assert!(lock.acquire());
        let l2 = lock.clone();
        Bunch::start(1, move || {
            assert_err(l2.release_save(), Kind::Runtime, &[]);
        })
        .join();
        assert!(lock.is_owned());
        lock.release().unwrap();
    })
}

/// R-07a: `_recursion_count()` is 0, 1, 3, 2, 0.
pub fn r_07a_recursion_count<L: RLockLike>() {
    let lock = L::create();
    assert_eq!(lock.recursion_count(), Some(0));
    assert!(lock.acquire());
    assert_eq!(lock.recursion_count(), Some(1));
    assert!(lock.acquire());
    assert!(lock.acquire());
    assert_eq!(lock.recursion_count(), Some(3));
    lock.release().unwrap();
    assert_eq!(lock.recursion_count(), Some(2));
    lock.release().unwrap();
    lock.release().unwrap();
    assert_eq!(lock.recursion_count(), Some(0));
}

/// R-07b: while another thread holds the RLock, the main thread's `_recursion_count()` is 0;
/// and 0 again after that thread releases.
pub fn r_07b_recursion_count_is_per_owner<L: RLockLike>() {
    watchdog(|| {
        let lock = L::create();
        let phase = Arc::new(AtomicUsize::new(0));
        let (l2, p2) = (lock.clone(), Arc::clone(&phase));
        let bunch = Bunch::start(1, move || {
            assert!(l2.acquire());
            assert_eq!(l2.recursion_count(), Some(1));
            p2.store(1, Ordering::SeqCst);
            wait_until("phase 2", || p2.load(Ordering::SeqCst) == 2);
            l2.release().unwrap();
            p2.store(3, Ordering::SeqCst);
        });
        wait_until("phase 1", || phase.load(Ordering::SeqCst) == 1);
        assert_eq!(lock.recursion_count(), Some(0));
        assert!(lock.locked());
        phase.store(2, Ordering::SeqCst);
        wait_until("phase 3", || phase.load(Ordering::SeqCst) == 3);
        assert_eq!(lock.recursion_count(), Some(0));
        bunch.join();
    })
}

/// a worker acquires and stays alive; `release()` from the main thread raises
/// RuntimeError (owner-bound) and the lock stays held.
pub fn r_08_different_thread<L: RLockLike>() {
    watchdog(|| {
        let lock = L::create();
        let l2 = lock.clone();
        let bunch = Bunch::start_wait_before_exit(1, move || {
            assert!(l2.acquire());
        });
        wait_until("the worker holds the lock", || bunch.finished() == 1);
        assert_err(lock.release(), Kind::Runtime, &["release"]);
        assert!(lock.locked(), "a failed release must leave the lock held");
        assert!(!lock.try_acquire());
        bunch.do_finish();
        bunch.join();
    })
}

/// Bad input: a non-owner's failed `release()` leaves the owner's state unchanged (still
/// owned, same recursion depth, releasable exactly that many times).
pub fn r_08_non_owner_release_leaves_owner_state_unchanged<L: RLockLike>() {
    watchdog(|| {
        let lock = L::create();
        let (to_main, from_worker) = mpsc::channel();
        let (to_worker, from_main) = mpsc::channel::<()>();
        let from_main = std::sync::Mutex::new(from_main);
        let l2 = lock.clone();
        let bunch = Bunch::start(1, move || {
            assert!(l2.acquire());
            assert!(l2.acquire());
            to_main.send(()).unwrap();
            super::recv_timeout(&from_main.lock().unwrap(), super::SHORT_TIMEOUT).unwrap();
            assert!(l2.is_owned());
            if let Some(c) = l2.recursion_count() {
                assert_eq!(c, 2);
            }
            l2.release().unwrap();
            assert!(l2.locked());
            l2.release().unwrap();
            assert!(!l2.locked());
            assert_err(l2.release(), Kind::Runtime, &["release"]);
        });
        super::recv_timeout(&from_worker, super::SHORT_TIMEOUT).unwrap();
        for _ in 0..3 {
            assert_err(lock.release(), Kind::Runtime, &["release"]);
        }
        assert!(lock.locked());
        assert!(!lock.is_owned());
        to_worker.send(()).unwrap();
        bunch.join();
        assert!(!lock.locked());
    })
}

/// `_is_owned()`: False, True, True, False from another thread, True after one release,
/// False after the second.
pub fn r_09_is_owned<L: RLockLike>() {
    watchdog(|| {
        let lock = L::create();
        assert!(!lock.is_owned());
        assert!(lock.acquire());
        assert!(lock.is_owned());
        assert!(lock.acquire());
        assert!(lock.is_owned());
        let result = Log::new();
        {
            let (lock, result) = (lock.clone(), result.clone());
            Bunch::start(1, move || result.push(lock.is_owned())).join();
        }
        assert_eq!(result.get(), vec![false]);
        lock.release().unwrap();
        assert!(lock.is_owned());
        lock.release().unwrap();
        assert!(!lock.is_owned());
    })
}
