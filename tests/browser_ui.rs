//! The page's UI thread policy, in headless Chromium (wasm-bindgen-test `run_in_browser`: the
//! tests run on the page's main thread, where `Atomics.wait` throws). There:
//! * calls that do not wait work as anywhere (a free lock, a set event, a finished thread...);
//! * blocking calls that return `Result` and would have to wait return `Err(Runtime)` at once,
//!   with nothing changed;
//! * blocking calls that cannot fail (`Lock::acquire()`, `Event::wait()`, ...) wait at most 1 s
//!   (a lock held briefly by a worker is taken), then throw a JS exception;
//! * nothing traps or hangs.
//!
//! See src/sys/web/futex.rs. Run with `bash scripts/test-browser.sh browser_ui`.
#![cfg(all(target_arch = "wasm32", target_os = "unknown"))]

use pythreading as threading;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(inline_js = "export function initThreadsAt(url, n) { \
                            return import(url).then((glue) => glue.initThreads(n)); } \
                            export function onUiThread() { return typeof window !== 'undefined'; } \
                            export function sleepMs(ms) { \
                              return new Promise((r) => setTimeout(r, ms)); } \
                            export async function catchThrow(url, name) { \
                              const g = await import(url); const t0 = performance.now(); \
                              try { return 'returned ' + g[name](); } \
                              catch (e) { return Math.round(performance.now() - t0) + ' ms: ' \
                                + String((e && e.message) || e); } } \
                            export async function jsClasses(url) { \
                              const g = await import(url); const log = []; \
                              const lock = new g.Lock(); \
                              log.push(lock.acquire()); \
                              log.push(lock.acquire(false)); \
                              const p = lock.acquireAsync(10); \
                              setTimeout(() => lock.release(), 30); \
                              log.push(await p); \
                              log.push(lock.locked()); \
                              log.push(await lock.acquireAsync(0.05)); \
                              const same = g.Lock.fromHandle(lock.handle()); \
                              same.release(); log.push(lock.locked()); \
                              const ev = new g.Event(); \
                              log.push(await ev.waitAsync(0.05)); \
                              const w = ev.waitAsync(10); ev.set(); log.push(await w); \
                              const sem = new g.Semaphore(1); \
                              log.push(await sem.acquireAsync(1)); \
                              log.push(await sem.acquireAsync(0.05)); \
                              sem.release(); log.push(sem.value()); \
                              try { lock.release(); log.push('no error'); } \
                              catch (e) { log.push(String(e.message || e).includes('release')); } \
                              return log.join(','); }")]
extern "C" {
    #[wasm_bindgen(js_name = jsClasses)]
    fn js_classes(glue_url: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = initThreadsAt)]
    fn init_threads_at(glue_url: &str, spares: u32) -> js_sys::Promise;
    #[wasm_bindgen(js_name = onUiThread)]
    fn on_ui_thread() -> bool;
    #[wasm_bindgen(js_name = sleepMs)]
    fn sleep_ms_promise(ms: u32) -> js_sys::Promise;
    /// Calls the export `name` of this module from JS and reports `returned …` or
    /// `<elapsed> ms: <exception message>`.
    #[wasm_bindgen(js_name = catchThrow)]
    fn catch_throw(glue_url: &str, name: &str) -> js_sys::Promise;
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(thread_local_v2, js_namespace = ["import", "meta"], js_name = url)]
    static UI_GLUE_URL: String;
}

async fn init() {
    let url = UI_GLUE_URL.with(String::clone);
    wasm_bindgen_futures::JsFuture::from(init_threads_at(&url, 2))
        .await
        .expect("initThreads failed");
    assert!(
        on_ui_thread(),
        "these tests must run on the page's UI thread"
    );
}

/// Lets the UI thread's event loop run for `ms` (the UI thread may not block).
async fn sleep_ms(ms: u32) {
    wasm_bindgen_futures::JsFuture::from(sleep_ms_promise(ms))
        .await
        .unwrap();
}

/// Polls `cond` from the event loop (every 10 ms, at most 20 s).
async fn until(what: &str, mut cond: impl FnMut() -> bool) {
    for _ in 0..2000 {
        if cond() {
            return;
        }
        sleep_ms(10).await;
    }
    panic!("timed out waiting for {what}");
}

async fn call_and_catch(name: &str) -> String {
    let url = UI_GLUE_URL.with(String::clone);
    wasm_bindgen_futures::JsFuture::from(catch_throw(&url, name))
        .await
        .unwrap()
        .as_string()
        .unwrap()
}

/// The refusal: `Err(Runtime)` naming the UI thread.
#[track_caller]
fn assert_refused<T: std::fmt::Debug>(r: threading::Result<T>) {
    match r {
        Err(threading::Error::Runtime(m)) => {
            assert!(m.contains("cannot block on the page's UI thread"), "{m}")
        }
        other => panic!("expected Err(Runtime(cannot block ...)), got {other:?}"),
    }
}

