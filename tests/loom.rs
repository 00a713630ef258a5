//! loom models of the lock-free cores (run: `RUSTFLAGS="--cfg loom" cargo test --test loom
//! --release`; `scripts/test.sh` does). Under `cfg(loom)` the crate's atomics and its futex
//! seam come from loom (`src/sys/loom_futex.rs`), so loom explores every interleaving of the
//! primitives' atomic operations and wait/wake calls, and reports lost wake-ups as deadlocks.
//! Only untimed operations are modelled (loom has no clock).

/// Listed as ignored, with the reason, in ordinary test runs.
#[cfg(not(loom))]
#[test]
#[ignore = "loom models: run with RUSTFLAGS=\"--cfg loom\" (scripts/test.sh does)"]
fn loom_models_need_cfg_loom() {}

#[cfg(loom)]
mod models {
    use loom::sync::atomic::{AtomicUsize, Ordering::SeqCst};
    use loom::sync::Arc;
    use loom::thread;
    use pythreading::{Barrier, Condition, Event, Lock, Semaphore};

    /// Lock: mutual exclusion and no lost wake-up on the 0/1/2 state machine (BL-09, L-02).
    #[test]
    fn lock_mutual_exclusion_and_wakeup() {
        loom::model(|| {
            let lock = Lock::new();
            let inside = Arc::new(AtomicUsize::new(0));
            let handles: Vec<_> = (0..2)
                .map(|_| {
                    let (lock, inside) = (lock.clone(), inside.clone());
                    thread::spawn(move || {
                        lock.acquire();
                        assert_eq!(inside.fetch_add(1, SeqCst), 0, "two holders");
                        inside.fetch_sub(1, SeqCst);
                        lock.release().unwrap();
                    })
                })
                .collect();
            for h in handles {
                h.join().unwrap();
            }
            assert!(!lock.locked());
        });
    }

    /// Lock released by another thread than the one that acquired it (L-02), waking a blocked
    /// acquirer in the same thread (L-01).
    #[test]
    fn lock_released_by_other_thread() {
        loom::model(|| {
            let lock = Lock::new();
            lock.acquire();
            let l2 = lock.clone();
            let h = thread::spawn(move || l2.release().unwrap());
            lock.acquire(); // blocks until the other thread releases
            h.join().unwrap();
            assert!(lock.locked());
        });
    }

    /// Semaphore: exact permit accounting and no lost wake-up between release and a sleeper.
    #[test]
    fn semaphore_handoff() {
        loom::model(|| {
            let sem = Semaphore::new(0);
            let s2 = sem.clone();
            let h = thread::spawn(move || {
                s2.acquire();
            });
            sem.release(1).unwrap();
            h.join().unwrap();
            assert_eq!(sem.value(), 0);
        });
    }

    /// Semaphore(1) admits one thread at a time.
    #[test]
    fn semaphore_admits_at_most_value() {
        loom::model(|| {
            let sem = Semaphore::new(1);
            let inside = Arc::new(AtomicUsize::new(0));
            let handles: Vec<_> = (0..2)
                .map(|_| {
                    let (sem, inside) = (sem.clone(), inside.clone());
                    thread::spawn(move || {
                        sem.acquire();
                        assert_eq!(inside.fetch_add(1, SeqCst), 0);
                        inside.fetch_sub(1, SeqCst);
                        sem.release(1).unwrap();
                    })
                })
                .collect();
            for h in handles {
                h.join().unwrap();
            }
            assert_eq!(sem.value(), 1);
        });
    }

    /// Event: `set()` wakes a waiter whatever the interleaving (no lost wake-up).
    #[test]
    fn event_set_wakes_waiter() {
        loom::model(|| {
            let ev = Event::new();
            let e2 = ev.clone();
            let h = thread::spawn(move || e2.wait());
            ev.set();
            assert!(h.join().unwrap());
        });
    }

    /// Event, E-04: a waiter asleep across `set(); clear()` returns true (the generation moved on);
    /// the final `set()` releases a waiter that only arrived after the `clear()`. Loom explores the
    /// waiter sleeping before, between and after the three calls.
    #[test]
    fn event_set_clear_set() {
        loom::model(|| {
            let ev = Event::new();
            let e2 = ev.clone();
            let h = thread::spawn(move || e2.wait());
            ev.set();
            ev.clear();
            ev.set();
            assert!(h.join().unwrap());
        });
    }

    /// Condition over a plain Lock: a notify issued while the waiter is registered is never lost.
    #[test]
    fn condition_notify_reaches_waiter() {
        loom::model(|| {
            let cond = Condition::with_lock(Lock::new());
            let ready = Arc::new(AtomicUsize::new(0));
            let (c2, r2) = (cond.clone(), ready.clone());
            let h = thread::spawn(move || {
                c2.acquire();
                while r2.load(SeqCst) == 0 {
                    assert!(c2.wait().unwrap());
                }
                c2.release().unwrap();
            });
            cond.acquire();
            ready.store(1, SeqCst);
            cond.notify(1).unwrap();
            cond.release().unwrap();
            h.join().unwrap();
        });
    }

    /// Barrier(2): both parties pass with distinct indices. Barrier sits on Condition + Lock, so
    /// the state space is large: bounded to 3 preemptions (loom's recommended practice).
    #[test]
    fn barrier_two_parties() {
        let mut model = loom::model::Builder::new();
        model.preemption_bound = Some(3);
        model.check(|| {
            let b = Barrier::new(2).unwrap();
            let b2 = b.clone();
            let h = thread::spawn(move || b2.wait().unwrap());
            let mine = b.wait().unwrap();
            let theirs = h.join().unwrap();
            assert_eq!(mine + theirs, 1);
        });
    }
}
