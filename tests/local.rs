//! Conformance tests for `Local<T>` (Python's `threading.local`, `Lib/test/test_threading_local.py`
//! semantics as far as they apply to a typed per-thread slot):
//! values are per thread and invisible to other threads; `with_init` runs once in each thread
//! that touches the slot; `take`/`with`/`get`/`set`; a thread's value is dropped when that
//! thread ends (checked right after `join()` returns for crate threads, and after the OS
//! thread exits for foreign threads); all values are dropped when the `Local` is dropped.
//!
//! Platform-neutral (no filesystem, no subprocess). The one test that panics on purpose
//! (`value_survives_a_panic_inside_with`) is ignored on `panic = "abort"` targets (wasm).
//!
//! Foreign threads are `std::thread::spawn` (docs/behaviours.md: "foreign threads"); in browsers std cannot spawn,
//! so the tests that use it (their names or comments say "foreign") need the platform's raw
//! worker spawn there.
//!
//! Not applicable: `test_cycle_collection`, `test_derived_cycle_dealloc`,
//! `test_threading_local_clear_race` (gc / weakref / refcount internals, PY); attribute access
//! and `__dict__` tests (PY: a Rust `Local<T>` holds one typed value). T-25 (main-thread locals
//! readable at exit) is in tests/main_thread.rs.

mod common;

use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};

use common::{count, counter, join_bounded, poll_until, within, DropCount, BOUND};
use pythreading as threading;
use threading::{Event, Local, Thread};

fn in_thread<R: Send + 'static>(f: impl FnOnce() -> R + Send + 'static) -> R {
    let out = Arc::new(Mutex::new(None));
    let o = out.clone();
    let t = Thread::new(move || *o.lock().unwrap() = Some(f()));
    t.start().unwrap();
    join_bounded(&t);
    let r = out.lock().unwrap().take();
    r.expect("thread did not produce a result")
}

#[crate::common::test]
fn values_are_per_thread() {
    let local: Local<u32> = Local::new();
    assert_eq!(local.get(), None, "no value until set in this thread");
    local.set(1);
    assert_eq!(local.get(), Some(1));
    let l = local.clone();
    let seen = in_thread(move || {
        let before = l.get();
        l.set(2);
        (before, l.get())
    });
    assert_eq!(
        seen,
        (None, Some(2)),
        "another thread saw this thread's value"
    );
    assert_eq!(
        local.get(),
        Some(1),
        "another thread's set() leaked into this thread"
    );
    // A foreign thread too.
    let l = local.clone();
    let seen = within(BOUND, "foreign thread", move || {
        common::platform::spawn(move || {
            let before = l.get();
            l.set(3);
            (before, l.get())
        })
        .join()
        .unwrap()
    });
    assert_eq!(seen, (None, Some(3)));
    assert_eq!(local.get(), Some(1));
}

#[crate::common::test]
fn many_threads_each_see_only_their_own_value() {
    let local: Local<usize> = Local::new();
    let go = Event::new();
    let bad = counter();
    let threads: Vec<Thread> = (0..8)
        .map(|i| {
            let (l, g, b) = (local.clone(), go.clone(), bad.clone());
            Thread::new(move || {
                l.set(i);
                // Everyone has set a value before anyone checks.
                let _ = g.wait_timeout(BOUND);
                for _ in 0..100 {
                    if l.get() != Some(i) {
                        b.fetch_add(1, Ordering::SeqCst);
                    }
                    l.set(i);
                }
            })
        })
        .collect();
    for t in &threads {
        t.start().unwrap();
    }
    go.set();
    for t in &threads {
        join_bounded(t);
    }
    assert_eq!(count(&bad), 0);
    assert_eq!(local.get(), None);
}

#[crate::common::test]
fn separate_locals_are_independent() {
    let a: Local<&'static str> = Local::new();
    let b: Local<&'static str> = Local::new();
    a.set("a");
    assert_eq!(b.get(), None);
    b.set("b");
    assert_eq!((a.get(), b.get()), (Some("a"), Some("b")));
    // Clones are the same Local.
    let a2 = a.clone();
    assert_eq!(a2.get(), Some("a"));
    a2.set("a2");
    assert_eq!(a.get(), Some("a2"));
}

