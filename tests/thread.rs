//! Conformance tests for `Thread`: CPython's `test_threading.ThreadTests` (T-xx) and
//! `ThreadingExceptionTests` (X-xx), see `docs/behaviours.md` sections 11 and 13.
//!
//! Where the tests run: everything here is platform-neutral (no filesystem, no subprocess).
//! T-13 with a panicking / `exit_thread` target, and the tests of what a panicking thread gives
//! back (its locks, its captures, stack and `Local` values, its stack: the last section), need
//! unwinding and are ignored in panic=abort builds (stable Rust on wasm); they run natively and
//! in the project's unwinding wasm builds. The test of a panicking thread's state runs
//! everywhere (under panic=abort the wasmtime host and the browser runtime report the trapped
//! thread).
//!
//! Foreign threads are `std::thread::spawn` (docs/behaviours.md: "foreign threads"); in browsers std cannot spawn,
//! so the tests that use it (their names or comments say "foreign") need the platform's raw
//! worker spawn there.
//!
//! Note: natively, cargo's test threads are *foreign* threads (not created by the crate); their
//! `current_thread()` is a daemonic dummy, so threads created directly in a
//! `#[crate::common::test]` default to daemon=true, exactly as in Python. Under wasm, libtest
//! runs every test on the main thread (non-daemon). So tests never assume either: they set `.daemon(..)` explicitly where the repr
//! or the flag matters, and use `in_foreign_thread` for foreign-thread behaviour.
//!
//! Covered here: T-01a-f, T-03a-d, T-04, T-05, T-06, T-07a-c, T-10, T-11, T-12, T-13, T-15,
//! T-19a-b, T-26, T-27, X-01, X-02 (from a crate thread and a foreign thread), X-03, X-04, X-05,
//! plus the Rust API: builder, `from_run`/`Run`, `run()`, `set_name`, daemon inheritance,
//! join timeout validation, identity (`Eq`/`Hash`).
//!
//! Covered elsewhere:
//! - T-08/T-28 (spawn failure leaves nothing registered): tests/main_thread.rs, because forcing
//!   a spawn failure needs a huge global `stack_size`, which would break tests running in
//!   parallel in this binary.
//! - T-09, J-01..J-03, X-06: tests/exit.rs (process exit, subprocesses).
//! - T-16, T-17a-c, X-02 on the main thread, T-18/T-25/T-29 portable parts: tests/main_thread.rs.
//! - T-21, T-23 (trace/profile hooks): tests/module.rs. T-20 is SB-03 (semaphore tests).
//!
//! Not applicable:
//! - T-02 (`args` as list or tuple): PY. Rust targets are closures that capture their arguments;
//!   there is no argument tuple to convert.
//! - T-14 (deprecated camelCase aliases with DeprecationWarning): PY, the API has no aliases.
//! - T-22, T-24 (`settrace_all_threads`/`setprofile_all_threads`, `sys.settrace` plumbing): not
//!   in the API; the crate's hooks only apply to threads started afterwards.
//! - T-29 running-daemon part (`PythonFinalizationError`): the crate has no finalization phase.
//! - X-07, X-08 (`sys.stderr` is None), X-09 (bare `raise`), X-10 (RecursionError): PY; a Rust
//!   stack overflow aborts the process.
//! - M-01 (`__all__`): PY. M-02 (OS-level thread name): not part of the API; the portable half
//!   of M-03 (renaming a running thread is visible) is `m03_set_name_from_inside_is_visible`.

mod common;

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use common::{
    auto_name, count, counter, expected_repr, in_foreign_thread, join_bounded, poll_until, serial,
    within, DropCount, Instant, BOUND,
};
use pythreading as threading;
use threading::{Error, Event, Thread};

/// Held by the tests that change the global stack size (T-05, T-06) and by the tests whose
/// threads panic: a panic report (with a backtrace when RUST_BACKTRACE is set) needs more stack
/// than the 256 KiB that T-05 sets for every thread started meanwhile.
static STACK_SIZE: Mutex<()> = Mutex::new(());

fn noop() {}

struct Assoc;
impl Assoc {
    fn assoc_target() {}
}

struct Generic<T>(T);
impl<T> Generic<T> {
    fn generic_target() {}
}

trait Job {
    fn trait_target();
}
impl Job for Assoc {
    fn trait_target() {}
}

fn suffix(t: &Thread) -> Option<String> {
    auto_name(&t.name(), "Thread")
        .unwrap_or_else(|| panic!("not an automatic name: {}", t.name()))
        .1
}

fn is_runtime<T: std::fmt::Debug>(r: threading::Result<T>) -> bool {
    matches!(r, Err(Error::Runtime(_)))
}

/// A thread that blocks on `gate` (bounded) so tests can look at it while it is alive.
fn gated(gate: &Event) -> Thread {
    let g = gate.clone();
    Thread::new(move || {
        let _ = g.wait_timeout(BOUND);
    })
}

// ---------------------------------------------------------------------------------------------
// T-01: names

#[crate::common::test]
fn t01a_t01b_explicit_name() {
    let t = Thread::builder().name("myname1").build();
    assert_eq!(t.name(), "myname1");
    // T-01b: Python converts a non-str name with str(); in Rust the caller does.
    let t = Thread::builder().name(123.to_string()).build();
    assert_eq!(t.name(), "123");
}

#[crate::common::test]
fn t01c_explicit_name_wins_over_target_name() {
    let t = Thread::builder().name("myname2").target(noop).build();
    assert_eq!(t.name(), "myname2");
}

#[crate::common::test]
fn t01d_empty_name_counts_as_unnamed() {
    let t = Thread::builder().name("").build();
    let (n, func) = auto_name(&t.name(), "Thread").unwrap_or_else(|| panic!("{}", t.name()));
    assert!(n > 0);
    assert_eq!(func, None);
}

