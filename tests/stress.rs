//! Stress tests (issue 2, "Tests"): many threads hammering each primitive.
//!
//! - several threads x 10^5 lock-protected increments of a *plain* (non-atomic) counter lose
//!   nothing, for Lock, RLock (re-entered), Condition used as a lock, Semaphore(1) and
//!   BoundedSemaphore(1): this checks mutual exclusion and the acquire/release memory ordering;
//! - a Condition producer/consumer passes 10^5 items, none lost or duplicated;
//! - a Semaphore(k) never admits more than k at once;
//! - Event set/clear storms lose no waiter (every waiter blocked at a `set()` returns True);
//! - a Barrier runs many cycles with distinct indices and its action once per cycle.
//! - a `queue::Queue` (bounded and unbounded) passes every item exactly once between 4 × 4
//!   threads mixing blocking, timed and polling calls; a `ThreadPoolExecutor`'s futures, waited
//!   on while another thread cancels some, each end cancelled (never run) or with their value.
//!
//! Iteration counts are `base * PYTHREADING_STRESS_SCALE` (default 1 in release builds, 0.25 in
//! debug builds, see `common::stress_iters`), so `cargo test` stays fast and
//! `PYTHREADING_STRESS_SCALE=1 cargo test --release --test stress` runs the full 10^5.
//! Helper threads are foreign threads (`std::thread`), and every blocking call is bounded by a
//! generous timeout, so a lost wakeup fails instead of hanging.

mod common;

use common::platform as thread;
use common::{stress_iters, with_timeout, LONG_TIMEOUT};
use pythreading::{BoundedSemaphore, Condition, Event, Lock, RLock, Semaphore};
use std::cell::UnsafeCell;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

const THREADS: usize = 4;
const STRESS_SECS: f64 = 120.0;

/// Data that is only ever touched while holding the primitive under test. If the primitive
/// failed to exclude, updates would be lost.
struct Guarded<T>(UnsafeCell<T>);

// SAFETY: every access goes through `with`, which tests only call while holding the lock
// under test; that mutual exclusion is exactly what these tests check.
unsafe impl<T: Send> Sync for Guarded<T> {}

impl<T> Guarded<T> {
    fn new(v: T) -> Arc<Self> {
        Arc::new(Guarded(UnsafeCell::new(v)))
    }
    /// Caller must hold the protecting lock.
    fn with<R>(&self, f: impl FnOnce(&mut T) -> R) -> R {
        // SAFETY: see the `Sync` impl: the caller holds the lock under test.
        f(unsafe { &mut *self.0.get() })
    }
}

/// Run `THREADS` foreign threads, each doing `iters` increments inside `locked`, and check
/// the total.
fn increments(iters: usize, locked: impl Fn(&mut dyn FnMut()) + Send + Sync + 'static) {
    let counter = Guarded::new(0u64);
    let locked = Arc::new(locked);
    let handles: Vec<_> = (0..THREADS)
        .map(|_| {
            let (counter, locked) = (Arc::clone(&counter), Arc::clone(&locked));
            thread::spawn(move || {
                for _ in 0..iters {
                    locked(&mut || counter.with(|c| *c += 1));
                }
            })
        })
        .collect();
    for h in handles {
        h.join().expect("worker panicked");
    }
    let total = counter.with(|c| *c);
    assert_eq!(total, (THREADS * iters) as u64, "lost increments");
}

#[crate::common::test]
fn stress_lock_increments() {
    with_timeout(STRESS_SECS, || {
        let lock = Lock::new();
        increments(stress_iters(100_000), move |f| {
            let _g = lock.guard();
            f();
        });
    })
}

/// Explicit acquire/release, mixing the blocking, non-blocking and timed paths.
#[crate::common::test]
fn stress_lock_increments_mixed_acquire_forms() {
    with_timeout(STRESS_SECS, || {
        let lock = Lock::new();
        let n = AtomicUsize::new(0);
        increments(stress_iters(100_000), move |f| {
            match n.fetch_add(1, Ordering::Relaxed) % 3 {
                0 => assert!(lock.acquire()),
                1 => {
                    while !lock.try_acquire() {
                        thread::yield_now();
                    }
                }
                _ => assert_eq!(lock.acquire_timeout(LONG_TIMEOUT), Ok(true)),
            }
            f();
            lock.release().unwrap();
        });
    })
}

