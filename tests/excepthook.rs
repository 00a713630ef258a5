//! Conformance tests for the thread excepthook: CPython's `test_threading.ExceptHookTests`
//! (H-01..H-06) and the in-process half of `ThreadingExceptionTests.test_print_exception`,
//! adapted: an uncaught *panic* in a crate thread's `run` is the uncaught exception; its
//! `exc_type` is `"Panic"` and `exc_value` the panic message.
//!
//! The hook is global, so every test here takes `HOOK` and restores `default_excepthook`.
//!
//! PANICS: natively panics unwind. Under wasm they abort (trap), and every supported wasm
//! platform reports a trapped crate thread like an unwinding one (the wasmtime host calls the
//! library's trap handler; browser workers do it from their JS), so the tests in which a crate
//! thread panics, calls `exit_thread()`, or whose hook panics run on every platform. Tests
//! where a panic must be *caught inside* a thread need real unwinding and are ignored on
//! `panic = "abort"` targets, with that reason. The pure `ExceptHookArgs::render()` / direct
//! `excepthook()` tests run everywhere.
//!
//! Text written to stderr by the default hook is checked through `render()` here and in
//! tests/exit.rs (subprocesses capture the real stderr: H-01, H-03, H-05, H-06, X-06).
//!
//! Not applicable: X-07/X-08 (`sys.stderr` replaced by None: PY), the traceback source line
//! `  raise ValueError("run failed")` of H-01 (Rust has no source-level traceback), H-04's
//! `exc_traceback == exc_value.__traceback__` (PY object identity).

mod common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use common::{count, counter, join_bounded, serial, within, BOUND};
use pythreading as threading;
use threading::{Event, ExceptHookArgs, Thread};

static HOOK: Mutex<()> = Mutex::new(());

/// What a custom hook saw (ExceptHookArgs itself is not assumed to be Clone).
#[derive(Debug, Clone, PartialEq)]
struct Seen {
    exc_type: String,
    exc_value: Option<String>,
    has_traceback: bool,
    thread: Option<Thread>,
    hook_thread: Thread,
}

type Log = Arc<Mutex<Vec<Seen>>>;

/// Install a recording hook; returns the log. Restore with `restore()`.
fn record() -> Log {
    let log: Log = Arc::new(Mutex::new(Vec::new()));
    let l = log.clone();
    threading::set_excepthook(move |args: &ExceptHookArgs| {
        l.lock().unwrap().push(Seen {
            exc_type: args.exc_type.clone(),
            exc_value: args.exc_value.clone(),
            has_traceback: args.exc_traceback.is_some(),
            thread: args.thread.clone(),
            hook_thread: threading::current_thread(),
        });
    });
    log
}

fn restore() {
    common::reset_excepthook();
}

/// Restores the default hook even when an assertion fails.
struct Restore;
impl Drop for Restore {
    fn drop(&mut self) {
        restore();
    }
}

fn panicking(name: &str, msg: &'static str) -> Thread {
    Thread::builder()
        .name(name)
        .target(move || panic!("{msg}"))
        .build()
}

// ---------------------------------------------------------------------------------------------
// render() and direct calls: no panics needed

#[crate::common::test]
fn h01_render_has_header_traceback_and_message() {
    let t = Thread::builder().name("excepthook thread").build();
    let args = ExceptHookArgs {
        exc_type: "Panic".to_string(),
        exc_value: Some("run failed".to_string()),
        exc_traceback: Some("  File \"src/main.rs\", line 1, in run\n".to_string()),
        thread: Some(t),
    };
    let text = args.render();
    assert!(
        text.starts_with("Exception in thread excepthook thread:\n"),
        "{text}"
    );
    assert!(
        text.contains("Traceback (most recent call last):\n"),
        "{text}"
    );
    assert!(text.contains("Panic: run failed\n"), "{text}");
    assert!(text.ends_with('\n'));
    assert!(!text.contains("Unhandled exception"), "{text}");
}

#[crate::common::test]
fn h02_thread_none_uses_current_ident() {
    // H-02: ExceptHookArgs with thread=None prints the calling thread's ident as its "name".
    let args = ExceptHookArgs {
        exc_type: "ValueError".to_string(),
        exc_value: Some("bug".to_string()),
        exc_traceback: None,
        thread: None,
    };
    let text = args.render();
    let header = format!("Exception in thread {}:\n", threading::get_ident());
    assert!(
        text.starts_with(&header),
        "{text:?} should start with {header:?}"
    );
    assert!(text.contains("ValueError: bug\n"), "{text}");
    // The ident is the *calling* thread's: rendered in another thread, the header changes.
    let (text2, ident2) = within(BOUND, "render in another thread", move || {
        common::platform::spawn(move || (args.render(), threading::get_ident()))
            .join()
            .unwrap()
    });
    assert!(
        text2.starts_with(&format!("Exception in thread {ident2}:\n")),
        "{text2}"
    );
    assert_ne!(ident2, threading::get_ident());
}

