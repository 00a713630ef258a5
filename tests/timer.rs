//! Conformance tests for `Timer`: CPython's `test_threading.TimerTests` (TM-01) plus
//! `cancel()` (TM-02, observed CPython behaviour: cancel before expiry, or even before start,
//! prevents the call; cancel after the call is a no-op).
//!
//! Platform-neutral (no filesystem, no subprocess, no panics).
//!
//! Not applicable:
//! - TM-01's `args`/`kwargs` mutation: PY. A Rust Timer takes a closure that owns its captures,
//!   so there are no shared default arguments to mutate; the portable part (each Timer calls its
//!   own callback exactly once, and a Timer is a joinable Thread) is tested.

mod common;

use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{auto_name, count, counter, expected_repr, join_bounded, Instant};
use pythreading as threading;
use threading::{Thread, Timer};

#[crate::common::test]
fn tm01_timers_call_their_callback_once_and_are_joinable() {
    let calls = Arc::new(Mutex::new(Vec::new()));
    let c = calls.clone();
    let timer1 = Timer::new(0.01, move || c.lock().unwrap().push(1));
    timer1.start().unwrap();
    join_bounded(&timer1);
    let c = calls.clone();
    let timer2 = Timer::new(0.01, move || c.lock().unwrap().push(2));
    timer2.start().unwrap();
    join_bounded(&timer2);
    assert_eq!(*calls.lock().unwrap(), vec![1, 2]);
    assert_ne!(*timer1, *timer2);
}

#[crate::common::test]
fn timer_fires_after_about_its_interval() {
    let fired = Arc::new(Mutex::new(None));
    let f = fired.clone();
    let t0 = Instant::now();
    let timer = Timer::new(0.5, move || *f.lock().unwrap() = Some(t0.elapsed()));
    timer.start().unwrap();
    join_bounded(&timer);
    let dt = fired
        .lock()
        .unwrap()
        .expect("callback not called")
        .as_secs_f64();
    assert!((0.3..5.0).contains(&dt), "Timer(0.5) fired after {dt} s");
}

#[crate::common::test]
fn timer_accepts_duration_interval() {
    let calls = counter();
    let c = calls.clone();
    let timer = Timer::new(Duration::from_millis(10), move || {
        c.fetch_add(1, Ordering::SeqCst);
    });
    timer.start().unwrap();
    join_bounded(&timer);
    assert_eq!(count(&calls), 1);
}

#[crate::common::test]
fn tm02_cancel_before_expiry_prevents_the_call() {
    let calls = counter();
    let c = calls.clone();
    let timer = Timer::new(30.0, move || {
        c.fetch_add(1, Ordering::SeqCst);
    });
    timer.start().unwrap();
    assert!(timer.is_alive());
    timer.cancel();
    // The waiting thread wakes up and ends long before the 30 s interval.
    join_bounded(&timer);
    assert_eq!(count(&calls), 0);
    // Cancelling again is harmless.
    timer.cancel();
}

#[crate::common::test]
fn tm02_cancel_before_start_prevents_the_call() {
    let calls = counter();
    let c = calls.clone();
    let timer = Timer::new(30.0, move || {
        c.fetch_add(1, Ordering::SeqCst);
    });
    timer.cancel();
    timer.start().unwrap();
    join_bounded(&timer);
    assert_eq!(count(&calls), 0);
    assert!(format!("{timer:?}").contains("stopped"), "{timer:?}");
}

#[crate::common::test]
fn tm02_cancel_after_the_call_is_a_no_op() {
    let calls = counter();
    let c = calls.clone();
    let timer = Timer::new(0.0, move || {
        c.fetch_add(1, Ordering::SeqCst);
    });
    timer.start().unwrap();
    join_bounded(&timer);
    timer.cancel();
    assert_eq!(count(&calls), 1);
}

#[crate::common::test]
fn timer_is_a_thread() {
    let seen = Arc::new(Mutex::new(None));
    let s = seen.clone();
    let timer = Timer::new(0.01, move || {
        *s.lock().unwrap() = Some(threading::current_thread())
    });
    // Python: Timer(...) gets an automatic Thread-N name (no target, so no suffix).
    let (_, func) =
        auto_name(&timer.name(), "Thread").unwrap_or_else(|| panic!("{}", timer.name()));
    assert_eq!(func, None);
    // repr: <Timer(Thread-N, initial)> (created in a daemonic test thread: "initial daemon").
    assert_eq!(
        format!("{timer:?}"),
        expected_repr("Timer", &timer, "initial")
    );
    // The Thread behind the Timer is the same object: its repr names the Timer class too.
    assert_eq!(format!("{:?}", *timer), format!("{timer:?}"));
    // The daemon flag is inherited from the creating thread (natively a daemonic dummy).
    assert_eq!(timer.is_daemon(), threading::current_thread().is_daemon());
    timer.set_name("my timer");
    assert_eq!(timer.name(), "my timer");
    assert!(timer.ident().is_none());
    assert!(!timer.is_alive());
    timer.start().unwrap();
    let th: &Thread = &timer;
    assert!(th.ident().is_some());
    join_bounded(th);
    assert_eq!(timer.join(), Ok(()));
    // The callback runs in the timer's own thread: current_thread() there *is* the Timer.
    assert_eq!(seen.lock().unwrap().as_ref(), Some(th));
    assert_eq!(
        format!("{timer:?}"),
        expected_repr("Timer", &timer, "stopped")
    );
    // A second start is refused like any Thread's.
    assert!(matches!(timer.start(), Err(threading::Error::Runtime(_))));
}

#[crate::common::test]
fn timer_join_before_start_is_runtime_error() {
    let timer = Timer::new(0.01, || {});
    assert!(matches!(timer.join(), Err(threading::Error::Runtime(_))));
    timer.cancel();
}

#[crate::common::test]
fn timer_with_negative_interval_fires_at_once() {
    // Waits treat a negative timeout as 0 (Python: Timer(-1, f) calls f right away).
    let calls = counter();
    let c = calls.clone();
    let timer = Timer::new(-1.0, move || {
        c.fetch_add(1, Ordering::SeqCst);
    });
    timer.start().unwrap();
    join_bounded(&timer);
    assert_eq!(count(&calls), 1);
}

#[crate::common::test]
fn timer_with_invalid_interval_does_not_panic() {
    // NaN: CPython 3.11 treats Event.wait(nan) as "no wait" and calls the function; the port may
    // instead refuse the interval. Either way: no panic in the caller, the timer thread ends, the
    // callback runs at most once. An infinite interval (above TIMEOUT_MAX) must not panic either,
    // and a cancel() ends it without a call.
    for bad in [f64::NAN, f64::INFINITY] {
        let calls = counter();
        let c = calls.clone();
        let timer = Timer::new(bad, move || {
            c.fetch_add(1, Ordering::SeqCst);
        });
        let started = timer.start();
        if bad.is_infinite() {
            timer.cancel();
        }
        if started.is_ok() {
            join_bounded(&timer);
        }
        assert!(!timer.is_alive());
        let n = count(&calls);
        if bad.is_nan() {
            assert!(n <= 1, "interval NaN: called {n} times");
        } else {
            assert_eq!(n, 0, "cancelled infinite timer was called");
        }
    }
}