#[wasm_bindgen_test]
async fn ui_calls_that_do_not_wait_work() {
    init().await;
    let lock = threading::Lock::new();
    assert!(lock.acquire());
    assert!(!lock.try_acquire());
    assert_eq!(lock.acquire_timeout(0.0), Ok(false)); // zero timeout: a poll, no wait
    lock.release().unwrap();
    assert_eq!(lock.acquire_timeout(5.0), Ok(true)); // free: taken without waiting
    assert_eq!(lock.acquire_with(false, None), Ok(false));
    lock.release().unwrap();

    let rlock = threading::RLock::new();
    assert!(rlock.acquire());
    assert_eq!(rlock.acquire_timeout(5.0), Ok(true)); // re-entry never waits
    assert_eq!(rlock.recursion_count(), 2);
    rlock.release().unwrap();
    rlock.release().unwrap();

    let ev = threading::Event::new();
    assert_eq!(ev.wait_timeout(0.0), Ok(false));
    ev.set();
    assert!(ev.wait());
    assert_eq!(ev.wait_timeout(5.0), Ok(true));

    let sem = threading::Semaphore::new(1);
    assert_eq!(sem.acquire_timeout(5.0), Ok(true));
    assert_eq!(sem.acquire_timeout(0.0), Ok(false));
    sem.release(1).unwrap();
    assert!(sem.acquire());
    let bsem = threading::BoundedSemaphore::new(1);
    assert_eq!(bsem.acquire_timeout(5.0), Ok(true));
    assert_eq!(bsem.acquire_with(false, None), Ok(false));
    bsem.release(1).unwrap();

    let cond = threading::Condition::new();
    assert!(cond.acquire());
    assert_eq!(cond.wait_timeout(0.0), Ok(false)); // releases and re-takes the lock
    assert!(cond.is_owned());
    assert_eq!(cond.wait_for(|| true), Ok(true)); // predicate true: no wait
    cond.notify_all().unwrap();
    cond.release().unwrap();

    assert_eq!(threading::Barrier::new(1).unwrap().wait(), Ok(0)); // last party: no wait

    // Joining a thread that has stopped does not wait.
    let t = threading::Thread::new(|| {});
    t.start().unwrap();
    until("the thread to stop", || !t.is_alive()).await;
    t.join().unwrap();
    t.join_timeout(5.0).unwrap();
}

#[wasm_bindgen_test]
async fn ui_result_calls_that_would_wait_refuse_and_change_nothing() {
    init().await;
    // A worker holds an RLock and a Condition's lock until `go` is set.
    let rlock = threading::RLock::new();
    let go = threading::Event::new();
    let held = threading::Event::new();
    let (r2, g2, h2) = (rlock.clone(), go.clone(), held.clone());
    let worker = threading::Thread::new(move || {
        assert!(r2.acquire());
        h2.set();
        assert!(g2.wait_timeout(60.0).unwrap());
        r2.release().unwrap();
    });
    worker.start().unwrap();
    until("the worker to hold the RLock", || held.is_set()).await;

    assert_refused(rlock.acquire_timeout(5.0));
    assert_refused(rlock.acquire_timeout(-1.0));
    assert_refused(rlock.acquire_with(true, None));
    assert!(!rlock.is_owned() && rlock.locked());

    // Thread: join of a running thread.
    assert_refused(worker.join());
    assert_refused(worker.join_timeout(5.0));
    assert!(worker.is_alive());
    worker.join_timeout(0.0).unwrap(); // a zero timeout does not wait
    assert!(worker.is_alive());

    let lock = threading::Lock::new();
    assert!(lock.acquire());
    assert_refused(lock.acquire_timeout(5.0));
    assert_refused(lock.acquire_timeout(-1.0));
    assert_refused(lock.acquire_with(true, Some(0.5)));
    assert!(lock.locked());
    lock.release().unwrap();
    assert!(!lock.locked());

    let ev = threading::Event::new();
    assert_refused(ev.wait_timeout(5.0));
    assert!(!ev.is_set());

    let sem = threading::Semaphore::new(0);
    assert_refused(sem.acquire_timeout(5.0));
    assert_refused(sem.acquire_with(true, None));
    assert_eq!(sem.value(), 0);
    sem.release(1).unwrap();
    assert_eq!(sem.acquire_timeout(5.0), Ok(true)); // the waiter count was left right
    let bsem = threading::BoundedSemaphore::new(1);
    assert!(bsem.try_acquire());
    assert_refused(bsem.acquire_timeout(5.0));
    bsem.release(1).unwrap();
    assert_eq!(bsem.value(), 1);

    // Condition: refused before the lock is released.
    let cond = threading::Condition::new();
    assert!(cond.acquire());
    assert_refused(cond.wait());
    assert_refused(cond.wait_timeout(5.0));
    assert_refused(cond.wait_for(|| false));
    assert_refused(cond.wait_for_timeout(|| false, 5.0));
    assert!(cond.is_owned());
    assert!(
        format!("{cond:?}").ends_with(", 0)>"),
        "no waiter left: {cond:?}"
    );
    cond.release().unwrap();

    // Barrier: an early party is refused and not counted; the last one passes.
    let barrier = threading::Barrier::new(2).unwrap();
    assert_refused(barrier.wait());
    assert_refused(barrier.wait_timeout(5.0));
    assert_eq!(barrier.n_waiting(), 0);
    assert!(!barrier.broken());
    let b2 = barrier.clone();
    let party = threading::Thread::new(move || assert_eq!(b2.wait_timeout(60.0), Ok(0)));
    party.start().unwrap();
    until("the worker to wait in the barrier", || {
        barrier.n_waiting() == 1
    })
    .await;
    assert_eq!(barrier.wait(), Ok(1));

    go.set();
    until("the threads to stop", || {
        !worker.is_alive() && !party.is_alive()
    })
    .await;
    worker.join().unwrap();
    party.join().unwrap();
    assert!(!rlock.locked());
}

