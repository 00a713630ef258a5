//! The page's UI thread policy, in headless Chromium and Firefox (wasm-bindgen-test
//! `run_in_browser`: the tests run on the page's main thread, where `Atomics.wait` throws).
//! There:
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
/// without blocking it, with the right value on success and on timeout; a handle taken with
/// `fromHandle` shares the state; errors are thrown as JS errors.
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

#[wasm_bindgen(inline_js = r#"
const err = (f) => { try { f(); return 'no error'; } catch (e) { return `${e.name}: ${e.message}`; } };
const errAsync = async (p) => {
  try { await p; return 'no error'; } catch (e) { return `${e.name}: ${e.message}`; }
};
const UI = 'RuntimeError: cannot block on the page';

export async function moreClasses(url) {
  const g = await import(url);
  const log = [];
  const check = (what, got, want) => { if (String(got) !== String(want)) log.push(`${what}: got ${got}, want ${want}`); };
  const starts = (what, got, want) => { if (!String(got).startsWith(want)) log.push(`${what}: got ${got}, want ${want}...`); };

  // Lock: sync blocking calls refuse on the UI thread; Python's errors.
  const lock = new g.Lock();
  check('lock.acquire free', lock.acquire(), true);
  starts('lock.acquire held', err(() => lock.acquire()), UI);
  starts('lock.acquire timeout', err(() => lock.acquire(true, 5)), UI);
  check('lock.acquire(false)', lock.acquire(false), false);
  check('release unlocked', err(() => new g.Lock().release()), 'RuntimeError: release unlocked lock');
  check('bad timeout', await errAsync(lock.acquireAsync(-5)), 'ValueError: timeout value must be a non-negative number');
  check('non-blocking with timeout', err(() => lock.acquire(false, 1)), "ValueError: can't specify a timeout for a non-blocking call");
  const pl = lock.acquireAsync();
  lock.release();
  check('lock acquireAsync after release', await pl, true);
  starts('lock repr', lock.toString(), '<locked pythreading.Lock object at 0x');
  lock.release();

  // RLock: acquired asynchronously by the calling thread, which then owns it.
  const rl = new g.RLock();
  check('rlock acquireAsync', await rl.acquireAsync(), true);
  check('rlock isOwned', rl.isOwned(), true);
  check('rlock re-enter', rl.acquire(), true);
  check('rlock count', rl.recursionCount(), 2);
  check('rlock re-enter async', await rl.acquireAsync(0), true);
  rl.release(); rl.release(); rl.release();
  check('rlock over-release', err(() => rl.release()), 'RuntimeError: cannot release un-acquired lock');
  check('rlock locked', rl.locked(), false);

  // Condition: waitAsync releases the lock at once, re-acquires it on the calling thread.
  const c = new g.Condition();
  check('cond acquireAsync', await c.acquireAsync(), true);
  const w = c.waitAsync(10);
  check('cond released while waiting', c.locked(), false);
  check('cond acquire to notify', await c.acquireAsync(1), true);
  c.notify();
  c.release();
  check('cond notified', await w, true);
  check('cond re-acquired by the waiter', c.locked(), true);
  check('cond release by the waiter', err(() => c.release()), 'no error');
  await c.acquireAsync();
  check('cond waitAsync timeout', await c.waitAsync(0.05), false);
  check('cond held after timeout', c.locked(), true);
  starts('cond sync wait', err(() => c.wait(1)), UI);
  check('cond notifyAll', err(() => c.notifyAll()), 'no error');
  c.release();
  check('cond wait unowned', await errAsync(c.waitAsync(1)), 'RuntimeError: cannot wait on un-acquired lock');
  check('cond notify unowned', err(() => c.notify()), 'RuntimeError: cannot notify on un-acquired lock');
  const shared = new g.Lock();
  const c2 = g.Condition.withLock(shared);
  c2.acquire();
  check('cond withLock shares the lock', shared.locked(), true);
  c2.release();
  const c3 = g.Condition.withRLock(rl);
  check('cond withRLock', c3.acquire(), true);
  check('cond withRLock owner', rl.isOwned(), true);
  c3.release();

  // BoundedSemaphore.
  const bs = new g.BoundedSemaphore(1);
  check('bsem over-release', err(() => bs.release()), 'ValueError: Semaphore released too many times');
  check('bsem acquireAsync', await bs.acquireAsync(1), true);
  const pb = bs.acquireAsync(10);
  setTimeout(() => bs.release(), 20);
  check('bsem acquireAsync waits for a release', await pb, true);
  check('bsem value', bs.value(), 0);
  check('bsem acquireAsync timeout', await bs.acquireAsync(0.05), false);
  starts('bsem sync acquire', err(() => bs.acquire()), UI);
  bs.release();
  check('bsem value after', bs.value(), 1);
  const sem = new g.Semaphore(0);
  const ps = [sem.acquireAsync(10), sem.acquireAsync(10)];
  sem.release(2);
  check('sem two waiters', (await Promise.all(ps)).join('/'), 'true/true');
  check('sem value', sem.value(), 0);

  // Event: sync wait refuses on the UI thread unless set.
  const ev = new g.Event();
  starts('event sync wait', err(() => ev.wait()), UI);
  check('event poll', ev.wait(0), false);
  ev.set();
  check('event set wait', ev.wait(), true);

  // Barrier: two async parties on one thread.
  const b = new g.Barrier(2);
  const p1 = b.waitAsync(10);
  check('barrier nWaiting', b.nWaiting, 1);
  const i2 = await b.waitAsync(10);
  check('barrier indices', `${await p1}/${i2}`, '0/1');
  starts('barrier sync wait', err(() => b.wait()), UI);
  check('barrier not counted', b.nWaiting, 0);
  check('barrier timeout', await errAsync(b.waitAsync(0.05)), 'BrokenBarrierError: ');
  check('barrier broken', b.broken, true);
  b.reset();
  check('barrier reset', b.broken, false);
  check('barrier parties', b.parties, 2);
  check('barrier zero', err(() => new g.Barrier(0)), 'ValueError: parties must be >= 1');
  const bt = new g.Barrier(2, 0.05);
  check('barrier default timeout', await errAsync(bt.waitAsync()), 'BrokenBarrierError: ');

  // Threads seen from JS.
  check('currentThread', g.currentThread().ident, g.getIdent());
  check('mainThread', g.mainThread().name, 'MainThread');
  check('mainThread is current', g.mainThread().ident, g.currentThread().ident);
  check('join self', await errAsync(g.currentThread().joinAsync()), 'RuntimeError: cannot join current thread');

  // Handles: a wrong, foreign or reused number is an error, not a crash.
  check('bad handle', err(() => g.Lock.fromHandle(987654)), 'ValueError: 987654 is not a handle of class Lock (handle() gives one, fromHandle takes it once)');
  const h = lock.handle();
  starts('wrong class', err(() => g.Event.fromHandle(h)), `ValueError: ${h} is not a handle of class Event`);
  const again = g.Lock.fromHandle(h);
  again.acquire();
  check('handle shares state', lock.locked(), true);
  again.release();
  starts('handle taken twice', err(() => g.Lock.fromHandle(h)), `ValueError: ${h} is not a handle of class Lock`);
  return log.join('\n');
}