#[crate::common::test]
fn stress_rlock_increments() {
    with_timeout(STRESS_SECS, || {
        let lock = RLock::new();
        increments(stress_iters(100_000), move |f| {
            assert!(lock.acquire());
            assert!(lock.acquire());
            f();
            lock.release().unwrap();
            lock.release().unwrap();
        });
    })
}

#[crate::common::test]
fn stress_condition_as_lock_increments() {
    with_timeout(STRESS_SECS, || {
        let cond = Condition::new();
        increments(stress_iters(100_000), move |f| {
            let _g = cond.guard();
            f();
        });
    })
}

#[crate::common::test]
fn stress_semaphore_1_increments() {
    with_timeout(STRESS_SECS, || {
        let sem = Semaphore::new(1);
        increments(stress_iters(100_000), move |f| {
            assert!(sem.acquire());
            f();
            sem.release(1).unwrap();
        });
    })
}

#[crate::common::test]
fn stress_bounded_semaphore_1_increments() {
    with_timeout(STRESS_SECS, || {
        let sem = BoundedSemaphore::new(1);
        increments(stress_iters(100_000), move |f| {
            let _g = sem.guard();
            f();
        });
    })
}

/// Bounded-buffer producer/consumer over two Conditions sharing one Lock: every item arrives
/// exactly once.
#[crate::common::test]
fn stress_condition_producer_consumer() {
    with_timeout(STRESS_SECS, || {
        const PRODUCERS: usize = 2;
        const CONSUMERS: usize = 2;
        const CAPACITY: usize = 64;
        let total = stress_iters(100_000);
        struct State {
            queue: VecDeque<usize>,
            consumed: usize,
        }
        let lock = Lock::new();
        let not_empty = Condition::with_lock(lock.clone());
        let not_full = Condition::with_lock(lock.clone());
        let state = Guarded::new(State {
            queue: VecDeque::new(),
            consumed: 0,
        });

        let producers: Vec<_> = (0..PRODUCERS)
            .map(|p| {
                let (not_empty, not_full, state) =
                    (not_empty.clone(), not_full.clone(), Arc::clone(&state));
                thread::spawn(move || {
                    for item in (p..total).step_by(PRODUCERS) {
                        let _g = not_full.guard();
                        let ok = not_full
                            .wait_for_timeout(
                                || state.with(|s| s.queue.len() < CAPACITY),
                                LONG_TIMEOUT,
                            )
                            .unwrap();
                        assert!(ok, "producer starved: lost wakeup?");
                        state.with(|s| s.queue.push_back(item));
                        not_empty.notify(1).unwrap();
                    }
                })
            })
            .collect();
        let consumers: Vec<_> = (0..CONSUMERS)
            .map(|_| {
                let (not_empty, not_full, state) =
                    (not_empty.clone(), not_full.clone(), Arc::clone(&state));
                thread::spawn(move || {
                    let mut got = Vec::new();
                    let _g = not_empty.guard();
                    loop {
                        let ok = not_empty
                            .wait_for_timeout(
                                || state.with(|s| !s.queue.is_empty() || s.consumed == total),
                                LONG_TIMEOUT,
                            )
                            .unwrap();
                        assert!(ok, "consumer starved: lost wakeup?");
                        let done = state.with(|s| match s.queue.pop_front() {
                            Some(item) => {
                                got.push(item);
                                s.consumed += 1;
                                s.consumed == total
                            }
                            None => true,
                        });
                        not_full.notify(1).unwrap();
                        if done {
                            // Wake the other consumers so they see `consumed == total`.
                            not_empty.notify_all().unwrap();
                            return got;
                        }
                    }
                })
            })
            .collect();
        let mut all = join_producers_consumers(producers, consumers);
        assert_eq!(all.len(), total, "items lost or duplicated");
        all.sort_unstable();
        assert!(
            all.iter().enumerate().all(|(i, &v)| i == v),
            "items lost or duplicated"
        );
    })
}

