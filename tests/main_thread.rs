//! Checks that must run in the REAL main thread (`harness = false`: this `main` is the
//! program's main, not a cargo test thread), plus the process-exit scenarios that
//! tests/exit.rs runs as subprocesses.
//!
//! Usage:
//! - no arguments (or unknown ones, e.g. cargo's test filters): run the main-thread checks in
//!   order and print `N passed, 0 failed`; exit code 1 on any failure.
//! - `main_thread <scenario>`: run one process-exit scenario (see `SCENARIOS`) and let the
//!   program end; tests/exit.rs checks stdout, stderr and the exit code.
//!
//! Checks (IDs from docs/behaviours.md): T-18 (only the main thread is enumerated
//! at start), T-17a-c, T-04 (main ident), main thread Debug, T-16 (daemon default from the
//! non-daemon main thread), X-02 (the main thread cannot join itself), T-08/T-28 (a failed spawn
//! is `Err(Runtime)` and registers nothing), and last, because it stops the main thread:
//! J-01/J-03/T-18 via `shutdown()` (joins every non-daemon thread, including threads started by
//! other threads and a worker joining the main thread; leaves daemon threads alone), T-25 (the
//! main thread's `Local` value is still readable after shutdown), T-29 (joining a finished
//! thread after shutdown works).
//!
//! Scenario programs need a real process (exit codes, stderr) and run natively only; the checks
//! run everywhere (no filesystem, no subprocess). Scenarios that panic need unwinding.
//!
//! Not applicable: T-29's running-daemon part (`PythonFinalizationError`: the crate has no
//! finalization phase that refuses joins), fork variants of T-17 (no fork).

mod common;

use std::io::Write;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{join_bounded, within, BOUND};
use pythreading as threading;
use threading::{Error, Event, ExceptHookArgs, Local, Thread};

fn noop() {}

fn is_runtime<T>(r: &threading::Result<T>) -> bool {
    matches!(r, Err(Error::Runtime(_)))
}

// ---------------------------------------------------------------------------------------------
// Main-thread checks

/// T-18 (portable part): with no other thread started, only the main thread is enumerated.
fn only_main_thread_enumerated_at_start() {
    let main = threading::main_thread();
    assert_eq!(threading::enumerate(), vec![main]);
    assert_eq!(threading::active_count(), 1);
}

/// T-17a
fn t17a_main_thread_name() {
    assert_eq!(threading::main_thread().name(), "MainThread");
}

/// T-17b, T-04: in the main thread, main_thread().ident == current_thread().ident == get_ident().
fn t17b_main_thread_is_current_thread() {
    let main = threading::main_thread();
    let cur = threading::current_thread();
    assert_eq!(main, cur);
    assert!(main.ident().is_some());
    assert_eq!(main.ident(), cur.ident());
    assert_eq!(main.ident(), Some(threading::get_ident()));
    assert_eq!(threading::get_ident(), 1, "the OS main thread has ident 1");
    assert_eq!(main.native_id(), Some(threading::get_native_id()));
    assert!(main.is_alive());
    assert!(!main.is_daemon());
}

/// T-17c
fn t17c_other_thread_has_other_ident() {
    let seen = Arc::new(Mutex::new(None));
    let s = seen.clone();
    let t = Thread::new(move || {
        *s.lock().unwrap() = Some((
            threading::main_thread().ident(),
            threading::current_thread().ident(),
            threading::main_thread() == threading::current_thread(),
        ));
    });
    t.start().unwrap();
    join_bounded(&t);
    let (main_id, cur_id, same) = seen.lock().unwrap().take().expect("thread ran");
    assert_eq!(main_id, Some(1));
    assert_ne!(main_id, cur_id);
    assert!(!same);
}

fn main_thread_repr() {
    let main = threading::main_thread();
    assert_eq!(format!("{main:?}"), "<_MainThread(MainThread, started 1)>");
}

