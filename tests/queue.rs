//! `queue` conformance: CPython's `test_queue.py` (3.13): `BaseQueueTestMixin` for `Queue`,
//! `LifoQueue` and `PriorityQueue` (QU-*, one generic suite instantiated per class), the
//! `FailingQueueTest`'s Rust analogue (QU-19: a failed put hands its item back) and
//! `BaseSimpleQueueTest` (SQ-*), plus bad-input checks.
//!
//! Not applicable (see docs/behaviours.md): SQ-08 (`SimpleQueue` is the C class: Python-only)
//! and SQ-09 (re-entrant `put` from a `__del__` run by the garbage collector: Python-only; the
//! nearest Rust case, an item whose `Drop` uses the queue, is `qu_09_immediate_drops_items_
//! outside_the_lock`).
//!
//! Thread counts: CPython's many-thread tests use 50 producers and 50 consumers; here 10 and
//! 10 (every crate thread is a Web Worker in browsers), which still has every thread contend.

mod common;

use common::platform as thread;
use common::{assert_timeout, count, counter, timed, watchdog, DropCount, Log};
use pythreading as threading;
use pythreading::queue::{LifoQueue, PriorityQueue, PutError, Queue, SimpleQueue};
use pythreading::Error;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// CPython's `QUEUE_SIZE`.
const QUEUE_SIZE: usize = 5;

/// The three classes of `BaseQueueTestMixin`, over one item type.
trait TestQueue: Clone + Send + Sync + 'static {
    /// The order `get` returns 111, 333, 222 in (CPython's `target_order`).
    const ORDER: [i64; 3];
    fn make(maxsize: usize) -> Self;
    fn put(&self, x: i64) -> Result<(), PutError<i64>>;
    fn put_timeout(&self, x: i64, t: f64) -> Result<(), PutError<i64>>;
    fn put_nowait(&self, x: i64) -> Result<(), PutError<i64>>;
    fn get(&self) -> pythreading::Result<i64>;
    fn get_timeout(&self, t: f64) -> pythreading::Result<i64>;
    fn get_nowait(&self) -> pythreading::Result<i64>;
    fn task_done(&self) -> pythreading::Result<()>;
    fn join(&self) -> pythreading::Result<()>;
    fn shutdown(&self, immediate: bool);
    fn is_shutdown(&self) -> bool;
    fn qsize(&self) -> usize;
    fn empty(&self) -> bool;
    fn full(&self) -> bool;
    fn maxsize(&self) -> usize;
    fn set_maxsize(&self, n: usize);
    fn unfinished_tasks(&self) -> usize;
}

macro_rules! impl_test_queue {
    ($t:ident, $order:expr) => {
        impl TestQueue for $t<i64> {
            const ORDER: [i64; 3] = $order;
            fn make(maxsize: usize) -> Self {
                $t::new(maxsize)
            }
            fn put(&self, x: i64) -> Result<(), PutError<i64>> {
                $t::put(self, x)
            }
            fn put_timeout(&self, x: i64, t: f64) -> Result<(), PutError<i64>> {
                $t::put_timeout(self, x, t)
            }
            fn put_nowait(&self, x: i64) -> Result<(), PutError<i64>> {
                $t::put_nowait(self, x)
            }
            fn get(&self) -> pythreading::Result<i64> {
                $t::get(self)
            }
            fn get_timeout(&self, t: f64) -> pythreading::Result<i64> {
                $t::get_timeout(self, t)
            }
            fn get_nowait(&self) -> pythreading::Result<i64> {
                $t::get_nowait(self)
            }
            fn task_done(&self) -> pythreading::Result<()> {
                $t::task_done(self)
            }
            fn join(&self) -> pythreading::Result<()> {
                $t::join(self)
            }
            fn shutdown(&self, immediate: bool) {
                $t::shutdown(self, immediate)
            }
            fn is_shutdown(&self) -> bool {
                $t::is_shutdown(self)
            }
            fn qsize(&self) -> usize {
                $t::qsize(self)
            }
            fn empty(&self) -> bool {
                $t::empty(self)
            }
            fn full(&self) -> bool {
                $t::full(self)
            }
            fn maxsize(&self) -> usize {
                $t::maxsize(self)
            }
            fn set_maxsize(&self, n: usize) {
                $t::set_maxsize(self, n)
            }
            fn unfinished_tasks(&self) -> usize {
                $t::unfinished_tasks(self)
            }
        }
    };
}

impl_test_queue!(Queue, [111, 333, 222]);
impl_test_queue!(LifoQueue, [222, 333, 111]);
impl_test_queue!(PriorityQueue, [111, 222, 333]);

/// CPython's `qfull(q)`.
fn qfull<Q: TestQueue>(q: &Q) -> bool {
    q.maxsize() > 0 && q.qsize() == q.maxsize()
}

