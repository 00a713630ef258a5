//! loom models of the lock-free cores through the public, blocking API (run: `RUSTFLAGS="--cfg
//! loom" cargo test --test loom --release`; `scripts/test.sh` does). Under `cfg(loom)` the
//! crate's atomics and its futex seam come from loom (`src/sys/loom_futex.rs`: `wake_one` wakes
//! exactly one sleeper), so loom explores every interleaving of the primitives' atomic
//! operations and wait/wake calls, and reports lost wake-ups as deadlocks. Each blocking call
//! drives its primitive's waiter protocol (`timeout::Step`), so these models check the steps as
//! the blocking calls take them, against concurrent wakers; `src/step_models.rs` drives the
//! same steps as the browser's async methods do. loom has no clock: timed calls are modelled
//! with a zero timeout only (it has passed at the first look), which is enough for the timeout
//! paths (giving up, undoing a registration). Models with three threads are bounded to 3
//! preemptions (loom's recommended practice) to keep each under a few seconds.

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
    use pythreading::{Barrier, Condition, Event, Lock, RLock, Semaphore};

    /// A model bounded to 3 preemptions, for the three-thread models.
    fn bounded(f: impl Fn() + Sync + Send + 'static) {
        bounded_to(3, f);
    }

    /// A model bounded to `preemptions`, for models too big for [`bounded`]'s 3.
    fn bounded_to(preemptions: usize, f: impl Fn() + Sync + Send + 'static) {
        let mut model = loom::model::Builder::new();
        model.preemption_bound = Some(preemptions);
        model.check(f);
    }

    /// Counts a holder in, asserts nobody else holds, counts it out.
    fn exclusive(inside: &AtomicUsize) {
        assert_eq!(inside.fetch_add(1, SeqCst), 0, "two holders");
        inside.fetch_sub(1, SeqCst);
    }

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

    /// Lock: two blocked acquirers and one release; the release's single wake-up reaches one,
    /// whose own release must wake the other (it took the lock marked contended).
    #[test]
    fn lock_two_sleepers() {
        bounded(|| {
            two_sleepers(
                Lock::new(),
                |l| l.acquire(),
                |l| l.release().unwrap(),
                Lock::locked,
            )
        });
    }

    /// The two-sleepers model for a lock given by its operations: the main thread holds it
    /// while two threads block on it, then releases; both get through, one at a time, and it
    /// ends free.
    fn two_sleepers<L: Clone + Send + 'static>(
        lock: L,
        acquire: fn(&L) -> bool,
        release: fn(&L),
        locked: fn(&L) -> bool,
    ) {
        let inside = Arc::new(AtomicUsize::new(0));
        acquire(&lock);
        let handles: Vec<_> = (0..2)
            .map(|_| {
                let (lock, inside) = (lock.clone(), inside.clone());
                thread::spawn(move || {
                    acquire(&lock);
                    exclusive(&inside);
                    release(&lock);
                })
            })
            .collect();
        release(&lock);
        for h in handles {
            h.join().unwrap();
        }
        assert!(!locked(&lock));
    }

    /// RLock: mutual exclusion and no lost wake-up on its owner word, two threads each
    /// entering twice (the second time a re-entry) while the other may hold or wait.
    #[test]
    fn rlock_mutual_exclusion_and_reentry() {
        loom::model(|| {
            let lock = RLock::new();
            let inside = Arc::new(AtomicUsize::new(0));
            let handles: Vec<_> = (0..2)
                .map(|_| {
                    let (lock, inside) = (lock.clone(), inside.clone());
                    thread::spawn(move || {
                        assert!(lock.acquire());
                        assert!(lock.acquire());
                        exclusive(&inside);
                        lock.release().unwrap();
                        assert!(lock.is_owned());
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

    /// RLock: two blocked acquirers and one release. A thread that never slept takes a free
    /// lock without the waiter bit; one woken from a sleep takes it with the bit, and each
    /// sleeper sets the bit again before it sleeps, so the last sleeper is always woken.
    #[test]
    fn rlock_two_sleepers() {
        bounded(|| {
            two_sleepers(
                RLock::new(),
                |l| l.acquire(),
                |l| l.release().unwrap(),
                RLock::locked,
            )
        });
    }

    /// Lock: a zero-timeout acquire against a holder that releases: it gets the lock or gives
    /// up, and either way the lock ends free (a failed try leaves it at most marked contended).
    #[test]
    fn lock_zero_timeout_acquire() {
        loom::model(|| {
            let lock = Lock::new();
            lock.acquire();
            let l2 = lock.clone();
            let h = thread::spawn(move || {
                let got = l2.acquire_timeout(0.0).unwrap();
                if got {
                    l2.release().unwrap();
                }
            });
            lock.release().unwrap();
            h.join().unwrap();
            assert!(!lock.locked());
            assert!(lock.try_acquire());
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

    /// Semaphore: two sleepers and two releases of one permit (each wakes exactly one): both
    /// get a permit, none is left.
    #[test]
    fn semaphore_two_sleepers() {
        bounded(|| {
            let sem = Semaphore::new(0);
            let handles: Vec<_> = (0..2)
                .map(|_| {
                    let sem = sem.clone();
                    thread::spawn(move || assert!(sem.acquire()))
                })
                .collect();
            sem.release(1).unwrap();
            sem.release(1).unwrap();
            for h in handles {
                h.join().unwrap();
            }
            assert_eq!(sem.value(), 0);
        });
    }

    /// Semaphore: two sleepers and two releases of one permit from two threads at once (the
    /// releases race each other and the sleepers' registrations): both sleepers get a permit,
    /// none is left. A variant that skipped a release's wake while another was in flight
    /// fails it unless the woken sleeper passes a wake on once it has its permit.
    #[test]
    fn semaphore_two_releasers_two_sleepers() {
        bounded(|| {
            let sem = Semaphore::new(0);
            let sleepers: Vec<_> = (0..2)
                .map(|_| {
                    let sem = sem.clone();
                    thread::spawn(move || assert!(sem.acquire()))
                })
                .collect();
            let s2 = sem.clone();
            let releaser = thread::spawn(move || s2.release(1).unwrap());
            sem.release(1).unwrap();
            releaser.join().unwrap();
            for h in sleepers {
                h.join().unwrap();
            }
            assert_eq!(sem.value(), 0);
        });
    }

    /// Semaphore: a zero-timeout acquire (it registers, re-checks, gives up and unregisters)
    /// racing a release, next to a sleeper: the permit is taken exactly once, and if the timed
    /// acquire did not take it, the sleeper does.
    #[test]
    fn semaphore_zero_timeout_next_to_sleeper() {
        bounded(|| {
            let sem = Semaphore::new(0);
            let s2 = sem.clone();
            let timed = thread::spawn(move || s2.acquire_timeout(0.0).unwrap());
            let s3 = sem.clone();
            let sleeper = thread::spawn(move || assert!(s3.acquire()));
            sem.release(1).unwrap();
            if timed.join().unwrap() {
                sem.release(1).unwrap();
            }
            sleeper.join().unwrap();
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

    /// Event: a zero-timeout wait against `set()` returns true exactly when it saw the flag.
    #[test]
    fn event_zero_timeout_wait() {
        loom::model(|| {
            let ev = Event::new();
            let e2 = ev.clone();
            let h = thread::spawn(move || e2.wait_timeout(0.0).unwrap());
            ev.set();
            let _ = h.join().unwrap(); // either is right; nothing may hang or break
            assert!(ev.is_set());
            assert!(ev.wait());
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

    /// Condition over a plain Lock: a waiter that times out (zero timeout) and a blocking one,
    /// against one `notify(1)`. The notification goes to exactly one of them: the timed-out
    /// waiter returns true only if the notifier took it off the queue first (then the blocking
    /// waiter needs a second notify); if it left the queue first, the notification reaches the
    /// blocking waiter. Both hold the lock again, alone, when their waits end.
    #[test]
    fn condition_timed_out_waiter_does_not_steal() {
        bounded(|| {
            let cond = Condition::with_lock(Lock::new());
            let ready = Arc::new(AtomicUsize::new(0));
            let inside = Arc::new(AtomicUsize::new(0));
            let (c2, in2) = (cond.clone(), inside.clone());
            let timed = thread::spawn(move || {
                c2.acquire();
                let notified = c2.wait_timeout(0.0).unwrap();
                assert!(c2.locked());
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

    /// Queue (the lock-free FIFO core, src/queue/fifo.rs): a blocking get against a put, and a
    /// blocking put on a full queue against a get: no lost wake-up on either eventcount, the
    /// item passed exactly once, the counts back to zero (QU-01, QU-02).
    #[test]
    fn queue_blocking_get_and_put() {
        loom::model(|| {
            let q = pythreading::queue::Queue::new(1);
            let q2 = q.clone();
            let getter = thread::spawn(move || q2.get().unwrap());
            q.put(7).unwrap();
            assert_eq!(getter.join().unwrap(), 7);
            assert_eq!(q.qsize(), 0);
        });
        bounded(|| {
            let q = pythreading::queue::Queue::new(1);
            q.put(1).unwrap();
            let q2 = q.clone();
            let putter = thread::spawn(move || q2.put(2).unwrap());
            assert_eq!(q.get().unwrap(), 1);
            putter.join().unwrap();
            assert_eq!(q.get().unwrap(), 2);
            assert_eq!(q.qsize(), 0);
        });
    }

    /// Two sleeping getters and two puts: a put that finds a wake-up in flight skips its own,
    /// and what it leaves is passed on (the woken getter, or the next to count itself in,
    /// wakes the other), so both getters get an item and nobody sleeps on a queue that holds
    /// one.
    #[test]
    fn queue_wakes_are_passed_on_to_every_getter() {
        bounded(|| {
            let q = pythreading::queue::Queue::new(0);
            let (q2, q3) = (q.clone(), q.clone());
            let g1 = thread::spawn(move || q2.get().unwrap());
            let g2 = thread::spawn(move || q3.get().unwrap());
            q.put(1).unwrap();
            q.put(2).unwrap();
            let mut got = [g1.join().unwrap(), g2.join().unwrap()];
            got.sort_unstable();
            assert_eq!(got, [1, 2]);
            assert_eq!(q.qsize(), 0);
        });
    }

    /// The same on the putters' side: two putters sleep on a full Queue(2), and two gets free
    /// two slots while the first putter's wake-up may be in flight; the second slot is passed
    /// on, so both puts land before any further get.
    #[test]
    fn queue_freed_slots_are_passed_on_to_every_putter() {
        // Bounded to 2 preemptions: with 3 a model of this size takes minutes.
        bounded_to(2, || {
            let q = pythreading::queue::Queue::new(2);
            q.put(1).unwrap();
            q.put(2).unwrap();
            let (q2, q3) = (q.clone(), q.clone());
            let p1 = thread::spawn(move || q2.put(3).unwrap());
            let p2 = thread::spawn(move || q3.put(4).unwrap());
            assert_eq!([q.get().unwrap(), q.get().unwrap()], [1, 2]);
            // Two slots are free: both putters must land with no further get to wake them.
            p1.join().unwrap();
            p2.join().unwrap();
            let mut got = [q.get().unwrap(), q.get().unwrap()];
            got.sort_unstable();
            assert_eq!(got, [3, 4]);
            assert_eq!(q.qsize(), 0);
        });
    }

    /// Queue shutdown racing a put and a blocking get: a get that answers ShutDown never leaves
    /// an item behind (a put either lands before it, and the get or the check below takes it,
    /// or fails with ShutDown), and nobody sleeps forever (QU-12a's rule in one model).
    #[test]
    fn queue_shutdown_against_put_and_get() {
        bounded(|| {
            let q = pythreading::queue::Queue::new(0);
            let (q2, q3) = (q.clone(), q.clone());
            let putter = thread::spawn(move || q2.put(5).is_ok());
            let getter = thread::spawn(move || q3.get().ok());
            q.shutdown(false);
            let put = putter.join().unwrap();
            let got = getter.join().unwrap();
            let left = q.get_nowait().ok();
            match (put, got, left) {
                (true, Some(5), None) | (true, None, Some(5)) | (false, None, None) => {}
                other => panic!("put/get/left: {other:?}"),
            }
        });
    }

    /// Two blocked getters, a put in flight and a shutdown: one getter may take the item, and
    /// the other (or both) answer ShutDown; neither sleeps on a drained queue.
    #[test]
    fn queue_shutdown_wakes_every_getter() {
        // Four threads: bounded to 2 preemptions to keep it to seconds (3 took minutes).
        bounded_to(2, || {
            let q = pythreading::queue::Queue::new(0);
            let (q2, q3, q4) = (q.clone(), q.clone(), q.clone());
            let g1 = thread::spawn(move || q2.get().ok());
            let g2 = thread::spawn(move || q3.get().ok());
            let putter = thread::spawn(move || q4.put(5).is_ok());
            q.shutdown(false);
            let put = putter.join().unwrap();
            let got = [g1.join().unwrap(), g2.join().unwrap()];
            let taken = got.iter().flatten().count() + usize::from(q.get_nowait().is_ok());
            assert_eq!(taken, usize::from(put), "put {put}, got {got:?}");
        });
    }

    /// An immediate shutdown racing a put and a blocking get: when it returns the queue is
    /// empty; the item was got, dropped or refused, never two of these; the getter never sleeps
    /// on the drained queue; and no task is left unfinished (a dropped item counts as done, a
    /// got one is done by its getter). The put's one compare-and-swap and the shutdown's
    /// `fetch_or` on the same word decide whether the put counts.
    #[test]
    fn queue_immediate_shutdown_against_put_and_get() {
        bounded(|| {
            let q = pythreading::queue::Queue::new(0);
            let (q2, q3) = (q.clone(), q.clone());
            let putter = thread::spawn(move || q2.put(5).is_ok());
            let getter = thread::spawn(move || {
                let got = q3.get().ok();
                if got.is_some() {
                    q3.task_done().unwrap();
                }
                got
            });
            q.shutdown(true);
            assert_eq!(q.qsize(), 0);
            let put = putter.join().unwrap();
            let got = getter.join().unwrap();
            assert!(put || got.is_none(), "got {got:?} from a refused put");
            assert!(q.get_nowait().is_err());
            assert_eq!(q.unfinished_tasks(), 0);
        });
    }

    /// A getter's task_done for an item whose put has not returned yet: the task is already
    /// counted (Python counts it with the item), so task_done never fails (QU-03).
    #[test]
    fn queue_task_done_races_the_put() {
        loom::model(|| {
            let q = pythreading::queue::Queue::new(0);
            let q2 = q.clone();
            let getter = thread::spawn(move || {
                q2.get().unwrap();
                q2.task_done()
            });
            q.put(1).unwrap();
            getter.join().unwrap().unwrap();
            assert_eq!(q.unfinished_tasks(), 0);
        });
    }

    /// Queue task tracking: join() returns once task_done() brought the unfinished count to
    /// zero, with no lost wake-up (QU-03).
    #[test]
    fn queue_join_against_task_done() {
        loom::model(|| {
            let q = pythreading::queue::Queue::new(0);
            q.put(1).unwrap();
            let q2 = q.clone();
            let worker = thread::spawn(move || {
                q2.get().unwrap();
                q2.task_done().unwrap();
            });
            q.join().unwrap();
            assert_eq!(q.unfinished_tasks(), 0);
            worker.join().unwrap();
        });
    }
}