#[crate::common::test]
fn render_without_value_prints_the_type() {
    let args = ExceptHookArgs {
        exc_type: "Panic".to_string(),
        exc_value: None,
        exc_traceback: None,
        thread: Some(Thread::builder().name("t").build()),
    };
    let text = args.render();
    assert!(text.starts_with("Exception in thread t:\n"), "{text}");
    assert!(text.trim_end().ends_with("Panic"), "{text}");
}

#[crate::common::test]
fn h04_excepthook_calls_the_installed_hook_and_has_four_fields() {
    let _g = serial(&HOOK);
    let _r = Restore;
    let log = record();
    let t = Thread::builder().name("direct").build();
    // Four public fields (H-04: "ExceptHookArgs has 4 fields"), built with a struct literal.
    let args = ExceptHookArgs {
        exc_type: "ValueError".into(),
        exc_value: Some("run failed".into()),
        exc_traceback: None,
        thread: Some(t.clone()),
    };
    threading::excepthook(&args);
    let log = log.lock().unwrap().clone();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].exc_type, "ValueError");
    assert_eq!(log[0].exc_value.as_deref(), Some("run failed"));
    assert_eq!(log[0].thread.as_ref(), Some(&t));
    assert_eq!(log[0].hook_thread, threading::current_thread());
}

#[crate::common::test]
fn h06_default_excepthook_stays_available_and_restores() {
    let _g = serial(&HOOK);
    let _r = Restore;
    let log = record();
    // Calling the original directly does not go through the custom hook (prints to stderr).
    threading::default_excepthook(&ExceptHookArgs {
        exc_type: "Panic".into(),
        exc_value: Some("H-06: expected output of default_excepthook".into()),
        exc_traceback: None,
        thread: None,
    });
    assert!(log.lock().unwrap().is_empty());
    // After restoring the original, the custom hook is no longer called.
    restore();
    threading::excepthook(&ExceptHookArgs {
        exc_type: "Panic".into(),
        exc_value: Some("H-06: expected output after restoring the default hook".into()),
        exc_traceback: None,
        thread: None,
    });
    assert!(log.lock().unwrap().is_empty());
}

// ---------------------------------------------------------------------------------------------
// Panicking threads (need unwinding)

#[crate::common::test]
fn h04_custom_hook_receives_panic_from_thread() {
    let _g = serial(&HOOK);
    let _r = Restore;
    let log = record();
    let t = panicking("excepthook thread", "run failed");
    t.start().unwrap();
    join_bounded(&t);
    let log = log.lock().unwrap().clone();
    assert_eq!(log.len(), 1, "hook must be called exactly once: {log:?}");
    let seen = &log[0];
    assert_eq!(seen.exc_type, "Panic");
    assert_eq!(seen.exc_value.as_deref(), Some("run failed"));
    assert_eq!(seen.thread.as_ref(), Some(&t), "args.thread is the Thread");
    // The hook runs in the failing thread itself (as in CPython).
    assert_eq!(seen.hook_thread, t);
}

#[crate::common::test]
fn h04_formatted_panic_message_is_the_value() {
    let _g = serial(&HOOK);
    let _r = Restore;
    let log = record();
    let n = 42;
    let t = Thread::new(move || panic!("bad value {n}"));
    t.start().unwrap();
    join_bounded(&t);
    let log = log.lock().unwrap().clone();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].exc_value.as_deref(), Some("bad value 42"));
    assert_eq!(log[0].thread.as_ref(), Some(&t));
}

#[crate::common::test]
fn x06_panic_does_not_reach_join_and_others_carry_on() {
    let _g = serial(&HOOK);
    let _r = Restore;
    let log = record();
    let gate = Event::new();
    let survivor_done = Arc::new(AtomicBool::new(false));
    let (g, s) = (gate.clone(), survivor_done.clone());
    let survivor = Thread::new(move || {
        assert!(g.wait_timeout(BOUND).unwrap());
        s.store(true, Ordering::SeqCst);
    });
    survivor.start().unwrap();
    let bad = panicking("bad", "division by zero");
    bad.start().unwrap();
    within(BOUND, "join of panicked thread", {
        let bad = bad.clone();
        move || assert_eq!(bad.join(), Ok(()), "the panic must not propagate to join()")
    });
    assert!(!bad.is_alive());
    assert!(!threading::enumerate().contains(&bad));
    assert!(format!("{bad:?}").contains("stopped"));
    // The other thread is unaffected and still running.
    assert!(survivor.is_alive());
    gate.set();
    join_bounded(&survivor);
    assert!(survivor_done.load(Ordering::SeqCst));
    assert_eq!(log.lock().unwrap().len(), 1);
}

