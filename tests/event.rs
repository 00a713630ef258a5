//! `threading.Event` conformance: CPython's `lock_tests.EventTests` (E-*), plus bad-input
//! checks.
//!
//! Not applicable:
//! - E-05 (`_at_fork_reinit`): fork-only, skipped as in docs/behaviours.md §17.
//! - E-07 (`Event.isSet()` exists and warns DeprecationWarning): PY; Rust has only `is_set`.

mod common;

use common::{
    assert_err, assert_module_repr, assert_timeout, timed, wait_threads_blocked, wait_until,
    watchdog, Bunch, Kind, Log, LONG_TIMEOUT,
};
use pythreading as threading;
use pythreading::Event;
use std::time::Duration;

/// E-01: `is_set()` False; `set()` -> True; `set()` again -> True; `clear()` -> False;
/// `clear()` again -> False.
#[crate::common::test]
fn e_01_is_set() {
    let evt = Event::new();
    assert!(!evt.is_set());
    evt.set();
    assert!(evt.is_set());
    evt.set();
    assert!(evt.is_set());
    evt.clear();
    assert!(!evt.is_set());
    evt.clear();
    assert!(!evt.is_set());
}

/// `EventTests._check_notify`: 5 threads each `wait()` twice; none returns before `set()`;
/// then all return True, twice.
fn check_notify(evt: &Event) {
    const N: usize = 5;
    let results1 = Log::new();
    let results2 = Log::new();
    let (e2, r1, r2) = (evt.clone(), results1.clone(), results2.clone());
    let bunch = Bunch::start(N, move || {
        r1.push(e2.wait());
        r2.push(e2.wait());
    });
    wait_threads_blocked(N);
    assert_eq!(results1.len(), 0, "wait() returned before set()");
    evt.set();
    bunch.join();
    assert_eq!(results1.get(), vec![true; N]);
    assert_eq!(results2.get(), vec![true; N]);
}

/// E-02a: `wait()` returns True once set, and a second `wait()` on a set event returns at once.
#[crate::common::test]
fn e_02a_notify() {
    watchdog(|| {
        let evt = Event::new();
        check_notify(&evt);
    })
}

/// E-02b: the same again on the same Event after `set(); clear()`: the event is reusable.
#[crate::common::test]
fn e_02b_notify_after_clear() {
    watchdog(|| {
        let evt = Event::new();
        check_notify(&evt);
        evt.set();
        evt.clear();
        check_notify(&evt);
    })
}

/// E-03a: unset event, 5 threads: `wait(0.0)` is False at once; `wait(0.5)` is False after
/// [0.3, 5) s.
#[crate::common::test]
fn e_03a_timeout_unset() {
    watchdog(|| {
        let evt = Event::new();
        let results1 = Log::new();
        let results2 = Log::new();
        {
            let (evt, r1, r2) = (evt.clone(), results1.clone(), results2.clone());
            Bunch::start(5, move || {
                r1.push(evt.wait_timeout(0.0));
                r2.push(timed(|| evt.wait_timeout(0.5)));
            })
            .join();
        }
        assert_eq!(results1.get(), vec![Ok(false); 5]);
        for (r, dt) in results2.get() {
            assert_eq!(r, Ok(false));
            assert_timeout(dt, 0.5);
        }
    })
}

/// E-03b: set event, 5 threads: `wait(0.0)` and `wait(0.5)` are True.
#[crate::common::test]
fn e_03b_timeout_set() {
    watchdog(|| {
        let evt = Event::new();
        evt.set();
        let results1 = Log::new();
        let results2 = Log::new();
        {
            let (evt, r1, r2) = (evt.clone(), results1.clone(), results2.clone());
            Bunch::start(5, move || {
                r1.push(evt.wait_timeout(0.0));
                r2.push(timed(|| evt.wait_timeout(0.5)));
            })
            .join();
        }
        assert_eq!(results1.get(), vec![Ok(true); 5]);
        for (r, dt) in results2.get() {
            assert_eq!(r, Ok(true));
            assert!(dt < Duration::from_secs(2), "a set event waited {dt:?}");
        }
    })
}

/// E-04 (gh-57711): 5 threads blocked in a long `wait(timeout)`; `set()` then immediately
/// `clear()`: all 5 waits return True (a waiter woken by set does not re-check the flag).
#[crate::common::test]
fn e_04_set_and_clear() {
    watchdog(|| {
        const N: usize = 5;
        let event = Event::new();
        let results = Log::new();
        let (e2, r2) = (event.clone(), results.clone());
        let bunch = Bunch::start(N, move || r2.push(e2.wait_timeout(LONG_TIMEOUT)));
        // Margin on top of wait_threads_blocked: a waiter that only arrives after clear() would
        // (correctly) wait out its timeout and make this test fail spuriously.
        wait_threads_blocked(N);
        std::thread::sleep(Duration::from_millis(200));
        event.set();
        event.clear();
        bunch.join();
        assert_eq!(results.get(), vec![Ok(true); N]);
        assert!(!event.is_set());
    })
}

