//! `concurrent.futures` conformance, thread-pool half: CPython's
//! `Lib/test/test_concurrent_futures/` (`test_future.py`: CF-01 to CF-09; `executor.py` and
//! `test_thread_pool.py`: CF-10 to CF-21; `test_shutdown.py`: CF-22 to CF-32; `test_wait.py`:
//! CF-33 to CF-39; `test_as_completed.py`: CF-40 to CF-44; `test_init.py`: CF-45, CF-46) and
//! the Rust-side promises CF-47 (a panicking task) and CF-48 (workers in `enumerate()`).
//!
//! Python's tests raise exceptions inside tasks; a Rust task "raises" by panicking, which the
//! executor can only catch with unwinding. Those tests carry the gate
//! `cfg_attr(not(panic = "unwind"), ignore = "needs unwinding: ...")` (every wasm target is
//! built with `panic = "abort"` today). Where a test only needs a future that failed, it makes
//! one with `Future::set_exception` and runs everywhere.
//!
//! Not applicable: CF-32 (the interpreter-exit tests run a child Python process), CF-44 (the
//! timeout message: `Error::Timeout` carries none).

// Futures hash by identity, which their interior mutability does not change; the tests compare
// sets of them as CPython's do.
#![allow(clippy::mutable_key_type)]

mod common;

use common::platform as thread;
use common::{count, counter, wait_until, watchdog, DropCount, Log};
use pythreading as threading;
use pythreading::futures::{as_completed, wait, Future, ThreadPoolExecutor, Wait};
use pythreading::Error;
use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

// ---- util.py's ready-made futures ------------------------------------------------------------

fn pending() -> Future<i32> {
    Future::new()
}

fn running() -> Future<i32> {
    let f = Future::new();
    assert_eq!(f.set_running_or_notify_cancel(), Ok(true));
    f
}

fn cancelled() -> Future<i32> {
    let f = Future::new();
    assert!(f.cancel());
    f
}

/// Python's `EXCEPTION_FUTURE` (`OSError`): here a `Value` error.
fn exception() -> Future<i32> {
    let f = Future::new();
    f.set_exception(Error::Value("OSError".into())).unwrap();
    f
}

/// Python's `SUCCESSFUL_FUTURE` (result 42).
fn successful() -> Future<i32> {
    let f = Future::new();
    f.set_result(42).unwrap();
    f
}

/// A future that some helper thread completes after `ms` milliseconds (Python's tasks that
/// sleep, then return or raise), so that no test here needs a task to panic.
fn completes_later(ms: u64, r: pythreading::Result<i32>) -> Future<i32> {
    let f = Future::new();
    let f2 = f.clone();
    threading::Thread::builder()
        .daemon(true)
        .target(move || {
            thread::sleep(Duration::from_millis(ms));
            let _ = match r {
                Ok(v) => f2.set_result(v),
                Err(e) => f2.set_exception(e),
            };
        })
        .build()
        .start()
        .unwrap();
    f
}

fn set_of(fs: &[Future<i32>]) -> HashSet<Future<i32>> {
    fs.iter().cloned().collect()
}

// ---- test_future.py ----------------------------------------------------------------------------

/// CF-01a: `test_done_callback_with_result`.
#[crate::common::test]
fn cf_01a_done_callback_with_result() {
    let got = Log::new();
    let f = Future::new();
    let g = got.clone();
    f.add_done_callback(move |fut| g.push(fut.result()));
    f.set_result(5).unwrap();
    assert_eq!(got.get(), [Ok(5)]);
}

/// CF-01b: `test_done_callback_with_exception`.
#[crate::common::test]
fn cf_01b_done_callback_with_exception() {
    let got = Log::new();
    let f = Future::<i32>::new();
    let g = got.clone();
    f.add_done_callback(move |fut| g.push(fut.exception()));
    f.set_exception(Error::Value("test".into())).unwrap();
    assert_eq!(got.get(), [Some(Error::Value("test".into()))]);
}

/// CF-01c: `test_done_callback_with_cancel`.
#[crate::common::test]
fn cf_01c_done_callback_with_cancel() {
    let got = Log::new();
    let f = Future::<i32>::new();
    let g = got.clone();
    f.add_done_callback(move |fut| g.push(fut.cancelled()));
    assert!(f.cancel());
    assert_eq!(got.get(), [true]);
}

/// CF-02a: `test_done_callback_raises`: a panicking callback does not stop the next one.
#[crate::common::test]
#[cfg_attr(
    not(panic = "unwind"),
    ignore = "needs unwinding: the future catches the callback's panic"
)]
fn cf_02a_done_callback_raises() {
    let (raising, other) = (counter(), counter());
    let f = Future::new();
    let r = raising.clone();
    f.add_done_callback(move |_| {
        r.fetch_add(1, Ordering::SeqCst);
        panic!("doh!");
    });
    let o = other.clone();
    f.add_done_callback(move |_| {
        o.fetch_add(1, Ordering::SeqCst);
    });
    f.set_result(5).unwrap();
    assert_eq!((count(&raising), count(&other)), (1, 1));
    assert_eq!(f.result(), Ok(5));
}

