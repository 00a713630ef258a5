//! The browser pool's own features, in headless Chromium and Firefox (a dedicated worker, where
//! blocking is allowed): `threading.stack_size()` honoured by the workers that run threads. Run with
//! `bash scripts/test-browser.sh browser_pool`.
#![cfg(all(target_arch = "wasm32", target_os = "unknown"))]

use pythreading as threading;
use std::sync::{Arc, Mutex};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_dedicated_worker);

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(thread_local_v2, js_namespace = ["import", "meta"], js_name = url)]
    static TEST_GLUE_URL: String;
}

/// The pool, started through the Rust entry point (JS's `initThreads` is what the other
/// browser suites use).
async fn init() {
    threading::init_threads(2).await.expect("init_threads(2)");
}

/// The lowest address of the calling thread's stack: wasm-bindgen's exported `__stack_alloc`
/// global (what its thread transform allocated for this worker's stack).
fn stack_base() -> usize {
    let exports = wasm_bindgen::exports();
    let global: js_sys::WebAssembly::Global =
        js_sys::Reflect::get(&exports, &"__stack_alloc".into())
            .expect("__stack_alloc export")
            .dyn_into()
            .expect("__stack_alloc is a WebAssembly.Global");
    global.value().as_f64().expect("a number") as usize
}

/// How many bytes of stack the calling thread has below this frame.
fn stack_room() -> usize {
    let here = 0u8;
    let addr = std::hint::black_box(&here) as *const u8 as usize;
    addr - stack_base()
}

/// Recurses (about 16 KiB of locals per frame) until the stack below `top` is `bytes` deep;
/// returns the depth reached and the sum of `depth as u8` over the frames, which the caller
/// recomputes: a frame overwritten by something else would change it.
fn deep(top: usize, bytes: usize, depth: usize) -> (usize, u64) {
    let mut buf = [0u8; 16 * 1024];
    buf[depth % buf.len()] = depth as u8;
    let buf = std::hint::black_box(buf);
    let here = std::hint::black_box(&buf) as *const _ as usize;
    let mine = u64::from(buf[depth % buf.len()]);
    if top - here >= bytes {
        return (depth, mine);
    }
    let (reached, sum) = deep(top, bytes, depth + 1);
    (reached, sum + mine)
}

/// Starts a thread (with the current `stack_size()`) that reports its stack room and, if
/// `bytes` > 0, uses that much of its stack.
fn room_in_thread(bytes: usize) -> (usize, u64) {
    let seen = Arc::new(Mutex::new(None));
    let s = Arc::clone(&seen);
    let t = threading::Thread::new(move || {
        let room = stack_room();
        let mut checked = 0;
        // Only with room to spare: a wasm stack has no guard page, so running past its end
        // would silently overwrite the heap below it.
        if bytes > 0 && room > bytes + 256 * 1024 {
            let top = 0u8;
            let top = std::hint::black_box(&top) as *const u8 as usize;
            let (depth, sum) = deep(top, bytes, 0);
            let expected: u64 = (0..=depth).map(|d| u64::from(d as u8)).sum();
            assert_eq!(sum, expected, "frames intact after {depth} levels");
            checked = depth as u64;
        }
        *s.lock().unwrap() = Some((room, checked));
    });
    t.start().unwrap();
    t.join().unwrap();
    let r = seen.lock().unwrap().take();
    r.expect("the thread ran")
}

const MIB: usize = 1 << 20;

#[wasm_bindgen_test]
async fn stack_size_is_honoured_by_the_thread_workers() {
    init().await;
    let old = threading::stack_size(Some(8 * MIB)).unwrap();
    // Use 6 MiB of it, three times the default stack.
    let (room, depth) = room_in_thread(6 * MIB);
    assert!(depth > 100, "recursed {depth} levels");
    assert!(
        room > 7 * MIB && room <= 8 * MIB,
        "an 8 MiB stack_size gave {room} bytes of room"
    );
    // A size that is not a multiple of the 64 KiB wasm page is rounded up.
    threading::stack_size(Some(3 * MIB + 1)).unwrap();
    let (room, _) = room_in_thread(0);
    assert!(
        room > 3 * MIB && room <= 3 * MIB + 64 * 1024,
        "3 MiB + 1: {room}"
    );
    // Back to the default (0): wasm-bindgen's 2 MiB; the worker swaps its stack back.
    threading::stack_size(Some(0)).unwrap();
    let (room, _) = room_in_thread(0);
    assert!(room > MIB && room <= 2 * MIB, "default stack: {room}");
    // The minimum Python allows.
    threading::stack_size(Some(32 * 1024)).unwrap();
    let (room, _) = room_in_thread(0);
    assert!(room <= 64 * 1024, "32 KiB stack_size: {room}");
    threading::stack_size(Some(old)).unwrap();
}

