//! JS threads (src/js/thread.rs, src/js/exports.js): `new Thread({ target, export, args, name,
//! daemon })` imports the module on a pool worker and calls its export with the arguments, the
//! library's objects among them arriving as objects on the same state; `start()`,
//! `join(timeout)` (in a worker), `joinAsync(timeout)`, `isAlive()`, `name`, `ident`,
//! `nativeId`, `daemon`; `Timer(interval, { target, export, args })` and `cancel()`; an async
//! target's thread lives until its promise settles; a throw goes
//! to the excepthook and joiners return; bad options are `TypeError`s, a second `start()` a
//! `RuntimeError`, arguments that cannot be cloned leave the thread unstarted; `start()` on a
//! thread other than the creator is a `RuntimeError`; an unstarted thread freed and a cancelled
//! timer leave nothing behind (the hidden debugging exports count). In a dedicated
//! worker; the targets are exports of this file's own JS module (`here()` is its URL).
//!
//! Run with `bash scripts/test-browser.sh browser_js_thread`.
#![cfg(all(target_arch = "wasm32", target_os = "unknown"))]

use wasm_bindgen::prelude::*;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_dedicated_worker);

#[wasm_bindgen(inline_js = r#"
// ---- the targets: run on pool workers ----------------------------------------------------------
export const here = () => import.meta.url;

// The objects arrive as the library's objects on the same state; nested ones too.
export function worker(lock, ev, sem, text, nested) {
  for (const [what, x] of [['lock', lock], ['ev', ev], ['sem', sem], ['nested ev', nested.inner[0]]]) {
    if (typeof x.handle !== 'function') throw new TypeError(`${what} did not arrive as an object`);
  }
  if (text !== 'text') throw new Error(`text arrived as ${text}`);
  if (!lock.acquire(true, 10)) throw new Error('lock not acquired');
  sem.release();
  lock.release();
  nested.inner[0].set();
}

export async function slow(ev) {
  await new Promise((r) => setTimeout(r, 200));
  ev.set();
}

export function boom() {
  throw new RangeError('from a JS thread');
}

export default function (ev) {
  ev.set();
}

// A JS thread made on another thread cannot be started here: RuntimeError, and it stays
// unstarted (its creator starts it afterwards).
export function startOther(t, ok) {
  try {
    t.start();
  } catch (e) {
    if (!(e instanceof Error) || e.name !== 'RuntimeError' || !e.message.includes('only the thread that made it can start it')) {
      throw new Error(`refused with ${e.name}: ${e.message}`);
    }
    if (t.isAlive() || t.ident !== undefined) throw new Error('the refused thread started');
    ok.set();
    return;
  }
  throw new Error('start() of a JS thread made on another thread did not throw');
}

// ---- the checks: run on the test's worker ------------------------------------------------------
function logger() {
  const log = [];
  const check = (what, got, want) => {
    if (String(got) !== String(want)) log.push(`${what}: got ${got}, want ${want}`);
  };
  return { log, check, done: () => log.join('\n') };
}
const caught = (f) => { try { f(); return 'no error'; } catch (e) { return `${e.name}: ${e.message}`; } };