/// CF-02b: `test_done_callback_raises_already_succeeded`: run at once, the panic is caught.
#[crate::common::test]
#[cfg_attr(
    not(panic = "unwind"),
    ignore = "needs unwinding: the future catches the callback's panic"
)]
fn cf_02b_done_callback_raises_already_succeeded() {
    let f = successful();
    f.add_done_callback(|_| panic!("doh!"));
    assert_eq!(f.result(), Ok(42));
}

/// CF-03a..c: `test_done_callback_already_successful` / `_failed` / `_cancelled`: the
/// callback runs at once, in the caller.
#[crate::common::test]
fn cf_03_done_callback_already_done() {
    let got = Log::new();
    let g = got.clone();
    successful().add_done_callback(move |f| g.push(format!("{:?}", f.result())));
    let g = got.clone();
    exception().add_done_callback(move |f| g.push(format!("{:?}", f.exception())));
    let g = got.clone();
    cancelled().add_done_callback(move |f| g.push(format!("{}", f.cancelled())));
    assert_eq!(
        got.get(),
        ["Ok(42)", "Some(Value(\"OSError\"))", "true"],
        "CF-03a, CF-03b, CF-03c"
    );
}

/// CF-04: `test_repr`.
#[crate::common::test]
fn cf_04_repr() {
    let check = |f: Future<i32>, state: &str| {
        let r = format!("{f:?}");
        assert!(r.starts_with("<Future at 0x"), "{r}");
        assert!(r.ends_with(&format!(" state={state}>")), "{r}");
    };
    check(pending(), "pending");
    check(running(), "running");
    check(cancelled(), "cancelled");
    check(exception(), "finished raised ValueError");
    check(successful(), "finished returned i32");
}

/// CF-05: `test_cancel`: pending and cancelled futures cancel (true), running and finished
/// ones do not (false), and their state is unchanged.
#[crate::common::test]
fn cf_05_cancel() {
    let f1 = pending();
    assert!(f1.cancel());
    assert!(f1.cancelled());
    let f2 = running();
    assert!(!f2.cancel());
    assert!(f2.running());
    let f3 = cancelled();
    assert!(f3.cancel());
    assert!(f3.cancelled());
    let f5 = exception();
    assert!(!f5.cancel());
    assert!(f5.done() && !f5.cancelled());
    let f6 = successful();
    assert!(!f6.cancel());
    assert_eq!(f6.result(), Ok(42));
}

/// CF-06: `test_cancelled`, `test_done`, `test_running`.
#[crate::common::test]
fn cf_06_cancelled_done_running() {
    // (future, cancelled, done, running)
    let table = [
        (pending(), false, false, false),
        (running(), false, false, true),
        (cancelled(), true, true, false),
        (exception(), false, true, false),
        (successful(), false, true, false),
    ];
    for (f, c, d, r) in table {
        assert_eq!((f.cancelled(), f.done(), f.running()), (c, d, r), "{f:?}");
    }
}

/// CF-07a: `test_result_with_timeout`.
#[crate::common::test]
fn cf_07a_result_with_timeout() {
    assert_eq!(pending().result_timeout(0), Err(Error::Timeout));
    assert_eq!(running().result_timeout(0), Err(Error::Timeout));
    assert_eq!(cancelled().result_timeout(0), Err(Error::Cancelled));
    assert_eq!(
        exception().result_timeout(0),
        Err(Error::Value("OSError".into()))
    );
    assert_eq!(successful().result_timeout(0), Ok(42));
    // Bad timeouts.
    assert!(matches!(
        pending().result_timeout(f64::NAN),
        Err(Error::Value(_))
    ));
    assert!(matches!(
        pending().result_timeout(1e300),
        Err(Error::Overflow(_))
    ));
    assert_eq!(pending().result_timeout(-1.0), Err(Error::Timeout));
}

/// CF-07b: `test_result_with_success`: `result(timeout=5)` waits for another thread's
/// `set_result`.
#[crate::common::test]
fn cf_07b_result_with_success() {
    watchdog(|| {
        let f = completes_later(100, Ok(42));
        assert_eq!(f.result_timeout(5.0), Ok(42));
    })
}

/// CF-07c: `test_result_with_cancel`: a waiting `result()` returns `Cancelled`.
#[crate::common::test]
fn cf_07c_result_with_cancel() {
    watchdog(|| {
        let f = pending();
        let f2 = f.clone();
        let t = thread::spawn(move || {
            thread::sleep(Duration::from_millis(100));
            f2.cancel()
        });
        assert_eq!(f.result_timeout(30.0), Err(Error::Cancelled));
        assert!(t.join().unwrap());
    })
}