/// CPython's `do_blocking_test`: a trigger thread sleeps 0.1 s, records that it started, then
/// calls `trigger`; meanwhile `block` runs here and must not return before the trigger began.
fn blocking_test<R>(block: impl FnOnce() -> R, trigger: impl FnOnce() + Send + 'static) -> R {
    let started = Arc::new(AtomicBool::new(false));
    let s2 = started.clone();
    let t = thread::spawn(move || {
        thread::sleep(Duration::from_millis(100));
        s2.store(true, Ordering::SeqCst);
        trigger();
    });
    let r = block();
    assert!(
        started.load(Ordering::SeqCst),
        "blocking function appeared not to block"
    );
    t.join().expect("the trigger thread");
    r
}

/// The generic suite `BaseQueueTestMixin`, one function per CPython test; `queue_suite!`
/// instantiates it for a class.
mod suite {
    use super::*;

    fn basic_queue_test<Q: TestQueue>(q: &Q) {
        assert_eq!(q.qsize(), 0, "call this function with an empty queue");
        assert!(q.empty());
        assert!(!q.full());
        // QU-01a: the class's order.
        q.put(111).unwrap();
        q.put(333).unwrap();
        q.put(222).unwrap();
        let actual = [q.get().unwrap(), q.get().unwrap(), q.get().unwrap()];
        assert_eq!(actual, Q::ORDER, "didn't seem to queue the correct data");
        // QU-01b: qsize counts, full once maxsize items are in.
        for i in 0..QUEUE_SIZE as i64 - 1 {
            q.put(i).unwrap();
            assert!(q.qsize() > 0, "queue should not be empty");
        }
        assert!(!qfull(q), "queue should not be full");
        let last = 2 * QUEUE_SIZE as i64;
        let full = 3 * 2 * QUEUE_SIZE as i64;
        q.put(last).unwrap();
        assert!(qfull(q), "queue should be full");
        assert!(!q.empty());
        assert!(q.full());
        // QU-01c: a full queue refuses non-blocking and timed puts with Full.
        let e = q.put_nowait(full).unwrap_err();
        assert_eq!((e.error, e.item), (Error::Full, full));
        let (r, dt) = timed(|| q.put_timeout(full, 0.01));
        assert_eq!(r.unwrap_err().error, Error::Full);
        assert_timeout(dt, 0.01);
        // QU-01d: a blocking put (plain and with a long timeout) waits for a get.
        let q2 = q.clone();
        blocking_test(
            || q.put(full).unwrap(),
            move || {
                q2.get().unwrap();
            },
        );
        let q2 = q.clone();
        blocking_test(
            || q.put_timeout(full, 10.0).unwrap(),
            move || {
                q2.get().unwrap();
            },
        );
        for _ in 0..QUEUE_SIZE {
            q.get().unwrap();
        }
        assert_eq!(q.qsize(), 0, "queue should be empty");
        // QU-01e: an empty queue refuses non-blocking and timed gets with Empty.
        assert_eq!(q.get_nowait(), Err(Error::Empty));
        let (r, dt) = timed(|| q.get_timeout(0.01));
        assert_eq!(r, Err(Error::Empty));
        assert_timeout(dt, 0.01);
        // QU-01f: a blocking get (plain and with a long timeout) waits for a put.
        let q2 = q.clone();
        assert_eq!(
            blocking_test(|| q.get(), move || q2.put(-7).unwrap()),
            Ok(-7)
        );
        let q2 = q.clone();
        assert_eq!(
            blocking_test(|| q.get_timeout(10.0), move || q2.put(-8).unwrap()),
            Ok(-8)
        );
    }

    /// QU-01: `test_basic`, twice on the same queue.
    pub fn qu_01_basic<Q: TestQueue>() {
        watchdog(|| {
            let q = Q::make(QUEUE_SIZE);
            basic_queue_test(&q);
            basic_queue_test(&q);
        })
    }

    /// QU-02: `test_queue_task_done`: `task_done()` on a fresh queue is ValueError.
    pub fn qu_02_task_done_too_many<Q: TestQueue>() {
        let q = Q::make(0);
        let e = q.task_done().unwrap_err();
        assert!(
            matches!(e, Error::Value(ref m) if m.contains("too many")),
            "{e:?}"
        );
        assert_eq!(q.unfinished_tasks(), 0, "the count is unchanged");
        // One put allows exactly one task_done.
        q.put(1).unwrap();
        q.task_done().unwrap();
        assert!(matches!(q.task_done(), Err(Error::Value(_))));
    }

    fn queue_join_test<Q: TestQueue>(q: &Q) {
        let cum = Arc::new(std::sync::atomic::AtomicI64::new(0));
        let workers: Vec<_> = (0..2)
            .map(|_| {
                let (q, cum) = (q.clone(), cum.clone());
                thread::spawn(move || loop {
                    let x = q.get().unwrap();
                    if x < 0 {
                        q.task_done().unwrap();
                        return;
                    }
                    cum.fetch_add(x, Ordering::SeqCst);
                    q.task_done().unwrap();
                })
            })
            .collect();
        for i in 0..100 {
            q.put(i).unwrap();
        }
        q.join().unwrap();
        assert_eq!(
            cum.load(Ordering::SeqCst),
            (0..100).sum::<i64>(),
            "q.join() did not block until all tasks were done"
        );
        for _ in 0..2 {
            q.put(-1).unwrap(); // instruct the threads to close
        }
        q.join().unwrap(); // joining twice works
        for w in workers {
            w.join().expect("a worker");
        }
    }