/// A Semaphore(k) never admits more than k threads at once (tracked with an atomic counter).
fn semaphore_admission(
    acquire: impl Fn() + Send + Sync + 'static,
    release: impl Fn() + Send + Sync + 'static,
    k: usize,
) {
    let threads = 8;
    let iters = stress_iters(20_000);
    let inside = Arc::new(AtomicUsize::new(0));
    let max_seen = Arc::new(AtomicUsize::new(0));
    let (acquire, release) = (Arc::new(acquire), Arc::new(release));
    let handles: Vec<_> = (0..threads)
        .map(|_| {
            let (inside, max_seen, acquire, release) = (
                Arc::clone(&inside),
                Arc::clone(&max_seen),
                Arc::clone(&acquire),
                Arc::clone(&release),
            );
            thread::spawn(move || {
                for i in 0..iters {
                    acquire();
                    let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
                    max_seen.fetch_max(now, Ordering::SeqCst);
                    assert!(now <= k, "{now} threads inside a Semaphore({k})");
                    if i % 4 == 0 {
                        thread::yield_now();
                    }
                    inside.fetch_sub(1, Ordering::SeqCst);
                    release();
                }
            })
        })
        .collect();
    for h in handles {
        h.join().expect("worker panicked");
    }
    let max = max_seen.load(Ordering::SeqCst);
    assert!((1..=k).contains(&max), "max inside = {max}, k = {k}");
    assert_eq!(inside.load(Ordering::SeqCst), 0);
}

#[crate::common::test]
fn stress_semaphore_never_admits_more_than_k() {
    with_timeout(STRESS_SECS, || {
        let k = 3;
        let sem = Semaphore::new(k);
        let (a, r) = (sem.clone(), sem.clone());
        semaphore_admission(
            move || assert_eq!(a.acquire_timeout(LONG_TIMEOUT), Ok(true)),
            move || r.release(1).unwrap(),
            k,
        );
        assert_eq!(sem.value(), k);
    })
}

/// Semaphore handoffs that sleep: two `Semaphore(0)`s pass a turn back and forth, and every
/// 16th pass the releaser first sleeps a millisecond, so the acquirer's bounded spin runs out
/// and it sleeps. Each wake-up then rests on the release's check for sleepers
/// (`RawSemaphore::any_waiter` in `src/semaphore.rs`, a SeqCst load): one it missed would leave
/// an `acquire_timeout` waiting out `LONG_TIMEOUT`, and the turns would stop adding up.
#[crate::common::test]
fn stress_semaphore_handoffs_that_sleep() {
    use std::time::Duration;
    with_timeout(STRESS_SECS, || {
        let rounds = stress_iters(1_000);
        let nap = || thread::sleep(Duration::from_millis(1));
        let (ping, pong) = (Semaphore::new(0), Semaphore::new(0));
        let (ping2, pong2) = (ping.clone(), pong.clone());
        let other = thread::spawn(move || {
            for k in 0..rounds {
                assert_eq!(
                    ping2.acquire_timeout(LONG_TIMEOUT),
                    Ok(true),
                    "turn {k} lost"
                );
                if k % 16 == 0 {
                    nap();
                }
                pong2.release(1).unwrap();
            }
        });
        for k in 0..rounds {
            if k % 16 == 8 {
                nap();
            }
            ping.release(1).unwrap();
            assert_eq!(
                pong.acquire_timeout(LONG_TIMEOUT),
                Ok(true),
                "turn {k} lost"
            );
        }
        other.join().unwrap();
        assert_eq!((ping.value(), pong.value()), (0, 0));
    })
}

#[crate::common::test]
fn stress_bounded_semaphore_never_admits_more_than_k() {
    with_timeout(STRESS_SECS, || {
        let k = 2;
        let sem = BoundedSemaphore::new(k);
        let (a, r) = (sem.clone(), sem.clone());
        semaphore_admission(
            move || assert!(a.acquire()),
            move || r.release(1).unwrap(),
            k,
        );
        assert_eq!(sem.value(), k);
        assert!(sem.release(1).is_err(), "over-release after the storm");
    })
}