#[crate::common::test]
fn t01e_unnamed_threads_get_thread_n_and_closures_get_no_suffix() {
    let a = Thread::builder().build();
    let b = Thread::new(|| {});
    let c = Thread::builder().target(|| {}).build();
    let mut last = 0;
    for t in [&a, &b, &c] {
        let (n, func) = auto_name(&t.name(), "Thread").unwrap_or_else(|| panic!("{}", t.name()));
        assert_eq!(
            func,
            None,
            "closure target must not add a suffix: {}",
            t.name()
        );
        // The counter is global (other tests run concurrently), so only monotony is certain.
        assert!(
            n > last,
            "Thread-N counter not increasing: {} after {last}",
            t.name()
        );
        last = n;
    }
}

#[crate::common::test]
fn t01f_fn_item_target_adds_its_name() {
    let a = Thread::new(noop);
    assert_eq!(
        auto_name(&a.name(), "Thread").unwrap().1.as_deref(),
        Some("noop"),
        "{}",
        a.name()
    );
    let b = Thread::builder().target(noop).build();
    assert_eq!(
        auto_name(&b.name(), "Thread").unwrap().1.as_deref(),
        Some("noop"),
        "{}",
        b.name()
    );
    assert!(auto_name(&b.name(), "Thread").unwrap().0 > auto_name(&a.name(), "Thread").unwrap().0);
    // Python uses the function's __name__ (not its qualified name).
    let c = Thread::new(Assoc::assoc_target);
    assert_eq!(
        auto_name(&c.name(), "Thread").unwrap().1.as_deref(),
        Some("assoc_target"),
        "{}",
        c.name()
    );
    a.start().unwrap();
    join_bounded(&a);
    assert!(
        a.name().ends_with(" (noop)"),
        "name changed by running: {}",
        a.name()
    );
}

#[crate::common::test]
fn t01f_suffix_is_the_function_name_not_a_type_or_path() {
    // Python's suffix is target.__name__: the function's own name, whatever its owner.
    assert_eq!(
        suffix(&Thread::new(Generic::<u8>::generic_target)).as_deref(),
        Some("generic_target")
    );
    assert_eq!(
        suffix(&Thread::new(<Assoc as Job>::trait_target)).as_deref(),
        Some("trait_target")
    );
    assert_eq!(
        suffix(&Thread::new(Assoc::trait_target)).as_deref(),
        Some("trait_target")
    );
    assert_eq!(
        suffix(&Thread::new(std::thread::yield_now)).as_deref(),
        Some("yield_now")
    );
    // A boxed closure is still a closure: no suffix (not "(Box)").
    let boxed: Box<dyn FnOnce() + Send> = Box::new(|| {});
    assert_eq!(suffix(&Thread::new(boxed)), None);
    // A function pointer has no name to show: no suffix (not "(fn())").
    let ptr: fn() = noop;
    assert_eq!(suffix(&Thread::new(ptr)), None);
}

// ---------------------------------------------------------------------------------------------
// T-03, T-05, T-06: various ops with a Thread "subclass"

struct TestThread {
    go: Event,
    sema: threading::BoundedSemaphore,
    mutex: threading::RLock,
    nrunning: Arc<AtomicUsize>,
    max_seen: Arc<AtomicUsize>,
}