    /// QU-03: `test_queue_join`: `join()` returns once every item is done; twice; then
    /// `task_done()` is ValueError.
    pub fn qu_03_join<Q: TestQueue>() {
        watchdog(|| {
            let q = Q::make(0);
            queue_join_test(&q);
            queue_join_test(&q);
            assert!(matches!(q.task_done(), Err(Error::Value(_))));
        })
    }

    /// QU-04: `test_negative_timeout_raises_exception`, plus NaN and too large: Value /
    /// Overflow, the item handed back, the queue unchanged.
    pub fn qu_04_bad_timeouts<Q: TestQueue>() {
        let q = Q::make(QUEUE_SIZE);
        let e = q.put_timeout(1, -1.0).unwrap_err();
        assert_eq!(e.item, 1);
        assert!(
            matches!(e.error, Error::Value(ref m) if m.contains("non-negative")),
            "{e:?}"
        );
        assert!(matches!(q.get_timeout(-1.0), Err(Error::Value(_))));
        assert!(matches!(
            q.put_timeout(1, -0.5).unwrap_err().error,
            Error::Value(_)
        ));
        assert!(matches!(
            q.put_timeout(1, f64::NAN).unwrap_err().error,
            Error::Value(_)
        ));
        assert!(matches!(q.get_timeout(f64::NAN), Err(Error::Value(_))));
        assert!(matches!(
            q.put_timeout(1, 1e300).unwrap_err().error,
            Error::Overflow(_)
        ));
        assert!(matches!(q.get_timeout(1e300), Err(Error::Overflow(_))));
        assert_eq!(q.qsize(), 0);
        assert_eq!(q.unfinished_tasks(), 0);
        // A zero timeout polls.
        q.put_timeout(5, 0.0).unwrap();
        assert_eq!(q.get_timeout(0.0), Ok(5));
        assert_eq!(q.get_timeout(0.0), Err(Error::Empty));
        // A timeout as a Duration, and TIMEOUT_MAX itself, are accepted.
        q.put(6).unwrap();
        assert_eq!(q.get_timeout(threading::TIMEOUT_MAX), Ok(6));
    }

    /// QU-05: `test_nowait`.
    pub fn qu_05_nowait<Q: TestQueue>() {
        let q = Q::make(QUEUE_SIZE);
        for _ in 0..QUEUE_SIZE {
            q.put_nowait(1).unwrap();
        }
        assert_eq!(q.put_nowait(1).unwrap_err().error, Error::Full);
        for _ in 0..QUEUE_SIZE {
            q.get_nowait().unwrap();
        }
        assert_eq!(q.get_nowait(), Err(Error::Empty));
    }

    /// QU-06: `test_shrinking_queue` (issue 10110).
    pub fn qu_06_shrinking_queue<Q: TestQueue>() {
        let q = Q::make(3);
        for i in 1..=3 {
            q.put(i).unwrap();
        }
        assert_eq!(q.put_nowait(4).unwrap_err().error, Error::Full);
        assert_eq!(q.qsize(), 3);
        q.set_maxsize(2); // shrink the queue
        assert_eq!(q.put_nowait(4).unwrap_err().error, Error::Full);
        assert_eq!(q.maxsize(), 2);
    }

    /// QU-07: `test_shutdown_empty`.
    pub fn qu_07_shutdown_empty<Q: TestQueue>() {
        let q = Q::make(0);
        q.shutdown(false);
        assert_eq!(q.put(1).unwrap_err().error, Error::ShutDown);
        assert_eq!(q.get(), Err(Error::ShutDown));
    }

    /// QU-08: `test_shutdown_nonempty`.
    pub fn qu_08_shutdown_nonempty<Q: TestQueue>() {
        let q = Q::make(0);
        q.put(1).unwrap();
        q.shutdown(false);
        assert_eq!(q.get(), Ok(1));
        assert_eq!(q.get(), Err(Error::ShutDown));
    }

    /// QU-09: `test_shutdown_immediate`.
    pub fn qu_09_shutdown_immediate<Q: TestQueue>() {
        let q = Q::make(0);
        q.put(1).unwrap();
        q.shutdown(true);
        assert_eq!(q.get(), Err(Error::ShutDown));
        assert_eq!(q.qsize(), 0);
    }

    /// QU-10: `test_shutdown_allowed_transitions`.
    pub fn qu_10_shutdown_transitions<Q: TestQueue>() {
        let q = Q::make(0);
        assert!(!q.is_shutdown());
        q.shutdown(false);
        assert!(q.is_shutdown());
        q.shutdown(true);
        assert!(q.is_shutdown());
        q.shutdown(false);
        assert!(q.is_shutdown());
    }