#[wasm_bindgen_test]
async fn a_stack_over_the_platform_limit_fails_to_start() {
    init().await;
    let old = threading::stack_size(Some(512 * MIB)).unwrap();
    let t = threading::Thread::new(|| {});
    let err = t.start().expect_err("a 512 MiB stack cannot start");
    threading::stack_size(Some(old)).unwrap();
    assert!(err.is_runtime_error(), "{err:?}");
    assert!(!t.is_alive());
    // Nothing was left behind: the next thread starts and joins.
    let (room, _) = room_in_thread(0);
    assert!(room > 0);
}

#[wasm_bindgen_test]
async fn many_threads_alternating_stack_sizes() {
    init().await;
    let old = threading::stack_size(None).unwrap();
    for i in 0..40 {
        let size = if i % 2 == 0 { 0 } else { 4 * MIB };
        threading::stack_size(Some(size)).unwrap();
        let (room, _) = room_in_thread(0);
        let want = if size == 0 { 2 * MIB } else { size };
        assert!(room <= want && room > want - 64 * 1024, "cycle {i}: {room}");
    }
    threading::stack_size(Some(old)).unwrap();
}

#[wasm_bindgen(inline_js = "export function initThreadsBad(url) { \
                            return import(url).then((glue) => glue.initThreads(100000)) \
                              .then(() => 'resolved', (e) => String(e.message || e)); }")]
extern "C" {
    #[wasm_bindgen(js_name = initThreadsBad)]
    fn init_threads_bad(glue_url: &str) -> js_sys::Promise;
}

#[wasm_bindgen_test]
async fn rust_init_threads_awaits_the_pool() {
    // The Rust entry point: resolves once the pool runs, and again (idempotent).
    threading::init_threads(2).await.unwrap();
    threading::init_threads(3).await.unwrap();
    let (room, _) = room_in_thread(0);
    assert!(room > 0);
    // Too many workers: Err(Value), in Rust and as a rejected promise in JS.
    let err = threading::init_threads(100_000).await.unwrap_err();
    assert!(matches!(err, threading::Error::Value(_)), "{err:?}");
    let url = TEST_GLUE_URL.with(String::clone);
    let msg = wasm_bindgen_futures::JsFuture::from(init_threads_bad(&url))
        .await
        .unwrap();
    let msg = msg.as_string().unwrap();
    assert!(msg.contains("at most 256 workers"), "{msg}");
}

#[cfg(feature = "rayon")]
#[wasm_bindgen(inline_js = "export function initThreadPoolAt(url, n) { \
                            return import(url).then((glue) => glue.initThreadPool(n)); }")]
extern "C" {
    #[wasm_bindgen(js_name = initThreadPoolAt)]
    fn init_thread_pool_at(glue_url: &str, n: u32) -> js_sys::Promise;
}

/// JS's `initThreadPool(n)` (wasm-bindgen-rayon's name): then rayon runs on crate threads.
#[cfg(feature = "rayon")]
#[wasm_bindgen_test]
async fn js_init_thread_pool_starts_rayon_on_crate_threads() {
    use rayon::prelude::*;
    let url = TEST_GLUE_URL.with(String::clone);
    wasm_bindgen_futures::JsFuture::from(init_thread_pool_at(&url, 3))
        .await
        .expect("initThreadPool(3)");
    let sum: u64 = (1..=1000u64).into_par_iter().sum();
    assert_eq!(sum, 500_500);
    assert_eq!(rayon::current_num_threads(), 3);
    let names: Vec<String> = threading::enumerate().iter().map(|t| t.name()).collect();
    assert!(names.iter().any(|n| n == "rayon-2"), "{names:?}");
    // A second pool is refused (a rejected promise).
    let again = wasm_bindgen_futures::JsFuture::from(init_thread_pool_at(&url, 2)).await;
    assert!(again.is_err());
}
