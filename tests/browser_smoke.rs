//! Browser smoke tests: threads on Web Workers in headless Chromium and Firefox
//! (wasm-bindgen-test, in a dedicated worker where blocking is allowed). Run with
//! `bash scripts/test-browser.sh browser_smoke` (or see that script for the cargo command).
//!
//! Every test awaits the pool's initialisation first (`initThreads`, idempotent): a thread
//! blocked in `join` cannot let a new Worker start, so the pool must exist before the first
//! `start()` (see src/sys/thread_web.rs).
#![cfg(all(target_arch = "wasm32", target_os = "unknown"))]

use pythreading as threading;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::{console_log, wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_dedicated_worker);

#[wasm_bindgen(inline_js = "export function initThreadsAt(url, n) { \
                            return import(url).then((glue) => glue.initThreads(n)); }")]
extern "C" {
    #[wasm_bindgen(js_name = initThreadsAt)]
    fn init_threads_at(glue_url: &str, spares: u32) -> js_sys::Promise;
}

#[wasm_bindgen]
extern "C" {
    /// The wasm-bindgen glue's own URL (`import.meta.url` evaluated in the glue module).
    #[wasm_bindgen(thread_local_v2, js_namespace = ["import", "meta"], js_name = url)]
    static TEST_GLUE_URL: String;
}

/// `await initThreads(4)` through the glue's JS export.
async fn init() {
    let url = TEST_GLUE_URL.with(String::clone);
    wasm_bindgen_futures::JsFuture::from(init_threads_at(&url, 4))
        .await
        .expect("initThreads failed");
}

fn now_ms() -> f64 {
    js_sys::Date::now()
}

#[wasm_bindgen_test]
async fn start_join_runs_target_on_another_worker() {
    init().await;
    let here = threading::get_ident();
    let seen = Arc::new(std::sync::Mutex::new(None));
    let s2 = Arc::clone(&seen);
    let t = threading::Thread::builder()
        .name("w1")
        .target(move || {
            let me = threading::current_thread();
            *s2.lock().unwrap() = Some((me.name(), threading::get_ident(), me.native_id()));
        })
        .build();
    t.start().unwrap();
    t.join().unwrap();
    assert!(!t.is_alive());
    let (name, ident, native) = seen.lock().unwrap().clone().expect("target did not run");
    assert_eq!(name, "w1");
    assert_eq!(Some(ident), t.ident());
    assert_ne!(ident, here);
    assert_eq!(native, t.native_id());
    assert_ne!(native, Some(threading::get_native_id()));
}

#[wasm_bindgen_test]
async fn main_thread_is_the_test_worker() {
    init().await;
    assert_eq!(threading::get_ident(), 1);
    assert_eq!(threading::current_thread(), threading::main_thread());
}

#[wasm_bindgen_test]
async fn lock_counter_across_threads() {
    init().await;
    let lock = threading::Lock::new();
    let count = Arc::new(AtomicUsize::new(0));
    let plain = Arc::new(std::sync::Mutex::new(0usize));
    let threads: Vec<_> = (0..6)
        .map(|_| {
            let (lock, count, plain) = (lock.clone(), count.clone(), plain.clone());
            threading::Thread::new(move || {
                for _ in 0..2000 {
                    let _g = lock.guard();
                    // A read-modify-write that only the lock makes atomic.
                    let v = count.load(Ordering::Relaxed);
                    count.store(v + 1, Ordering::Relaxed);
                }
                *plain.lock().unwrap() += 1;
            })
        })
        .collect();
    for t in &threads {
        t.start().unwrap();
    }
    for t in &threads {
        t.join().unwrap();
    }
    assert_eq!(count.load(Ordering::SeqCst), 6 * 2000);
    assert_eq!(*plain.lock().unwrap(), 6);
}