/// T-16: from the non-daemon main thread, Thread() is non-daemon; explicit flags win; the
/// default is inherited from the creating thread (crate thread or foreign dummy).
fn t16_daemon_param() {
    assert!(!Thread::new(noop).is_daemon());
    assert!(!Thread::builder().build().is_daemon());
    assert!(!Thread::builder().daemon(false).build().is_daemon());
    assert!(Thread::builder().daemon(true).build().is_daemon());
    assert!(!threading::Timer::new(1.0, noop).is_daemon());
    let from_daemon = Arc::new(Mutex::new(None));
    let f = from_daemon.clone();
    let d = Thread::builder()
        .daemon(true)
        .target(move || *f.lock().unwrap() = Some(Thread::new(noop).is_daemon()))
        .build();
    d.start().unwrap();
    join_bounded(&d);
    assert_eq!(*from_daemon.lock().unwrap(), Some(true));
    let from_nondaemon = Arc::new(Mutex::new(None));
    let f = from_nondaemon.clone();
    let n = Thread::new(move || *f.lock().unwrap() = Some(Thread::new(noop).is_daemon()));
    n.start().unwrap();
    join_bounded(&n);
    assert_eq!(*from_nondaemon.lock().unwrap(), Some(false));
    let from_foreign = within(BOUND, "foreign thread", || {
        std::thread::spawn(|| Thread::new(noop).is_daemon())
            .join()
            .unwrap()
    });
    assert!(
        from_foreign,
        "a foreign thread's dummy is daemonic, so its children are too"
    );
}

/// the main thread cannot join itself (RuntimeError, not a deadlock), state unchanged.
fn x02_main_thread_cannot_join_itself() {
    let cur = threading::current_thread();
    assert!(is_runtime(&cur.join()));
    assert!(is_runtime(&cur.join_timeout(0.1)));
    assert!(is_runtime(&threading::main_thread().join()));
    assert!(cur.is_alive());
    assert_eq!(format!("{cur:?}"), "<_MainThread(MainThread, started 1)>");
}

/// Before shutdown, a worker's timed join of the main thread just times out.
fn worker_timed_join_of_main_times_out() {
    let seen = Arc::new(Mutex::new(None));
    let s = seen.clone();
    let t = Thread::new(move || {
        let main = threading::main_thread();
        *s.lock().unwrap() = Some((main.join_timeout(0.05), main.is_alive()));
    });
    t.start().unwrap();
    join_bounded(&t);
    assert_eq!(*seen.lock().unwrap(), Some((Ok(()), true)));
}

/// T-08 / T-28: when the OS refuses to create the thread, start() is Err(Runtime) and the
/// thread is not left registered. Forced with an impossible stack size (restored at once).
fn t08_failed_spawn_registers_nothing() {
    let huge = if usize::BITS >= 64 {
        1usize << 62
    } else {
        usize::MAX / 2 + 1
    };
    let prev = threading::stack_size(None).unwrap();
    match threading::stack_size(Some(huge)) {
        Ok(p) => {
            assert_eq!(p, prev);
            let ran = Arc::new(AtomicBool::new(false));
            let r = ran.clone();
            let t = Thread::new(move || r.store(true, Ordering::SeqCst));
            let res = t.start();
            threading::stack_size(Some(prev)).unwrap();
            assert!(
                is_runtime(&res),
                "start() with an impossible stack gave {res:?}"
            );
            assert!(!t.is_alive());
            assert!(
                !threading::enumerate().contains(&t),
                "half-started thread registered"
            );
            assert_eq!(t.ident(), None);
            assert_eq!(t.native_id(), None);
            std::thread::sleep(Duration::from_millis(20));
            assert!(!ran.load(Ordering::SeqCst));
        }
        // Refusing the size up front is also an answer (Python accepts it, then start fails).
        Err(Error::Value(_)) => {}
        Err(e) => panic!("stack_size({huge}) = Err({e:?})"),
    }
    assert_eq!(threading::stack_size(None).unwrap(), prev);
    // Threads start normally again.
    let t = Thread::new(noop);
    t.start().unwrap();
    join_bounded(&t);
}

