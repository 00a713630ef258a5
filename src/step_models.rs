//! loom models of the waiter protocols (`timeout::Step`). Every blocking call drives its
//! protocol's steps with the futex wait (`timeout::drive_blocking`), and the browser's async JS
//! methods drive the same steps with `Atomics.waitAsync`; here a *stepping* waiter takes one
//! step at a time and waits between steps on the word the step names (loom's futex model,
//! `src/sys/loom_futex.rs`, which wakes exactly one sleeper per `wake_one`), as the JS side
//! awaits it, usually against a *blocking* waiter of the same primitive and the thread that
//! changes the state. No interleaving may lose a wake-up (loom reports a deadlock) or break the
//! primitive's accounting. A "timed-out" waiter is modelled by giving up after a step (loom has
//! no clock): it must undo its registration and must not take a notification meant for another.
//!
//! Unit tests because the steps are crate-private; the models of the blocking calls alone are
//! in `tests/loom.rs`. Run with `RUSTFLAGS="--cfg loom" cargo test --release --lib step_models`
//! (scripts/test.sh does). Models with three threads are bounded to 3 preemptions (loom's
//! recommended practice) to keep each under a few seconds.

use crate::sys::{self, atomic::AtomicUsize, atomic::Ordering::SeqCst};
use crate::timeout::Step;
use crate::{Barrier, Condition, Event, Lock, Semaphore};
use loom::sync::Arc;
use loom::thread;
use std::time::Duration;

/// Steps until done, waiting between steps on the word the step names (as the JS side awaits it).
fn drive<'a, T>(mut step: impl FnMut() -> Step<'a, T>) -> T {
    loop {
        match step() {
            Step::Done(v) => return v,
            Step::Wait(word, expected) => sys::wait(word, expected, None),
        }
    }
}

/// A model bounded to 3 preemptions, for the three-thread models.
fn bounded(f: impl Fn() + Sync + Send + 'static) {
    let mut model = loom::model::Builder::new();
    model.preemption_bound = Some(3);
    model.check(f);
}

/// Lock `acquireAsync`: steps until acquired (`Lock::acquire_step`).
fn lock_by_steps(lock: &Lock) {
    let mut waited = false;
    assert!(drive(|| lock.acquire_step(&mut waited)));
}

/// Counts a holder in, asserts nobody else holds, counts it out.
fn exclusive(inside: &AtomicUsize) {
    assert_eq!(inside.fetch_add(1, SeqCst), 0, "two holders");
    inside.fetch_sub(1, SeqCst);
}

/// Lock: a stepping acquirer against a holder that releases; mutual exclusion, no lost wake-up.
#[test]
fn lock_acquire_step_wakes_up() {
    loom::model(|| {
        let lock = Lock::new();
        let inside = Arc::new(AtomicUsize::new(0));
        lock.acquire();
        let (l2, in2) = (lock.clone(), inside.clone());
        let stepper = thread::spawn(move || {
            lock_by_steps(&l2);
            exclusive(&in2);
            l2.release().unwrap();
        });
        exclusive(&inside);
        lock.release().unwrap();
        stepper.join().unwrap();
        assert!(!lock.locked());
    });
}

/// Lock: a stepping acquirer and a blocking one, both waiting on a held lock. The release's one
/// wake-up may reach either; whoever gets the lock must leave it marked contended, or the other
/// sleeps forever. (Before the steps after a wait took the lock only as contended, the async
/// acquire took a free lock as `1` after a wake-up, and this model deadlocked.)
#[test]
fn lock_step_and_blocking_waiter() {
    bounded(|| {
        let lock = Lock::new();
        let inside = Arc::new(AtomicUsize::new(0));
        lock.acquire();
        let (l2, in2) = (lock.clone(), inside.clone());
        let stepper = thread::spawn(move || {
            lock_by_steps(&l2);
            exclusive(&in2);
            l2.release().unwrap();
        });
        let (l3, in3) = (lock.clone(), inside.clone());
        let blocker = thread::spawn(move || {
            l3.acquire();
            exclusive(&in3);
            l3.release().unwrap();
        });
        lock.release().unwrap();
        stepper.join().unwrap();
        blocker.join().unwrap();
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
            assert!(drive(|| s2.raw.acquire_step(&mut registered)));
            assert!(!registered, "the last step leaves no registration");
        });
        sem.release(1).unwrap();
        stepper.join().unwrap();
        assert_eq!(sem.value(), 0);
        assert_eq!(sem.raw.registered_sleepers(), 0);
    });
}