#[wasm_bindgen_test]
async fn event_and_condition_wake_a_blocked_thread() {
    init().await;
    let ev = threading::Event::new();
    let cond = threading::Condition::new();
    let ready = Arc::new(AtomicUsize::new(0));
    let (e2, c2, r2) = (ev.clone(), cond.clone(), ready.clone());
    let t = threading::Thread::new(move || {
        assert!(e2.wait_timeout(20.0).unwrap(), "event not set in time");
        let _g = c2.guard();
        r2.store(1, Ordering::SeqCst);
        c2.notify_all().unwrap();
    });
    let g = cond.guard();
    t.start().unwrap();
    std::thread::sleep(Duration::from_millis(20));
    ev.set();
    let ok = cond
        .wait_for_timeout(|| ready.load(Ordering::SeqCst) == 1, 20.0)
        .unwrap();
    drop(g);
    assert!(ok, "condition not notified");
    t.join_timeout(20.0).unwrap();
    assert!(!t.is_alive());
}

#[wasm_bindgen_test]
async fn thread_starts_and_joins_a_thread() {
    init().await;
    let hits = Arc::new(AtomicUsize::new(0));
    let h = hits.clone();
    let outer = threading::Thread::new(move || {
        let h2 = h.clone();
        let inner = threading::Thread::new(move || {
            h2.fetch_add(1, Ordering::SeqCst);
        });
        inner.start().unwrap();
        inner.join().unwrap();
        h.fetch_add(1, Ordering::SeqCst);
    });
    outer.start().unwrap();
    outer.join_timeout(20.0).unwrap();
    assert!(!outer.is_alive());
    assert_eq!(hits.load(Ordering::SeqCst), 2);
}

#[wasm_bindgen_test]
async fn burst_of_starts_beyond_the_pool() {
    init().await;
    // More threads at once than spare workers: the spawner grows the pool while the first
    // ones already run; all of them block on a barrier, so all must run concurrently.
    let n = 12;
    let barrier = threading::Barrier::new(n + 1).unwrap();
    let threads: Vec<_> = (0..n)
        .map(|_| {
            let b = barrier.clone();
            threading::Thread::new(move || {
                b.wait_timeout(30.0).unwrap();
            })
        })
        .collect();
    for t in &threads {
        t.start().unwrap();
    }
    barrier.wait_timeout(30.0).unwrap();
    for t in &threads {
        t.join_timeout(30.0).unwrap();
        assert!(!t.is_alive());
    }
}

#[wasm_bindgen_test]
async fn panic_in_a_thread_marks_it_dead_and_others_carry_on() {
    init().await;
    let hooked = Arc::new(std::sync::Mutex::new(Vec::new()));
    let h = hooked.clone();
    threading::set_excepthook(move |args| {
        h.lock().unwrap().push(args.render());
    });
    let bad = threading::Thread::builder()
        .name("bad")
        .target(|| panic!("boom in a worker"))
        .build();
    bad.start().unwrap();
    bad.join_timeout(20.0).unwrap();
    assert!(!bad.is_alive(), "the trapped thread must be marked dead");
    let reports = hooked.lock().unwrap().clone();
    assert_eq!(reports.len(), 1, "{reports:?}");
    assert!(
        reports[0].starts_with("Exception in thread bad:"),
        "{}",
        reports[0]
    );
    // Another thread still starts and runs.
    let ok = Arc::new(AtomicUsize::new(0));
    let o = ok.clone();
    let good = threading::Thread::new(move || {
        o.store(1, Ordering::SeqCst);
    });
    good.start().unwrap();
    good.join_timeout(20.0).unwrap();
    assert_eq!(ok.load(Ordering::SeqCst), 1);
}

#[wasm_bindgen_test]
async fn sequential_start_join_cycles() {
    init().await;
    let n = 200;
    let t0 = now_ms();
    for i in 0..n {
        let done = Arc::new(AtomicUsize::new(0));
        let d = done.clone();
        let t = threading::Thread::new(move || {
            d.store(i + 1, Ordering::SeqCst);
        });
        t.start().unwrap();
        t.join_timeout(20.0).unwrap();
        assert_eq!(done.load(Ordering::SeqCst), i + 1);
    }
    let per = (now_ms() - t0) / n as f64;
    console_log!("start+join: {per:.3} ms per thread over {n} sequential threads");
}