#[crate::common::test]
fn with_init_runs_once_per_thread() {
    let inits = counter();
    let i = inits.clone();
    let local = Local::with_init(move || {
        i.fetch_add(1, Ordering::SeqCst);
        vec![7u8]
    });
    assert_eq!(local.get(), Some(vec![7]));
    assert_eq!(local.get(), Some(vec![7]));
    assert_eq!(count(&inits), 1, "init ran again in the same thread");
    local.with(|v| v.expect("initialised").push(8));
    assert_eq!(local.get(), Some(vec![7, 8]));
    let threads: Vec<Thread> = (0..4)
        .map(|_| {
            let l = local.clone();
            Thread::new(move || {
                assert_eq!(l.get(), Some(vec![7]), "each thread starts from f()");
                l.with(|v| v.unwrap().push(9));
                assert_eq!(l.get(), Some(vec![7, 9]));
            })
        })
        .collect();
    for t in &threads {
        t.start().unwrap();
    }
    for t in &threads {
        join_bounded(t);
        assert!(format!("{t:?}").contains("stopped"));
    }
    assert_eq!(
        count(&inits),
        5,
        "init must run once in each thread that uses the Local"
    );
    assert_eq!(local.get(), Some(vec![7, 8]));
}

#[crate::common::test]
fn with_init_runs_lazily_not_in_untouched_threads() {
    let inits = counter();
    let i = inits.clone();
    let local = Local::with_init(move || {
        i.fetch_add(1, Ordering::SeqCst);
        0u32
    });
    let t = Thread::new(|| {});
    t.start().unwrap();
    join_bounded(&t);
    assert_eq!(count(&inits), 0);
    let l = local.clone();
    let t = Thread::new(move || l.set(5));
    t.start().unwrap();
    join_bounded(&t);
    // set() in a fresh thread does not need the initial value (it may or may not build it).
    assert!(count(&inits) <= 1);
}

#[crate::common::test]
fn take_removes_the_value() {
    let local: Local<String> = Local::new();
    assert_eq!(local.take(), None);
    local.set("x".to_string());
    assert_eq!(local.take(), Some("x".to_string()));
    assert_eq!(local.get(), None);
    assert_eq!(local.take(), None);
    local.set("y".to_string());
    assert_eq!(local.get(), Some("y".to_string()));
}

#[crate::common::test]
fn take_moves_out_without_dropping() {
    let drops = counter();
    let local: Local<DropCount> = Local::new();
    local.set(DropCount(drops.clone()));
    let v = local.take().expect("value");
    assert_eq!(count(&drops), 0);
    drop(v);
    assert_eq!(count(&drops), 1);
    // set() over an existing value drops the old one.
    local.set(DropCount(drops.clone()));
    local.set(DropCount(drops.clone()));
    assert_eq!(count(&drops), 2);
    drop(local.take());
    assert_eq!(count(&drops), 3);
}

#[crate::common::test]
fn with_gives_mutable_access_or_none() {
    let local: Local<Vec<i32>> = Local::new();
    let r = local.with(|v| v.is_none());
    assert!(r, "with() on an unset Local must see None");
    local.set(vec![1]);
    let len = local.with(|v| {
        let v = v.unwrap();
        v.push(2);
        v.len()
    });
    assert_eq!(len, 2);
    assert_eq!(local.get(), Some(vec![1, 2]));
    // with() works for non-Clone types.
    let nc: Local<DropCount> = Local::new();
    nc.set(DropCount(counter()));
    assert!(nc.with(|v| v.is_some()));
}

#[crate::common::test]
fn values_dropped_when_crate_thread_ends() {
    let drops = counter();
    let local: Local<DropCount> = Local::new();
    let threads: Vec<Thread> = (0..4)
        .map(|_| {
            let (l, d) = (local.clone(), drops.clone());
            Thread::new(move || l.set(DropCount(d)))
        })
        .collect();
    for t in &threads {
        t.start().unwrap();
    }
    for t in &threads {
        t.join_timeout(BOUND).unwrap();
    }
    // Right after join() returned: every thread's value is gone, although `local` lives on.
    assert_eq!(
        count(&drops),
        4,
        "Local values outlive their thread's join()"
    );
    let _ = &local;
}

#[crate::common::test]
fn value_dropped_right_after_join_with_join() {
    let drops = counter();
    let local: Local<DropCount> = Local::new();
    let (l, d) = (local.clone(), drops.clone());
    let t = Thread::new(move || l.set(DropCount(d)));
    t.start().unwrap();
    within(BOUND, "join()", move || t.join().unwrap());
    assert_eq!(count(&drops), 1);
}

#[crate::common::test]
fn with_init_values_dropped_when_thread_ends() {
    let drops = counter();
    let d = drops.clone();
    let local = Local::with_init(move || DropCount(d.clone()));
    let l = local.clone();
    let t = Thread::new(move || assert!(l.with(|v| v.is_some())));
    t.start().unwrap();
    join_bounded(&t);
    assert_eq!(count(&drops), 1);
}