    fn shutdown_all_methods_in_one_thread<Q: TestQueue>(immediate: bool) {
        let q = Q::make(2);
        q.put(1).unwrap();
        q.put_nowait(2).unwrap();
        q.shutdown(immediate);
        assert_eq!(q.put(3).unwrap_err().error, Error::ShutDown);
        assert_eq!(q.put_nowait(4).unwrap_err().error, Error::ShutDown);
        if immediate {
            assert_eq!(q.get(), Err(Error::ShutDown));
            assert_eq!(q.get_nowait(), Err(Error::ShutDown));
            assert!(matches!(q.task_done(), Err(Error::Value(_))));
            q.join().unwrap();
        } else {
            assert!([1, 2].contains(&q.get().unwrap()));
            q.task_done().unwrap();
            assert!([1, 2].contains(&q.get().unwrap()));
            q.task_done().unwrap();
            q.join().unwrap();
            // Shut down and empty: every get form is ShutDown.
            assert_eq!(q.get(), Err(Error::ShutDown));
            assert_eq!(q.get_nowait(), Err(Error::ShutDown));
            assert_eq!(q.get_timeout(1.0), Err(Error::ShutDown));
        }
    }

    /// QU-11a: `test_shutdown_all_methods_in_one_thread`.
    pub fn qu_11a_shutdown_all_methods_in_one_thread<Q: TestQueue>() {
        watchdog(|| shutdown_all_methods_in_one_thread::<Q>(false))
    }

    /// QU-11b: `test_shutdown_immediate_all_methods_in_one_thread`.
    pub fn qu_11b_shutdown_immediate_all_methods_in_one_thread<Q: TestQueue>() {
        watchdog(|| shutdown_all_methods_in_one_thread::<Q>(true))
    }

    fn shutdown_all_methods_in_many_threads<Q: TestQueue>(immediate: bool) {
        let q = Q::make(0);
        let (write_threads, read_threads, join_threads) = (4, 6, 2);
        let nb_msgs = common::stress_iters(1024 * 64);
        let nb_msgs_w = nb_msgs / write_threads;
        let when_exec_shutdown = nb_msgs_w / 2;
        let nparties = write_threads + read_threads + if immediate { join_threads } else { 0 };
        let barrier = threading::Barrier::new(nparties).unwrap();
        let ev_shutdown = threading::Event::new();
        let (res_puts, res_gets, res_shutdown) = (Log::new(), Log::new(), Log::new());
        let mut ps = Vec::new();
        for _ in 0..write_threads {
            let (q, b, ev, res) = (
                q.clone(),
                barrier.clone(),
                ev_shutdown.clone(),
                res_puts.clone(),
            );
            ps.push(thread::spawn(move || {
                for i in 0..when_exec_shutdown / 2 {
                    q.put(i as i64).unwrap();
                }
                b.wait().unwrap();
                for i in when_exec_shutdown / 2..nb_msgs_w {
                    if q.put(i as i64).is_err() {
                        res.push(false);
                        break;
                    }
                    if i == when_exec_shutdown && !ev.is_set() {
                        ev.set();
                        res.push(true);
                    }
                }
            }));
        }
        for _ in 0..read_threads {
            let (q, b, res) = (q.clone(), barrier.clone(), res_gets.clone());
            ps.push(thread::spawn(move || {
                q.get().unwrap();
                q.task_done().unwrap();
                b.wait().unwrap();
                loop {
                    match q.get_nowait() {
                        Ok(_) => q.task_done().unwrap(),
                        Err(Error::ShutDown) => {
                            res.push(true);
                            break;
                        }
                        Err(Error::Empty) => {}
                        Err(e) => panic!("unexpected {e:?}"),
                    }
                }
            }));
        }
        {
            let (q, ev, res) = (q.clone(), ev_shutdown.clone(), res_shutdown.clone());
            ps.push(thread::spawn(move || {
                ev.wait();
                q.shutdown(immediate);
                res.push(q.qsize() == 0);
            }));
        }
        if immediate {
            for _ in 0..join_threads {
                let (q, b) = (q.clone(), barrier.clone());
                ps.push(thread::spawn(move || {
                    b.wait().unwrap();
                    q.join().unwrap();
                }));
            }
        }
        for p in ps {
            p.join().expect("a worker");
        }
        assert!(res_puts.get().contains(&true));
        assert_eq!(res_gets.get().iter().filter(|&&r| r).count(), read_threads);
        if immediate {
            assert_eq!(res_shutdown.get(), [true]);
            assert!(q.empty());
        }
    }

    /// QU-12a: `test_shutdown_all_methods_in_many_threads`.
    pub fn qu_12a_shutdown_all_methods_in_many_threads<Q: TestQueue>() {
        watchdog(|| shutdown_all_methods_in_many_threads::<Q>(false))
    }