/// T-05 boundary: the smallest accepted stack size (32 KiB) still runs a thread that uses the
/// crate (names, locals, locks). Runs here, alone, because the setting is global.
fn min_stack_size_runs_a_thread() {
    let prev = threading::stack_size(Some(32 * 1024)).unwrap();
    let local: Local<String> = Local::new();
    let lock = threading::RLock::new();
    let out = Arc::new(Mutex::new(None));
    let (l, k, o) = (local.clone(), lock.clone(), out.clone());
    let t = Thread::builder()
        .name("small stack")
        .target(move || {
            let _g = k.guard();
            l.set(threading::current_thread().name());
            *o.lock().unwrap() = l.get();
        })
        .build();
    let started = t.start();
    threading::stack_size(Some(prev)).unwrap();
    started.unwrap();
    join_bounded(&t);
    assert_eq!(*out.lock().unwrap(), Some("small stack".to_string()));
}

/// J-01, J-03, T-18, T-25, T-29 in-process. Must run last: it stops the main thread.
fn j01_j03_shutdown_joins_non_daemon_threads() {
    let local: Local<String> = Local::new();
    local.set("value".to_string());
    let events = Arc::new(Mutex::new(Vec::<String>::new()));
    // J-03: thread1 (non-daemon) starts thread2 (non-daemon) and returns at once.
    let e = events.clone();
    let thread1 = Thread::builder()
        .name("thread1")
        .target(move || {
            let e2 = e.clone();
            let thread2 = Thread::builder()
                .name("thread2")
                .target(move || {
                    std::thread::sleep(Duration::from_millis(200));
                    e2.lock().unwrap().push("thread2 done".into());
                })
                .build();
            thread2.start().unwrap();
            e.lock().unwrap().push("thread1 done".into());
        })
        .build();
    // J-01: a non-daemon worker joins the main thread; that returns once main has finished.
    let e = events.clone();
    let joiner = Thread::builder()
        .name("joiner")
        .target(move || {
            let main = threading::main_thread();
            let r = main.join_timeout(BOUND);
            e.lock()
                .unwrap()
                .push(format!("joiner: {r:?} main alive={}", main.is_alive()));
        })
        .build();
    // A daemon thread that outlives shutdown: it must not be waited for.
    let gate = Event::new();
    let g = gate.clone();
    let daemon_done = Arc::new(AtomicBool::new(false));
    let dd = daemon_done.clone();
    let daemon = Thread::builder()
        .name("daemon")
        .daemon(true)
        .target(move || {
            let _ = g.wait_timeout(30.0);
            dd.store(true, Ordering::SeqCst);
        })
        .build();
    let finished = Thread::new(noop);
    finished.start().unwrap();
    join_bounded(&finished);
    thread1.start().unwrap();
    joiner.start().unwrap();
    daemon.start().unwrap();

    threading::shutdown();

    let ev = events.lock().unwrap().clone();
    assert!(ev.contains(&"thread1 done".to_string()), "{ev:?}");
    assert!(
        ev.contains(&"thread2 done".to_string()),
        "J-03: thread2 not joined: {ev:?}"
    );
    assert!(
        ev.contains(&"joiner: Ok(()) main alive=false".to_string()),
        "J-01: a worker's main_thread().join() must return once main is stopped: {ev:?}"
    );
    for t in threading::enumerate() {
        assert!(
            t.is_daemon() || t == threading::main_thread(),
            "{t:?} alive after shutdown"
        );
    }
    assert!(
        daemon.is_alive(),
        "shutdown() must not wait for daemon threads"
    );
    assert!(!daemon_done.load(Ordering::SeqCst));
    // The main thread is now stopped.
    let main = threading::main_thread();
    assert!(!main.is_alive());
    assert_eq!(format!("{main:?}"), "<_MainThread(MainThread, stopped 1)>");
    // T-18: current_thread() is still the main thread.
    assert_eq!(threading::current_thread(), main);
    // T-25: the main thread's local storage is still readable.
    assert_eq!(local.get(), Some("value".to_string()));
    // T-29: joining an already-finished thread still works; shutdown() is idempotent.
    assert_eq!(finished.join(), Ok(()));
    threading::shutdown();
    gate.set();
    join_bounded(&daemon);
    assert!(daemon_done.load(Ordering::SeqCst));
}