impl threading::Run for TestThread {
    fn run(&mut self) {
        assert!(self.go.wait_timeout(BOUND).unwrap(), "go never set");
        let _s = self.sema.guard();
        {
            let _m = self.mutex.guard();
            let n = self.nrunning.fetch_add(1, Ordering::SeqCst) + 1;
            self.max_seen.fetch_max(n, Ordering::SeqCst);
            assert!(n <= 3, "T-03c: {n} threads inside BoundedSemaphore(3)");
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
        let _m = self.mutex.guard();
        self.nrunning.fetch_sub(1, Ordering::SeqCst);
    }
}

fn various_ops() {
    let go = Event::new();
    let sema = threading::BoundedSemaphore::new(3);
    let mutex = threading::RLock::new();
    let nrunning = counter();
    let max_seen = counter();
    let threads: Vec<Thread> = (0..10)
        .map(|_| {
            Thread::builder()
                .daemon(false) // Python's main thread is non-daemon: repr has no " daemon".
                .run(TestThread {
                    go: go.clone(),
                    sema: sema.clone(),
                    mutex: mutex.clone(),
                    nrunning: nrunning.clone(),
                    max_seen: max_seen.clone(),
                })
                .build()
        })
        .collect();
    for t in &threads {
        // T-03a
        assert_eq!(t.ident(), None);
        assert_eq!(t.native_id(), None);
        let r = format!("{t:?}");
        assert!(
            r.starts_with("<TestThread(") && r.ends_with(", initial)>"),
            "{r}"
        );
        assert_eq!(r, format!("<TestThread({}, initial)>", t.name()));
    }
    let mut native_ids = HashSet::new();
    native_ids.insert(threading::get_native_id());
    for t in &threads {
        t.start().unwrap();
        // T-03b: native_id is available as soon as start() returns.
        native_ids.insert(t.native_id().expect("native_id after start()"));
    }
    // All 10 are alive (blocked on `go`), so their native ids cannot have been reused.
    assert_eq!(native_ids.len(), 11, "T-03b: native ids not distinct");
    go.set();
    for t in &threads {
        join_bounded(t);
        // T-03d
        let id = t.ident().expect("ident after join");
        assert_ne!(id, 0);
        assert_eq!(
            format!("{t:?}"),
            format!("<TestThread({}, stopped {id})>", t.name())
        );
        assert!(t.native_id().is_some(), "native_id must persist after exit");
    }
    assert_eq!(count(&nrunning), 0);
    assert!((1..=3).contains(&count(&max_seen)));
}

#[crate::common::test]
fn t03_various_ops() {
    various_ops();
}

fn with_stack_size(size: usize) {
    let _g = serial(&STACK_SIZE);
    let before = threading::stack_size(None).unwrap();
    assert_eq!(threading::stack_size(Some(size)).unwrap(), before);
    assert_eq!(threading::stack_size(None).unwrap(), size);
    various_ops();
    // Restore the default; the previous value is returned.
    assert_eq!(threading::stack_size(Some(0)).unwrap(), size);
    assert_eq!(threading::stack_size(None).unwrap(), 0);
}

#[crate::common::test]
fn t05_various_ops_small_stack() {
    with_stack_size(256 * 1024);
}

#[crate::common::test]
fn t06_various_ops_large_stack() {
    with_stack_size(0x100000);
}

#[crate::common::test]
fn stack_size_invalid_is_value_error_and_unchanged() {
    let _g = serial(&STACK_SIZE);
    let before = threading::stack_size(None).unwrap();
    for bad in [1usize, 1000, 32 * 1024 - 1] {
        match threading::stack_size(Some(bad)) {
            Err(Error::Value(msg)) => {
                assert!(
                    msg.contains(&format!("size not valid: {bad} bytes")),
                    "{msg}"
                )
            }
            other => panic!("stack_size({bad}) = {other:?}, expected Err(Value)"),
        }
        assert_eq!(threading::stack_size(None).unwrap(), before);
    }
    // 32 KiB is the documented minimum and is accepted.
    assert_eq!(threading::stack_size(Some(32 * 1024)).unwrap(), before);
    assert_eq!(threading::stack_size(Some(before)).unwrap(), 32 * 1024);
}

// ---------------------------------------------------------------------------------------------
// T-04, T-07: foreign threads

#[crate::common::test]
fn t04_ident_of_crate_and_foreign_threads() {
    let cur = threading::current_thread();
    assert_eq!(cur.ident(), Some(threading::get_ident()));
    let (a, b) = within(BOUND, "foreign thread", || {
        common::platform::spawn(|| (threading::current_thread().ident(), threading::get_ident()))
            .join()
            .unwrap()
    });
    assert_eq!(a, Some(b));
    assert_ne!(b, threading::get_ident());
}

#[crate::common::test]
#[cfg_attr(
    all(target_arch = "wasm32", target_os = "unknown"),
    ignore = "needs a foreign thread (std::thread::spawn), which browsers do not have"
)]
fn t07_foreign_thread_gets_a_dummy_that_disappears() {
    let release = Arc::new(AtomicBool::new(false));
    let r2 = release.clone();
    let (tx, rx) = std::sync::mpsc::channel();
    let h = common::platform::spawn(move || {
        let d = threading::current_thread();
        // The same dummy object on every call.
        assert_eq!(d, threading::current_thread());
        assert!(threading::enumerate().contains(&d));
        tx.send((d, threading::get_ident(), threading::get_native_id()))
            .unwrap();
        poll_until(BOUND, || r2.load(Ordering::SeqCst));
    });
    let (dummy, tid, native) =
        common::recv_timeout(&rx, std::time::Duration::from_secs(10)).unwrap();
    // T-07a
    assert!(dummy.is_alive());
    assert!(dummy.is_daemon());
    assert_eq!(dummy.ident(), Some(tid));
    assert_eq!(dummy.native_id(), Some(native));
    assert!(
        auto_name(&dummy.name(), "Dummy").is_some(),
        "{}",
        dummy.name()
    );
    let r = format!("{dummy:?}");
    assert!(r.contains("_DummyThread"), "{r}");
    assert_eq!(r, expected_repr("_DummyThread", &dummy, "started"));
    assert!(threading::enumerate().contains(&dummy));
    // T-07b: a dummy thread cannot be joined (and the call does not block).
    assert!(
        is_runtime(dummy.join()),
        "join of a dummy must be Err(Runtime)"
    );
    assert!(is_runtime(dummy.join_timeout(0.1)));
    // X-04 on a dummy: it is already started.
    assert!(is_runtime(dummy.set_daemon(false)));
    assert!(dummy.is_daemon() && dummy.is_alive());
    release.store(true, Ordering::SeqCst);
    h.join().unwrap();
    // T-07c: removed from the registry once the OS thread has exited.
    assert!(
        poll_until(5.0, || !threading::enumerate().contains(&dummy)),
        "dummy still enumerated 5 s after its thread exited"
    );
    assert!(
        !dummy.is_alive(),
        "a dummy whose OS thread exited reports alive"
    );
}

#[crate::common::test]
fn t07_using_thread_api_from_foreign_thread_keeps_registry_clean() {
    // BL-11-like: a foreign thread that starts and joins a crate Thread leaves nothing behind.
    let t = within(BOUND, "foreign thread", || {
        common::platform::spawn(|| {
            let t = Thread::new(noop);
            t.start().unwrap();
            t.join().unwrap();
            (t, threading::current_thread())
        })
        .join()
        .unwrap()
    });
    let (t, dummy) = t;
    assert!(!threading::enumerate().contains(&t));
    assert!(poll_until(5.0, || !threading::enumerate().contains(&dummy)));
}

// ---------------------------------------------------------------------------------------------
// T-10, T-11, T-12: join

#[crate::common::test]
fn t10_enumerate_after_join() {
    within(60.0, "T-10", || {
        for i in 0..99 {
            let t = Thread::new(noop);
            t.start().unwrap();
            t.join().unwrap();
            assert!(
                !threading::enumerate().contains(&t),
                "#1703448: {t:?} still enumerated right after join() (iteration {i})"
            );
            assert!(!t.is_alive());
        }
    });
}

#[crate::common::test]
fn t11_join_from_multiple_threads() {
    within(60.0, "T-11", || {
        for n in 2..20 {
            let worker = Thread::new(|| std::thread::sleep(std::time::Duration::from_millis(5)));
            let errors = Arc::new(Mutex::new(Vec::new()));
            let joiners: Vec<Thread> = (0..n)
                .map(|_| {
                    let w = worker.clone();
                    let e = errors.clone();
                    Thread::new(move || {
                        if let Err(err) = w.join() {
                            e.lock().unwrap().push(err);
                        }
                    })
                })
                .collect();
            worker.start().unwrap();
            for j in &joiners {
                j.start().unwrap();
            }
            for j in &joiners {
                join_bounded(j);
            }
            assert!(
                errors.lock().unwrap().is_empty(),
                "{:?}",
                errors.lock().unwrap()
            );
            assert!(!worker.is_alive());
        }
    });
}

