//! `threading.Condition` conformance: CPython's `lock_tests.ConditionTests` (C-01..C-07) and
//! `ConditionAsRLockTests` (C-08: the whole BaseLockTests + RLockTests suites run against
//! `Condition::new()` used as an RLock, via the generic suites in `common::lock_suite`),
//! plus bad-input checks.
//!
//! Not applicable:
//! - C-08's exceptions, as in CPython: `_recursion_count` (R-07; not exposed by Condition) and
//!   the no-args constructor check (BL-02; compile-time in Rust anyway).
//! - C-09 (`notifyAll()` exists and warns DeprecationWarning): PY; Rust has only
//!   `notify_all`.
//! - BL-14 for C-08: needs a `Weak` handle, not exposed.
//!
//! The C-08 suite uses `Condition::is_owned` (Python's `_is_owned`, cross-checked against
//! `notify(0)`), and a zero-timeout `wait` as the `_release_save` probe.

mod common;

use common::lock_suite::{base_lock_tests, rlock_tests};
use common::{
    assert_err, assert_timeout, timed, wait_threads_blocked, wait_until, watchdog, Bunch, Kind, Log,
};
use pythreading as threading;
use pythreading::{Condition, Lock, RLock};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// C-08: BaseLockTests and RLockTests (minus R-07) with `locktype = Condition`.
mod c_08_condition_as_rlock {
    super::base_lock_tests!(pythreading::Condition);
    super::rlock_tests!(pythreading::Condition);
}

/// C-01a: `Condition()` defaults to an RLock: acquire twice, release twice in one thread.
#[crate::common::test]
fn c_01a_default_lock_is_reentrant() {
    watchdog(|| {
        let cond = Condition::new();
        assert!(cond.acquire());
        assert!(cond.acquire());
        cond.release().unwrap();
        assert!(cond.locked());
        cond.release().unwrap();
        assert!(!cond.locked());
    })
}

/// C-01b..d: `Condition(lock)` with a plain Lock uses that lock: `cond.acquire()` holds it,
/// `cond.release()` frees it, `cond.acquire(False)` is False while the lock is held (even by
/// the same thread), and `with cond:` holds it.
#[crate::common::test]
fn c_01bcd_condition_uses_the_supplied_lock() {
    let lock = Lock::new();
    let cond = Condition::with_lock(lock.clone());
    // C-01b
    assert!(cond.acquire());
    assert!(!lock.try_acquire());
    cond.release().unwrap();
    assert!(lock.try_acquire());
    // C-01c
    assert!(!cond.try_acquire());
    assert_eq!(cond.acquire_with(false, None), Ok(false));
    assert_eq!(cond.acquire_timeout(0.0), Ok(false));
    assert!(cond.locked());
    lock.release().unwrap();
    // C-01d
    {
        let _g = cond.guard();
        assert!(!lock.try_acquire());
        assert!(lock.locked());
    }
    assert!(!lock.locked());
}

/// C-01 with an explicit RLock: the condition shares its ownership and depth.
#[crate::common::test]
fn c_01_condition_over_rlock_shares_it() {
    watchdog(|| {
        let lock = RLock::new();
        let cond = Condition::with_lock(lock.clone());
        assert!(cond.acquire());
        assert!(lock.is_owned());
        assert!(lock.acquire());
        assert_eq!(lock.recursion_count(), 2);
        cond.release().unwrap();
        assert_eq!(lock.recursion_count(), 1);
        lock.release().unwrap();
        assert!(!cond.locked());
        let (c2, l2) = (cond.clone(), lock.clone());
        assert!(lock.acquire());
        Bunch::start(1, move || {
            assert!(!c2.try_acquire());
            assert!(!l2.try_acquire());
        })
        .join();
        lock.release().unwrap();
    })
}

/// C-02: `wait()` (and every other wait form) without holding the lock raises RuntimeError,
/// and nothing changes.
#[crate::common::test]
fn c_02_unacquired_wait_is_runtime_error() {
    watchdog(|| {
        for cond in [
            Condition::new(),
            Condition::with_lock(Lock::new()),
            Condition::with_lock(RLock::new()),
        ] {
            assert_err(cond.wait(), Kind::Runtime, &["wait"]);
            assert_err(cond.wait_timeout(0.5), Kind::Runtime, &["wait"]);
            assert_err(cond.wait_timeout(0.0), Kind::Runtime, &[]);
            assert_err(cond.wait_for(|| false), Kind::Runtime, &[]);
            assert_err(cond.wait_for_timeout(|| false, 0.5), Kind::Runtime, &[]);
            assert!(!cond.locked(), "a failed wait must not leave the lock held");
            // Still usable.
            assert!(cond.acquire());
            assert_eq!(cond.wait_timeout(0.0), Ok(false));
            cond.release().unwrap();
        }
    })
}

