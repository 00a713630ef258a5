//! Conformance tests for the module functions: `current_thread`, `main_thread`, `enumerate`,
//! `active_count`, `get_ident`, `get_native_id`, and the trace/profile hooks
//! (`settrace`/`gettrace` T-21, `setprofile`/`getprofile` T-23), which run in each new crate
//! thread before its `run()`.
//!
//! Every test here takes `SERIAL`: thread counts and the trace/profile hooks are global, so the
//! tests of this file must not overlap. (Other test binaries are other processes.)
//!
//! Platform-neutral (no filesystem, no subprocess, no panics).
//!
//! Foreign threads are `std::thread::spawn` (docs/behaviours.md: "foreign threads"); in browsers std cannot spawn,
//! so the tests that use it (their names or comments say "foreign") need the platform's raw
//! worker spawn there.
//!
//! Covered elsewhere: T-17a/b in the real main thread (tests/main_thread.rs; cargo's test
//! threads are foreign threads). Not applicable: T-22/T-24 (`*_all_threads`, `sys.settrace`
//! plumbing: not in the API), M-01 (`__all__`: PY).

mod common;

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use common::{in_foreign_thread, join_bounded, poll_until, serial, BOUND};
use pythreading as threading;
use threading::{Event, Hook, Thread};

static SERIAL: Mutex<()> = Mutex::new(());

fn noop() {}

#[crate::common::test]
fn current_thread_in_crate_thread_is_its_thread() {
    let _g = serial(&SERIAL);
    let seen = Arc::new(Mutex::new(None));
    let s = seen.clone();
    let t = Thread::builder()
        .name("cur")
        .target(move || {
            let a = threading::current_thread();
            let b = threading::current_thread();
            *s.lock().unwrap() = Some((a == b, a, threading::get_ident()));
        })
        .build();
    t.start().unwrap();
    join_bounded(&t);
    let (same, cur, ident) = seen.lock().unwrap().take().unwrap();
    assert!(
        same,
        "current_thread() must return the same object every time"
    );
    assert_eq!(cur, t);
    assert_eq!(cur.name(), "cur");
    assert_eq!(t.ident(), Some(ident));
}

#[crate::common::test]
#[cfg_attr(
    all(target_arch = "wasm32", target_os = "unknown"),
    ignore = "needs a foreign thread (std::thread::spawn), which browsers do not have"
)]
fn current_thread_in_foreign_thread_is_a_dummy() {
    let _g = serial(&SERIAL);
    let main = threading::main_thread();
    in_foreign_thread(move || {
        let me = threading::current_thread();
        assert_eq!(me, threading::current_thread());
        assert!(me.is_alive());
        assert!(me.is_daemon());
        assert!(format!("{me:?}").starts_with("<_DummyThread("), "{me:?}");
        assert_eq!(me.ident(), Some(threading::get_ident()));
        assert_eq!(me.native_id(), Some(threading::get_native_id()));
        assert_ne!(me, main);
    });
}

#[crate::common::test]
fn t17_main_thread_from_other_threads() {
    let _g = serial(&SERIAL);
    let main = threading::main_thread();
    assert_eq!(main.name(), "MainThread"); // T-17a
    assert!(main.is_alive(), "the test harness's main thread is alive");
    assert!(!main.is_daemon());
    assert_eq!(main.ident(), Some(1), "the OS main thread has ident 1");
    assert_eq!(main, threading::main_thread());
    // T-17c: in another thread, main_thread().ident != current_thread().ident.
    // (Natively this test runs on a libtest thread, under wasm on the main thread itself, so
    // the "other thread" is always a crate thread started here.)
    let seen = Arc::new(Mutex::new(None));
    let s = seen.clone();
    let t = Thread::new(move || {
        let main = threading::main_thread();
        // Joining the (still running) main thread with a timeout just times out.
        let joined = main.join_timeout(0.01);
        *s.lock().unwrap() = Some((
            main.clone(),
            threading::current_thread().ident(),
            joined,
            main.is_alive(),
        ));
    });
    t.start().unwrap();
    join_bounded(&t);
    let (m, cur, joined, alive) = seen.lock().unwrap().take().unwrap();
    assert_eq!(m, main);
    assert_ne!(m.ident(), cur);
    assert_eq!(joined, Ok(()));
    assert!(alive);
    assert!(
        main.set_daemon(true).is_err(),
        "main thread is started: X-04"
    );
    assert!(!main.is_daemon());
}