/// CF-08a: `test_exception_with_timeout`.
#[crate::common::test]
fn cf_08a_exception_with_timeout() {
    assert_eq!(pending().exception_timeout(0), Err(Error::Timeout));
    assert_eq!(running().exception_timeout(0), Err(Error::Timeout));
    assert_eq!(cancelled().exception_timeout(0), Ok(Some(Error::Cancelled)));
    assert_eq!(
        exception().exception_timeout(0),
        Ok(Some(Error::Value("OSError".into())))
    );
    assert_eq!(successful().exception_timeout(0), Ok(None));
}

/// CF-08b: `test_exception_with_success`: `exception()` waits for the error.
#[crate::common::test]
fn cf_08b_exception_with_success() {
    watchdog(|| {
        let f = completes_later(100, Err(Error::Value("OSError".into())));
        assert_eq!(f.exception(), Some(Error::Value("OSError".into())));
    })
}

/// CF-09a: `test_multiple_set_result`: the second is an InvalidStateError naming the state.
#[crate::common::test]
fn cf_09a_multiple_set_result() {
    let f = pending();
    f.set_result(1).unwrap();
    match f.set_result(2) {
        Err(Error::Runtime(m)) => {
            assert!(
                m.contains("InvalidStateError: FINISHED: <Future at 0x"),
                "{m}"
            );
            assert!(m.contains("state=finished returned i32>"), "{m}");
        }
        other => panic!("expected InvalidStateError, got {other:?}"),
    }
    assert!(f.done());
    assert_eq!(f.result(), Ok(1));
}

/// CF-09b: `test_multiple_set_exception`.
#[crate::common::test]
fn cf_09b_multiple_set_exception() {
    let f = pending();
    f.set_exception(Error::Value("first".into())).unwrap();
    match f.set_exception(Error::Runtime("second".into())) {
        Err(Error::Runtime(m)) => {
            assert!(m.contains("state=finished raised ValueError>"), "{m}")
        }
        other => panic!("expected InvalidStateError, got {other:?}"),
    }
    assert_eq!(f.exception(), Some(Error::Value("first".into())));
}

// ---- executor.py, test_thread_pool.py ------------------------------------------------------------

fn executor() -> ThreadPoolExecutor {
    // util.py's ThreadPoolMixin: worker_count = 5.
    ThreadPoolExecutor::new(Some(5)).unwrap()
}

/// CF-10: `test_submit`.
#[crate::common::test]
fn cf_10_submit() {
    watchdog(|| {
        let ex = executor();
        assert_eq!(ex.submit(|| 2i64.pow(8)).unwrap().result(), Ok(256));
    })
}

/// CF-11a: `test_map`: results in order.
#[crate::common::test]
fn cf_11a_map() {
    watchdog(|| {
        let ex = executor();
        let got: Vec<u64> = ex
            .map(|i: u32| u64::from(i).pow(i), 0..10)
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        let want: Vec<u64> = (0..10u32).map(|i| u64::from(i).pow(i)).collect();
        assert_eq!(got, want);
    })
}

/// CF-11b: `test_map_exception`: the third result is the task's error (a division by zero).
#[crate::common::test]
#[cfg_attr(
    not(panic = "unwind"),
    ignore = "needs unwinding: the executor catches the task's panic"
)]
fn cf_11b_map_exception() {
    watchdog(|| {
        let ex = executor();
        let divisors = [2, 3, 0, 5];
        let mut it = ex.map(|d: i32| (1 / d, 1 % d), divisors).unwrap();
        assert_eq!(it.next(), Some(Ok((0, 1))));
        assert_eq!(it.next(), Some(Ok((0, 1))));
        match it.next() {
            Some(Err(Error::Panic(m))) => assert!(m.contains("divide by zero"), "{m}"),
            other => panic!("expected the task's panic, got {other:?}"),
        }
    })
}

/// CF-12: `test_map_timeout`: the results that came in time, then TimeoutError.
#[crate::common::test]
fn cf_12_map_timeout() {
    watchdog(|| {
        let ex = executor();
        let gate = threading::Event::new();
        let g = gate.clone();
        let mut results = Vec::new();
        let mut timed_out = false;
        for r in ex
            .map_timeout(
                move |ms: u32| {
                    if ms > 0 {
                        g.wait();
                    }
                },
                [0, 0, 6000],
                0.5,
            )
            .unwrap()
        {
            match r {
                Ok(v) => results.push(v),
                Err(Error::Timeout) => timed_out = true,
                Err(e) => panic!("unexpected {e:?}"),
            }
        }
        gate.set();
        assert!(timed_out, "expected TimeoutError");
        assert_eq!(results, [(), ()]);
    })
}

/// CF-13: `test_shutdown_race_issue12456`: map more tasks than workers, then shut down.
#[crate::common::test]
fn cf_13_shutdown_race() {
    watchdog(|| {
        let ex = executor();
        let _ = ex.map(|x: i32| x.to_string(), vec![2; 6]).unwrap();
        ex.shutdown(true, false);
    })
}