    /// QU-12b: `test_shutdown_immediate_all_methods_in_many_threads`.
    pub fn qu_12b_shutdown_immediate_all_methods_in_many_threads<Q: TestQueue>() {
        watchdog(|| shutdown_all_methods_in_many_threads::<Q>(true))
    }

    fn shutdown_get<Q: TestQueue>(immediate: bool) {
        let q = Q::make(2);
        let go = threading::Event::new();
        let results = Log::new();
        q.put(1).unwrap();
        q.put(2).unwrap(); // full
        let n = if immediate { 2 } else { 3 };
        let threads: Vec<_> = (0..n)
            .map(|_| {
                let (q, go, results) = (q.clone(), go.clone(), results.clone());
                thread::spawn(move || {
                    go.wait();
                    // true: got an item; false: ShutDown.
                    match q.get() {
                        Ok(_) => results.push(true),
                        Err(Error::ShutDown) => results.push(false),
                        Err(e) => panic!("unexpected {e:?}"),
                    }
                })
            })
            .collect();
        q.shutdown(immediate);
        go.set();
        for t in threads {
            t.join().expect("a getter");
        }
        let mut r = results.get();
        r.sort();
        if immediate {
            assert_eq!(r, [false, false], "an immediate shutdown drops the items");
        } else {
            assert_eq!(r, [false, true, true], "the two items, then ShutDown");
        }
    }

    /// QU-13a: `test_shutdown_get`.
    pub fn qu_13a_shutdown_get<Q: TestQueue>() {
        watchdog(|| shutdown_get::<Q>(false))
    }

    /// QU-13b: `test_shutdown_immediate_get`.
    pub fn qu_13b_shutdown_immediate_get<Q: TestQueue>() {
        watchdog(|| shutdown_get::<Q>(true))
    }

    fn shutdown_put<Q: TestQueue>(immediate: bool) {
        let q = Q::make(2);
        let go = threading::Event::new();
        q.put(1).unwrap();
        q.put(2).unwrap(); // full
        let threads: Vec<_> = [3, 4]
            .into_iter()
            .map(|x| {
                let (q, go) = (q.clone(), go.clone());
                thread::spawn(move || {
                    go.wait();
                    q.put(x)
                })
            })
            .collect();
        q.shutdown(immediate);
        go.set();
        for (t, x) in threads.into_iter().zip([3, 4]) {
            let e = t.join().expect("a putter").unwrap_err();
            assert_eq!((e.error, e.item), (Error::ShutDown, x));
        }
    }

    /// QU-14a: `test_shutdown_put`.
    pub fn qu_14a_shutdown_put<Q: TestQueue>() {
        watchdog(|| shutdown_put::<Q>(false))
    }

    /// QU-14b: `test_shutdown_immediate_put`.
    pub fn qu_14b_shutdown_immediate_put<Q: TestQueue>() {
        watchdog(|| shutdown_put::<Q>(true))
    }

    fn shutdown_join<Q: TestQueue>(immediate: bool) {
        let q = Q::make(0);
        q.put(1).unwrap();
        let go = threading::Event::new();
        let mut threads: Vec<_> = (0..2)
            .map(|_| {
                let q = q.clone();
                thread::spawn(move || q.join())
            })
            .collect();
        if !immediate {
            let (q, go) = (q.clone(), go.clone());
            threads.push(thread::spawn(move || {
                go.wait();
                q.get().map(|_| ())?;
                q.task_done()
            }));
        }
        q.shutdown(immediate);
        go.set();
        for t in threads {
            assert_eq!(t.join().expect("a thread"), Ok(()));
        }
    }

    /// QU-15a: `test_shutdown_join`.
    pub fn qu_15a_shutdown_join<Q: TestQueue>() {
        watchdog(|| shutdown_join::<Q>(false))
    }

    /// QU-15b: `test_shutdown_immediate_join`.
    pub fn qu_15b_shutdown_immediate_join<Q: TestQueue>() {
        watchdog(|| shutdown_join::<Q>(true))
    }

    fn shutdown_put_join<Q: TestQueue>(immediate: bool) {
        let q = Q::make(2);
        let go = threading::Event::new();
        q.put(1).unwrap(); // not full
        let putter = {
            let (q, go) = (q.clone(), go.clone());
            thread::spawn(move || {
                go.wait();
                q.put(5).map_err(|e| e.error)
            })
        };
        let joiner = {
            let q = q.clone();
            thread::spawn(move || q.join())
        };
        assert_eq!(q.unfinished_tasks(), 1);
        q.shutdown(immediate);
        go.set();
        if immediate {
            assert_eq!(q.get_nowait(), Err(Error::ShutDown));
        } else {
            assert_eq!(q.get(), Ok(1));
            q.task_done().unwrap();
        }
        assert_eq!(putter.join().expect("the putter"), Err(Error::ShutDown));
        assert_eq!(joiner.join().expect("the joiner"), Ok(()));
    }

    /// QU-16a: `test_shutdown_put_join`.
    pub fn qu_16a_shutdown_put_join<Q: TestQueue>() {
        watchdog(|| shutdown_put_join::<Q>(false))
    }