export async function jsThreadJs(url) {
  const g = await import(url);
  const { check, done } = logger();
  const lock = new g.Lock(), ev = new g.Event(), sem = new g.Semaphore(0);

  const t = new g.Thread({ target: here(), export: 'worker', args: [lock, ev, sem, 'text', { inner: [ev] }], name: 'js-worker' });
  check('name', t.name, 'js-worker');
  check('not alive before start', t.isAlive(), false);
  check('no ident before start', t.ident, undefined);
  check('daemon inherited from the creating thread', t.daemon, g.currentThread().daemon);
  lock.acquire();
  t.start();
  check('alive while it waits for the lock', t.isAlive(), true);
  check('ident', typeof t.ident, 'number');
  check('in enumerate()', g.enumerate().some((x) => x.name === 'js-worker'), true);
  lock.release();
  await t.joinAsync(30);
  check('ended', t.isAlive(), false);
  check('the event set by the thread', ev.isSet(), true);
  check('the semaphore released by the thread', sem.value(), 1);
  check('nativeId', typeof t.nativeId, 'number');
  check('nativeId not ours', t.nativeId !== g.getNativeId(), true);
  check('start twice', caught(() => t.start()), 'RuntimeError: threads can only be started once');

  // An async target: the thread lives until its promise settles; join() blocks here (a worker).
  const ev2 = new g.Event();
  const t2 = new g.Thread({ target: new URL(here()), export: 'slow', args: [ev2], daemon: false });
  check('daemon option', t2.daemon, false);
  t2.start();
  t2.join(30);
  check('async target awaited', ev2.isSet(), true);
  check('async target ended', t2.isAlive(), false);

  // The default export.
  const ev3 = new g.Event();
  const t3 = new g.Thread({ target: here(), args: [ev3] });
  t3.start();
  await t3.joinAsync(30);
  check('default export', ev3.isSet(), true);

  // A throw goes to the excepthook; joiners return.
  const calls = [];
  g.setExcepthook((a) => calls.push(a));
  const t4 = new g.Thread({ target: here(), export: 'boom', name: 'js-boom' });
  t4.start();
  await t4.joinAsync(30);
  check('thrower ended', t4.isAlive(), false);
  check('hook called', calls.length, 1);
  if (calls.length) {
    check('excType', calls[0].excType, 'RangeError');
    check('excValue', calls[0].excValue, 'from a JS thread');
    check('thread', calls[0].thread && calls[0].thread.name, 'js-boom');
    check('excTraceback', typeof calls[0].excTraceback, 'string');
  }
  // No such export: the excepthook too.
  const t5 = new g.Thread({ target: here(), export: 'nothing', name: 'js-missing' });
  t5.start();
  await t5.joinAsync(30);
  check('missing export reported', calls.length === 2 && calls[1].excType, 'TypeError');
  check('missing export message', calls.length === 2 && calls[1].excValue.includes("no exported function 'nothing'"), true);
  g.setExcepthook(null);

  // Bad options: TypeError, nothing made.
  check('no options', caught(() => new g.Thread()), "TypeError: Thread() missing 1 required positional argument: 'options'");
  check('options 5', caught(() => new g.Thread(5)), 'TypeError: Thread options must be an object, not number');
  check('no target', caught(() => new g.Thread({})), "TypeError: Thread() missing 1 required positional argument: 'target'");
  check('target 5', caught(() => new g.Thread({ target: 5 })), 'TypeError: target must be a module URL (a string or a URL), not number');
  check('export 5', caught(() => new g.Thread({ target: here(), export: 5 })), 'TypeError: export must be a string, not number');
  check('args 5', caught(() => new g.Thread({ target: here(), args: 5 })), 'TypeError: args must be an array, not number');
  check('name 5', caught(() => new g.Thread({ target: here(), name: 5 })), 'TypeError: name must be a string, not number');
  check('daemon "y"', caught(() => new g.Thread({ target: here(), daemon: 'y' })), 'TypeError: daemon must be a boolean, not string');
  check('bad options are TypeErrors of the package', (() => { try { new g.Thread(5); } catch (e) { return e instanceof g.TypeError; } })(), true);

  // Timer: the export runs after the interval on a pool worker, unless cancelled first.
  const ev4 = new g.Event();
  const tm = new g.Timer(0.2, { target: here(), args: [ev4] });
  const t0 = performance.now();
  tm.start();
  check('timer alive while waiting', tm.isAlive(), true);
  await tm.joinAsync(30);
  const dt = performance.now() - t0;
  check('timer fired', ev4.isSet(), true);
  check('after its interval', dt >= 150 && dt < 10000, true);
  check('timer ended', tm.isAlive(), false);
  check('timer thread', tm.thread.name, tm.name);
  const ev5 = new g.Event();
  const tm2 = new g.Timer(5, { target: here(), args: [ev5] });
  tm2.start();
  tm2.cancel();
  tm2.join(30);
  check('cancelled timer ended', tm2.isAlive(), false);
  check('cancelled timer never ran', ev5.isSet(), false);
  check('Timer("x")', caught(() => new g.Timer('x', { target: here() })), 'TypeError: interval must be a number, not string');
  check('Timer(1)', caught(() => new g.Timer(1)), "TypeError: Timer() missing 1 required positional argument: 'function'");
  check('Timer(1, 5)', caught(() => new g.Timer(1, 5)), 'TypeError: Timer function must be an object { target, export, args }, not number');
  check('timer start twice', caught(() => tm.start()), 'RuntimeError: threads can only be started once');

  // Arguments that cannot be cloned: the DataCloneError, and the thread is not started.
  const t6 = new g.Thread({ target: here(), args: [() => 1] });
  check('uncloneable args', caught(() => t6.start()).split(':')[0], 'DataCloneError');
  check('not started', t6.isAlive() || t6.ident !== undefined, false);
  t6.free();

  // start() of a JS thread (or a timer's thread) on a thread other than its creator: refused.
  for (const [what, make] of [
    ['thread', () => new g.Thread({ target: here(), args: [new g.Event()] })],
    ['timer', () => new g.Timer(0, { target: here(), args: [new g.Event()] }).thread],
  ]) {
    const other = make(), ok = new g.Event();
    const starter = new g.Thread({ target: here(), export: 'startOther', args: [other, ok] });
    starter.start();
    await starter.joinAsync(30);
    check(`${what} started elsewhere: refused there`, ok.isSet(), true);
    check(`${what} started elsewhere: still unstarted`, other.isAlive() || other.ident !== undefined, false);
    other.start(); // its creator can
    await other.joinAsync(30);
    check(`${what} started by its creator afterwards`, other.isAlive() === false && other.ident !== undefined, true);
  }

  // An unstarted JS thread freed: its target and args are dropped, unless a handle (or a
  // Timer, or its thread) can still start it.
  const kept = () => g.__pythreadingUnstartedJsThreads();
  const n0 = kept();
  const u = new g.Thread({ target: here(), args: [new g.Event()] });
  check('kept while unstarted', kept(), n0 + 1);
  u.free();
  check('forgotten when freed unstarted', kept(), n0);
  const ev6 = new g.Event();
  const v = new g.Thread({ target: here(), args: [ev6] });
  const h = v.handle();
  v.free();
  check('kept while a handle is out', kept(), n0 + 1);
  const v2 = g.Thread.fromHandle(h);
  v2.start();
  await v2.joinAsync(30);
  check('started from the handle', ev6.isSet(), true);
  check('forgotten once started', kept(), n0);
  const tm3 = new g.Timer(1, { target: here(), args: [new g.Event()] });
  const th3 = tm3.thread;
  tm3.free();
  check("kept while the timer's thread is referenced", kept(), n0 + 1);
  th3.free();
  check('timer forgotten when freed unstarted', kept(), n0);

  // A cancelled timer's job does not stay in the spawner (tm2 above was cancelled too).
  check('no job held after the runs above', await g.__pythreadingHeldJsJobs(), 0);
  const ev7 = new g.Event();
  const tm4 = new g.Timer(60, { target: here(), args: [ev7] });
  tm4.start();
  check('held while the timer waits', await g.__pythreadingHeldJsJobs(), 1);
  tm4.cancel();
  check('withdrawn by cancel()', await g.__pythreadingHeldJsJobs(), 0);
  await tm4.joinAsync(30);
  check('cancelled timer ended', tm4.isAlive(), false);
  check('cancelled timer never ran', ev7.isSet(), false);
  const ev8 = new g.Event();
  const tm5 = new g.Timer(0, { target: here(), args: [ev8] });
  tm5.cancel();
  tm5.start();
  await tm5.joinAsync(30);
  check('cancelled before start: never ran', ev8.isSet(), false);
  check('cancelled before start: nothing posted', await g.__pythreadingHeldJsJobs(), 0);
  return done();
}
"#)]
extern "C" {
    #[wasm_bindgen(js_name = jsThreadJs)]
    fn js_thread_js(url: &str) -> js_sys::Promise;
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(thread_local_v2, js_namespace = ["import", "meta"], js_name = url)]
    static THREAD_GLUE_URL: String;
}

#[wasm_bindgen_test]
async fn js_threads_run_module_exports_on_pool_workers() {
    pythreading::init_threads(2).await.expect("init_threads");
    let p = js_thread_js(&THREAD_GLUE_URL.with(String::clone));
    let log = wasm_bindgen_futures::JsFuture::from(p)
        .await
        .expect("the JS side threw");
    let log = log.as_string().expect("a log string");
    assert!(log.is_empty(), "failed checks:\n{log}");
}