/// Event set/clear storm: a storm thread toggles the flag as fast as it can while waiters
/// wait repeatedly. Every wait must return True (E-04: a waiter blocked at a `set()` is
/// released even if `clear()` follows at once); a lost waiter would time out and fail.
#[crate::common::test]
fn stress_event_set_clear_storm() {
    with_timeout(STRESS_SECS, || {
        const WAITERS: usize = 4;
        let rounds = stress_iters(5_000);
        let evt = Event::new();
        let stop = Arc::new(AtomicBool::new(false));
        let storm = {
            let (evt, stop) = (evt.clone(), Arc::clone(&stop));
            thread::spawn(move || {
                let mut toggles = 0u64;
                while !stop.load(Ordering::SeqCst) {
                    evt.set();
                    evt.clear();
                    toggles += 1;
                    if toggles % 8 == 0 {
                        thread::yield_now();
                    }
                }
                toggles
            })
        };
        let waiters: Vec<_> = (0..WAITERS)
            .map(|_| {
                let evt = evt.clone();
                thread::spawn(move || {
                    for i in 0..rounds {
                        let r = if i % 2 == 0 {
                            evt.wait_timeout(LONG_TIMEOUT).unwrap()
                        } else {
                            evt.wait()
                        };
                        assert!(r, "a waiter was lost in a set/clear storm");
                    }
                })
            })
            .collect();
        let results: Vec<_> = waiters.into_iter().map(|h| h.join()).collect();
        stop.store(true, Ordering::SeqCst);
        let toggles = storm.join().expect("storm thread panicked");
        for r in results {
            r.expect("waiter panicked");
        }
        assert!(toggles > 0);
    })
}

/// Event: many waiters released by a single `set()`, repeatedly (set, all wake, clear).
#[crate::common::test]
fn stress_event_broadcast_rounds() {
    with_timeout(STRESS_SECS, || {
        const WAITERS: usize = 6;
        let rounds = stress_iters(1_000);
        let go = Event::new();
        let arrived = Arc::new(AtomicUsize::new(0));
        let barrier = pythreading::Barrier::new(WAITERS + 1).unwrap();
        let handles: Vec<_> = (0..WAITERS)
            .map(|_| {
                let (go, arrived, barrier) = (go.clone(), Arc::clone(&arrived), barrier.clone());
                thread::spawn(move || {
                    for _ in 0..rounds {
                        assert_eq!(go.wait_timeout(LONG_TIMEOUT), Ok(true), "lost waiter");
                        arrived.fetch_add(1, Ordering::SeqCst);
                        barrier.wait_timeout(LONG_TIMEOUT).unwrap();
                        barrier.wait_timeout(LONG_TIMEOUT).unwrap();
                    }
                })
            })
            .collect();
        for r in 0..rounds {
            go.set();
            barrier.wait_timeout(LONG_TIMEOUT).unwrap(); // all woke
            go.clear();
            assert_eq!(arrived.load(Ordering::SeqCst), (r + 1) * WAITERS);
            barrier.wait_timeout(LONG_TIMEOUT).unwrap(); // all saw the round end
        }
        for h in handles {
            h.join().expect("waiter panicked");
        }
    })
}

/// Barrier: many cycles; per cycle the indices are a permutation of 0..N and the action ran
/// exactly once before anyone was released.
#[crate::common::test]
fn stress_barrier_many_cycles() {
    with_timeout(STRESS_SECS, || {
        const PARTIES: usize = 4;
        let cycles = stress_iters(10_000);
        let actions = Arc::new(AtomicUsize::new(0));
        let a = Arc::clone(&actions);
        let barrier = pythreading::Barrier::builder(PARTIES)
            .action(move || {
                a.fetch_add(1, Ordering::SeqCst);
            })
            .timeout(LONG_TIMEOUT)
            .build()
            .unwrap();
        let handles: Vec<_> = (0..PARTIES)
            .map(|_| {
                let (barrier, actions) = (barrier.clone(), Arc::clone(&actions));
                thread::spawn(move || {
                    let mut indices = Vec::with_capacity(cycles);
                    for c in 0..cycles {
                        let i = barrier.wait().expect("barrier broke");
                        assert!(i < PARTIES);
                        assert_eq!(
                            actions.load(Ordering::SeqCst),
                            c + 1,
                            "the action must run once per cycle, before the release"
                        );
                        indices.push(i);
                    }
                    indices
                })
            })
            .collect();
        let per_thread: Vec<Vec<usize>> = handles
            .into_iter()
            .map(|h| h.join().expect("party panicked"))
            .collect();
        for c in 0..cycles {
            let mut idx: Vec<usize> = per_thread.iter().map(|v| v[c]).collect();
            idx.sort_unstable();
            assert_eq!(idx, (0..PARTIES).collect::<Vec<_>>(), "cycle {c}");
        }
        assert_eq!(actions.load(Ordering::SeqCst), cycles);
        assert_eq!(barrier.n_waiting(), 0);
        assert!(!barrier.broken());
    })
}