/// E-04 with untimed `wait()`.
#[crate::common::test]
fn e_04_set_and_clear_untimed_wait() {
    watchdog(|| {
        const N: usize = 5;
        let event = Event::new();
        let results = Log::new();
        let (e2, r2) = (event.clone(), results.clone());
        let bunch = Bunch::start(N, move || r2.push(e2.wait()));
        wait_threads_blocked(N);
        std::thread::sleep(Duration::from_millis(200));
        event.set();
        event.clear();
        bunch.join();
        assert_eq!(results.get(), vec![true; N]);
    })
}

/// E-04, repeated: the set-then-clear race is timing-dependent (a woken waiter that runs
/// before `clear()` passes even in a buggy implementation), so run several rounds on the same
/// Event to make a waiter that re-checks the flag fail reliably.
#[crate::common::test]
fn e_04_set_and_clear_repeated() {
    watchdog(|| {
        const N: usize = 5;
        const ROUNDS: usize = 5;
        let event = Event::new();
        for round in 0..ROUNDS {
            let results = Log::new();
            let (e2, r2) = (event.clone(), results.clone());
            let bunch = Bunch::start(N, move || r2.push(e2.wait_timeout(10.0)));
            wait_threads_blocked(N);
            std::thread::sleep(Duration::from_millis(100));
            event.set();
            event.clear();
            bunch.join();
            assert_eq!(results.get(), vec![Ok(true); N], "round {round}");
        }
    })
}

/// E-06: the repr matches `<\w+\.Event at .*: unset>`, then `<\w+\.Event at .*: set>`.
#[crate::common::test]
fn e_06_repr() {
    let evt = Event::new();
    assert_module_repr(&format!("{evt:?}"), "Event", "unset");
    evt.set();
    assert_module_repr(&format!("{evt:?}"), "Event", "set");
    evt.clear();
    assert_module_repr(&format!("{evt:?}"), "Event", "unset");
}

/// Bad input: `wait(NaN)` -> Value, `wait(> TIMEOUT_MAX)` -> Overflow, both at once and
/// without changing the flag; a negative timeout acts as 0.
#[crate::common::test]
fn e_03_bad_timeouts() {
    watchdog(|| {
        let evt = Event::new();
        for (t, kind) in [
            (f64::NAN, Kind::Value),
            (1e100, Kind::Overflow),
            (threading::TIMEOUT_MAX + 1.0, Kind::Overflow),
            (f64::INFINITY, Kind::Overflow),
        ] {
            let (r, dt) = timed(|| evt.wait_timeout(t));
            assert_err(r, kind, &[]);
            assert!(dt < Duration::from_secs(5), "timeout {t} waited {dt:?}");
            assert!(!evt.is_set());
        }
        for t in [-1.0, -0.5, -100.0] {
            let (r, dt) = timed(|| evt.wait_timeout(t));
            assert_eq!(r, Ok(false), "timeout {t}");
            assert!(dt < Duration::from_secs(2), "timeout {t} waited {dt:?}");
        }
        evt.set();
        assert_err(evt.wait_timeout(f64::NAN), Kind::Value, &[]);
        assert!(evt.is_set(), "a bad wait must not clear the flag");
        for t in [-1.0, 0.0] {
            assert_eq!(evt.wait_timeout(t), Ok(true), "timeout {t}");
        }
        // TIMEOUT_MAX itself is valid: it returns at once on a set event.
        assert_eq!(evt.wait_timeout(threading::TIMEOUT_MAX), Ok(true));
        // The event still works after the errors.
        evt.clear();
        let e2 = evt.clone();
        let bunch = Bunch::start(1, move || {
            assert_eq!(e2.wait_timeout(LONG_TIMEOUT), Ok(true))
        });
        wait_threads_blocked(1);
        evt.set();
        bunch.join();
    })
}

/// `Duration` timeouts follow the same rules.
#[crate::common::test]
fn e_03_duration_timeouts() {
    watchdog(|| {
        let evt = Event::new();
        let (r, dt) = timed(|| evt.wait_timeout(Duration::from_millis(100)));
        assert_eq!(r, Ok(false));
        assert_timeout(dt, 0.1);
        assert_eq!(evt.wait_timeout(Duration::ZERO), Ok(false));
        evt.set();
        assert_eq!(evt.wait_timeout(Duration::from_secs(1)), Ok(true));
    })
}

/// A waiter blocked in `wait(timeout)` is released promptly by `set()` from another foreign
/// thread, long before its timeout.
#[crate::common::test]
fn e_02_set_wakes_timed_waiter_promptly() {
    watchdog(|| {
        let evt = Event::new();
        let got = Log::new();
        let (e2, g2) = (evt.clone(), got.clone());
        let bunch = Bunch::start(3, move || g2.push(timed(|| e2.wait_timeout(LONG_TIMEOUT))));
        wait_threads_blocked(3);
        let e3 = evt.clone();
        Bunch::start(1, move || e3.set()).join();
        bunch.join();
        for (r, dt) in got.get() {
            assert_eq!(r, Ok(true));
            assert!(dt < Duration::from_secs(10), "woken after {dt:?}");
        }
        wait_until("flag visible", || evt.is_set());
    })
}

/// Handles: `Default`, identity equality, clones share the flag.
#[crate::common::test]
fn e_handles() {
    let a = Event::default();
    assert!(!a.is_set());
    let b = a.clone();
    assert!(a == b);
    assert!(a != Event::new());
    b.set();
    assert!(a.is_set());
}