/// Issue 4: 10,000 sequential start+join cycles must not grow the memory by more than one
/// thread's stack (wasm-bindgen's default thread stack, 2 MiB). Memory never shrinks, so any
/// per-thread leak shows up as growth.
#[wasm_bindgen_test]
async fn ten_thousand_threads_do_not_grow_memory() {
    init().await;
    let pages = || core::arch::wasm32::memory_size(0) * 65536;
    let cycle = || {
        let t = threading::Thread::new(|| {
            let _ = threading::current_thread().name();
        });
        t.start().unwrap();
        t.join_timeout(20.0).unwrap();
        assert!(!t.is_alive());
    };
    // Warm up: the pool's workers and their first stacks.
    for _ in 0..100 {
        cycle();
    }
    let before = pages();
    let t0 = now_ms();
    for _ in 0..10_000 {
        cycle();
    }
    let after = pages();
    console_log!(
        "10000 threads: memory {} -> {} bytes (+{} KiB), {:.3} ms per start+join",
        before,
        after,
        (after - before) / 1024,
        (now_ms() - t0) / 10_000.0
    );
    assert!(
        after - before <= 2 << 20,
        "memory grew by {} bytes over 10000 threads",
        after - before
    );
}

/// Figures for the report (no thresholds): uncontended `Lock` vs std's `Mutex` in the same
/// module, and start+join, measured with `performance.now()`. Printed with `--nocapture`; run
/// with `--release` for meaningful numbers (the command is in www/README.md).
#[wasm_bindgen_test]
async fn figures_uncontended_lock_and_start_join() {
    init().await;
    let n = 2_000_000;
    let lock = threading::Lock::new();
    let m = std::sync::Mutex::new(0u32);
    // Two rounds: the first one runs while V8 still tiers up (baseline -> optimised code).
    let (mut ours, mut std_ns) = (0.0, 0.0);
    for _ in 0..2 {
        let t0 = now_ms();
        for _ in 0..n {
            assert!(lock.acquire());
            lock.release().unwrap();
        }
        ours = (now_ms() - t0) * 1e6 / n as f64;
        let t0 = now_ms();
        for _ in 0..n {
            *m.lock().unwrap() += 1;
        }
        std_ns = (now_ms() - t0) * 1e6 / n as f64;
    }
    assert_eq!(*m.lock().unwrap(), 2 * n);
    let cycles = 1000;
    let t0 = now_ms();
    for _ in 0..cycles {
        let t = threading::Thread::new(|| {});
        t.start().unwrap();
        t.join().unwrap();
    }
    let sj = (now_ms() - t0) * 1000.0 / cycles as f64;
    console_log!(
        "figures: uncontended Lock acquire+release {ours:.1} ns, std Mutex lock+unlock \
         {std_ns:.1} ns (ratio {:.2}); start+join {sj:.0} us",
        ours / std_ns
    );
}

// ---- the JS classes in a worker, with handles taken by threads on other workers ------------------

#[wasm_bindgen(inline_js = r#"
export async function workerClasses(url) {
  const g = await import(url);
  const log = [];
  const check = (what, got, want) => { if (String(got) !== String(want)) log.push(`${what}: got ${got}, want ${want}`); };

  // A Lock held here and released by a thread on another worker, which took it by handle:
  // the blocking acquire blocks this worker until then.
  const lock = new g.Lock();
  lock.acquire();
  let t = g.smoke_release_lock_later(lock.handle(), 50);
  let t0 = performance.now();
  check('blocking acquire in a worker', lock.acquire(true, 20), true);
  check('it waited for the release', performance.now() - t0 >= 30, true);
  t.join();
  check('thread stopped after join', t.isAlive(), false);
  check('held lock, short timeout', lock.acquire(true, 0.05), false);
  lock.release();

  // Event set by another worker; a blocking wait here.
  const ev = new g.Event();
  t = g.smoke_set_event_later(ev.handle(), 30);
  check('event wait', ev.wait(20), true);
  await t.joinAsync();
  check('joinAsync', t.isAlive(), false);

  // Condition: a blocking wait here (the lock released meanwhile), notified by another worker.
  const c = new g.Condition();
  c.acquire();
  t = g.smoke_notify_later(c.handle(), 30);
  check('condition wait', c.wait(20), true);
  check('lock held again', c.locked(), true);
  c.release();
  t.join(20);

  // Barrier across this worker and another.
  const b = new g.Barrier(2);
  t = g.smoke_barrier_party(b.handle());
  const i = b.wait(20);
  check('barrier index', i === 0 || i === 1, true);
  t.join(20);
  check('barrier passed', b.broken, false);

  // RLock owned by another worker until it is released: acquireAsync makes this worker the
  // owner; the sync acquire blocks.
  // The other worker sets `held` once it holds the lock (a fixed sleep here raced a slow start
  // under load in Firefox).
  const rl = new g.RLock();
  const held = new g.Event();
  t = g.smoke_hold_rlock(rl.handle(), held.handle(), 50);
  check('the other worker took it', await held.waitAsync(20), true);
  check('held by the other worker', rl.locked() && !rl.isOwned(), true);
  check('rlock acquireAsync', await rl.acquireAsync(20), true);
  check('owned here', rl.isOwned(), true);
  rl.release();
  t.join(20);

  // Semaphores: a blocking acquire here, a release from another worker.
  const bs = new g.BoundedSemaphore(1);
  bs.acquire();
  t = g.smoke_release_bsem_later(bs.handle(), 30);
  check('bsem blocking acquire', bs.acquire(true, 20), true);
  t.join(20);
  bs.release();
  check('bsem value', bs.value(), 1);
  return log.join('\n');
}
"#)]
extern "C" {
    #[wasm_bindgen(js_name = workerClasses)]
    fn worker_classes(glue_url: &str) -> js_sys::Promise;
}