#[crate::common::test]
fn h03_exit_thread_is_silent() {
    let _g = serial(&HOOK);
    let _r = Restore;
    let log = record();
    let after = Arc::new(AtomicBool::new(false));
    let a = after.clone();
    let t = Thread::new(move || {
        if !a.load(Ordering::SeqCst) {
            threading::exit_thread();
        }
        a.store(true, Ordering::SeqCst);
    });
    t.start().unwrap();
    join_bounded(&t);
    assert!(
        !after.load(Ordering::SeqCst),
        "code after exit_thread() ran"
    );
    assert!(
        log.lock().unwrap().is_empty(),
        "exit_thread() must not call the excepthook"
    );
    assert!(!t.is_alive());
    assert!(!threading::enumerate().contains(&t));
}

#[crate::common::test]
fn h03_exit_thread_from_nested_calls_and_run_impl() {
    let _g = serial(&HOOK);
    let _r = Restore;
    let log = record();
    fn deep(n: u32) {
        if n == 0 {
            threading::exit_thread();
        }
        deep(n - 1)
    }
    struct Quits(Arc<AtomicBool>);
    impl threading::Run for Quits {
        fn run(&mut self) {
            deep(5);
            self.0.store(true, Ordering::SeqCst);
        }
    }
    let after = Arc::new(AtomicBool::new(false));
    let t = Thread::from_run(Quits(after.clone()));
    t.start().unwrap();
    join_bounded(&t);
    assert!(!after.load(Ordering::SeqCst));
    assert!(log.lock().unwrap().is_empty());
}

#[crate::common::test]
fn h05_hook_that_panics_does_not_kill_anything() {
    // stderr ("Exception in threading.excepthook:" + the default report of the hook's panic)
    // is checked in tests/exit.rs; here: the thread still ends cleanly and joiners return.
    let _g = serial(&HOOK);
    let _r = Restore;
    let calls = counter();
    let c = calls.clone();
    threading::set_excepthook(move |_args: &ExceptHookArgs| {
        c.fetch_add(1, Ordering::SeqCst);
        panic!("threading_hook failed (expected)");
    });
    let t = panicking("h05", "run failed (expected)");
    t.start().unwrap();
    within(BOUND, "join after a failing hook", {
        let t = t.clone();
        move || assert_eq!(t.join(), Ok(()))
    });
    assert_eq!(count(&calls), 1);
    assert!(!t.is_alive());
    // The process and the crate keep working.
    let ok = Thread::new(|| {});
    ok.start().unwrap();
    join_bounded(&ok);
}

#[crate::common::test]
fn h06_custom_hook_replaces_output_and_can_be_swapped() {
    let _g = serial(&HOOK);
    let _r = Restore;
    let first = record();
    let t1 = panicking("h06-1", "first (expected)");
    t1.start().unwrap();
    join_bounded(&t1);
    let second = record();
    let t2 = panicking("h06-2", "second (expected)");
    t2.start().unwrap();
    join_bounded(&t2);
    let first = first.lock().unwrap().clone();
    let second = second.lock().unwrap().clone();
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].thread.as_ref(), Some(&t1));
    assert_eq!(
        second.len(),
        1,
        "the replaced hook must get only later reports"
    );
    assert_eq!(second[0].thread.as_ref(), Some(&t2));
}

#[crate::common::test]
fn panics_in_run_impl_and_many_threads_are_all_reported() {
    let _g = serial(&HOOK);
    let _r = Restore;
    let log = record();
    struct Fails(u32);
    impl threading::Run for Fails {
        fn run(&mut self) {
            panic!("run {} failed", self.0);
        }
    }
    let threads: Vec<Thread> = (0..6).map(|i| Thread::from_run(Fails(i))).collect();
    for t in &threads {
        t.start().unwrap();
    }
    for t in &threads {
        join_bounded(t);
    }
    let log = log.lock().unwrap().clone();
    assert_eq!(log.len(), 6);
    for (i, t) in threads.iter().enumerate() {
        let seen = log
            .iter()
            .find(|s| s.thread.as_ref() == Some(t))
            .unwrap_or_else(|| panic!("no report for {t:?}"));
        assert_eq!(
            seen.exc_value.as_deref(),
            Some(format!("run {i} failed").as_str())
        );
        assert_eq!(seen.exc_type, "Panic");
    }
}