#[crate::common::test]
// Thread hashes by identity (an Arc pointer), so the interior mutability does not matter.
#[allow(clippy::mutable_key_type)]
fn enumerate_and_active_count() {
    let _g = serial(&SERIAL);
    // A foreign thread is registered once it asks for current_thread() (Python: _DummyThread).
    let me = threading::current_thread();
    let before = threading::enumerate();
    assert!(before.contains(&threading::main_thread()));
    assert!(before.contains(&me), "the dummy is registered");
    assert!(before.iter().all(|t| t.is_alive()));
    let gate = Event::new();
    let threads: Vec<Thread> = (0..5)
        .map(|_| {
            let g = gate.clone();
            Thread::new(move || {
                let _ = g.wait_timeout(BOUND);
            })
        })
        .collect();
    // Unstarted threads are not enumerated.
    for t in &threads {
        assert!(!threading::enumerate().contains(t));
    }
    for t in &threads {
        t.start().unwrap();
    }
    let during = threading::enumerate();
    for t in &threads {
        assert!(during.contains(t), "started {t:?} not enumerated");
    }
    // Dummies of cargo's finished test threads may leave the registry at any moment, so the
    // two counts are compared until they agree (they must, for a quiet moment).
    assert!(
        poll_until(5.0, || threading::active_count()
            == threading::enumerate().len()),
        "active_count() != enumerate().len()"
    );
    let unique: HashSet<Thread> = during.iter().cloned().collect();
    assert_eq!(
        unique.len(),
        during.len(),
        "enumerate() lists a thread twice"
    );
    gate.set();
    for t in &threads {
        join_bounded(t);
        assert!(!threading::enumerate().contains(t));
    }
}

#[crate::common::test]
fn get_ident_and_native_id_distinct_between_live_threads() {
    let _g = serial(&SERIAL);
    let gate = Event::new();
    let ids = Arc::new(Mutex::new(Vec::new()));
    let threads: Vec<Thread> = (0..4)
        .map(|_| {
            let (g, i) = (gate.clone(), ids.clone());
            Thread::new(move || {
                let me = threading::current_thread();
                i.lock().unwrap().push((
                    threading::get_ident(),
                    threading::get_native_id(),
                    me.ident(),
                    me.native_id(),
                ));
                let _ = g.wait_timeout(BOUND);
            })
        })
        .collect();
    for t in &threads {
        t.start().unwrap();
    }
    assert!(poll_until(BOUND, || ids.lock().unwrap().len() == 4));
    let ids = ids.lock().unwrap().clone();
    gate.set();
    for t in &threads {
        join_bounded(t);
    }
    for (id, nid, tid, tnid) in &ids {
        assert_eq!(Some(*id), *tid);
        assert_eq!(Some(*nid), *tnid);
    }
    let mut idents: HashSet<u64> = ids.iter().map(|x| x.0).collect();
    let mut natives: HashSet<u64> = ids.iter().map(|x| x.1).collect();
    idents.insert(threading::get_ident());
    natives.insert(threading::get_native_id());
    assert_eq!(idents.len(), 5);
    assert_eq!(natives.len(), 5);
    // get_ident is stable within a thread.
    assert_eq!(threading::get_ident(), threading::get_ident());
    assert_eq!(threading::get_native_id(), threading::get_native_id());
}

// ---------------------------------------------------------------------------------------------
// T-21, T-23: trace and profile hooks

type HookLog = Arc<Mutex<Vec<(Thread, Thread)>>>;

/// A hook closure that records (the thread it was given, current_thread() where it ran).
fn recording_hook() -> (impl Fn(&Thread) + Send + Sync + 'static, HookLog) {
    let log: HookLog = Arc::new(Mutex::new(Vec::new()));
    let l = log.clone();
    let hook = move |t: &Thread| {
        l.lock()
            .unwrap()
            .push((t.clone(), threading::current_thread()));
    };
    (hook, log)
}

/// T-21/T-23: the getter returns the installed function: the same `Arc` on every call, and
/// calling it calls the function that was set.
fn assert_is_hook(got: Option<Hook>, log: &HookLog) {
    let got = got.expect("getter after setter");
    let before = log.lock().unwrap().len();
    let probe = Thread::builder().name("probe").build();
    got(&probe);
    let l = log.lock().unwrap();
    assert_eq!(
        l.len(),
        before + 1,
        "the returned hook is not the function that was set"
    );
    assert_eq!(l[before].0, probe);
    drop(l);
    log.lock().unwrap().pop();
}

/// The log entries about the given threads (a test's own threads: a thread that another,
/// failed test left starting could be traced meanwhile).
fn of(log: &HookLog, threads: &[Thread]) -> Vec<(Thread, Thread)> {
    let l = log.lock().unwrap();
    l.iter()
        .filter(|(t, _)| threads.contains(t))
        .cloned()
        .collect()
}