fn sleep_ms(ms: u32) {
    assert!(!threading::Event::new()
        .wait_timeout(f64::from(ms) / 1000.0)
        .unwrap());
}

/// Starts a thread (another worker) running `f`, returned to JS.
fn spawn_js(f: impl FnOnce() + Send + 'static) -> threading::js::Thread {
    let t = threading::Thread::new(f);
    t.start().unwrap();
    t.into()
}

#[wasm_bindgen]
pub fn smoke_release_lock_later(handle: u32, ms: u32) -> threading::js::Thread {
    spawn_js(move || {
        let lock: threading::Lock = threading::js::Lock::from_handle(handle).unwrap().into();
        sleep_ms(ms);
        lock.release().unwrap();
    })
}

#[wasm_bindgen]
pub fn smoke_set_event_later(handle: u32, ms: u32) -> threading::js::Thread {
    spawn_js(move || {
        let ev: threading::Event = threading::js::Event::from_handle(handle).unwrap().into();
        sleep_ms(ms);
        ev.set();
    })
}

#[wasm_bindgen]
pub fn smoke_notify_later(handle: u32, ms: u32) -> threading::js::Thread {
    spawn_js(move || {
        let c: threading::Condition = threading::js::Condition::from_handle(handle)
            .unwrap()
            .into();
        sleep_ms(ms);
        let _g = c.guard();
        c.notify(1).unwrap();
    })
}

#[wasm_bindgen]
pub fn smoke_barrier_party(handle: u32) -> threading::js::Thread {
    spawn_js(move || {
        let b: threading::Barrier = threading::js::Barrier::from_handle(handle).unwrap().into();
        b.wait_timeout(20.0).unwrap();
    })
}

#[wasm_bindgen]
pub fn smoke_hold_rlock(handle: u32, held: u32, ms: u32) -> threading::js::Thread {
    spawn_js(move || {
        let rl: threading::RLock = threading::js::RLock::from_handle(handle).unwrap().into();
        let held: threading::Event = threading::js::Event::from_handle(held).unwrap().into();
        let _g = rl.guard();
        held.set();
        sleep_ms(ms);
    })
}

#[wasm_bindgen]
pub fn smoke_release_bsem_later(handle: u32, ms: u32) -> threading::js::Thread {
    spawn_js(move || {
        let s: threading::BoundedSemaphore = threading::js::BoundedSemaphore::from_handle(handle)
            .unwrap()
            .into();
        sleep_ms(ms);
        s.release(1).unwrap();
    })
}

/// The JS classes in a worker, where blocking is allowed: their blocking methods block until
/// a thread on another worker (which took the primitive by `handle()`/`fromHandle`) changes
/// the state; `joinAsync` and `acquireAsync` work there too. An empty log: every check passed.
#[wasm_bindgen_test]
async fn js_classes_in_a_worker_with_handles_on_other_workers() {
    init().await;
    let url = TEST_GLUE_URL.with(String::clone);
    let log = wasm_bindgen_futures::JsFuture::from(worker_classes(&url))
        .await
        .expect("the JS side threw");
    assert_eq!(log.as_string().unwrap(), "");
}