/// CF-14: `test_no_stale_references`: once a discarded task ran, the executor keeps nothing
/// of it (its captures are dropped).
#[crate::common::test]
fn cf_14_no_stale_references() {
    watchdog(|| {
        let ex = executor();
        let drops = counter();
        let obj = DropCount(drops.clone());
        drop(
            ex.submit(move || {
                let _o = obj;
            })
            .unwrap(),
        );
        assert!(
            common::poll_until(30.0, || count(&drops) == 1),
            "stale reference not dropped"
        );
    })
}

/// CF-15: `test_max_workers_negative`: 0 is ValueError (negative numbers do not type-check).
#[crate::common::test]
fn cf_15_max_workers_zero() {
    match ThreadPoolExecutor::new(Some(0)) {
        Err(Error::Value(m)) => assert!(m.contains("max_workers must be greater than 0")),
        other => panic!("expected ValueError, got {other:?}"),
    }
    assert!(matches!(
        ThreadPoolExecutor::builder().max_workers(0).build(),
        Err(Error::Value(_))
    ));
}

/// CF-16: `test_free_reference`: the map iterator keeps no reference to a result it yielded.
/// As CPython's test, the last reference may take a moment to go (`sleeping_retry`): the
/// worker that set the result drops its handle on the future just after waking the iterator.
#[crate::common::test]
fn cf_16_free_reference() {
    watchdog(|| {
        let ex = executor();
        for obj in ex.map(|_: i32| Arc::new(()), 0..10).unwrap() {
            let wr = Arc::downgrade(&obj.unwrap());
            wait_until("the yielded result is freed", || wr.upgrade().is_none());
        }
    })
}

/// CF-17: `test_map_submits_without_iteration` (issue 11777).
#[crate::common::test]
fn cf_17_map_submits_without_iteration() {
    watchdog(|| {
        let ex = executor();
        let finished = Log::new();
        let f2 = finished.clone();
        let it = ex.map(move |n: i32| f2.push(n), 0..10).unwrap();
        ex.shutdown(true, false);
        let mut got = finished.get();
        got.sort();
        assert_eq!(got, (0..10).collect::<Vec<_>>());
        drop(it);
    })
}

/// CF-18: `test_default_workers`: `min(32, cpu_count + 4)`.
#[crate::common::test]
fn cf_18_default_workers() {
    let ex = ThreadPoolExecutor::new(None).unwrap();
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    assert_eq!(ex.max_workers(), 32.min(cpus + 4));
}

/// CF-19: `test_saturation`: 15 × max_workers blocked tasks start exactly max_workers threads.
#[crate::common::test]
fn cf_19_saturation() {
    watchdog(|| {
        let ex = ThreadPoolExecutor::new(Some(4)).unwrap();
        let sem = threading::Semaphore::new(0);
        for _ in 0..15 * ex.max_workers() {
            let s = sem.clone();
            ex.submit(move || {
                s.acquire();
            })
            .unwrap();
        }
        assert_eq!(ex.threads().len(), ex.max_workers());
        sem.release(15 * ex.max_workers()).unwrap();
        ex.shutdown(true, false);
    })
}

/// CF-20: `test_idle_thread_reuse`: sequential tasks reuse the one idle worker.
#[crate::common::test]
fn cf_20_idle_thread_reuse() {
    watchdog(|| {
        let ex = ThreadPoolExecutor::new(None).unwrap();
        // A worker counts itself idle only after it completed the future and found the queue
        // empty; CPython's test relies on the GIL's schedule for that ("flaky without the
        // GIL"), this one gives the worker 100 ms.
        let settle = || thread::sleep(Duration::from_millis(100));
        assert_eq!(ex.submit(|| 21 * 2).unwrap().result(), Ok(42));
        settle();
        assert_eq!(ex.submit(|| 6 * 7).unwrap().result(), Ok(42));
        settle();
        assert_eq!(ex.submit(|| 3 * 14).unwrap().result(), Ok(42));
        assert_eq!(ex.threads().len(), 1);
        ex.shutdown(true, false);
    })
}

/// CF-21: `test_executor_map_current_future_cancel`: a map that times out cancels the
/// future it timed out on and the ones after it.
#[crate::common::test]
fn cf_21_map_current_future_cancel() {
    watchdog(|| {
        let stop = threading::Event::new();
        let log = Log::new();
        let log_n_wait = {
            let (stop, log) = (stop.clone(), log.clone());
            move |ident: &'static str| {
                log.push(format!("{ident} started"));
                stop.wait();
                log.push(format!("{ident} stopped"));
            }
        };
        let ex = ThreadPoolExecutor::new(Some(1)).unwrap();
        let l2 = log_n_wait.clone();
        let fut = ex.submit(move || l2("first")).unwrap();
        {
            let mut gen = ex
                .map_timeout(log_n_wait, ["second", "third"], 0.0)
                .unwrap();
            assert_eq!(gen.next(), Some(Err(Error::Timeout)));
        }
        stop.set();
        fut.result().unwrap();
        ex.shutdown(true, false);
        assert_eq!(log.get(), ["first started", "first stopped"]);
    })
}