#[crate::common::test]
fn panicking_thread_reports_a_traceback_string() {
    // The report carries something in exc_traceback (CPython: the traceback object), so the
    // default rendering includes the "Traceback (most recent call last):" header.
    let _g = serial(&HOOK);
    let _r = Restore;
    let got = Arc::new(Mutex::new(None));
    let g = got.clone();
    threading::set_excepthook(move |args: &ExceptHookArgs| {
        *g.lock().unwrap() = Some((args.exc_traceback.clone(), args.render()));
    });
    let t = panicking("tb thread", "with traceback (expected)");
    t.start().unwrap();
    join_bounded(&t);
    let (tb, text) = got.lock().unwrap().take().expect("hook not called");
    assert!(tb.is_some(), "exc_traceback missing");
    assert!(
        text.starts_with("Exception in thread tb thread:\n"),
        "{text}"
    );
    assert!(
        text.contains("Traceback (most recent call last):\n"),
        "{text}"
    );
    assert!(
        text.contains("Panic: with traceback (expected)\n"),
        "{text}"
    );
}

#[crate::common::test]
fn hook_runs_in_the_failing_thread_before_it_stops() {
    // CPython calls the hook from the failing thread's bootstrap: the thread is still alive
    // and its thread-local data still exists while the hook runs.
    let _g = serial(&HOOK);
    let _r = Restore;
    let local: threading::Local<&'static str> = threading::Local::new();
    let got = Arc::new(Mutex::new(None));
    let (g, l) = (got.clone(), local.clone());
    threading::set_excepthook(move |args: &ExceptHookArgs| {
        let t = args.thread.clone().expect("thread");
        *g.lock().unwrap() = Some((
            t.is_alive(),
            t == threading::current_thread(),
            l.get(),
            threading::enumerate().contains(&t),
        ));
    });
    let l = local.clone();
    let t = Thread::new(move || {
        l.set("mine");
        panic!("expected panic");
    });
    t.start().unwrap();
    join_bounded(&t);
    let got = got.lock().unwrap().take().expect("hook not called");
    assert_eq!(got, (true, true, Some("mine"), true));
}

#[crate::common::test]
#[cfg_attr(
    not(panic = "unwind"),
    ignore = "needs unwinding: the thread catches a panic itself"
)]
fn panic_caught_inside_run_is_not_reported_and_does_not_leak_into_later_reports() {
    let _g = serial(&HOOK);
    let _r = Restore;
    let log = record();
    let tbs = Arc::new(Mutex::new(Vec::new()));
    let tb = tbs.clone();
    let caught_line = Arc::new(Mutex::new(0));
    let cl = caught_line.clone();
    let t = Thread::new(move || {
        // The thread handles its own panic: nothing to report.
        let r = std::panic::catch_unwind(|| {
            *cl.lock().unwrap() = line!() + 1;
            panic!("caught (expected)");
        });
        assert!(r.is_err());
    });
    t.start().unwrap();
    join_bounded(&t);
    assert!(
        log.lock().unwrap().is_empty(),
        "a caught panic reached the excepthook"
    );

    // Now a thread that catches one panic and then ends with another (resume_unwind does not
    // run the panic hook): the report must describe the second one, not the first.
    restore();
    threading::set_excepthook(move |args: &ExceptHookArgs| {
        tb.lock()
            .unwrap()
            .push((args.exc_value.clone(), args.exc_traceback.clone()));
    });
    let cl = caught_line.clone();
    let t = Thread::new(move || {
        let _ = std::panic::catch_unwind(|| {
            *cl.lock().unwrap() = line!() + 1;
            panic!("caught first (expected)");
        });
        std::panic::resume_unwind(Box::new("second (expected)"));
    });
    t.start().unwrap();
    join_bounded(&t);
    let line = *caught_line.lock().unwrap();
    let tbs = tbs.lock().unwrap().clone();
    assert_eq!(tbs.len(), 1, "{tbs:?}");
    assert_eq!(tbs[0].0.as_deref(), Some("second (expected)"));
    if let Some(tb) = &tbs[0].1 {
        assert!(
            !tb.contains(&format!("line {line},")),
            "the traceback of the caught panic (line {line}) was reported for another one:\n{tb}"
        );
    }
}

#[crate::common::test]
fn panic_with_non_string_payload_is_reported() {
    let _g = serial(&HOOK);
    let _r = Restore;
    let log = record();
    let t = Thread::new(|| std::panic::panic_any(42u32));
    t.start().unwrap();
    join_bounded(&t);
    let log = log.lock().unwrap().clone();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].exc_type, "Panic");
    assert_eq!(log[0].thread.as_ref(), Some(&t));
    assert!(!t.is_alive());
}
