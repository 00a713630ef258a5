//! The page's UI thread policy, in headless Chromium (wasm-bindgen-test `run_in_browser`: the
//! tests run on the page's main thread, where `Atomics.wait` throws). Blocking calls there must
//! never trap: they busy-poll (src/sys/web/futex.rs). Run with
//! `bash scripts/test-browser.sh browser_ui`.
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

#[wasm_bindgen_test]
async fn ui_uncontended_primitives_work() {
    init().await;
    let lock = threading::Lock::new();
    assert!(lock.acquire());
    assert!(!lock.try_acquire());
    lock.release().unwrap();
    let ev = threading::Event::new();
    ev.set();
    assert!(ev.wait());
    // A timed wait that nobody satisfies returns false after the timeout, without trapping.
    let ev2 = threading::Event::new();
    assert!(!ev2.wait_timeout(0.05).unwrap());
    let sem = threading::Semaphore::new(1);
    assert!(sem.acquire());
    assert!(!sem.acquire_timeout(0.02).unwrap());
    sem.release(1).unwrap();
}

#[wasm_bindgen_test]
async fn ui_starts_and_joins_a_worker_thread() {
    init().await;
    let hit = Arc::new(AtomicUsize::new(0));
    let h = hit.clone();
    let t = threading::Thread::new(move || {
        h.store(7, Ordering::SeqCst);
    });
    t.start().unwrap();
    // join on the UI thread polls instead of blocking.
    t.join_timeout(20.0).unwrap();
    assert!(!t.is_alive());
    assert_eq!(hit.load(Ordering::SeqCst), 7);
}

#[wasm_bindgen_test]
async fn ui_waits_for_a_worker_event_and_a_contended_lock() {
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
        e2.set();
    });
    t.start().unwrap();
    assert!(held.wait_timeout(20.0).unwrap());
    // Contended: the worker holds it; the UI thread spins until it is released.
    assert!(lock.acquire_timeout(20.0).unwrap());
    lock.release().unwrap();
    assert!(ev.wait_timeout(20.0).unwrap());
    t.join_timeout(20.0).unwrap();
    assert!(!t.is_alive());
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