// ---- test_shutdown.py ------------------------------------------------------------------------------

/// CF-22: `test_run_after_shutdown`: RuntimeError.
#[crate::common::test]
fn cf_22_run_after_shutdown() {
    let ex = executor();
    ex.shutdown(true, false);
    match ex.submit(|| 2i32.pow(5)) {
        Err(Error::Runtime(m)) => assert!(m.contains("cannot schedule new futures after shutdown")),
        other => panic!("expected RuntimeError, got {other:?}"),
    }
}

/// CF-23: `test_hang_issue12364`: shutdown with 50 queued tasks; every result arrives.
#[crate::common::test]
fn cf_23_hang_issue12364() {
    watchdog(|| {
        let ex = executor();
        let fs: Vec<_> = (0..50)
            .map(|_| {
                ex.submit(|| thread::sleep(Duration::from_millis(10)))
                    .unwrap()
            })
            .collect();
        ex.shutdown(true, false);
        for f in fs {
            f.result().unwrap();
        }
    })
}

/// CF-24: `test_cancel_futures`: `shutdown(cancel_futures=True)` cancels most queued tasks;
/// the others finish without error, and at least one does.
#[crate::common::test]
fn cf_24_cancel_futures() {
    watchdog(|| {
        let ex = executor();
        // CPython relies on a worker having taken a task by the time shutdown runs; wait
        // until one has, so the run does not depend on the scheduler.
        let started = threading::Event::new();
        let fs: Vec<_> = (0..50)
            .map(|_| {
                let started = started.clone();
                ex.submit(move || {
                    started.set();
                    thread::sleep(Duration::from_millis(100))
                })
                .unwrap()
            })
            .collect();
        assert!(started.wait_timeout(10.0).unwrap(), "no task started");
        ex.shutdown(true, true);
        let n_cancelled = fs.iter().filter(|f| f.cancelled()).count();
        assert!(n_cancelled > 20, "only {n_cancelled} cancelled");
        let others: Vec<_> = fs.iter().filter(|f| !f.cancelled()).collect();
        for f in &others {
            assert!(f.done(), "{f:?}");
            assert_eq!(f.exception(), None);
        }
        assert!(!others.is_empty());
    })
}

/// CF-25: `test_hang_gh94440`: a task submitted and cancelled right before `shutdown(wait)`
/// does not hang it.
#[crate::common::test]
fn cf_25_hang_gh94440() {
    watchdog(|| {
        let ex = ThreadPoolExecutor::new(Some(1)).unwrap();
        ex.submit(|| 0).unwrap().result().unwrap();
        ex.submit(|| 0).unwrap().cancel();
        ex.shutdown(true, false);
    })
}

/// CF-26: `test_threads_terminate`: three blocked tasks, three threads; after `shutdown()`
/// they end.
#[crate::common::test]
fn cf_26_threads_terminate() {
    watchdog(|| {
        let ex = executor();
        let sem = threading::Semaphore::new(0);
        for _ in 0..3 {
            let s = sem.clone();
            ex.submit(move || {
                s.acquire();
            })
            .unwrap();
        }
        assert_eq!(ex.threads().len(), 3);
        sem.release(3).unwrap();
        ex.shutdown(true, false);
        for t in ex.threads() {
            t.join().unwrap();
            assert!(!t.is_alive());
        }
    })
}

/// CF-27: `test_context_manager_shutdown`: leaving the scope (drop) shuts down and joins.
#[crate::common::test]
fn cf_27_context_manager_shutdown() {
    watchdog(|| {
        let threads;
        {
            let ex = ThreadPoolExecutor::new(Some(5)).unwrap();
            let got: Vec<i32> = ex
                .map(|x: i32| x.abs(), -5..5)
                .unwrap()
                .map(|r| r.unwrap())
                .collect();
            assert_eq!(got, [5, 4, 3, 2, 1, 0, 1, 2, 3, 4]);
            threads = ex.threads();
        }
        for t in threads {
            assert!(!t.is_alive(), "drop joined the workers");
        }
    })
}

/// CF-28: `test_del_shutdown`: results are all computed although the executor is gone.
#[crate::common::test]
fn cf_28_del_shutdown() {
    watchdog(|| {
        let ex = ThreadPoolExecutor::new(Some(5)).unwrap();
        let res = ex.map(|x: i32| x.abs(), -5..5).unwrap();
        let threads = ex.threads();
        drop(ex);
        for t in threads {
            t.join().unwrap();
        }
        let got: Vec<i32> = res.map(|r| r.unwrap()).collect();
        assert_eq!(got, (-5..5).map(|v: i32| v.abs()).collect::<Vec<_>>());
    })
}