    /// QU-16b: `test_shutdown_immediate_put_join`.
    pub fn qu_16b_shutdown_immediate_put_join<Q: TestQueue>() {
        watchdog(|| shutdown_put_join::<Q>(true))
    }

    /// QU-17: `test_shutdown_get_task_done_join`: after a plain shutdown, getters still drain
    /// the items and mark them done, and joiners return.
    pub fn qu_17_shutdown_get_task_done_join<Q: TestQueue>() {
        watchdog(|| {
            let q = Q::make(2);
            let go = threading::Event::new();
            q.put(1).unwrap();
            q.put(2).unwrap();
            assert_eq!(q.unfinished_tasks(), q.qsize());
            let mut threads = Vec::new();
            for _ in 0..2 {
                let (q, go) = (q.clone(), go.clone());
                threads.push(thread::spawn(move || {
                    go.wait();
                    q.get().map(|_| ())?;
                    q.task_done()
                }));
            }
            for _ in 0..2 {
                let q = q.clone();
                threads.push(thread::spawn(move || q.join()));
            }
            go.set();
            q.shutdown(false);
            for t in threads {
                assert_eq!(t.join().expect("a thread"), Ok(()));
            }
        })
    }

    /// QU-18: `test_shutdown_pending_get`: a get blocked on an empty queue wakes with ShutDown.
    pub fn qu_18_shutdown_pending_get<Q: TestQueue>() {
        watchdog(|| {
            let q = Q::make(0);
            let q2 = q.clone();
            let getter = thread::spawn(move || q2.get());
            common::wait_threads_blocked(1);
            q.shutdown(false);
            assert_eq!(getter.join().expect("the getter"), Err(Error::ShutDown));
        })
    }

    /// QU-19 (Rust analogue of `FailingQueueTest`): every failed put (Full from `put_nowait`
    /// and from a timed put, ShutDown before and while blocked, a bad timeout) hands its item
    /// back, and the queue is undamaged: it still takes and returns items in order.
    pub fn qu_19_failed_put_hands_item_back<Q: TestQueue>() {
        watchdog(|| {
            let q = Q::make(QUEUE_SIZE);
            for i in 0..QUEUE_SIZE as i64 {
                q.put(i).unwrap();
            }
            assert_eq!(q.put_nowait(100).unwrap_err().item, 100);
            assert_eq!(q.put_timeout(101, 0.01).unwrap_err().item, 101);
            assert_eq!(q.put_timeout(102, -3.0).unwrap_err().item, 102);
            assert_eq!(q.qsize(), QUEUE_SIZE);
            assert_eq!(q.unfinished_tasks(), QUEUE_SIZE);
            // Undamaged: a get makes room, a put fills it.
            q.get().unwrap();
            q.put(103).unwrap();
            assert!(qfull(&q));
            // ShutDown while blocked in put: the item comes back.
            let q2 = q.clone();
            let putter = thread::spawn(move || q2.put(104));
            common::wait_threads_blocked(1);
            q.shutdown(false);
            let e = putter.join().expect("the putter").unwrap_err();
            assert_eq!((e.error, e.item), (Error::ShutDown, 104));
            let e = q.put(105).unwrap_err();
            assert_eq!((e.error, e.item), (Error::ShutDown, 105));
            // The items already in the queue are still all there.
            let mut n = 0;
            while q.get_nowait().is_ok() {
                n += 1;
            }
            assert_eq!(n, QUEUE_SIZE);
        })
    }
}

/// One `#[test]` per suite function, for one class.
macro_rules! queue_suite {
    ($t:ty; $($name:ident),* $(,)?) => {
        $(
            #[crate::common::test]
            fn $name() {
                crate::suite::$name::<$t>()
            }
        )*
    };
}

macro_rules! queue_suite_all {
    ($t:ty) => {
        queue_suite!($t;
            qu_01_basic, qu_02_task_done_too_many, qu_03_join, qu_04_bad_timeouts, qu_05_nowait,
            qu_06_shrinking_queue, qu_07_shutdown_empty, qu_08_shutdown_nonempty,
            qu_09_shutdown_immediate, qu_10_shutdown_transitions,
            qu_11a_shutdown_all_methods_in_one_thread,
            qu_11b_shutdown_immediate_all_methods_in_one_thread,
            qu_12a_shutdown_all_methods_in_many_threads,
            qu_12b_shutdown_immediate_all_methods_in_many_threads, qu_13a_shutdown_get,
            qu_13b_shutdown_immediate_get, qu_14a_shutdown_put, qu_14b_shutdown_immediate_put,
            qu_15a_shutdown_join, qu_15b_shutdown_immediate_join, qu_16a_shutdown_put_join,
            qu_16b_shutdown_immediate_put_join, qu_17_shutdown_get_task_done_join,
            qu_18_shutdown_pending_get, qu_19_failed_put_hands_item_back,
        );
    };
}