fn run_checks() -> bool {
    let checks: &[(&str, fn())] = &[
        (
            "t18_only_main_thread_enumerated_at_start",
            only_main_thread_enumerated_at_start,
        ),
        ("t17a_main_thread_name", t17a_main_thread_name),
        (
            "t17b_main_thread_is_current_thread",
            t17b_main_thread_is_current_thread,
        ),
        (
            "t17c_other_thread_has_other_ident",
            t17c_other_thread_has_other_ident,
        ),
        ("main_thread_repr", main_thread_repr),
        ("t16_daemon_param", t16_daemon_param),
        (
            "x02_main_thread_cannot_join_itself",
            x02_main_thread_cannot_join_itself,
        ),
        (
            "worker_timed_join_of_main_times_out",
            worker_timed_join_of_main_times_out,
        ),
        (
            "t08_t28_failed_spawn_registers_nothing",
            t08_failed_spawn_registers_nothing,
        ),
        (
            "t05_min_stack_size_runs_a_thread",
            min_stack_size_runs_a_thread,
        ),
        (
            "j01_j03_shutdown_joins_non_daemon_threads",
            j01_j03_shutdown_joins_non_daemon_threads,
        ),
    ];
    let (mut passed, mut failed) = (0, 0);
    println!("running {} main-thread checks", checks.len());
    for (name, check) in checks {
        match catch_unwind(AssertUnwindSafe(check)) {
            Ok(()) => {
                passed += 1;
                println!("check {name} ... ok");
            }
            Err(_) => {
                failed += 1;
                println!("check {name} ... FAILED");
            }
        }
    }
    println!("{passed} passed, {failed} failed");
    failed == 0
}

// ---------------------------------------------------------------------------------------------
// Process-exit scenarios (run by tests/exit.rs)