/// Semaphore: a stepping and a blocking acquirer on an empty semaphore against two releases of
/// one permit each (each wakes exactly one sleeper): both get a permit, none is left.
#[test]
fn semaphore_step_and_blocking_waiter() {
    bounded(|| {
        let sem = Semaphore::new(0);
        let s2 = sem.clone();
        let stepper = thread::spawn(move || {
            let mut registered = false;
            assert!(drive(|| s2.raw.acquire_step(&mut registered)));
            assert!(!registered);
        });
        let s3 = sem.clone();
        let blocker = thread::spawn(move || assert!(s3.acquire()));
        sem.release(1).unwrap();
        sem.release(1).unwrap();
        stepper.join().unwrap();
        blocker.join().unwrap();
        assert_eq!(sem.value(), 0);
        assert_eq!(sem.raw.registered_sleepers(), 0);
    });
}

/// Semaphore: a stepping acquirer that times out (its one wait is a timed wait, which loom's
/// futex model ends at once, as if the timeout raced the release; then it steps again and gives
/// up) and undoes its registration, against a blocking acquirer and one release: the permit is
/// taken exactly once, the blocking acquirer is never stranded (if the timed-out one did not
/// take the permit, the release woke the blocking one or it finds the permit), and no sleeper
/// stays registered.
#[test]
fn semaphore_timed_out_step_undoes_registration() {
    bounded(|| {
        let sem = Semaphore::new(0);
        let s2 = sem.clone();
        let stepper = thread::spawn(move || {
            let mut registered = false;
            let mut timed_wait = true;
            let got = loop {
                match s2.raw.acquire_step(&mut registered) {
                    Step::Done(got) => break got,
                    Step::Wait(word, expected) if timed_wait => {
                        timed_wait = false;
                        sys::wait(word, expected, Some(Duration::ZERO));
                    }
                    Step::Wait(..) => break false, // the timeout passed
                }
            };
            s2.raw.abandon_step(&mut registered);
            got
        });
        let s3 = sem.clone();
        let blocker = thread::spawn(move || assert!(s3.acquire()));
        sem.release(1).unwrap();
        if stepper.join().unwrap() {
            // The stepper took the one permit: the blocking acquirer needs another.
            sem.release(1).unwrap();
        }
        blocker.join().unwrap();
        assert_eq!(sem.value(), 0);
        assert_eq!(sem.raw.registered_sleepers(), 0);
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

/// Event: a stepping and a blocking waiter against `set(); clear()` (E-04): both return true,
/// whenever they started waiting, because the flag was set or its generation moved on.
#[test]
fn event_step_and_blocking_waiter_across_set_clear() {
    bounded(|| {
        let ev = Event::new();
        let e2 = ev.clone();
        let stepper = thread::spawn(move || {
            let mut generation = None;
            drive(|| e2.wait_step(&mut generation))
        });
        let e3 = ev.clone();
        let blocker = thread::spawn(move || e3.wait());
        ev.set();
        ev.clear();
        ev.set();
        assert!(stepper.join().unwrap());
        assert!(blocker.join().unwrap());
    });
}

/// Condition `waitAsync`: the steps of a wait, driven to the end (notified, lock re-acquired,
/// depth restored); with `give_up`, the wait times out at the first step that would wait.
fn wait_by_steps(cond: &Condition, give_up: bool) -> bool {
    let w = cond.wait_begin().unwrap();
    let notified = if give_up {
        match cond.wait_step(&w) {
            Step::Done(notified) => notified,
            Step::Wait(..) => cond.wait_timed_out(&w),
        }
    } else {
        drive(|| cond.wait_step(&w))
    };
    let mut waited = false;
    assert!(drive(|| cond.lock_step(&mut waited)));
    cond.wait_end(w);
    notified
}

/// Condition over a Lock: a stepping waiter against a notifier; the notification is never lost
/// and the waiter holds the lock again (alone) when its wait ends.
#[test]
fn condition_wait_steps_notified() {
    loom::model(|| {
        let cond = Condition::with_lock(Lock::new());
        let ready = Arc::new(AtomicUsize::new(0));
        let inside = Arc::new(AtomicUsize::new(0));
        let (c2, r2, in2) = (cond.clone(), ready.clone(), inside.clone());
        let stepper = thread::spawn(move || {
            c2.acquire();
            while r2.load(SeqCst) == 0 {
                assert!(wait_by_steps(&c2, false));
                assert!(c2.locked());
            }
            exclusive(&in2);
            c2.release().unwrap();
        });
        cond.acquire();
        exclusive(&inside);
        ready.store(1, SeqCst);
        cond.notify(1).unwrap();
        cond.release().unwrap();
        stepper.join().unwrap();
        assert!(!cond.locked());
    });
}

/// Condition over a Lock: a stepping waiter that times out and a blocking waiter, against one
/// `notify(1)`. The notification goes to exactly one of them: the timed-out waiter returns true
/// only if the notifier had taken it off the queue (then the blocking waiter needs a second
/// notify); if it left the queue first, the notification reaches the blocking waiter. Both hold
/// the lock again, alone, when their waits end.
#[test]
fn condition_timed_out_step_does_not_steal() {
    bounded(|| {
        let cond = Condition::with_lock(Lock::new());
        let ready = Arc::new(AtomicUsize::new(0));
        let inside = Arc::new(AtomicUsize::new(0));
        let (c2, in2) = (cond.clone(), inside.clone());
        let timed = thread::spawn(move || {
            c2.acquire();
            let notified = wait_by_steps(&c2, true);
            exclusive(&in2);
            c2.release().unwrap();
            notified
        });
        let (c3, r3, in3) = (cond.clone(), ready.clone(), inside.clone());
        let blocker = thread::spawn(move || {
            c3.acquire();
            while r3.load(SeqCst) == 0 {
                assert!(c3.wait().unwrap());
            }
            exclusive(&in3);
            c3.release().unwrap();
        });
        cond.acquire();
        ready.store(1, SeqCst);
        cond.notify(1).unwrap();
        cond.release().unwrap();
        if timed.join().unwrap() {
            cond.acquire();
            cond.notify(1).unwrap();
            cond.release().unwrap();
        }
        blocker.join().unwrap();
        assert!(!cond.locked());
    });
}

/// Barrier(2): a stepping party (`waitAsync`) and a blocking one pass with distinct indices.
#[test]
fn barrier_step_and_blocking_party() {
    loom::model(|| {
        let b = Barrier::new(2).unwrap();
        let b2 = b.clone();
        let stepper = thread::spawn(move || match b2.wait_begin().unwrap() {
            Ok(index) => index,
            Err(arrival) => drive(|| b2.wait_step(&arrival)).unwrap(),
        });
        let mine = b.wait().unwrap();
        assert_eq!(mine + stepper.join().unwrap(), 1);
    });
}

/// Barrier(2): a stepping party that times out breaks the barrier for the other (or, if the
/// other arrived first, passes): both see the same outcome.
#[test]
fn barrier_timed_out_step_breaks_for_all() {
    loom::model(|| {
        let b = Barrier::new(2).unwrap();
        let b2 = b.clone();
        let stepper = thread::spawn(move || match b2.wait_begin().unwrap() {
            Ok(index) => Ok(index),
            Err(arrival) => match b2.wait_step(&arrival) {
                Step::Done(r) => r,
                Step::Wait(..) => b2.wait_timed_out(&arrival),
            },
        });
        let mine = b.wait();
        let theirs = stepper.join().unwrap();
        match (mine, theirs) {
            (Ok(a), Ok(b)) => assert_eq!(a + b, 1),
            (Err(_), Err(_)) => assert!(b.broken()),
            other => panic!("the parties disagree: {other:?}"),
        }
    });
}