/// C-02 with an invalid timeout as well: CPython checks ownership first (`Condition.wait`
/// raises "cannot wait on un-acquired lock" before it looks at the timeout), so an unowned
/// `wait(nan)` / `wait(1e100)` / `wait_for(pred, nan)` is a RuntimeError, not a
/// ValueError/OverflowError. Checked with python3: `Condition().wait(float("nan"))` ->
/// RuntimeError.
#[crate::common::test]
fn c_02_unacquired_wait_with_bad_timeout_is_runtime_error() {
    let cond = Condition::new();
    for t in [f64::NAN, 1e100, threading::TIMEOUT_MAX + 1.0] {
        assert_err(cond.wait_timeout(t), Kind::Runtime, &["wait"]);
        assert_err(cond.wait_for_timeout(|| false, t), Kind::Runtime, &["wait"]);
    }
    assert!(!cond.locked());
}

/// C-03: `notify()` / `notify_all()` without holding the lock raise RuntimeError.
#[crate::common::test]
fn c_03_unacquired_notify_is_runtime_error() {
    for cond in [
        Condition::new(),
        Condition::with_lock(Lock::new()),
        Condition::with_lock(RLock::new()),
    ] {
        assert_err(cond.notify(1), Kind::Runtime, &["notify"]);
        assert_err(cond.notify(0), Kind::Runtime, &[]);
        assert_err(cond.notify_all(), Kind::Runtime, &["notify"]);
        assert!(!cond.locked());
        let _g = cond.guard();
        assert_eq!(cond.notify(1), Ok(()));
        assert_eq!(cond.notify_all(), Ok(()));
    }
}

/// The shared state of `_check_notify`.
#[derive(Clone)]
struct NotifyCheck {
    cond: Condition,
    ready: Log<usize>,
    results1: Log<(bool, usize)>,
    results2: Log<(bool, usize)>,
    phase: Arc<AtomicUsize>,
}

/// CPython's `ConditionTests._check_notify` (C-04a..e).
fn check_notify(cond: &Condition) {
    const N: usize = 5;
    let s = NotifyCheck {
        cond: cond.clone(),
        ready: Log::new(),
        results1: Log::new(),
        results2: Log::new(),
        phase: Arc::new(AtomicUsize::new(0)),
    };
    let w = s.clone();
    let bunch = Bunch::start(N, move || {
        assert!(w.cond.acquire());
        w.ready.push(w.phase.load(Ordering::SeqCst));
        let result = w.cond.wait().unwrap();
        // Read the phase while still holding the lock: wait() must have re-acquired it.
        let phase = w.phase.load(Ordering::SeqCst);
        w.cond.release().unwrap();
        w.results1.push((result, phase));

        assert!(w.cond.acquire());
        w.ready.push(w.phase.load(Ordering::SeqCst));
        let result = w.cond.wait().unwrap();
        let phase = w.phase.load(Ordering::SeqCst);
        w.cond.release().unwrap();
        w.results2.push((result, phase));
    });

    // C-04a: wait until all workers are inside wait() (they append to `ready` holding the lock,
    // and only wait() releases it, so once we get the lock they are all waiting).
    wait_until("5 workers are waiting", || s.ready.len() >= N);
    s.ready.clear();
    assert_eq!(s.results1.get(), vec![]);

    // C-04b: notify exactly 3; they record phase 1, set after notify but before release.
    let count1 = 3;
    assert!(cond.acquire());
    cond.notify(count1).unwrap();
    wait_threads_blocked(count1);
    s.phase.store(1, Ordering::SeqCst);
    cond.release().unwrap();
    wait_until("3 results", || s.results1.len() >= count1);
    wait_threads_blocked(N); // a 4th wakeup (a bug) would show up here
    assert_eq!(s.results1.get(), vec![(true, 1); count1]);
    assert_eq!(s.results2.get(), vec![]);

    // Wait until the woken workers are back in wait().
    wait_until("3 workers back in wait", || s.ready.len() >= count1);

    // C-04c: notify(5) wakes all 5 (2 in their first wait, 3 in their second).
    assert!(cond.acquire());
    cond.notify(5).unwrap();
    wait_threads_blocked(N);
    s.phase.store(2, Ordering::SeqCst);
    cond.release().unwrap();
    wait_until("8 results", || {
        s.results1.len() + s.results2.len() >= N + count1
    });
    let count2 = N - count1;
    let mut expected1 = vec![(true, 1); count1];
    expected1.extend(vec![(true, 2); count2]);
    assert_eq!(s.results1.get(), expected1);
    assert_eq!(s.results2.get(), vec![(true, 2); count1]);

    // C-04d: notify_all wakes the remaining 2.
    wait_until("all workers in their second wait", || s.ready.len() >= N);
    assert!(cond.acquire());
    cond.notify_all().unwrap();
    wait_threads_blocked(N);
    s.phase.store(3, Ordering::SeqCst);
    cond.release().unwrap();
    wait_until("5 second results", || s.results2.len() >= N);
    let mut expected2 = vec![(true, 2); count1];
    expected2.extend(vec![(true, 3); count2]);
    assert_eq!(s.results2.get(), expected2);
    bunch.join();
}