#[crate::common::test]
fn t12_join_with_timeout_returns_with_thread_alive() {
    let lock = threading::Lock::new();
    lock.acquire();
    let l = lock.clone();
    let t = Thread::new(move || {
        let _ = l.acquire_timeout(BOUND);
    });
    t.start().unwrap();
    assert_eq!(t.join_timeout(0.01), Ok(()));
    assert!(
        t.is_alive(),
        "T-12: the thread must still be alive after join(timeout)"
    );
    // A 0.5 s join timeout on a live thread returns after about 0.5 s.
    let t0 = Instant::now();
    assert_eq!(t.join_timeout(0.5), Ok(()));
    let dt = t0.elapsed().as_secs_f64();
    assert!((0.3..5.0).contains(&dt), "join_timeout(0.5) took {dt} s");
    assert!(t.is_alive());
    // Duration works too.
    assert_eq!(t.join_timeout(std::time::Duration::from_millis(10)), Ok(()));
    assert!(t.is_alive());
    lock.release().unwrap();
    within(BOUND, "join()", move || {
        t.join().unwrap();
        assert!(!t.is_alive());
    });
}

#[crate::common::test]
fn join_timeout_validation_leaves_thread_unchanged() {
    let gate = Event::new();
    let t = gated(&gate);
    t.start().unwrap();
    assert!(
        matches!(t.join_timeout(f64::NAN), Err(Error::Value(_))),
        "NaN timeout"
    );
    assert!(
        matches!(t.join_timeout(1e100), Err(Error::Overflow(_))),
        "timeout above TIMEOUT_MAX"
    );
    // A negative timeout acts as 0: returns at once, thread still running.
    assert_eq!(t.join_timeout(-1.0), Ok(()));
    assert_eq!(t.join_timeout(-0.5), Ok(()));
    assert!(t.is_alive());
    gate.set();
    join_bounded(&t);
}

// ---------------------------------------------------------------------------------------------
// T-13: the target is released after the run

#[crate::common::test]
fn t13_target_and_captures_dropped_after_run() {
    let owner = Arc::new(());
    let o = owner.clone();
    let dropped = counter();
    let guard = DropCount(dropped.clone());
    let t = Thread::new(move || {
        let _keep = (&o, &guard);
    });
    assert_eq!(Arc::strong_count(&owner), 2);
    t.start().unwrap();
    join_bounded(&t);
    // The handle `t` is still alive here: it must not keep the closure (or its captures).
    assert_eq!(
        Arc::strong_count(&owner),
        1,
        "T-13: closure captures outlive the run"
    );
    assert_eq!(count(&dropped), 1);
}

#[crate::common::test]
fn t13_run_in_calling_thread_drops_target() {
    let owner = Arc::new(());
    let o = owner.clone();
    let calls = counter();
    let c = calls.clone();
    let t = Thread::new(move || {
        let _ = &o;
        c.fetch_add(1, Ordering::SeqCst);
    });
    t.run();
    assert_eq!(count(&calls), 1);
    assert_eq!(
        Arc::strong_count(&owner),
        1,
        "run() must release the target"
    );
    // Python deletes the target after run(): a second run() does nothing.
    t.run();
    assert_eq!(count(&calls), 1);
}

#[crate::common::test]
#[cfg_attr(
    not(panic = "unwind"),
    ignore = "needs unwinding: under panic=abort a dead thread's captures are never dropped"
)]
fn t13_target_dropped_after_exit_thread() {
    let owner = Arc::new(());
    let o = owner.clone();
    let t = Thread::new(move || {
        let _keep = &o;
        threading::exit_thread();
    });
    t.start().unwrap();
    join_bounded(&t);
    assert_eq!(Arc::strong_count(&owner), 1, "T-13 (SystemExit variant)");
}

#[crate::common::test]
#[cfg_attr(
    not(panic = "unwind"),
    ignore = "needs unwinding: under panic=abort a dead thread's captures are never dropped"
)]
fn t13_target_dropped_after_panic() {
    let _g = serial(&STACK_SIZE);
    let owner = Arc::new(());
    let o = owner.clone();
    let t = Thread::builder()
        .name("t13 panicking target (expected panic)")
        .target(move || {
            let _keep = &o;
            panic!("T-13 expected panic");
        })
        .build();
    t.start().unwrap();
    join_bounded(&t);
    assert_eq!(Arc::strong_count(&owner), 1);
}

// ---------------------------------------------------------------------------------------------
// T-15, T-19: repr

#[crate::common::test]
fn t15_repr_daemon() {
    let t = Thread::builder().daemon(false).build();
    let r = format!("{t:?}");
    assert!(!r.contains("daemon"), "{r}");
    assert_eq!(r, format!("<Thread({}, initial)>", t.name()));
    t.set_daemon(true).unwrap();
    let r = format!("{t:?}");
    assert!(r.contains("daemon"), "{r}");
    assert_eq!(r, format!("<Thread({}, initial daemon)>", t.name()));
}

#[crate::common::test]
fn t19_repr_started_then_stopped_without_join() {
    let gate = Event::new();
    let t = Thread::builder().name("w").daemon(true).target({
        let g = gate.clone();
        move || {
            let _ = g.wait_timeout(BOUND);
        }
    });
    let t = t.build();
    t.start().unwrap();
    let id = t.ident().expect("ident once start() returned");
    assert_eq!(
        format!("{t:?}"),
        format!("<Thread(w, started daemon {id})>")
    );
    gate.set();
    // T-19b: "stopped" shows up without join() or is_alive().
    assert!(
        poll_until(5.0, || format!("{t:?}").contains("stopped")),
        "{t:?} never showed 'stopped'"
    );
    assert_eq!(
        format!("{t:?}"),
        format!("<Thread(w, stopped daemon {id})>")
    );
}