#[crate::common::test]
fn values_dropped_when_foreign_thread_exits() {
    let drops = counter();
    let local: Local<DropCount> = Local::new();
    let (l, d) = (local.clone(), drops.clone());
    within(BOUND, "foreign thread", move || {
        common::platform::spawn(move || l.set(DropCount(d)))
            .join()
            .unwrap()
    });
    assert!(
        poll_until(5.0, || count(&drops) == 1),
        "a foreign thread's Local value was not dropped when it exited"
    );
}

#[crate::common::test]
fn values_dropped_when_local_is_dropped() {
    let drops = counter();
    let local: Local<DropCount> = Local::new();
    local.set(DropCount(drops.clone()));
    // Another thread holds a value and stays alive while the Local goes away.
    let has_value = Event::new();
    let gate = Event::new();
    let (l, d, h, g) = (
        local.clone(),
        drops.clone(),
        has_value.clone(),
        gate.clone(),
    );
    let t = Thread::new(move || {
        l.set(DropCount(d));
        drop(l);
        h.set();
        let _ = g.wait_timeout(BOUND);
    });
    t.start().unwrap();
    assert!(has_value.wait_timeout(BOUND).unwrap());
    assert_eq!(count(&drops), 0);
    drop(local);
    // This thread's value goes with the last handle; so does the live thread's value
    // (Python frees every thread's dict when the local object dies).
    assert!(count(&drops) >= 1, "this thread's value survived the Local");
    assert!(
        poll_until(5.0, || count(&drops) == 2),
        "a live thread's value survived its Local ({} of 2 dropped)",
        count(&drops)
    );
    gate.set();
    join_bounded(&t);
    assert_eq!(count(&drops), 2, "a value was dropped twice");
}

#[crate::common::test]
fn thread_ending_after_local_dropped_is_fine() {
    // The reverse order: the Local goes first, then the thread ends. Nothing is dropped twice.
    let drops = counter();
    let local: Local<DropCount> = Local::new();
    let gate = Event::new();
    let ready = Event::new();
    let (l, d, g, r) = (local.clone(), drops.clone(), gate.clone(), ready.clone());
    let t = Thread::new(move || {
        l.set(DropCount(d));
        drop(l);
        r.set();
        let _ = g.wait_timeout(BOUND);
    });
    t.start().unwrap();
    assert!(ready.wait_timeout(BOUND).unwrap());
    drop(local);
    gate.set();
    join_bounded(&t);
    assert_eq!(count(&drops), 1);
}

#[crate::common::test]
fn local_in_foreign_threads_is_independent() {
    let local: Local<u64> = Local::new();
    let handles: Vec<_> = (0..4u64)
        .map(|i| {
            let l = local.clone();
            common::platform::spawn(move || {
                assert_eq!(l.get(), None);
                l.set(i);
                std::thread::yield_now();
                l.get()
            })
        })
        .collect();
    let got = within(BOUND, "foreign threads", move || {
        handles
            .into_iter()
            .map(|h| h.join().unwrap())
            .collect::<Vec<_>>()
    });
    assert_eq!(got, vec![Some(0), Some(1), Some(2), Some(3)]);
    assert_eq!(local.get(), None);
}

#[crate::common::test]
#[cfg_attr(
    not(panic = "unwind"),
    ignore = "needs unwinding: the test catches a panic"
)]
fn value_survives_a_panic_inside_with() {
    // A panic in the closure given to with() (caught by the caller) must not lose the thread's
    // value: Python's attribute stays set when code using it raises.
    let local: Local<Vec<u8>> = Local::new();
    local.set(vec![1]);
    let l = local.clone();
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        l.with(|v| {
            v.unwrap().push(2);
            panic!("expected panic inside Local::with");
        })
    }));
    assert!(r.is_err());
    assert_eq!(
        local.get(),
        Some(vec![1, 2]),
        "the value was lost by a panic in with()"
    );
}

#[crate::common::test]
fn values_dropped_when_thread_ends_by_panic_or_exit_thread() {
    // However the thread ends, its values are gone once join() returns.
    let drops = counter();
    let local: Local<DropCount> = Local::new();
    let (l, d) = (local.clone(), drops.clone());
    let panics = Thread::builder()
        .name("local-panic (expected panic)")
        .target(move || {
            l.set(DropCount(d));
            panic!("expected panic");
        })
        .build();
    let (l, d) = (local.clone(), drops.clone());
    let exits = Thread::new(move || {
        l.set(DropCount(d));
        threading::exit_thread();
    });
    panics.start().unwrap();
    exits.start().unwrap();
    join_bounded(&panics);
    join_bounded(&exits);
    assert_eq!(count(&drops), 2);
}