/// C-04a..e: notify(n) wakes exactly n, notify(n > waiters) wakes all, notify_all wakes the
/// rest, woken waiters re-acquire the lock before wait() returns True; C-04f: twice on the
/// same Condition (internal waiter state is clean afterwards).
#[crate::common::test]
fn c_04_notify() {
    watchdog(|| {
        let cond = Condition::new();
        check_notify(&cond);
        check_notify(&cond);
    })
}

/// C-04 over a plain Lock.
#[crate::common::test]
fn c_04_notify_with_plain_lock() {
    watchdog(|| {
        let cond = Condition::with_lock(Lock::new());
        check_notify(&cond);
        check_notify(&cond);
    })
}

/// C-05: 5 threads `wait(0.5)` with no notify: each returns False after [0.3, 5) s.
#[crate::common::test]
fn c_05_timeout() {
    watchdog(|| {
        let cond = Condition::new();
        let results = Log::new();
        {
            let (cond, results) = (cond.clone(), results.clone());
            Bunch::start(5, move || {
                assert!(cond.acquire());
                let (r, dt) = timed(|| cond.wait_timeout(0.5));
                assert!(cond.locked(), "wait must re-acquire on timeout");
                cond.release().unwrap();
                results.push((dt, r));
            })
            .join();
        }
        let results = results.get();
        assert_eq!(results.len(), 5);
        for (dt, r) in results {
            assert_timeout(dt, 0.5);
            assert_eq!(r, Ok(false));
        }
        assert!(!cond.locked());
    })
}

/// C-06: `wait_for(state == 4)` returns True with `state == 4`; the main thread increments
/// `state` 4 times, 10 ms apart, notifying each time (the predicate is re-evaluated on every
/// wakeup).
#[crate::common::test]
fn c_06_wait_for() {
    watchdog(|| {
        let cond = Condition::new();
        let state = Arc::new(AtomicUsize::new(0));
        let evaluations = Arc::new(AtomicUsize::new(0));
        let (c2, s2, e2) = (cond.clone(), Arc::clone(&state), Arc::clone(&evaluations));
        let bunch = Bunch::start(1, move || {
            let _g = c2.guard();
            let result = c2.wait_for(|| {
                e2.fetch_add(1, Ordering::SeqCst);
                s2.load(Ordering::SeqCst) == 4
            });
            assert_eq!(result, Ok(true));
            assert_eq!(s2.load(Ordering::SeqCst), 4);
        });
        for _ in 0..4 {
            std::thread::sleep(Duration::from_millis(10));
            let _g = cond.guard();
            state.fetch_add(1, Ordering::SeqCst);
            cond.notify(1).unwrap();
        }
        bunch.join();
        assert!(evaluations.load(Ordering::SeqCst) >= 2);
    })
}

/// C-07: `wait_for(state == 4, timeout=0.1)` while `state` only reaches 3 returns False (the
/// predicate's last value) after [0.06, 1.0) s.
#[crate::common::test]
fn c_07_wait_for_timeout() {
    watchdog(|| {
        let cond = Condition::new();
        let state = Arc::new(AtomicUsize::new(0));
        let success = Log::new();
        let (c2, s2, ok) = (cond.clone(), Arc::clone(&state), success.clone());
        let bunch = Bunch::start(1, move || {
            let _g = c2.guard();
            let (result, dt) =
                timed(|| c2.wait_for_timeout(|| s2.load(Ordering::SeqCst) == 4, 0.1));
            assert_eq!(result, Ok(false));
            assert_timeout(dt, 0.1);
            ok.push(());
        });
        for _ in 0..3 {
            std::thread::sleep(Duration::from_millis(10));
            let _g = cond.guard();
            state.fetch_add(1, Ordering::SeqCst);
            cond.notify(1).unwrap();
        }
        bunch.join();
        assert_eq!(success.len(), 1);
    })
}