// ---------------------------------------------------------------------------------------------
// T-26, T-27

#[crate::common::test]
fn t26_zero_sized_targets_are_called() {
    // Python: a target whose truth value is False still runs. Rust's closest analogue: a target
    // that captures nothing (zero-sized), and a fn item, are still called.
    static CALLED: AtomicUsize = AtomicUsize::new(0);
    fn bump() {
        CALLED.fetch_add(1, Ordering::SeqCst);
    }
    let a = Thread::new(bump);
    let b = Thread::new(|| {
        CALLED.fetch_add(1, Ordering::SeqCst);
    });
    a.start().unwrap();
    b.start().unwrap();
    join_bounded(&a);
    join_bounded(&b);
    assert_eq!(CALLED.load(Ordering::SeqCst), 2);
}

#[crate::common::test]
fn t27_unjoined_thread_still_exits_and_is_cleaned_up() {
    let done = Arc::new(AtomicBool::new(false));
    let d = done.clone();
    let t = Thread::new(move || d.store(true, Ordering::SeqCst));
    t.start().unwrap();
    let t2 = t.clone();
    drop(t);
    assert!(poll_until(5.0, || done.load(Ordering::SeqCst)));
    assert!(
        poll_until(5.0, || !threading::enumerate().contains(&t2)
            && !t2.is_alive()),
        "an unjoined finished thread stays registered"
    );
}

// ---------------------------------------------------------------------------------------------
// X-01 .. X-05: lifecycle errors, each leaving the state unchanged

#[crate::common::test]
fn x01_start_twice_is_runtime_error() {
    let gate = Event::new();
    let runs = counter();
    let (g, r) = (gate.clone(), runs.clone());
    let t = Thread::new(move || {
        r.fetch_add(1, Ordering::SeqCst);
        let _ = g.wait_timeout(BOUND);
    });
    t.start().unwrap();
    let (name, id) = (t.name(), t.ident());
    assert!(is_runtime(t.start()), "second start() while running");
    assert!(t.is_alive());
    assert_eq!((t.name(), t.ident()), (name, id));
    gate.set();
    join_bounded(&t);
    assert!(is_runtime(t.start()), "start() after the thread finished");
    assert_eq!(count(&runs), 1, "the target ran more than once");
    assert!(!t.is_alive());
    assert!(!threading::enumerate().contains(&t));
}

#[crate::common::test]
fn x02_joining_current_thread_is_runtime_error() {
    // From a crate thread: self-join is refused, not a deadlock.
    let res = Arc::new(Mutex::new(None));
    let r = res.clone();
    let t = Thread::new(move || {
        let me = threading::current_thread();
        let outcome = (me.join(), me.join_timeout(0.1), me.is_alive());
        *r.lock().unwrap() = Some(outcome);
    });
    t.start().unwrap();
    join_bounded(&t);
    let res = res
        .lock()
        .unwrap()
        .take()
        .expect("the thread did not get through its checks");
    assert!(matches!(res.0, Err(Error::Runtime(_))), "join(): {res:?}");
    assert!(
        matches!(res.1, Err(Error::Runtime(_))),
        "join_timeout(): {res:?}"
    );
    assert!(res.2, "still alive after the refused self-join");
    // From a foreign thread: its dummy cannot join itself either.
    let (joined, alive) = in_foreign_thread(|| {
        let me = threading::current_thread();
        (me.join(), me.is_alive())
    });
    assert!(is_runtime(joined));
    assert!(alive);
    // Nor can this test's thread (a dummy natively, the main thread under wasm).
    let me = threading::current_thread();
    assert!(is_runtime(me.join()));
    assert!(me.is_alive());
}

#[crate::common::test]
fn x03_join_before_start_is_runtime_error() {
    let t = Thread::new(noop);
    assert!(is_runtime(t.join()));
    assert!(is_runtime(t.join_timeout(0.1)));
    assert!(t.join_timeout(f64::NAN).is_err());
    // Unchanged: still startable, still unstarted.
    assert!(!t.is_alive());
    assert_eq!(t.ident(), None);
    assert!(format!("{t:?}").contains("initial"));
    t.start().unwrap();
    join_bounded(&t);
    assert_eq!(t.join(), Ok(()));
}

#[crate::common::test]
fn x04_daemonize_started_thread_is_runtime_error() {
    let gate = Event::new();
    let t = Thread::builder().daemon(false).target({
        let g = gate.clone();
        move || {
            let _ = g.wait_timeout(BOUND);
        }
    });
    let t = t.build();
    // Before start, both ways work.
    t.set_daemon(true).unwrap();
    assert!(t.is_daemon());
    t.set_daemon(false).unwrap();
    assert!(!t.is_daemon());
    t.start().unwrap();
    assert!(is_runtime(t.set_daemon(true)));
    assert!(!t.is_daemon(), "failed set_daemon changed the flag");
    assert!(!format!("{t:?}").contains("daemon"));
    gate.set();
    join_bounded(&t);
    // Python: still "active" for this purpose after it stopped.
    assert!(is_runtime(t.set_daemon(true)));
    assert!(!t.is_daemon());
}

#[crate::common::test]
fn x05_releasing_unacquired_lock_is_runtime_error() {
    let lock = threading::Lock::new();
    assert!(is_runtime(lock.release()));
    assert!(!lock.locked());
    assert!(lock.try_acquire(), "lock unusable after a failed release");
    lock.release().unwrap();
}

// ---------------------------------------------------------------------------------------------
// Rust API: builder, Run, run(), names, identity, daemon inheritance

struct Worker {
    hits: Arc<AtomicUsize>,
    seen_ident: Arc<Mutex<Option<u64>>>,
}