/// `queue::Queue` with 4 producers × 4 consumers, bounded (a small `maxsize`, so putters wait
/// too) and unbounded, consumers mixing `get`, `get(timeout)` and polling `get_nowait`: every
/// item arrives exactly once. Exercises the lock-free core (`src/queue/fifo.rs`): its
/// one-writer counters, its bounded spin for an item or a slot, and its eventcounts of sleeping
/// getters and putters, where a wake-up skipped while somebody sleeps would starve a consumer
/// (the timeouts then fail the test instead of hanging it).
#[crate::common::test]
fn stress_queue_mpmc_every_item_once() {
    use pythreading::queue::Queue;
    with_timeout(STRESS_SECS, || {
        const SIDE: usize = 4;
        let total = stress_iters(100_000);
        for maxsize in [3, 0] {
            let q: Queue<usize> = Queue::new(maxsize);
            let producers: Vec<_> = (0..SIDE)
                .map(|p| {
                    let q = q.clone();
                    thread::spawn(move || {
                        for item in (p..total).step_by(SIDE) {
                            let r = if item % 2 == 0 {
                                q.put(item)
                            } else {
                                q.put_timeout(item, LONG_TIMEOUT)
                            };
                            assert!(r.is_ok(), "put failed: {:?}", r.err().map(|e| e.error));
                        }
                    })
                })
                .collect();
            let consumers: Vec<_> = (0..SIDE)
                .map(|c| {
                    let q = q.clone();
                    thread::spawn(move || {
                        let mut got = Vec::new();
                        for k in 0..total / SIDE + usize::from(c < total % SIDE) {
                            let item = match k % 3 {
                                0 => q.get().unwrap(),
                                1 => q.get_timeout(LONG_TIMEOUT).expect("consumer starved"),
                                _ => loop {
                                    match q.get_nowait() {
                                        Ok(item) => break item,
                                        Err(_) => std::thread::yield_now(),
                                    }
                                },
                            };
                            got.push(item);
                        }
                        got
                    })
                })
                .collect();
            let mut all = join_producers_consumers(producers, consumers);
            assert!(q.empty(), "maxsize {maxsize}: items left over");
            all.sort_unstable();
            assert_eq!(
                all.len(),
                total,
                "maxsize {maxsize}: items lost or duplicated"
            );
            assert!(
                all.iter().enumerate().all(|(i, &v)| i == v),
                "maxsize {maxsize}: items lost or duplicated"
            );
        }
    })
}

/// `queue::Queue` handoffs that sleep, one side at a time. Two threads pass a count back and
/// forth through two queues, and every 16th pass the passer first sleeps a millisecond, so the
/// other side's bounded spin runs out and it sleeps in `get`. Then a stream through a
/// `Queue(1)`, whose consumer sleeps a millisecond every 16th item, so the producer sleeps in
/// `put` on the full queue, and whose producer sleeps every 16th item, so the consumer sleeps
/// on the empty one. Each wake-up then rests on the check for sleepers that follows a put or a
/// get (`Sleepers::any_sleeper` in `src/queue/fifo.rs`, a SeqCst load): one it missed would
/// leave a `get_timeout` or `put_timeout` waiting out `LONG_TIMEOUT`, which fails the test.
#[crate::common::test]
fn stress_queue_handoffs_that_sleep() {
    use pythreading::queue::Queue;
    use std::time::Duration;
    with_timeout(STRESS_SECS, || {
        let rounds = stress_iters(1_000);
        let nap = || thread::sleep(Duration::from_millis(1));
        for maxsize in [0, 1] {
            let (there, back) = (Queue::new(maxsize), Queue::new(maxsize));
            let (there2, back2) = (there.clone(), back.clone());
            let echo = thread::spawn(move || {
                for k in 0..rounds {
                    let v: usize = there2.get_timeout(LONG_TIMEOUT).expect("echo starved");
                    assert_eq!(v, k, "maxsize {maxsize}: out of order");
                    if k % 16 == 0 {
                        nap();
                    }
                    assert!(back2.put_timeout(v, LONG_TIMEOUT).is_ok(), "echo's put");
                }
            });
            for k in 0..rounds {
                if k % 16 == 8 {
                    nap();
                }
                assert!(there.put_timeout(k, LONG_TIMEOUT).is_ok(), "put");
                let v = back.get_timeout(LONG_TIMEOUT).expect("starved");
                assert_eq!(v, k, "maxsize {maxsize}: out of order");
            }
            echo.join().unwrap();
            assert!(there.empty() && back.empty());
        }
        let q: Queue<usize> = Queue::new(1);
        let q2 = q.clone();
        let consumer = thread::spawn(move || {
            for k in 0..rounds * 4 {
                if k % 16 == 0 {
                    nap();
                }
                assert_eq!(q2.get_timeout(LONG_TIMEOUT).expect("consumer starved"), k);
            }
        });
        for k in 0..rounds * 4 {
            if k % 16 == 8 {
                nap();
            }
            assert!(q.put_timeout(k, LONG_TIMEOUT).is_ok(), "producer starved");
        }
        consumer.join().unwrap();
        assert!(q.empty());
    })
}