#[wasm_bindgen_test]
async fn ui_starts_a_thread_and_joins_it_once_stopped() {
    init().await;
    let hit = Arc::new(AtomicUsize::new(0));
    let h = hit.clone();
    let t = threading::Thread::new(move || {
        h.store(7, Ordering::SeqCst);
    });
    t.start().unwrap();
    until("the thread to stop", || !t.is_alive()).await;
    t.join().unwrap();
    assert_eq!(hit.load(Ordering::SeqCst), 7);
}

/// Calls that cannot fail: a short wait (a worker holding a lock 50 ms) succeeds by spinning.
#[wasm_bindgen_test]
async fn ui_calls_that_cannot_fail_wait_briefly() {
    init().await;
    let lock = threading::Lock::new();
    let ev = threading::Event::new();
    let held = threading::Event::new();
    let (l2, e2, h2) = (lock.clone(), ev.clone(), held.clone());
    let t = threading::Thread::new(move || {
        assert!(l2.acquire());
        h2.set();
        // Hold the lock a while (this worker may block), then signal.
        assert!(!threading::Event::new().wait_timeout(0.05).unwrap());
        l2.release().unwrap();
        assert!(!threading::Event::new().wait_timeout(0.05).unwrap());
        e2.set();
    });
    t.start().unwrap();
    until("the worker to hold the lock", || held.is_set()).await;
    // Contended: the UI thread spins until the worker releases it (well within 1 s).
    assert!(lock.acquire());
    lock.release().unwrap();
    assert!(ev.wait());
    until("the thread to stop", || !t.is_alive()).await;
}

#[wasm_bindgen]
pub fn ui_lock_acquire_held() -> bool {
    let lock = threading::Lock::new();
    lock.acquire();
    lock.acquire()
}

#[wasm_bindgen]
pub fn ui_event_wait_unset() -> bool {
    threading::Event::new().wait()
}

#[wasm_bindgen]
pub fn ui_semaphore_acquire_empty() -> bool {
    threading::Semaphore::new(0).acquire()
}

/// Calls that cannot fail and are never satisfied: a JS exception after about 1 s, not a hang
/// or a trap; the module keeps working afterwards.
#[wasm_bindgen_test]
async fn ui_calls_that_cannot_fail_throw_after_a_bounded_wait() {
    init().await;
    for name in [
        "ui_lock_acquire_held",
        "ui_event_wait_unset",
        "ui_semaphore_acquire_empty",
    ] {
        let out = call_and_catch(name).await;
        let (ms, msg) = out
            .split_once(" ms: ")
            .unwrap_or_else(|| panic!("{name}: {out}"));
        let ms: f64 = ms.parse().unwrap();
        assert!(
            msg.contains("cannot block on the page's UI thread"),
            "{name}: {out}"
        );
        assert!((900.0..20_000.0).contains(&ms), "{name}: waited {ms} ms");
    }
    // Still usable: locks, events and threads work after the exceptions.
    let lock = threading::Lock::new();
    assert!(lock.acquire());
    lock.release().unwrap();
    let t = threading::Thread::new(|| {});
    t.start().unwrap();
    until("the thread to stop", || !t.is_alive()).await;
    t.join().unwrap();
}

/// The JS classes (`Lock`, `Event`, `Semaphore`) on the UI thread: the async variants resolve
/// without blocking it (a pool worker waits), with the right value on success and on timeout;
/// a handle taken with `fromHandle` shares the state; errors are thrown as JS errors.
#[wasm_bindgen_test]
async fn ui_js_classes_and_async_variants() {
    init().await;
    let url = UI_GLUE_URL.with(String::clone);
    let log = wasm_bindgen_futures::JsFuture::from(js_classes(&url))
        .await
        .expect("the JS side threw");
    assert_eq!(
        log.as_string().unwrap(),
        "true,false,true,true,false,false,false,true,true,false,1,true"
    );
}
