//! The JS API's parity with the Rust one (src/js/): the exported error classes (subclasses
//! of `Error` in Python's hierarchy, thrown and rejected by every JS method, with Python's
//! messages), `Condition.waitFor`/`waitForAsync`, `BoundedSemaphore.initialValue`,
//! `getNativeId()` and `Thread.nativeId`, `stackSize()`, `TIMEOUT_MAX`, `setExcepthook(fn)`,
//! and `[Symbol.dispose]` of the lock types (JS's `using`). In a dedicated worker (blocking
//! allowed); the threads that notify or panic are started from Rust.
//!
//! Each JS check function returns a log of the checks that failed (empty: all passed). Run
//! with `bash scripts/test-browser.sh browser_js_parity`.
#![cfg(all(target_arch = "wasm32", target_os = "unknown"))]

use pythreading as threading;
mod common;

use common::js::{glue_url as url, no_failures};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_dedicated_worker);

#[wasm_bindgen(inline_js = r#"
function logger() {
  const log = [];
  const check = (what, got, want) => {
    if (String(got) !== String(want)) log.push(`${what}: got ${got}, want ${want}`);
  };
  return { log, check, done: () => log.join('\n') };
}
const caught = (f) => { try { f(); return null; } catch (e) { return e; } };
const rejected = async (p) => { try { await p; return null; } catch (e) { return e; } };
// `Class: message` plus what the error is an instance of.
function kinds(g, e) {
  if (e === null) return 'no error';
  const of = ['RuntimeError', 'BrokenBarrierError', 'ValueError', 'OverflowError', 'TypeError']
    .filter((c) => e instanceof g[c]);
  return `${e.name}: ${e.message} [${of.join(' ')}]${e instanceof Error ? '' : ' (not an Error)'}`;
}

export async function errorClassesJs(url) {
  const g = await import(url);
  const { check, done } = logger();
  // The classes: exported, subclasses of Error in Python's hierarchy.
  for (const c of ['RuntimeError', 'BrokenBarrierError', 'ValueError', 'OverflowError', 'TypeError', 'Full', 'Empty', 'ShutDown', 'CancelledError', 'TimeoutError']) {
    check(`${c} exported`, typeof g[c], 'function');
    check(`${c}.prototype instanceof Error`, g[c].prototype instanceof Error, true);
    check(`${c}.prototype.name`, g[c].prototype.name, c);
  }
  check('BrokenBarrierError extends RuntimeError', g.BrokenBarrierError.prototype instanceof g.RuntimeError, true);
  check('TypeError extends JS TypeError', g.TypeError.prototype instanceof globalThis.TypeError, true);
  check('TypeError is not JS TypeError itself', g.TypeError !== globalThis.TypeError, true);
  // What the methods throw.
  const lock = new g.Lock();
  check('Lock.release()', kinds(g, caught(() => lock.release())), 'RuntimeError: release unlocked lock [RuntimeError]');
  check('Lock.acquire(true, NaN)', kinds(g, caught(() => lock.acquire(true, NaN))), 'ValueError: Invalid value NaN (not a number) [ValueError]');
  check('Lock.acquire(true, Infinity)', kinds(g, caught(() => lock.acquire(true, Infinity))), 'OverflowError: timeout value is too large [OverflowError]');
  check('Lock.acquire("x")', kinds(g, caught(() => lock.acquire('x'))), 'TypeError: blocking must be a boolean, not string [TypeError]');
  check('Lock.acquireAsync("x")', kinds(g, await rejected(lock.acquireAsync('x'))), 'TypeError: timeout must be a number, not string [TypeError]');
  check('Lock unchanged', lock.locked(), false);
  check('RLock.release()', kinds(g, caught(() => new g.RLock().release())), 'RuntimeError: cannot release un-acquired lock [RuntimeError]');
  check('Semaphore(-1)', kinds(g, caught(() => new g.Semaphore(-1))), 'ValueError: semaphore initial value must be >= 0 [ValueError]');
  const bs = new g.BoundedSemaphore(2);
  check('BoundedSemaphore over-release', kinds(g, caught(() => bs.release())), 'ValueError: Semaphore released too many times [ValueError]');
  check('BoundedSemaphore unchanged', bs.value(), 2);
  check('Condition.notify() unowned', kinds(g, caught(() => new g.Condition().notify())), 'RuntimeError: cannot notify on un-acquired lock [RuntimeError]');
  check('Condition.waitAsync() unowned', kinds(g, await rejected(new g.Condition().waitAsync(0))), 'RuntimeError: cannot wait on un-acquired lock [RuntimeError]');
  const b = new g.Barrier(2);
  b.abort();
  check('Barrier.wait() broken', kinds(g, caught(() => b.wait())), 'BrokenBarrierError:  [RuntimeError BrokenBarrierError]');
  check('Barrier.waitAsync() broken', kinds(g, await rejected(b.waitAsync())), 'BrokenBarrierError:  [RuntimeError BrokenBarrierError]');
  check('Barrier(0)', kinds(g, caught(() => new g.Barrier(0))), 'ValueError: parties must be >= 1 [ValueError]');
  check('Lock.fromHandle(-1)', kinds(g, caught(() => g.Lock.fromHandle(-1))).startsWith('ValueError: -1 is not a handle of class Lock'), true);
  check('initThreads("x")', kinds(g, await rejected(g.initThreads('x'))), 'TypeError: init_threads: n must be a number, not string [TypeError]');
  check('String(e)', String(caught(() => lock.release())), 'RuntimeError: release unlocked lock');
  const e = caught(() => lock.release());
  check('has a stack', typeof e.stack, 'string');
  return done();
}