/// Start a thread that records how many hook calls had been made for itself when run() began.
fn run_checked(log: &HookLog) -> (Thread, usize) {
    let seen = Arc::new(Mutex::new(None));
    let (s, l) = (seen.clone(), log.clone());
    let t = Thread::new(move || {
        let me = threading::current_thread();
        let n = l.lock().unwrap().iter().filter(|(t, _)| *t == me).count();
        *s.lock().unwrap() = Some(n);
    });
    t.start().unwrap();
    join_bounded(&t);
    let n = seen.lock().unwrap().expect("thread did not run");
    (t, n)
}

#[crate::common::test]
fn t21_settrace_gettrace() {
    let _g = serial(&SERIAL);
    let old = threading::gettrace();
    assert!(old.is_none(), "no trace hook is installed by default");
    let (hook, log) = recording_hook();
    threading::settrace(hook);
    assert_is_hook(threading::gettrace(), &log);
    assert!(Arc::ptr_eq(
        &threading::gettrace().unwrap(),
        &threading::gettrace().unwrap()
    ));
    // The hook runs in each new thread, in that thread, before run().
    let (t1, n1) = run_checked(&log);
    let (t2, n2) = run_checked(&log);
    threading::clear_trace();
    assert!(threading::gettrace().is_none());
    assert_eq!(
        (n1, n2),
        (1, 1),
        "the trace hook must run once, before run()"
    );
    let mine = [t1.clone(), t2.clone()];
    assert_eq!(
        of(&log, &mine),
        vec![(t1.clone(), t1.clone()), (t2.clone(), t2.clone())]
    );
    // Cleared: later threads are not traced, and the calling thread never was.
    let (t3, n3) = run_checked(&log);
    assert_eq!(n3, 0);
    assert!(of(&log, &[t3, threading::current_thread()]).is_empty());
}

#[crate::common::test]
fn t23_setprofile_getprofile() {
    let _g = serial(&SERIAL);
    assert!(
        threading::getprofile().is_none(),
        "no profile hook is installed by default"
    );
    let (hook, log) = recording_hook();
    threading::setprofile(hook);
    assert_is_hook(threading::getprofile(), &log);
    assert!(Arc::ptr_eq(
        &threading::getprofile().unwrap(),
        &threading::getprofile().unwrap()
    ));
    assert!(
        threading::gettrace().is_none(),
        "setprofile must not set the trace hook"
    );
    let (t1, n1) = run_checked(&log);
    threading::clear_profile();
    assert!(threading::getprofile().is_none());
    assert_eq!(n1, 1);
    assert_eq!(of(&log, std::slice::from_ref(&t1)), vec![(t1.clone(), t1)]);
    let (_t2, n2) = run_checked(&log);
    assert_eq!(n2, 0);
}

#[crate::common::test]
fn trace_and_profile_hooks_both_run_and_can_be_replaced() {
    let _g = serial(&SERIAL);
    let (trace, tlog) = recording_hook();
    let (profile, plog) = recording_hook();
    threading::settrace(trace);
    threading::setprofile(profile);
    let (t, _) = run_checked(&tlog);
    // Replacing a hook: only the newest one runs.
    let (trace2, tlog2) = recording_hook();
    threading::settrace(trace2);
    assert_is_hook(threading::gettrace(), &tlog2);
    let (u, n) = run_checked(&tlog2);
    threading::clear_trace();
    threading::clear_profile();
    assert_eq!(n, 1);
    let mine = [t.clone(), u.clone()];
    let tl: Vec<Thread> = of(&tlog, &mine).into_iter().map(|x| x.0).collect();
    let pl: Vec<Thread> = of(&plog, &mine).into_iter().map(|x| x.0).collect();
    assert_eq!(
        tl,
        vec![t.clone()],
        "the replaced trace hook ran for a later thread"
    );
    assert_eq!(pl, vec![t, u]);
}

#[crate::common::test]
#[cfg_attr(
    all(target_arch = "wasm32", target_os = "unknown"),
    ignore = "needs a foreign thread (std::thread::spawn), which browsers do not have"
)]
fn hooks_do_not_run_for_foreign_threads_or_the_caller() {
    let _g = serial(&SERIAL);
    let (hook, log) = recording_hook();
    threading::settrace(hook);
    // A plain std thread (not `within`, whose helper is a crate thread and would be traced);
    // its body does not block.
    let dummy = common::platform::spawn(threading::current_thread)
        .join()
        .unwrap();
    let t = Thread::new(noop);
    t.run(); // run() in the calling thread is not a new thread
    threading::clear_trace();
    assert!(format!("{dummy:?}").starts_with("<_DummyThread("));
    let traced = of(&log, &[dummy, t, threading::current_thread()]);
    assert!(traced.is_empty(), "{traced:?}");
}