/// CF-29: `test_shutdown_no_wait`: the workers still end, the results are all computed.
#[crate::common::test]
fn cf_29_shutdown_no_wait() {
    watchdog(|| {
        let ex = ThreadPoolExecutor::new(Some(5)).unwrap();
        let res = ex.map(|x: i32| x.abs(), -5..5).unwrap();
        let threads = ex.threads();
        ex.shutdown(false, false);
        for t in threads {
            t.join().unwrap();
        }
        let got: Vec<i32> = res.map(|r| r.unwrap()).collect();
        assert_eq!(got, (-5..5).map(|v: i32| v.abs()).collect::<Vec<_>>());
    })
}

/// `^PREFIX_[0-4]$`.
fn assert_worker_name(name: &str, prefix_ok: impl Fn(&str) -> bool) {
    let (prefix, n) = name.rsplit_once('_').unwrap_or(("", ""));
    assert!(prefix_ok(prefix), "{name}");
    assert!(matches!(n, "0" | "1" | "2" | "3" | "4"), "{name}");
}

/// CF-30: `test_thread_names_assigned`: `SpecialPool_0` to `SpecialPool_4`.
#[crate::common::test]
fn cf_30_thread_names_assigned() {
    watchdog(|| {
        let ex = ThreadPoolExecutor::builder()
            .max_workers(5)
            .thread_name_prefix("SpecialPool")
            .build()
            .unwrap();
        let _ = ex.map(|x: i32| x.abs(), -5..5).unwrap();
        let threads = ex.threads();
        drop(ex);
        assert!(!threads.is_empty());
        for t in threads {
            assert_worker_name(&t.name(), |p| p == "SpecialPool");
            t.join().unwrap();
        }
    })
}

/// CF-31: `test_thread_names_default`: `ThreadPoolExecutor-N_M`.
#[crate::common::test]
fn cf_31_thread_names_default() {
    watchdog(|| {
        let ex = ThreadPoolExecutor::new(Some(5)).unwrap();
        let _ = ex.map(|x: i32| x.abs(), -5..5).unwrap();
        let threads = ex.threads();
        drop(ex);
        for t in threads {
            assert_worker_name(&t.name(), |p| {
                p.strip_prefix("ThreadPoolExecutor-")
                    .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
            });
            t.join().unwrap();
        }
    })
}

// ---- test_wait.py ----------------------------------------------------------------------------------

/// CF-33: `test_first_completed`.
#[crate::common::test]
fn cf_33_first_completed() {
    watchdog(|| {
        let ex = executor();
        let gate = threading::Event::new();
        let g = gate.clone();
        let f1 = ex.submit(|| 21 * 2).unwrap();
        let f2 = ex
            .submit(move || {
                g.wait();
                0
            })
            .unwrap();
        let (done, not_done) =
            wait(vec![f1.clone(), f2.clone()], None, Wait::FirstCompleted).unwrap();
        gate.set();
        assert_eq!(set_of(&done), set_of(&[f1]));
        assert_eq!(set_of(&not_done), set_of(&[f2]));
    })
}

/// CF-34: `test_first_completed_some_already_completed`.
#[crate::common::test]
fn cf_34_first_completed_some_already_completed() {
    watchdog(|| {
        let (c, s) = (cancelled(), successful());
        let f1 = pending();
        let (done, not_done) = wait(
            vec![c.clone(), s.clone(), f1.clone()],
            None,
            Wait::FirstCompleted,
        )
        .unwrap();
        assert_eq!(set_of(&done), set_of(&[c, s]));
        assert_eq!(set_of(&not_done), set_of(&[f1]));
    })
}

/// CF-35: `test_first_exception`: returns at the first error, with what finished before it.
#[crate::common::test]
fn cf_35_first_exception() {
    watchdog(|| {
        let f1 = successful();
        let f2 = completes_later(100, Err(Error::Value("raised".into())));
        let f3 = pending();
        let (done, not_done) = wait(
            vec![f1.clone(), f2.clone(), f3.clone()],
            None,
            Wait::FirstException,
        )
        .unwrap();
        assert_eq!(set_of(&done), set_of(&[f1, f2]));
        assert_eq!(set_of(&not_done), set_of(&[f3]));
    })
}

/// CF-36: `test_first_exception_some_already_complete`.
#[crate::common::test]
fn cf_36_first_exception_some_already_complete() {
    watchdog(|| {
        let (s, c) = (successful(), cancelled());
        let f1 = completes_later(50, Err(Error::Value("ZeroDivisionError".into())));
        let f2 = pending();
        let (done, not_done) = wait(
            vec![s.clone(), c.clone(), f1.clone(), f2.clone()],
            None,
            Wait::FirstException,
        )
        .unwrap();
        assert_eq!(set_of(&done), set_of(&[s, c, f1]));
        assert_eq!(set_of(&not_done), set_of(&[f2]));
    })
}