export async function moduleJs(url, timeoutMax, nativeId) {
  const g = await import(url);
  const { check, done } = logger();
  check('TIMEOUT_MAX', g.TIMEOUT_MAX, timeoutMax);
  check('TIMEOUT_MAX accepted', new g.Event().wait(g.TIMEOUT_MAX * 0 + 0), false);
  check('above TIMEOUT_MAX', kinds(g, caught(() => new g.Lock().acquire(true, g.TIMEOUT_MAX * 2))), 'OverflowError: timeout value is too large [OverflowError]');
  check('getNativeId()', g.getNativeId(), nativeId);
  check('currentThread().nativeId', g.currentThread().nativeId, nativeId);
  const bs = new g.BoundedSemaphore(3);
  bs.acquire();
  check('initialValue', bs.initialValue, 3);
  check('value', bs.value(), 2);
  check('default initialValue', new g.BoundedSemaphore().initialValue, 1);
  check('stackSize()', g.stackSize(), 0);
  check('stackSize(1 << 20)', g.stackSize(1 << 20), 0);
  check('stackSize() after', g.stackSize(null), 1 << 20);
  check('stackSize(1000)', kinds(g, caught(() => g.stackSize(1000))), 'ValueError: size not valid: 1000 bytes [ValueError]');
  check('stackSize("x")', kinds(g, caught(() => g.stackSize('x'))), 'TypeError: size must be a number, not string [TypeError]');
  check('stackSize(-1)', kinds(g, caught(() => g.stackSize(-1))), 'ValueError: size must be >= 0 [ValueError]');
  check('stackSize(2.5)', kinds(g, caught(() => g.stackSize(2.5))), 'ValueError: size must be an integer, got 2.5 [ValueError]');
  check('stackSize unchanged', g.stackSize(0), 1 << 20);
  check('stackSize restored', g.stackSize(), 0);
  return done();
}

export async function waitForJs(url, cond, state, ready) {
  const g = await import(url);
  const { check, done } = logger();
  const c = g.Condition.fromHandle(cond);
  const st = g.Event.fromHandle(state);   // set by the Rust thread before its last notify
  const rd = g.Event.fromHandle(ready);   // the Rust thread starts notifying once it is set
  check('waitFor unowned', kinds(g, caught(() => c.waitFor(() => true))), 'RuntimeError: cannot wait on un-acquired lock [RuntimeError]');
  check('waitForAsync unowned', kinds(g, await rejected(c.waitForAsync(() => true))), 'RuntimeError: cannot wait on un-acquired lock [RuntimeError]');
  c.acquire();
  check('waitFor(5)', kinds(g, caught(() => c.waitFor(5))), 'TypeError: predicate must be a function, not number [TypeError]');
  check('waitForAsync(null)', kinds(g, await rejected(c.waitForAsync(null))), 'TypeError: predicate must be a function, not null [TypeError]');
  check('waitFor(f, "x")', kinds(g, caught(() => c.waitFor(() => true, 'x'))), 'TypeError: timeout must be a number, not string [TypeError]');
  check('waitFor(f, NaN)', kinds(g, caught(() => c.waitFor(() => true, NaN))), 'ValueError: Invalid value NaN (not a number) [ValueError]');
  check('still owned after refusals', c.acquire(false), true);
  c.release();
  // True at once: no wait.
  let calls = 0;
  check('waitFor(true)', c.waitFor(() => { calls++; return 1; }), true);
  check('predicate called once', calls, 1);
  // Never true: false after the timeout, the lock held again.
  const t0 = performance.now();
  check('waitFor(false, 0.3)', c.waitFor(() => 0, 0.3), false);
  const dt = performance.now() - t0;
  check('waited about 0.3 s', dt >= 250 && dt < 5000, true);
  check('owned after timeout', c.acquire(false), true);
  c.release();
  check('waitForAsync(false, 0.2)', await c.waitForAsync(() => false, 0.2), false);
  // A throw in the predicate is rethrown, the lock held.
  const boom = new Error('from the predicate');
  check('waitFor rethrows', caught(() => c.waitFor(() => { throw boom; })) === boom, true);
  check('waitForAsync rethrows', (await rejected(c.waitForAsync(() => { throw boom; }))) === boom, true);
  check('owned after throw', c.acquire(false), true);
  c.release();
  // The Rust thread notifies under the lock, three times, and sets `st` before the last.
  c.acquire();
  rd.set();
  let seen = 0;
  check('waitFor until notified', c.waitFor(() => { seen++; return st.isSet(); }, 30), true);
  check('predicate re-checked', seen >= 2, true);
  c.release();
  return done();
}