/// C-07: notifications do not restart the total timeout: with a notify every 10 ms for far
/// longer than the timeout (predicate never true), `wait_for(timeout=0.2)` still returns False
/// after about 0.2 s.
#[crate::common::test]
fn c_07_notifications_do_not_restart_timeout() {
    watchdog(|| {
        let cond = Condition::new();
        let done = Arc::new(AtomicUsize::new(0));
        let (c2, d2) = (cond.clone(), Arc::clone(&done));
        let bunch = Bunch::start(1, move || {
            let _g = c2.guard();
            let (result, dt) = timed(|| c2.wait_for_timeout(|| false, 0.2));
            assert_eq!(result, Ok(false));
            assert_timeout(dt, 0.2);
            d2.store(1, Ordering::SeqCst);
        });
        let start = common::Instant::now();
        while done.load(Ordering::SeqCst) == 0 && start.elapsed() < Duration::from_secs(10) {
            std::thread::sleep(Duration::from_millis(10));
            let _g = cond.guard();
            cond.notify_all().unwrap();
        }
        bunch.join();
    })
}

/// `wait_for` with a predicate that is already true returns True at once, without waiting
/// (even with a zero or negative timeout).
#[crate::common::test]
fn c_06_wait_for_true_predicate_returns_at_once() {
    watchdog(|| {
        let cond = Condition::new();
        let _g = cond.guard();
        assert_eq!(cond.wait_for(|| true), Ok(true));
        assert_eq!(cond.wait_for_timeout(|| true, 0.0), Ok(true));
        assert_eq!(cond.wait_for_timeout(|| true, -1.0), Ok(true));
        let (r, dt) = timed(|| cond.wait_for_timeout(|| false, 0.0));
        assert_eq!(r, Ok(false));
        assert!(dt < Duration::from_secs(2));
    })
}

/// R-06 `_release_save`/`_acquire_restore`: waiting on a Condition over an RLock held
/// recursively releases every level (another thread can take the lock meanwhile) and restores
/// the same depth before returning.
#[crate::common::test]
fn c_04_wait_releases_all_rlock_levels_and_restores_depth() {
    watchdog(|| {
        let lock = RLock::new();
        let cond = Condition::with_lock(lock.clone());
        let phase = Arc::new(AtomicUsize::new(0));
        let (l2, c2, p2) = (lock.clone(), cond.clone(), Arc::clone(&phase));
        let bunch = Bunch::start(1, move || {
            assert!(l2.acquire());
            assert!(l2.acquire());
            assert!(l2.acquire());
            p2.store(1, Ordering::SeqCst);
            let r = c2.wait_for_timeout(|| p2.load(Ordering::SeqCst) == 2, common::LONG_TIMEOUT);
            assert_eq!(r, Ok(true));
            assert!(l2.is_owned());
            assert_eq!(l2.recursion_count(), 3);
            for _ in 0..3 {
                l2.release().unwrap();
            }
            assert!(!l2.locked());
        });
        wait_until("the worker is set up", || phase.load(Ordering::SeqCst) == 1);
        // This acquire only succeeds once the worker's wait released all 3 levels.
        assert_eq!(lock.acquire_timeout(common::LONG_TIMEOUT), Ok(true));
        assert_eq!(lock.recursion_count(), 1);
        phase.store(2, Ordering::SeqCst);
        cond.notify(1).unwrap();
        lock.release().unwrap();
        bunch.join();
        assert!(!lock.locked());
    })
}

/// Several Conditions may share one Lock; notifying one wakes only its own waiters.
#[crate::common::test]
fn c_01_two_conditions_share_one_lock() {
    watchdog(|| {
        let lock = Lock::new();
        let a = Condition::with_lock(lock.clone());
        let b = Condition::with_lock(lock.clone());
        let woke_a = Arc::new(AtomicUsize::new(0));
        let woke_b = Arc::new(AtomicUsize::new(0));
        let waiting = Arc::new(AtomicUsize::new(0));
        let spawn = |c: &Condition, woke: &Arc<AtomicUsize>| {
            let (c, woke, waiting) = (c.clone(), Arc::clone(woke), Arc::clone(&waiting));
            Bunch::start(1, move || {
                let _g = c.guard();
                waiting.fetch_add(1, Ordering::SeqCst);
                let r = c.wait_timeout(common::LONG_TIMEOUT);
                woke.fetch_add(1, Ordering::SeqCst);
                assert_eq!(r, Ok(true));
            })
        };
        let ba = spawn(&a, &woke_a);
        let bb = spawn(&b, &woke_b);
        wait_until("both wait", || waiting.load(Ordering::SeqCst) == 2);
        {
            let _g = a.guard(); // both are inside wait() once we hold the shared lock
            assert!(lock.locked());
            a.notify_all().unwrap();
        }
        ba.join();
        wait_threads_blocked(2);
        assert_eq!(woke_a.load(Ordering::SeqCst), 1);
        assert_eq!(
            woke_b.load(Ordering::SeqCst),
            0,
            "b's waiter woke from a.notify_all()"
        );
        {
            let _g = b.guard();
            b.notify(1).unwrap();
        }
        bb.join();
        assert!(!lock.locked());
    })
}