impl threading::Run for Worker {
    fn run(&mut self) {
        self.hits.fetch_add(1, Ordering::SeqCst);
        *self.seen_ident.lock().unwrap() = Some(threading::get_ident());
    }
}

#[crate::common::test]
fn from_run_subclass_pattern() {
    let hits = counter();
    let seen = Arc::new(Mutex::new(None));
    let t = Thread::from_run(Worker {
        hits: hits.clone(),
        seen_ident: seen.clone(),
    });
    assert!(auto_name(&t.name(), "Thread").is_some(), "{}", t.name());
    assert_eq!(auto_name(&t.name(), "Thread").unwrap().1, None);
    assert_eq!(format!("{t:?}"), expected_repr("Worker", &t, "initial"));
    t.start().unwrap();
    join_bounded(&t);
    assert_eq!(count(&hits), 1);
    assert_eq!(*seen.lock().unwrap(), t.ident());
    assert_eq!(format!("{t:?}"), expected_repr("Worker", &t, "stopped"));

    // The builder form, with a name.
    let t = Thread::builder()
        .name("worker")
        .run(Worker {
            hits: hits.clone(),
            seen_ident: seen.clone(),
        })
        .build();
    assert_eq!(t.name(), "worker");
    assert!(format!("{t:?}").starts_with("<Worker(worker, initial"));
    // run() executes in the calling thread, without starting the thread.
    t.run();
    assert_eq!(count(&hits), 2);
    assert_eq!(*seen.lock().unwrap(), Some(threading::get_ident()));
    assert_eq!(t.ident(), None);
    assert!(!t.is_alive());
}

#[crate::common::test]
fn builder_sets_name_daemon_and_target() {
    let ran = Arc::new(AtomicBool::new(false));
    let r = ran.clone();
    let t = Thread::builder()
        .name("built")
        .daemon(false)
        .target(move || {
            let me = threading::current_thread();
            assert_eq!(me.name(), "built");
            assert!(!me.is_daemon());
            r.store(true, Ordering::SeqCst);
        })
        .build();
    assert_eq!(t.name(), "built");
    assert!(!t.is_daemon());
    t.start().unwrap();
    join_bounded(&t);
    assert!(ran.load(Ordering::SeqCst));
    // A thread without a target runs and finishes (Python's Thread().start()).
    let t = Thread::builder().daemon(true).build();
    assert!(t.is_daemon());
    t.start().unwrap();
    join_bounded(&t);
}

#[crate::common::test]
fn run_executes_target_in_calling_thread() {
    let seen = Arc::new(Mutex::new(None));
    let s = seen.clone();
    let t = Thread::new(move || *s.lock().unwrap() = Some(threading::current_thread()));
    t.run();
    assert_eq!(*seen.lock().unwrap(), Some(threading::current_thread()));
    assert_eq!(t.ident(), None);
    assert!(!t.is_alive());
    assert!(format!("{t:?}").contains("initial"));
}

#[crate::common::test]
fn daemon_default_is_inherited_from_creating_thread() {
    // A foreign thread has a daemonic dummy, so its threads default to daemon.
    let (dummy_daemon, child_daemon) = in_foreign_thread(|| {
        (
            threading::current_thread().is_daemon(),
            Thread::new(noop).is_daemon(),
        )
    });
    assert!(dummy_daemon && child_daemon);
    // Whatever this test thread is (a dummy natively, the main thread under wasm).
    assert_eq!(
        Thread::new(noop).is_daemon(),
        threading::current_thread().is_daemon()
    );
    let results = Arc::new(Mutex::new(Vec::new()));
    for parent_daemon in [false, true] {
        let r = results.clone();
        let parent = Thread::builder()
            .daemon(parent_daemon)
            .target(move || {
                let child = Thread::new(noop);
                let explicit = Thread::builder().daemon(!parent_daemon).build();
                r.lock()
                    .unwrap()
                    .push((parent_daemon, child.is_daemon(), explicit.is_daemon()));
            })
            .build();
        parent.start().unwrap();
        join_bounded(&parent);
    }
    assert_eq!(
        *results.lock().unwrap(),
        vec![(false, false, true), (true, true, false)]
    );
}

#[crate::common::test]
fn ident_native_id_and_is_alive_lifecycle() {
    let gate = Event::new();
    let inside = Arc::new(Mutex::new(None));
    let (g, i) = (gate.clone(), inside.clone());
    let t = Thread::new(move || {
        let me = threading::current_thread();
        *i.lock().unwrap() = Some((
            threading::get_ident(),
            threading::get_native_id(),
            me.ident(),
            me.native_id(),
        ));
        let _ = g.wait_timeout(BOUND);
    });
    assert!(!t.is_alive());
    assert_eq!((t.ident(), t.native_id()), (None, None));
    t.start().unwrap();
    assert!(t.is_alive());
    let id = t.ident().unwrap();
    let nid = t.native_id().unwrap();
    assert_ne!(id, 0);
    assert_ne!(id, threading::get_ident());
    assert_ne!(nid, threading::get_native_id());
    assert!(poll_until(BOUND, || inside.lock().unwrap().is_some()));
    assert_eq!(
        *inside.lock().unwrap(),
        Some((id, nid, Some(id), Some(nid)))
    );
    assert!(threading::enumerate().contains(&t));
    gate.set();
    join_bounded(&t);
    assert!(!t.is_alive());
    assert_eq!(
        (t.ident(), t.native_id()),
        (Some(id), Some(nid)),
        "ids persist after exit"
    );
}

#[crate::common::test]
fn idents_distinct_among_live_threads() {
    let gate = Event::new();
    let threads: Vec<Thread> = (0..8).map(|_| gated(&gate)).collect();
    for t in &threads {
        t.start().unwrap();
    }
    let ids: HashSet<u64> = threads.iter().map(|t| t.ident().unwrap()).collect();
    assert_eq!(ids.len(), 8);
    assert!(!ids.contains(&threading::get_ident()));
    gate.set();
    for t in &threads {
        join_bounded(t);
    }
}