export async function waitForAsyncJs(url, cond, state) {
  const g = await import(url);
  const { check, done } = logger();
  const c = g.Condition.fromHandle(cond);
  const st = g.Event.fromHandle(state);
  await c.acquireAsync();
  check('waitForAsync until notified', await c.waitForAsync(() => st.isSet(), 30), true);
  check('owned when it resolves', c.acquire(false), true);
  c.release();
  c.release();
  return done();
}

export async function disposeJs(url) {
  const g = await import(url);
  const { check, done } = logger();
  check('Symbol.dispose exists', typeof Symbol.dispose, 'symbol');
  const lock = new g.Lock();
  lock.acquire();
  lock[Symbol.dispose]();
  check('Lock disposed: released', lock.locked(), false);
  check('Lock usable after dispose', lock.acquire(false), true);
  lock.release();
  const rl = new g.RLock();
  rl.acquire(); rl.acquire();
  rl[Symbol.dispose]();
  check('RLock one level released', rl.recursionCount(), 1);
  rl.release();
  const c = new g.Condition();
  c.acquire();
  c[Symbol.dispose]();
  check('Condition released', c.locked(), false);
  const s = new g.Semaphore(1);
  s.acquire();
  s[Symbol.dispose]();
  check('Semaphore released', s.value(), 1);
  const bs = new g.BoundedSemaphore(1);
  bs.acquire();
  bs[Symbol.dispose]();
  check('BoundedSemaphore released', bs.value(), 1);
  // From a handle: the same on this thread's class.
  const l2 = g.Lock.fromHandle(lock.handle());
  l2.acquire();
  l2[Symbol.dispose]();
  check('fromHandle Lock released', lock.locked(), false);
  // JS's own `using` (compiled here, so that a browser without it fails this check only).
  let using;
  try {
    using = new Function('lock', 'body', '{ using held = lock; body(); }');
  } catch (e) {
    check('`using` parses', `${e.name}: ${e.message}`, 'no error');
  }
  if (using) {
    lock.acquire();
    let inside;
    using(lock, () => { inside = lock.locked(); });
    check('held inside using', inside, true);
    check('released after using', lock.locked(), false);
    lock.acquire();
    const e = caught(() => using(lock, () => { throw new Error('inside'); }));
    check('using rethrows', e && e.message, 'inside');
    check('released after a throw', lock.locked(), false);
    // Disposing an unheld lock is release()'s error.
    check('using an unheld lock', kinds(g, caught(() => using(lock, () => {}))).split(' [')[0].replace(/^SuppressedError.*/, 'RuntimeError: release unlocked lock'), 'RuntimeError: release unlocked lock');
  }
  return done();
}