/// `notify(n)` with nobody waiting is a no-op, and a later waiter is not woken by it (no
/// stored notifications).
#[crate::common::test]
fn c_04_notify_without_waiters_is_not_stored() {
    watchdog(|| {
        let cond = Condition::new();
        {
            let _g = cond.guard();
            cond.notify(3).unwrap();
            cond.notify_all().unwrap();
        }
        let _g = cond.guard();
        let (r, dt) = timed(|| cond.wait_timeout(0.1));
        assert_eq!(r, Ok(false));
        assert_timeout(dt, 0.1);
    })
}

/// Bad input on wait: NaN -> Value, above TIMEOUT_MAX -> Overflow; the caller still holds the
/// lock at the same depth afterwards (the error comes before releasing it). A negative
/// timeout acts as 0.
#[crate::common::test]
fn c_05_bad_wait_timeouts_leave_state_unchanged() {
    watchdog(|| {
        let lock = RLock::new();
        let cond = Condition::with_lock(lock.clone());
        assert!(cond.acquire());
        assert!(cond.acquire());
        for (t, kind) in [
            (f64::NAN, Kind::Value),
            (1e100, Kind::Overflow),
            (threading::TIMEOUT_MAX + 1.0, Kind::Overflow),
            (f64::INFINITY, Kind::Overflow),
        ] {
            let (r, dt) = timed(|| cond.wait_timeout(t));
            assert_err(r, kind, &[]);
            assert!(dt < Duration::from_secs(5), "timeout {t} waited {dt:?}");
            assert!(lock.is_owned(), "timeout {t}");
            assert_eq!(lock.recursion_count(), 2, "timeout {t}");
            assert_err(cond.wait_for_timeout(|| false, t), kind, &[]);
            assert_eq!(lock.recursion_count(), 2, "timeout {t}");
        }
        for t in [-1.0, -0.5, -100.0, 0.0] {
            let (r, dt) = timed(|| cond.wait_timeout(t));
            assert_eq!(r, Ok(false), "timeout {t}");
            assert!(dt < Duration::from_secs(2), "timeout {t} waited {dt:?}");
            assert_eq!(lock.recursion_count(), 2);
            assert_eq!(cond.wait_for_timeout(|| false, t), Ok(false));
        }
        cond.release().unwrap();
        cond.release().unwrap();
        assert!(!lock.locked());
        // Nothing left behind: a notify with the lock held finds no stale waiter, and a real
        // wait/notify round trip still works.
        let (c2, ready) = (cond.clone(), Arc::new(AtomicUsize::new(0)));
        let r2 = Arc::clone(&ready);
        let bunch = Bunch::start(1, move || {
            let _g = c2.guard();
            r2.store(1, Ordering::SeqCst);
            assert_eq!(c2.wait_timeout(common::LONG_TIMEOUT), Ok(true));
        });
        wait_until("waiter ready", || ready.load(Ordering::SeqCst) == 1);
        {
            let _g = cond.guard();
            cond.notify(1).unwrap();
        }
        bunch.join();
    })
}

/// `Duration` timeouts on wait.
#[crate::common::test]
fn c_05_duration_timeout() {
    watchdog(|| {
        let cond = Condition::new();
        let _g = cond.guard();
        let (r, dt) = timed(|| cond.wait_timeout(Duration::from_millis(100)));
        assert_eq!(r, Ok(false));
        assert_timeout(dt, 0.1);
    })
}

/// C-08 detail: the Condition's repr shows its lock's state (Python:
/// `<Condition(<unlocked _thread.RLock object owner=0 count=0 at ...>, 0)>`).
#[crate::common::test]
fn c_08_repr_shows_lock_state() {
    let cond = Condition::with_lock(Lock::new());
    common::assert_lock_repr(&format!("{cond:?}"), "unlocked");
    let _g = cond.guard();
    common::assert_lock_repr(&format!("{cond:?}"), "locked");
}