#[crate::common::test]
// Thread hashes by identity (an Arc pointer), so the interior mutability does not matter.
#[allow(clippy::mutable_key_type)]
fn current_thread_is_the_handle_and_identity_semantics() {
    let seen = Arc::new(Mutex::new(None));
    let s = seen.clone();
    let t = Thread::new(move || *s.lock().unwrap() = Some(threading::current_thread()));
    let u = Thread::new(noop);
    assert_ne!(t, u);
    assert_eq!(t, t.clone());
    let set: HashSet<Thread> = [t.clone(), t.clone(), u.clone()].into_iter().collect();
    assert_eq!(set.len(), 2);
    t.start().unwrap();
    join_bounded(&t);
    assert_eq!(seen.lock().unwrap().as_ref(), Some(&t));
    // A thread with the same name is still a different thread.
    let a = Thread::builder().name("same").build();
    let b = Thread::builder().name("same").build();
    assert_ne!(a, b);
}

#[crate::common::test]
fn set_name_changes_name_and_repr() {
    let t = Thread::builder().daemon(false).build();
    t.set_name("renamed");
    assert_eq!(t.name(), "renamed");
    assert_eq!(format!("{t:?}"), "<Thread(renamed, initial)>");
    t.set_name(String::from("again"));
    assert_eq!(t.name(), "again");
}

#[crate::common::test]
fn m03_set_name_from_inside_is_visible() {
    let gate = Event::new();
    let renamed = Event::new();
    let (g, r) = (gate.clone(), renamed.clone());
    let t = Thread::builder()
        .name("name")
        .target(move || {
            threading::current_thread().set_name("new name");
            r.set();
            let _ = g.wait_timeout(BOUND);
        })
        .build();
    t.start().unwrap();
    assert!(renamed.wait_timeout(BOUND).unwrap());
    assert_eq!(t.name(), "new name");
    gate.set();
    join_bounded(&t);
}

#[crate::common::test]
fn panicking_thread_is_not_alive_and_join_is_ok() {
    let _g = serial(&STACK_SIZE);
    // The excepthook side is tests/excepthook.rs; here only the Thread state matters.
    let t = Thread::builder()
        .name("panicking thread (expected panic)")
        .target(|| panic!("expected panic"))
        .build();
    t.start().unwrap();
    within(BOUND, "join of a panicked thread", {
        let t = t.clone();
        move || assert_eq!(t.join(), Ok(()))
    });
    assert!(!t.is_alive());
    assert!(!threading::enumerate().contains(&t));
    assert!(format!("{t:?}").contains("stopped"));
}

// ---------------------------------------------------------------------------------------------
// A panicking thread unwinds as it does natively (docs/platform-notes.md, "Panics"): its guards
// release their locks, its captures, stack values and `Local` values are dropped before
// `join()` returns, and what it ran on (an OS thread, a wasmtime instance and its stack, a
// browser pool worker) is given back. Where panics abort, none of this holds.

#[crate::common::test]
#[cfg_attr(
    not(panic = "unwind"),
    ignore = "needs unwinding: under panic=abort a dead thread's guards never release their locks"
)]
fn panicking_thread_releases_the_locks_its_guards_held() {
    let _g = serial(&STACK_SIZE);
    let lock = threading::Lock::new();
    let rlock = threading::RLock::new();
    let sem = threading::Semaphore::new(1);
    let cond = threading::Condition::new();
    let t = Thread::builder()
        .name("guards (expected panic)")
        .target({
            let (lock, rlock, sem, cond) = (lock.clone(), rlock.clone(), sem.clone(), cond.clone());
            move || {
                let _l = lock.guard();
                let _r1 = rlock.guard();
                let _r2 = rlock.guard();
                let _s = sem.guard();
                let _c = cond.guard();
                assert!(lock.locked() && rlock.recursion_count() == 2 && sem.value() == 0);
                panic!("expected panic holding a Lock, an RLock twice, a Semaphore, a Condition");
            }
        })
        .build();
    t.start().unwrap();
    join_bounded(&t);
    assert!(!lock.locked(), "the Lock stayed held");
    assert_eq!(sem.value(), 1, "the Semaphore's permit was not given back");
    // Another thread takes each of them at once (a poll: a lock left held fails, never hangs).
    let got = within(BOUND, "taking what the panicking thread held", move || {
        let other = Thread::new({
            let (lock, rlock, sem, cond) = (lock.clone(), rlock.clone(), sem.clone(), cond.clone());
            move || {
                assert!(lock.try_acquire(), "Lock");
                assert!(rlock.try_acquire(), "RLock");
                assert!(sem.try_acquire(), "Semaphore");
                assert!(cond.try_acquire(), "Condition");
                cond.release().unwrap();
                sem.release(1).unwrap();
                rlock.release().unwrap();
                lock.release().unwrap();
            }
        });
        other.start().unwrap();
        other.join().unwrap();
        (lock.locked(), sem.value(), rlock.try_acquire())
    });
    assert_eq!(
        got,
        (false, 1, true),
        "the other thread could not take them all"
    );
}

#[crate::common::test]
#[cfg_attr(
    not(panic = "unwind"),
    ignore = "needs unwinding: under panic=abort a dead thread's captures and stack values are never dropped"
)]
fn panicking_thread_drops_captures_stack_values_and_locals_before_join_returns() {
    let _g = serial(&STACK_SIZE);
    let captured = counter();
    let on_stack = counter();
    let in_local = counter();
    let local: threading::Local<DropCount> = threading::Local::new();
    let t = Thread::builder()
        .name("drops (expected panic)")
        .target({
            let keep = DropCount(captured.clone());
            let (on_stack, in_local, local) = (on_stack.clone(), in_local.clone(), local.clone());
            move || {
                let _keep = &keep;
                let _frame = DropCount(on_stack);
                local.set(DropCount(in_local));
                panic!("expected panic with values to drop");
            }
        })
        .build();
    t.start().unwrap();
    join_bounded(&t);
    // Read right after join() returned: each was dropped exactly once, before.
    assert_eq!(
        (count(&captured), count(&on_stack), count(&in_local)),
        (1, 1, 1),
        "(captures, stack value, Local value) drops"
    );
    drop(t);
    assert_eq!(count(&captured), 1, "dropped twice");
}