export async function excepthookJs(url, start) {
  const g = await import(url);
  const { check, done } = logger();
  check('setExcepthook(5)', kinds(g, caught(() => g.setExcepthook(5))), 'TypeError: excepthook must be a function, not number [TypeError]');
  const calls = [];
  g.setExcepthook((args) => calls.push(args));
  const t = start('js-hooked', 'boom from Rust');
  await t.joinAsync(30);
  check('thread ended', t.isAlive(), false);
  check('hook called before joinAsync resolved', calls.length, 1);
  if (calls.length) {
    const a = calls[0];
    check('excType', a.excType, 'Panic');
    check('excValue', a.excValue, 'boom from Rust');
    check('thread', a.thread && a.thread.name, 'js-hooked');
    check('excTraceback', typeof a.excTraceback, 'string');
  }
  // A hook that throws: reported, the next exception still goes to the hook.
  g.setExcepthook(() => { throw new Error('hook failed'); });
  const t2 = start('js-hook-throws', 'second');
  await t2.joinAsync(30);
  check('second thread ended', t2.isAlive(), false);
  const seen = [];
  g.setExcepthook((args) => seen.push(args.excValue));
  const t3 = start('js-hooked-3', 'third');
  await t3.joinAsync(30);
  check('replaced hook called', seen.join(), 'third');
  g.setExcepthook(null);
  const t4 = start('js-default-hook', 'fourth');
  await t4.joinAsync(30);
  check('default hook: old hook not called', seen.join(), 'third');
  return done();
}
"#)]
extern "C" {
    #[wasm_bindgen(js_name = errorClassesJs)]
    fn error_classes_js(url: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = moduleJs)]
    fn module_js(url: &str, timeout_max: f64, native_id: f64) -> js_sys::Promise;
    #[wasm_bindgen(js_name = waitForJs)]
    fn wait_for_js(url: &str, cond: u32, state: u32, ready: u32) -> js_sys::Promise;
    #[wasm_bindgen(js_name = waitForAsyncJs)]
    fn wait_for_async_js(url: &str, cond: u32, state: u32) -> js_sys::Promise;
    #[wasm_bindgen(js_name = disposeJs)]
    fn dispose_js(url: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = excepthookJs)]
    fn excepthook_js(url: &str, start: &JsValue) -> js_sys::Promise;
}

async fn init() {
    threading::init_threads(4).await.expect("init_threads");
}

#[wasm_bindgen_test]
async fn error_classes_are_thrown_by_every_kind_of_call() {
    init().await;
    no_failures(error_classes_js(&url())).await;
}

#[wasm_bindgen_test]
async fn module_functions_and_constants() {
    no_failures(module_js(
        &url(),
        threading::TIMEOUT_MAX,
        threading::get_native_id() as f64,
    ))
    .await;
}

/// A Rust thread that, `n` times, takes the condition's lock, notifies, and on the last time
/// also sets `state` first: the JS waiter's predicate sees it only on the last wake-up.
fn notifier(cond: &threading::Condition, state: &threading::Event) -> threading::Thread {
    let (c, st) = (cond.clone(), state.clone());
    let t = threading::Thread::new(move || {
        for i in 0..3 {
            std::thread::sleep(std::time::Duration::from_millis(100));
            let _g = c.guard();
            if i == 2 {
                st.set();
            }
            c.notify_all().unwrap();
        }
    });
    t.start().unwrap();
    t
}

#[wasm_bindgen_test]
async fn condition_wait_for() {
    init().await;
    let (cond, state, ready) = (
        threading::Condition::new(),
        threading::Event::new(),
        threading::Event::new(),
    );
    // The refusals and timeouts first (nothing notifies yet), then the notifier.
    let p = wait_for_js(
        &url(),
        threading::js::Condition::from(cond.clone()).handle(),
        threading::js::Event::from(state.clone()).handle(),
        threading::js::Event::from(ready.clone()).handle(),
    );
    let n = threading::Thread::new({
        let (cond, state) = (cond.clone(), state.clone());
        move || {
            // Once the JS side holds the lock for its last waitFor.
            assert!(ready.wait_timeout(60.0).unwrap());
            notifier(&cond, &state).join().unwrap();
        }
    });
    n.start().unwrap();
    no_failures(p).await;
    n.join_timeout(30.0).unwrap();
}

#[wasm_bindgen_test]
async fn condition_wait_for_async() {
    init().await;
    let (cond, state) = (threading::Condition::new(), threading::Event::new());
    let t = notifier(&cond, &state);
    no_failures(wait_for_async_js(
        &url(),
        threading::js::Condition::from(cond).handle(),
        threading::js::Event::from(state).handle(),
    ))
    .await;
    t.join_timeout(30.0).unwrap();
}

#[wasm_bindgen_test]
async fn symbol_dispose_releases() {
    no_failures(dispose_js(&url())).await;
}

#[wasm_bindgen_test]
async fn set_excepthook_gets_thread_exceptions() {
    init().await;
    let start = Closure::<dyn Fn(String, String) -> threading::js::Thread>::new(
        |name: String, msg: String| {
            let t = threading::Thread::builder()
                .name(name)
                .target(move || panic!("{msg}"))
                .build();
            t.start().unwrap();
            threading::js::Thread::from(t)
        },
    );
    no_failures(excepthook_js(&url(), start.as_ref())).await;
    // The default hook is back for the other tests.
    common::reset_excepthook();
}