/// QU-*: `QueueTest`.
mod queue {
    queue_suite_all!(pythreading::queue::Queue<i64>);
}

/// QU-*: `LifoQueueTest`.
mod lifo_queue {
    queue_suite_all!(pythreading::queue::LifoQueue<i64>);
}

/// QU-*: `PriorityQueueTest`.
mod priority_queue {
    queue_suite_all!(pythreading::queue::PriorityQueue<i64>);
}

/// QU-09: an immediate shutdown drops the items it removes (each one counted as a finished
/// task), and drops them after releasing the queue's lock: an item whose `Drop` uses the queue
/// does not deadlock.
#[crate::common::test]
fn qu_09_immediate_drops_items_outside_the_lock() {
    watchdog(|| {
        struct UsesQueue(Queue<UsesQueue>, #[allow(dead_code)] DropCount);
        impl Drop for UsesQueue {
            fn drop(&mut self) {
                // Would deadlock if the lock were held during the drop.
                assert!(self.0.is_shutdown());
                assert_eq!(self.0.qsize(), 0);
            }
        }
        let q: Queue<UsesQueue> = Queue::new(0);
        let drops = counter();
        for _ in 0..3 {
            q.put(UsesQueue(q.clone(), DropCount(drops.clone())))
                .map_err(|e| e.error)
                .unwrap();
        }
        assert_eq!(q.unfinished_tasks(), 3);
        q.shutdown(true);
        assert_eq!(count(&drops), 3);
        assert_eq!(q.unfinished_tasks(), 0);
        q.join().unwrap();
    })
}

/// Handles: clones are the same queue (`==`, hash by identity), and the `Debug` reads like
/// Python's default repr.
#[crate::common::test]
// Hash is by identity, which interior mutability does not change.
#[allow(clippy::mutable_key_type)]
fn queue_handles_are_identity_and_repr_like_python() {
    use std::collections::HashSet;
    let (a, b) = (Queue::<i64>::new(0), Queue::<i64>::new(0));
    assert_eq!(a, a.clone());
    assert_ne!(a, b);
    let set: HashSet<_> = [a.clone(), a.clone(), b.clone()].into_iter().collect();
    assert_eq!(set.len(), 2);
    a.clone().put(1).unwrap();
    assert_eq!(a.qsize(), 1, "a clone puts into the same queue");
    let repr = format!("{a:?}");
    assert!(repr.starts_with("<queue.Queue object at 0x"), "{repr}");
    assert!(format!("{:?}", LifoQueue::<i64>::new(0)).starts_with("<queue.LifoQueue object at "));
    assert!(format!("{:?}", PriorityQueue::<i64>::new(0))
        .starts_with("<queue.PriorityQueue object at "));
    assert!(
        format!("{:?}", SimpleQueue::<i64>::new()).starts_with("<_queue.SimpleQueue object at ")
    );
    // Errors read like Python's exception names.
    assert_eq!(Error::Full.to_string(), "Full");
    assert_eq!(Error::ShutDown.python_type(), "ShutDown");
    // `?` turns a PutError into the plain Error.
    let full = Queue::new(1);
    full.put(1).unwrap();
    let r = (|| -> pythreading::Result<()> {
        full.put_nowait(2)?;
        Ok(())
    })();
    assert_eq!(r, Err(Error::Full));
}

// ---- SimpleQueue (BaseSimpleQueueTest) ------------------------------------------------------

/// CPython's `feed`: puts the inputs, sleeping up to 1 ms now and then, then the sentinel.
fn feed(q: SimpleQueue<Option<i64>>, seq: Arc<std::sync::Mutex<Vec<i64>>>, seed: u64) {
    let mut rnd = seed;
    loop {
        // A small LCG stands in for `random.Random(42)`: the sleeps only vary the timing.
        rnd = rnd
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let val = seq.lock().unwrap().pop();
        match val {
            None => {
                q.put(None);
                return;
            }
            Some(v) => q.put(Some(v)),
        }
        if (rnd >> 33) % 2 == 0 {
            thread::sleep(Duration::from_micros((rnd >> 40) % 1000));
        }
    }
}

#[derive(Clone, Copy)]
enum Consume {
    Block,
    NonBlock,
    Timeout,
}

fn consume(q: SimpleQueue<Option<i64>>, results: Log<i64>, how: Consume) {
    loop {
        let val = match how {
            Consume::Block => q.get().unwrap(),
            Consume::NonBlock => loop {
                match q.get_nowait() {
                    Ok(v) => break v,
                    Err(Error::Empty) => thread::sleep(Duration::from_micros(10)),
                    Err(e) => panic!("unexpected {e:?}"),
                }
            },
            Consume::Timeout => loop {
                match q.get_timeout(1e-5) {
                    Ok(v) => break v,
                    Err(Error::Empty) => {}
                    Err(e) => panic!("unexpected {e:?}"),
                }
            },
        };
        match val {
            None => return,
            Some(v) => results.push(v),
        }
    }
}

/// CPython's `run_threads`: `n` feeders and `n` consumers over one queue; returns what the
/// consumers got. The queue is empty afterwards.
fn run_threads(n: usize, inputs: &[i64], how: Consume) -> Vec<i64> {
    let q = SimpleQueue::new();
    let results = Log::new();
    let mut seq = inputs.to_vec();
    seq.reverse();
    let seq = Arc::new(std::sync::Mutex::new(seq));
    let mut threads = Vec::new();
    for i in 0..n {
        let (q, seq) = (q.clone(), seq.clone());
        threads.push(thread::spawn(move || feed(q, seq, 42 + i as u64)));
    }
    for _ in 0..n {
        let (q, results) = (q.clone(), results.clone());
        threads.push(thread::spawn(move || consume(q, results, how)));
    }
    for t in threads {
        t.join().expect("a feeder or consumer");
    }
    assert!(q.empty());
    assert_eq!(q.qsize(), 0);
    results.get()
}

/// SQ-01: `test_basic`.
#[crate::common::test]
fn sq_01_basic() {
    let q = SimpleQueue::new();
    assert!(q.empty());
    assert_eq!(q.qsize(), 0);
    q.put(1);
    assert!(!q.empty());
    assert_eq!(q.qsize(), 1);
    q.put(2);
    q.put_nowait(3);
    q.put(4);
    assert_eq!(q.qsize(), 4);
    assert_eq!(q.get(), Ok(1));
    assert_eq!(q.qsize(), 3);
    assert_eq!(q.get_nowait(), Ok(2));
    assert_eq!(q.qsize(), 2);
    assert_eq!(q.get_nowait(), Ok(3)); // get(block=False)
    assert!(!q.empty());
    assert_eq!(q.get_timeout(0.1), Ok(4));
    assert!(q.empty());
    assert_eq!(q.get_nowait(), Err(Error::Empty));
    let (r, dt) = timed(|| q.get_timeout(1e-3));
    assert_eq!(r, Err(Error::Empty));
    assert!(dt < Duration::from_secs(5));
    assert!(q.empty());
}

/// SQ-02: `test_negative_timeout_raises_exception`, plus NaN and too large.
#[crate::common::test]
fn sq_02_bad_timeouts() {
    let q = SimpleQueue::new();
    q.put(1);
    assert!(matches!(q.get_timeout(-1.0), Err(Error::Value(ref m)) if m.contains("non-negative")));
    assert!(matches!(q.get_timeout(f64::NAN), Err(Error::Value(_))));
    assert!(matches!(q.get_timeout(1e300), Err(Error::Overflow(_))));
    assert_eq!(q.qsize(), 1, "a bad timeout leaves the queue unchanged");
    assert_eq!(q.get_timeout(Duration::from_millis(1)), Ok(1));
}

/// SQ-03: `test_order`: one producer, one consumer: the items arrive in order.
#[crate::common::test]
fn sq_03_order() {
    watchdog(|| {
        let inputs: Vec<i64> = (0..100).collect();
        assert_eq!(run_threads(1, &inputs, Consume::Block), inputs);
    })
}

/// SQ-04: `test_many_threads`: every item arrives exactly once.
#[crate::common::test]
fn sq_04_many_threads() {
    watchdog(|| {
        let inputs: Vec<i64> = (0..10_000).collect();
        let mut got = run_threads(10, &inputs, Consume::Block);
        got.sort();
        assert_eq!(got, inputs);
    })
}

/// SQ-05: `test_many_threads_nonblock`.
#[crate::common::test]
fn sq_05_many_threads_nonblock() {
    watchdog(|| {
        let inputs: Vec<i64> = (0..10_000).collect();
        let mut got = run_threads(10, &inputs, Consume::NonBlock);
        got.sort();
        assert_eq!(got, inputs);
    })
}

/// SQ-06: `test_many_threads_timeout`.
#[crate::common::test]
fn sq_06_many_threads_timeout() {
    watchdog(|| {
        let inputs: Vec<i64> = (0..1000).collect();
        let mut got = run_threads(10, &inputs, Consume::Timeout);
        got.sort();
        assert_eq!(got, inputs);
    })
}

/// SQ-07: `test_references`: the queue keeps no reference to an item once it is out.
#[crate::common::test]
fn sq_07_references() {
    let q = SimpleQueue::new();
    let items: Vec<Arc<()>> = (0..20).map(|_| Arc::new(())).collect();
    for it in &items {
        q.put(it.clone());
    }
    for it in &items {
        let got = q.get().unwrap();
        assert!(Arc::ptr_eq(&got, it));
        drop(got);
        assert_eq!(Arc::strong_count(it), 1, "the queue still holds the item");
    }
    // Also for Queue, LifoQueue and PriorityQueue (CPython checks SimpleQueue only).
    let q = Queue::new(0);
    let it = Arc::new(());
    q.put(it.clone()).unwrap();
    drop(q.get().unwrap());
    assert_eq!(Arc::strong_count(&it), 1);
}