#[crate::common::test]
#[cfg_attr(
    not(panic = "unwind"),
    ignore = "needs unwinding: under panic=abort each dead thread's stack is never freed (2 MiB under wasmtime), so memory runs out"
)]
fn a_thousand_panicking_threads_in_a_row_leak_nothing() {
    use std::sync::atomic::AtomicUsize;
    static REPORTED: AtomicUsize = AtomicUsize::new(0);
    const NAME: &str = "one of 1000 (expected panic)";
    let _g = serial(&STACK_SIZE);
    // The hook counts these threads' reports (1000 of them on stderr would drown the output)
    // and passes every other thread's on.
    threading::set_excepthook(|args| match &args.thread {
        Some(t) if t.name() == NAME => {
            REPORTED.fetch_add(1, Ordering::SeqCst);
        }
        _ => threading::default_excepthook(args),
    });
    struct Restore;
    impl Drop for Restore {
        fn drop(&mut self) {
            common::reset_excepthook();
        }
    }
    let _restore = Restore;
    let dropped = counter();
    let run = |n: usize| {
        for i in 0..n {
            let keep = DropCount(dropped.clone());
            let t = Thread::builder()
                .name(NAME)
                .target(move || {
                    let _keep = &keep;
                    panic!("expected panic {i}");
                })
                .build();
            t.start().expect("starting one of the panicking threads");
            t.join().unwrap();
            assert!(!t.is_alive());
        }
    };
    // Warm up (the registry, the pool's workers, the allocator's first pages), then measure.
    REPORTED.store(0, Ordering::SeqCst);
    run(20);
    let before = common::platform::memory_bytes();
    run(1000);
    let after = common::platform::memory_bytes();
    assert_eq!(REPORTED.load(Ordering::SeqCst), 1020, "reports");
    assert_eq!(count(&dropped), 1020, "captures dropped");
    if let (Some(before), Some(after)) = (before, after) {
        // A dead thread's stack left behind would be 2 MiB each (2 GB for 1000, beyond the
        // 1 GiB maximum); allow a few pages for the allocator's and the registry's growth.
        assert!(
            after - before <= 4 << 20,
            "memory grew by {} bytes over 1000 panicking threads ({before} -> {after})",
            after - before
        );
    }
}

#[crate::common::test]
#[cfg_attr(
    not(target_family = "wasm"),
    ignore = "natively a panic while unwinding aborts the whole process, as Rust does"
)]
fn a_panic_while_unwinding_loses_only_that_thread() {
    // Rust aborts on a panic in a Drop that runs during unwinding. On wasm an abort is a trap of
    // that thread alone: the wasmtime host and the browser runtime report it to the library,
    // which ends the thread as after a panic; the program carries on. (Where panics abort, the
    // first panic is already that trap.)
    struct PanicsInDrop;
    impl Drop for PanicsInDrop {
        fn drop(&mut self) {
            panic!("expected panic in a Drop during unwinding");
        }
    }
    let _g = serial(&STACK_SIZE);
    let t = Thread::builder()
        .name("aborts (expected panic)")
        .target(|| {
            let _bomb = PanicsInDrop;
            panic!("expected panic that unwinds into a panicking Drop");
        })
        .build();
    t.start().unwrap();
    join_bounded(&t);
    assert!(!threading::enumerate().contains(&t));
    // Everything else still works: a new thread runs to its end.
    assert_a_new_thread_runs();
}

/// Starts a thread that sets a flag, joins it, and asserts that it ran: after a lost thread,
/// the rest of the crate (and the platform's threads) still works.
fn assert_a_new_thread_runs() {
    let ran = Arc::new(AtomicBool::new(false));
    let t = Thread::new({
        let ran = ran.clone();
        move || ran.store(true, Ordering::SeqCst)
    });
    t.start().unwrap();
    join_bounded(&t);
    assert!(ran.load(Ordering::SeqCst));
}

/// Browsers: a panic in Rust code that JS called (an exported function or, here, a closure
/// handed to JS) reaches JS as a JS exception (wasm-bindgen's `PanicError`), and the module
/// goes on working, in this worker and in the pool's: wasm-bindgen's flag that ends the module
/// for every worker (`__instance_terminated`) is only for aborts.
#[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
mod js_boundary {
    use super::*;
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen(inline_js = r#"
        export function call_and_catch(f) {
            try { f(); return 'returned'; } catch (e) { return `${e.name}: ${e.message}`; }
        }
    "#)]
    extern "C" {
        fn call_and_catch(f: &Closure<dyn FnMut()>) -> String;
    }

    #[crate::common::test]
    #[cfg_attr(
        not(panic = "unwind"),
        ignore = "needs unwinding: under panic=abort the panic is a trap that ends the module"
    )]
    fn a_panic_called_from_js_is_a_js_exception_and_the_module_carries_on() {
        let dropped = counter();
        let keep = DropCount(dropped.clone());
        let f = Closure::<dyn FnMut()>::new(move || {
            let _keep = &keep;
            panic!("expected panic inside a call from JS");
        });
        let caught = call_and_catch(&f);
        assert!(
            caught.contains("expected panic inside a call from JS"),
            "JS saw: {caught}"
        );
        // The same call again, then the pool's workers: all still work.
        let again = call_and_catch(&f);
        assert!(again.contains("expected panic"), "JS saw: {again}");
        assert_a_new_thread_runs();
        drop(f);
        assert_eq!(count(&dropped), 1);
    }
}