/// CF-37: `test_first_exception_one_already_failed`.
#[crate::common::test]
fn cf_37_first_exception_one_already_failed() {
    watchdog(|| {
        let e = exception();
        let f1 = pending();
        let (done, not_done) =
            wait(vec![e.clone(), f1.clone()], None, Wait::FirstException).unwrap();
        assert_eq!(set_of(&done), set_of(&[e]));
        assert_eq!(set_of(&not_done), set_of(&[f1]));
    })
}

/// CF-38: `test_all_completed`.
#[crate::common::test]
fn cf_38_all_completed() {
    watchdog(|| {
        let ex = executor();
        let (s, c, e) = (successful(), cancelled(), exception());
        let f1 = ex.submit(|| 2 * 21).unwrap();
        let f2 = ex.submit(|| 7 * 6).unwrap();
        let all = vec![s, c, e, f1, f2];
        let (done, not_done) = wait(all.clone(), None, Wait::AllCompleted).unwrap();
        assert_eq!(set_of(&done), set_of(&all));
        assert!(not_done.is_empty());
    })
}

/// CF-39: `test_timeout`: after the timeout, what is done and what is not.
#[crate::common::test]
fn cf_39_timeout() {
    watchdog(|| {
        let ex = executor();
        let (c, e, s) = (cancelled(), exception(), successful());
        let f1 = ex.submit(|| 6 * 7).unwrap();
        f1.result().unwrap();
        let f2 = pending();
        let (done, not_done) = wait(
            vec![c.clone(), e.clone(), s.clone(), f1.clone(), f2.clone()],
            Some(0.1),
            Wait::AllCompleted,
        )
        .unwrap();
        assert_eq!(set_of(&done), set_of(&[c, e, s, f1]));
        assert_eq!(set_of(&not_done), set_of(&[f2]));
        assert!(matches!(
            wait(vec![pending()], Some(f64::NAN), Wait::AllCompleted),
            Err(Error::Value(_))
        ));
    })
}

// ---- test_as_completed.py ----------------------------------------------------------------------

/// CF-40: `test_no_timeout`.
#[crate::common::test]
fn cf_40_as_completed_no_timeout() {
    watchdog(|| {
        let ex = executor();
        let f1 = ex.submit(|| 2 * 21).unwrap();
        let f2 = ex.submit(|| 7 * 6).unwrap();
        let all = vec![cancelled(), exception(), successful(), f1, f2];
        let got: Vec<_> = as_completed(all.clone(), None)
            .unwrap()
            .map(|f| f.unwrap())
            .collect();
        assert_eq!(got.len(), all.len());
        assert_eq!(set_of(&got), set_of(&all));
    })
}

/// CF-41: `test_future_times_out`: the done futures come out, then TimeoutError (timeouts 0
/// and 0.01).
#[crate::common::test]
fn cf_41_as_completed_future_times_out() {
    watchdog(|| {
        let never = pending();
        for timeout in [0.0, 0.01] {
            let done = vec![cancelled(), exception(), successful()];
            let mut fs = done.clone();
            fs.push(never.clone());
            let mut got = Vec::new();
            let mut timed_out = false;
            for f in as_completed(fs, Some(timeout)).unwrap() {
                match f {
                    Ok(f) => got.push(f),
                    Err(Error::Timeout) => timed_out = true,
                    Err(e) => panic!("unexpected {e:?}"),
                }
            }
            assert!(timed_out);
            assert_eq!(set_of(&got), set_of(&done));
        }
    })
}

/// CF-42: `test_duplicate_futures`: a future given three times comes out once.
#[crate::common::test]
fn cf_42_as_completed_duplicate_futures() {
    watchdog(|| {
        let f1 = completes_later(50, Ok(1));
        let got: Vec<_> = as_completed(vec![f1.clone(), f1.clone(), f1.clone()], None)
            .unwrap()
            .collect();
        assert_eq!(got, [Ok(f1)]);
    })
}

/// CF-43: `test_free_reference_yielded_future`: the iterator keeps no reference to a future
/// it yielded (here: the future's result is dropped as soon as the caller drops the future).
#[crate::common::test]
fn cf_43_as_completed_free_reference() {
    watchdog(|| {
        let drops = counter();
        let mut list: Vec<Future<DropCount>> = (0..8).map(|_| Future::new()).collect();
        let c = Future::new();
        assert!(c.cancel());
        list.push(c);
        let s = Future::new();
        s.set_result(DropCount(drops.clone())).unwrap();
        list.push(s);
        let mut timed_out = false;
        for f in as_completed(list.clone(), Some(0.0)).unwrap() {
            match f {
                Ok(f) => {
                    // Dropping the last handle of the finished one drops its DropCount.
                    list.retain(|x| x != &f);
                    drop(f);
                }
                Err(Error::Timeout) => timed_out = true,
                Err(e) => panic!("unexpected {e:?}"),
            }
        }
        assert!(timed_out);
        assert_eq!(count(&drops), 1, "the yielded future was not freed");
        // The rest complete one by one.
        list[0].set_result(DropCount(drops.clone())).unwrap();
        let mut it = as_completed(list.clone(), None).unwrap();
        for f in it.by_ref() {
            let f = f.unwrap();
            list.retain(|x| x != &f);
            drop(f);
            if let Some(next) = list.first() {
                next.set_result(DropCount(drops.clone())).unwrap();
            }
        }
        drop(it);
        assert!(list.is_empty());
        assert_eq!(count(&drops), 9);
    })
}