/// `ThreadPoolExecutor` under two submitting threads, each waiting on its futures with
/// `result()` and `result(timeout)` while a third cancels some of them: every future ends
/// either cancelled (its task never ran) or finished with its own value, and the tasks that
/// ran are exactly the futures that finished. Exercises a `Future`'s lazily made done-`Event`
/// (`src/futures/future.rs`) racing with `finish` and `cancel`.
#[crate::common::test]
fn stress_executor_results_and_cancels() {
    use pythreading::futures::ThreadPoolExecutor;
    use pythreading::Error;
    with_timeout(STRESS_SECS, || {
        let n = stress_iters(20_000);
        let ex = Arc::new(ThreadPoolExecutor::new(Some(THREADS)).unwrap());
        let ran = Arc::new(AtomicUsize::new(0));
        let submitters: Vec<_> = (0..2)
            .map(|s| {
                let (ex, ran) = (ex.clone(), ran.clone());
                thread::spawn(move || {
                    let (cancel_tx, cancel_rx) = std::sync::mpsc::channel();
                    let canceller = thread::spawn(move || {
                        for (k, f) in cancel_rx.into_iter().enumerate() {
                            let f: pythreading::futures::Future<usize> = f;
                            if k % 3 == 0 {
                                f.cancel();
                            }
                        }
                    });
                    let mut finished = 0;
                    for batch in 0..n / 100 {
                        let fs: Vec<_> = (0..100)
                            .map(|i| {
                                let v = (s * n + batch * 100 + i) * 2;
                                let ran = ran.clone();
                                let f = ex
                                    .submit(move || {
                                        ran.fetch_add(1, Ordering::Relaxed);
                                        v
                                    })
                                    .unwrap();
                                cancel_tx.send(f.clone()).unwrap();
                                (v, f)
                            })
                            .collect();
                        for (k, (v, f)) in fs.into_iter().enumerate() {
                            let r = if k % 2 == 0 {
                                f.result()
                            } else {
                                f.result_timeout(LONG_TIMEOUT)
                            };
                            match r {
                                Ok(got) => {
                                    assert_eq!(got, v);
                                    finished += 1;
                                }
                                Err(Error::Cancelled) => assert!(f.cancelled()),
                                Err(e) => panic!("unexpected {e:?}"),
                            }
                        }
                    }
                    drop(cancel_tx);
                    canceller.join().expect("canceller panicked");
                    finished
                })
            })
            .collect();
        let finished: usize = submitters
            .into_iter()
            .map(|s| s.join().expect("submitter panicked"))
            .sum();
        ex.shutdown(true, false);
        assert_eq!(
            ran.load(Ordering::Relaxed),
            finished,
            "a cancelled task ran"
        );
    })
}

/// Joins the producers, then the consumers, and returns every item the consumers got.
fn join_producers_consumers(
    producers: Vec<thread::JoinHandle<()>>,
    consumers: Vec<thread::JoinHandle<Vec<usize>>>,
) -> Vec<usize> {
    for p in producers {
        p.join().expect("producer panicked");
    }
    let mut all = Vec::new();
    for c in consumers {
        all.extend(c.join().expect("consumer panicked"));
    }
    all
}