fn say(line: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

/// T-09: main returns while a non-daemon thread sleeps; the program still waits for it.
fn exit_nondaemon_return() {
    let t = Thread::new(|| {
        std::thread::sleep(Duration::from_millis(300));
        say("Woke up");
    });
    t.start().unwrap();
    say("main done");
}

/// T-09 with Python's SystemExit analogue: `std::process::exit(0)` still waits.
fn exit_nondaemon_process_exit() {
    let t = Thread::new(|| {
        std::thread::sleep(Duration::from_millis(300));
        say("Woke up");
    });
    t.start().unwrap();
    say("main done");
    std::process::exit(0);
}

/// J-01: a worker joins the main thread; it returns once main has finished.
fn exit_main_join() {
    let t = Thread::new(|| {
        let main = threading::main_thread();
        let _ = main.join_timeout(BOUND);
        if main.is_alive() {
            say("main still alive");
        } else {
            say("end of thread");
        }
    });
    t.start().unwrap();
    say("end of main");
}

/// J-02: 40 daemon threads loop doing I/O; the program exits without waiting for them and
/// without any error output.
fn exit_daemon_io() {
    let started = Arc::new(AtomicUsize::new(0));
    let all = Event::new();
    for i in 0..40 {
        let (s, a) = (started.clone(), all.clone());
        let t = Thread::builder()
            .daemon(true)
            .target(move || {
                let deadline = std::time::Instant::now() + Duration::from_secs(60);
                let path = std::env::temp_dir()
                    .join(format!("pythreading-j02-{}-{i}", std::process::id()));
                let mut first = true;
                while std::time::Instant::now() < deadline {
                    if let Ok(mut f) = std::fs::File::create(&path) {
                        let _ = f.write_all(b"spam");
                    }
                    let _ = std::fs::remove_file(&path);
                    if first {
                        first = false;
                        if s.fetch_add(1, Ordering::SeqCst) + 1 == 40 {
                            a.set();
                        }
                    }
                }
            })
            .build();
        t.start().unwrap();
    }
    assert!(
        all.wait_timeout(BOUND).unwrap(),
        "not all daemon threads ran"
    );
    say("all daemon threads ran");
    std::process::exit(0);
}

/// J-03: thread1 starts thread2 and returns; main never joins; thread2 still completes.
fn exit_thread_from_thread() {
    let thread1 = Thread::new(|| {
        let thread2 = Thread::new(|| {
            std::thread::sleep(Duration::from_millis(200));
            say("OK");
        });
        thread2.start().unwrap();
    });
    thread1.start().unwrap();
}

/// X-06 and H-01: a panic in a thread is reported on stderr by the default hook; the process
/// still exits with 0 and stdout stays empty.
fn panic_in_thread() {
    let t = Thread::builder()
        .name("excepthook thread")
        .target(|| panic!("division by zero"))
        .build();
    t.start().unwrap();
    t.join_timeout(BOUND).unwrap();
}

/// H-03: exit_thread() ends a thread silently (nothing on stderr).
fn exit_thread_silent() {
    let t = Thread::new(|| {
        threading::exit_thread();
    });
    t.start().unwrap();
    t.join_timeout(BOUND).unwrap();
    say(if t.is_alive() { "still alive" } else { "done" });
}

/// H-05: a custom hook that panics: stderr gets "Exception in threading.excepthook:" and the
/// hook's panic is reported by the default hook.
fn hook_panics() {
    threading::set_excepthook(|_args: &ExceptHookArgs| panic!("threading_hook failed"));
    let t = Thread::builder()
        .name("h05")
        .target(|| panic!("run failed"))
        .build();
    t.start().unwrap();
    t.join_timeout(BOUND).unwrap();
    threading::set_excepthook(threading::default_excepthook);
}

/// H-06: a custom hook replaces the output; restoring `default_excepthook` brings it back.
fn hook_restore() {
    threading::set_excepthook(|_args: &ExceptHookArgs| {
        let mut err = std::io::stderr().lock();
        let _ = writeln!(err, "Running a thread failed");
    });
    let t1 = Thread::builder()
        .name("t1")
        .target(|| panic!("first"))
        .build();
    t1.start().unwrap();
    t1.join_timeout(BOUND).unwrap();
    eprintln!("--- restored");
    threading::set_excepthook(threading::default_excepthook);
    let t2 = Thread::builder()
        .name("t2")
        .target(|| panic!("second"))
        .build();
    t2.start().unwrap();
    t2.join_timeout(BOUND).unwrap();
}

/// T-09 with `exit_thread()` called in the main thread (Python: SystemExit raised by the main
/// code): the program ends with status 0 after joining the non-daemon thread.
fn exit_thread_in_main() {
    let t = Thread::new(|| {
        std::thread::sleep(Duration::from_millis(300));
        say("Woke up");
    });
    t.start().unwrap();
    say("main done");
    threading::exit_thread();
}

/// Resident memory in kB (Linux), for the Local memory check.
fn rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Reading a Local must not allocate per call: prints the RSS growth over 3*10^5 `get()`s.
fn local_get_memory() {
    let local: Local<u64> = Local::new();
    local.set(1);
    let mut sum = local.get().unwrap();
    let before = rss_kb();
    for _ in 0..300_000 {
        sum += local.get().unwrap();
    }
    let after = rss_kb();
    assert_eq!(sum, 300_001);
    match (before, after) {
        (Some(b), Some(a)) => say(&format!("growth_kb={}", a.saturating_sub(b))),
        _ => say("growth_kb=unknown"),
    }
}

const SCENARIOS: &[(&str, fn())] = &[
    ("exit-nondaemon-return", exit_nondaemon_return),
    ("exit-nondaemon-process-exit", exit_nondaemon_process_exit),
    ("exit-main-join", exit_main_join),
    ("exit-daemon-io", exit_daemon_io),
    ("exit-thread-from-thread", exit_thread_from_thread),
    ("panic-in-thread", panic_in_thread),
    ("exit-thread-silent", exit_thread_silent),
    ("hook-panics", hook_panics),
    ("hook-restore", hook_restore),
    ("exit-thread-in-main", exit_thread_in_main),
    ("local-get-memory", local_get_memory),
];

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(first) = args.first() {
        if let Some((_, scenario)) = SCENARIOS.iter().find(|(n, _)| n == first) {
            scenario();
            return;
        }
    }
    if args.iter().any(|a| a == "--list") {
        // For test listers (`cargo test -- --list`, nextest): one pseudo-test.
        println!("main_thread_checks: test");
        return;
    }
    if !run_checks() {
        std::process::exit(1);
    }
}