// ---- test_init.py ------------------------------------------------------------------------------

/// CF-45: `test_initializer`: every worker runs the initializer before its tasks (a
/// thread-local it sets is seen by every task).
#[crate::common::test]
fn cf_45_initializer() {
    watchdog(|| {
        let status: threading::Local<&'static str> = threading::Local::new();
        let s2 = status.clone();
        let ex = ThreadPoolExecutor::builder()
            .max_workers(5)
            .initializer(move || s2.set("initialized"))
            .build()
            .unwrap();
        let fs: Vec<_> = (0..5)
            .map(|_| {
                let s = status.clone();
                ex.submit(move || s.get()).unwrap()
            })
            .collect();
        for f in fs {
            assert_eq!(f.result(), Ok(Some("initialized")));
        }
    })
}

/// CF-46: `FailingInitializerMixin.test_initializer`: a panicking initializer breaks the
/// pool: queued tasks fail with BrokenThreadPool, and so does a later submit.
#[crate::common::test]
#[cfg_attr(
    not(panic = "unwind"),
    ignore = "needs unwinding: the worker catches the initializer's panic"
)]
fn cf_46_failing_initializer() {
    watchdog(|| {
        let ex = ThreadPoolExecutor::builder()
            .max_workers(5)
            .initializer(|| panic!("error in initializer"))
            .build()
            .unwrap();
        // A submit may already see the pool broken (the first worker's initializer can fail
        // before the last submit, as under wasmtime): then it fails with the same error.
        let fs: Vec<_> = (0..5)
            .filter_map(|_| match ex.submit(|| 1) {
                Ok(f) => Some(f),
                Err(e) => {
                    assert!(format!("{e:?}").contains("BrokenThreadPool"), "{e:?}");
                    None
                }
            })
            .collect();
        for f in fs {
            match f.result() {
                Err(Error::Runtime(m)) => assert!(m.contains("BrokenThreadPool"), "{m}"),
                other => panic!("expected BrokenThreadPool, got {other:?}"),
            }
        }
        // The pool is broken for good.
        assert!(common::poll_until(30.0, || ex.submit(|| 1).is_err()));
        match ex.submit(|| 1) {
            Err(Error::Runtime(m)) => assert!(m.contains("BrokenThreadPool"), "{m}"),
            other => panic!("expected BrokenThreadPool, got {other:?}"),
        }
    })
}

// ---- the crate's own promises ----------------------------------------------------------------

/// CF-47: a panicking task finishes its future with `Error::Panic(message)`; the excepthook
/// is not called; the worker carries on with the next task.
#[crate::common::test]
#[cfg_attr(
    not(panic = "unwind"),
    ignore = "needs unwinding: the executor catches the task's panic"
)]
fn cf_47_panicking_task() {
    static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _serial = common::serial(&SERIAL);
    watchdog(|| {
        let hook_calls = Arc::new(AtomicUsize::new(0));
        let h = hook_calls.clone();
        threading::set_excepthook(move |_| {
            h.fetch_add(1, Ordering::SeqCst);
        });
        let ex = ThreadPoolExecutor::new(Some(1)).unwrap();
        let bad = ex.submit(|| -> i32 { panic!("task failed") }).unwrap();
        let good = ex.submit(|| 7).unwrap();
        assert_eq!(bad.result(), Err(Error::Panic("task failed".into())));
        assert_eq!(bad.exception(), Some(Error::Panic("task failed".into())));
        assert_eq!(good.result(), Ok(7), "the worker carried on");
        assert_eq!(ex.threads().len(), 1);
        ex.shutdown(true, false);
        common::reset_excepthook();
        assert_eq!(
            hook_calls.load(Ordering::SeqCst),
            0,
            "the excepthook was called"
        );
    })
}

/// CF-48: the workers are the crate's threads: alive, named, in `enumerate()`.
#[crate::common::test]
fn cf_48_workers_in_enumerate() {
    watchdog(|| {
        let ex = ThreadPoolExecutor::builder()
            .max_workers(2)
            .thread_name_prefix("cf48")
            .build()
            .unwrap();
        let name = ex
            .submit(|| threading::current_thread().name())
            .unwrap()
            .result()
            .unwrap();
        assert_eq!(name, "cf48_0");
        let workers = ex.threads();
        let all = threading::enumerate();
        for w in &workers {
            assert!(w.is_alive());
            assert!(all.contains(w), "{w:?} not in enumerate()");
        }
        ex.shutdown(true, false);
        let all = threading::enumerate();
        for w in &workers {
            assert!(
                !all.contains(w),
                "{w:?} still in enumerate() after shutdown"
            );
        }
    })
}
