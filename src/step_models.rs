//! loom models of the step protocol (`timeout::Step`) that the browser's async JS methods use:
//! a waiter that takes one non-blocking step at a time and waits between steps elsewhere
//! (`Atomics.waitAsync` in browsers; loom's futex here) must never miss the wake-up of the thread
//! that changes the state. Unit tests because the steps are crate-private. Run with
//! `RUSTFLAGS="--cfg loom" cargo test --release --lib step_models` (scripts/test.sh does).

use crate::sys::{self, atomic::AtomicU32, atomic::Ordering::SeqCst};
use crate::timeout::Step;
use crate::{Event, Lock, Semaphore};
use loom::sync::Arc;
use loom::thread;

/// Steps until done, waiting between steps on the word the step names (as the JS side awaits it).
fn drive<'a, T>(mut step: impl FnMut() -> Step<'a, T>) -> T {
    loop {
        match step() {
            Step::Done(v) => return v,
            Step::Wait(word, expected) => sys::wait(word, expected, None),
        }
    }
}

/// Lock: a stepping acquirer against a holder that releases; mutual exclusion, no lost wake-up.
#[test]
fn lock_acquire_step_wakes_up() {
    loom::model(|| {
        let lock = Lock::new();
        let inside = Arc::new(AtomicU32::new(0));
        lock.acquire();
        let (l2, in2) = (lock.clone(), inside.clone());
        let stepper = thread::spawn(move || {
            assert!(drive(|| l2.acquire_step()));
            assert_eq!(in2.fetch_add(1, SeqCst), 0, "two holders");
            in2.fetch_sub(1, SeqCst);
            l2.release().unwrap();
        });
        assert_eq!(inside.fetch_add(1, SeqCst), 0, "two holders");
        inside.fetch_sub(1, SeqCst);
        lock.release().unwrap();
        stepper.join().unwrap();
        assert!(!lock.locked());
    });
}

/// Semaphore: a stepping acquirer on an empty semaphore against a release; the permit is taken
/// once and the waiter registration is undone.
#[test]
fn semaphore_acquire_step_wakes_up() {
    loom::model(|| {
        let sem = Semaphore::new(0);
        let s2 = sem.clone();
        let stepper = thread::spawn(move || {
            let mut registered = false;
            assert!(drive(|| s2.raw().acquire_step(&mut registered)));
            assert!(!registered, "the last step leaves no registration");
        });
        sem.release(1).unwrap();
        stepper.join().unwrap();
        assert_eq!(sem.value(), 0);
    });
}

/// Event: a stepping waiter against `set()`.
#[test]
fn event_wait_step_wakes_up() {
    loom::model(|| {
        let ev = Event::new();
        let e2 = ev.clone();
        let stepper = thread::spawn(move || {
            let mut generation = None;
            assert!(drive(|| e2.wait_step(&mut generation)));
        });
        ev.set();
        stepper.join().unwrap();
    });
}