// With Rust threads: `t` waits for `go`; `rl` is held by another thread until `go` is set.
export async function withThreads(url, t, go, rl) {
  const g = await import(url);
  const log = [];
  const check = (what, got, want) => { if (String(got) !== String(want)) log.push(`${what}: got ${got}, want ${want}`); };
  check('thread alive', t.isAlive(), true);
  check('thread name', t.name, 'js-waiter');
  check('thread daemon', t.daemon, false);
  check('enumerate', g.enumerate().some((x) => x.ident === t.ident), true);
  check('activeCount', g.activeCount() >= 2, true);
  const e = (f) => { try { f(); return 'no error'; } catch (x) { return x.name; } };
  check('sync join on UI', e(() => t.join()), 'RuntimeError');
  check('joinAsync timeout', await t.joinAsync(0.05), undefined);
  check('still alive', t.isAlive(), true);
  check('rlock held elsewhere', rl.locked() && !rl.isOwned(), true);
  check('rlock acquireAsync timeout', await rl.acquireAsync(0.05), false);
  const pr = rl.acquireAsync(20);
  const pj = t.joinAsync(20);
  go.set();
  check('rlock acquired after release', await pr, true);
  check('rlock owned by the UI thread', rl.isOwned(), true);
  rl.release();
  check('joinAsync', await pj, undefined);
  check('stopped', t.isAlive(), false);
  check('sync join of a stopped thread', e(() => t.join()), 'no error');
  starts('repr', t.toString(), '<Thread(js-waiter, stopped');
  return log.join('\n');
  function starts(what, got, want) { if (!String(got).startsWith(want)) log.push(`${what}: got ${got}, want ${want}...`); }
}
"#)]
extern "C" {
    #[wasm_bindgen(js_name = moreClasses)]
    fn more_classes(glue_url: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = withThreads)]
    fn with_threads(
        glue_url: &str,
        t: threading::js::Thread,
        go: threading::js::Event,
        rl: threading::js::RLock,
    ) -> js_sys::Promise;
}

/// Every JS class on the UI thread: the sync blocking calls refuse there, the async ones
/// resolve (RLock and Condition owned by the calling thread), errors carry Python's names and
/// messages, bad handles are errors. An empty log means every check passed.
#[wasm_bindgen_test]
async fn ui_js_classes_all() {
    init().await;
    let url = UI_GLUE_URL.with(String::clone);
    let log = wasm_bindgen_futures::JsFuture::from(more_classes(&url))
        .await
        .expect("the JS side threw");
    assert_eq!(log.as_string().unwrap(), "");
}

/// A Rust thread handed to JS (`js::Thread::from`): JS awaits it with `joinAsync`; an RLock
/// held by that thread is acquired asynchronously by the UI thread once released.
#[wasm_bindgen_test]
async fn ui_js_thread_join_async_and_rlock_from_rust() {
    init().await;
    let go = threading::Event::new();
    let rl = threading::RLock::new();
    let held = threading::Event::new();
    let (g2, r2, h2) = (go.clone(), rl.clone(), held.clone());
    let t = threading::Thread::builder()
        .name("js-waiter")
        .target(move || {
            assert!(r2.acquire());
            h2.set();
            assert!(g2.wait_timeout(60.0).unwrap());
            r2.release().unwrap();
        })
        .build();
    t.start().unwrap();
    until("the thread to hold the RLock", || held.is_set()).await;
    let url = UI_GLUE_URL.with(String::clone);
    let log = wasm_bindgen_futures::JsFuture::from(with_threads(
        &url,
        t.clone().into(),
        go.clone().into(),
        rl.clone().into(),
    ))
    .await
    .expect("the JS side threw");
    assert_eq!(log.as_string().unwrap(), "");
    assert!(!t.is_alive());
    assert!(!rl.locked());
}
