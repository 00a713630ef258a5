//! Every JS entry point checks its arguments before converting them (src/js/, whose
//! `args.rs` holds the checks, and `initThreads`/`initThreadPool`/`setStartTimeout` in src/js/init.rs), in headless Chromium on the
//! page's UI thread (wasm-bindgen-test `run_in_browser`): a value that is not a number (or not
//! a boolean, for `blocking`) is a `TypeError`; a number out of the argument's range is
//! Python's `ValueError` or `OverflowError` with Python's (or the Rust side's) message, never a
//! silently coerced value; `undefined` and `null` mean "omitted" for optional arguments; and a
//! refused call changes nothing (a semaphore's value, a lock's state, a barrier's waiters, a
//! handle still in the table...). The checks come before any wait, so even the blocking methods
//! throw them here, where waiting is refused.
//!
//! Each test runs one JS function that returns a log of the checks that failed (empty: all
//! passed). Run with `bash scripts/test-browser.sh browser_js_args`.
#![cfg(all(target_arch = "wasm32", target_os = "unknown"))]

use pythreading as threading;
mod common;

use common::js::{glue_url as url, no_failures};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(inline_js = r#"
// ---- helpers ----------------------------------------------------------------------------------

// How a value is written in a failure message (template literals throw on symbols).
const show = (v) => {
  if (typeof v === 'symbol') return v.toString();
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'function') return 'a function';
  if (typeof v === 'object' && v !== null) return Array.isArray(v) ? 'an array' : 'an object';
  return Object.is(v, -0) ? '-0' : String(v);
};
const named = (e) => `${e instanceof Error ? '' : '(not an Error) '}${e.name}: ${e.message}`;
// A synchronous call: `returned …` or `Name: message`.
const err = (f) => { try { return `returned ${f()}`; } catch (e) { return named(e); } };
// An async call: must return a promise, never throw; `resolved …` or `Name: message`.
const rejects = async (f) => {
  let p;
  try { p = f(); } catch (e) { return `threw synchronously ${named(e)}`; }
  if (!(p instanceof Promise)) return `not a promise: ${show(p)}`;
  try { return `resolved ${await p}`; } catch (e) { return named(e); }
};

function logger() {
  const log = [];
  const check = (what, got, want) => {
    if (String(got) !== String(want)) log.push(`${what}: got ${got}, want ${want}`);
  };
  return { log, check, done: () => log.join('\n') };
}

// Values whose typeof is not 'number', with the type a message names.
const NOT_NUMBERS = [
  ['x', 'string'], ['1', 'string'], ['', 'string'], [true, 'boolean'], [false, 'boolean'],
  [1n, 'bigint'], [{}, 'object'], [[1], 'object'], [new Number(1), 'object'],
  [() => 1, 'function'], [Symbol('s'), 'symbol'],
];

// A timeout's bad values, with the error; `lock` adds the lock rules' negative values.
function badTimeouts(lock) {
  const cases = NOT_NUMBERS.map(([v, t]) => [v, `TypeError: timeout must be a number, not ${t}`]);
  cases.push([NaN, 'ValueError: Invalid value NaN (not a number)']);
  for (const v of [Infinity, 1e300, 2 * 9223372036]) cases.push([v, 'OverflowError: timeout value is too large']);
  if (lock) {
    for (const v of [-2, -0.5, -Infinity]) cases.push([v, 'ValueError: timeout value must be a non-negative number']);
  }
  return cases;
}

// A count's bad values: `what` names it, `min` is its least value, `below` the ValueError
// message under `min`, `above` the OverflowError message past 4294967295.
function badCounts(what, min, below, above, required) {
  const cases = NOT_NUMBERS.map(([v, t]) => [v, `TypeError: ${what} must be a number, not ${t}`]);
  if (required) cases.push([null, `TypeError: ${what} must be a number, not null`]);
  for (const v of [-1, -0.5, -Infinity, -(2 ** 32) + 1, min - 1]) cases.push([v, `ValueError: ${below}`]);
  cases.push([0.5, min === 1 ? `ValueError: ${below}` : `ValueError: ${what} must be an integer, got 0.5`]);
  cases.push([2.5, `ValueError: ${what} must be an integer, got 2.5`]);
  cases.push([NaN, `ValueError: ${what} must be an integer, got NaN`]);
  for (const v of [Infinity, 2 ** 32, 2 ** 32 + 1, 4294967295.5, 2 ** 53, 1e21]) cases.push([v, `OverflowError: ${above}`]);
  return cases;
}

const SEM_VALUE = ['semaphore initial value', 0, 'semaphore initial value must be >= 0', 'semaphore value is too large'];
const RELEASE_N = ['n', 1, 'n must be one or more', 'semaphore value is too large'];
const NOTIFY_N = ['n', 0, 'n must be >= 0', 'n is too large'];
const PARTIES = ['parties', 1, 'parties must be >= 1', 'parties is too large'];
const BLOCKING = NOT_NUMBERS.filter(([v]) => typeof v !== 'boolean').map(([v, t]) => [v, t])
  .concat([[1, 'number'], [0, 'number'], [5, 'number'], [NaN, 'number']])
  .map(([v, t]) => [v, `TypeError: blocking must be a boolean, not ${t}`]);

// ---- the lock types: acquire(blocking, timeout), acquireAsync(timeout) -------------------------

// `make()` gives a fresh unlocked lock (Lock, RLock or a Condition); `free(x)` says it is
// unlocked and unowned, `cleanup(x)` releases one level.
async function lockArgs(make, free, name) {
  const { check, done } = logger();
  const x = make();
  for (const [v, want] of BLOCKING) {
    check(`${name}.acquire(${show(v)})`, err(() => x.acquire(v)), want);
    check(`${name}.acquire(${show(v)}, 1)`, err(() => x.acquire(v, 1)), want);
    check(`${name} unchanged after acquire(${show(v)})`, free(x), true);
  }
  for (const [v, want] of badTimeouts(true)) {
    check(`${name}.acquire(true, ${show(v)})`, err(() => x.acquire(true, v)), want);
    check(`${name}.acquire(undefined, ${show(v)})`, err(() => x.acquire(undefined, v)), want);
    check(`${name}.acquireAsync(${show(v)})`, await rejects(() => x.acquireAsync(v)), want);
    check(`${name} unchanged after timeout ${show(v)}`, free(x), true);
  }
  // Python's own rule, on the checked values.
  check(`${name}.acquire(false, 1)`, err(() => x.acquire(false, 1)), "ValueError: can't specify a timeout for a non-blocking call");
  check(`${name} unchanged after acquire(false, 1)`, free(x), true);
  // undefined and null are "omitted".
  for (const [b, t] of [[undefined, undefined], [null, null], [true, null], [null, -1], [false, null], [false, -1]]) {
    check(`${name}.acquire(${show(b)}, ${show(t)})`, x.acquire(b, t), true);
    x.release();
  }
  for (const t of [undefined, null, -1, 0, 5]) {
    check(`${name}.acquireAsync(${show(t)})`, await x.acquireAsync(t), true);
    x.release();
  }
  check(`${name} free at the end`, free(x), true);
  return done();
}

export const lockJs = async (url) => {
  const g = await import(url);
  return lockArgs(() => new g.Lock(), (l) => !l.locked(), 'Lock');
};
export const rlockJs = async (url) => {
  const g = await import(url);
  return lockArgs(() => new g.RLock(), (l) => !l.locked() && l.recursionCount() === 0, 'RLock');
};
export const conditionAcquireJs = async (url) => {
  const g = await import(url);
  return lockArgs(() => new g.Condition(), (c) => !c.locked(), 'Condition');
};

// ---- Condition: wait, waitAsync, notify ----------------------------------------------------------

export async function conditionWaitNotifyJs(url) {
  const g = await import(url);
  const { check, done } = logger();
  const rl = new g.RLock();
  const cr = g.Condition.withRLock(rl);
  check('acquire', await cr.acquireAsync(), true);
  for (const [v, want] of badTimeouts(false)) {
    check(`wait(${show(v)})`, err(() => cr.wait(v)), want);
    check(`waitAsync(${show(v)})`, await rejects(() => cr.waitAsync(v)), want);
    // The lock was not released: still held once, by this thread.
    check(`held after wait(${show(v)})`, rl.isOwned() && rl.recursionCount() === 1, true);
  }
  cr.release();
  check('rlock free', rl.locked(), false);

  // Over a Lock (not reentrant, so a waiter that times out on this thread waits for the lock
  // rather than re-entering it): a waiter that no refused notify wakes times out.
  const lock = new g.Lock();
  const c = g.Condition.withLock(lock);
  check('acquire the lock', await c.acquireAsync(), true);
  const w = c.waitAsync(0.3);
  check('released by waitAsync', c.locked(), false);
  check('re-acquire', await c.acquireAsync(), true);
  for (const [v, want] of badCounts(...NOTIFY_N)) {
    check(`notify(${show(v)})`, err(() => c.notify(v)), want);
  }
  c.release();
  check('waiter not notified by a refused notify', await w, false);
  check('waiter holds the lock again', lock.locked(), true);
  // Valid counts: omitted (1), 0 (nobody), a large one.
  const w2 = c.waitAsync(10);
  await c.acquireAsync();
  check('notify(0)', err(() => c.notify(0)), 'returned undefined');
  check('notify(null)', err(() => c.notify(null)), 'returned undefined');
  c.release();
  check('notified by notify(null)', await w2, true);
  const w3 = c.waitAsync(10);
  await c.acquireAsync();
  check('notify(4294967295)', err(() => c.notify(4294967295)), 'returned undefined');
  c.release();
  check('notified by notify(4294967295)', await w3, true);
  check('notify(undefined)', err(() => c.notify(undefined)), 'returned undefined');
  check('wait(-1) polls', c.wait(-1), false);
  c.release();
  check('free at the end', lock.locked(), false);
  return done();
}

// ---- Semaphore, BoundedSemaphore -------------------------------------------------------------------

async function semaphoreArgs(Sem, name) {
  const { check, done } = logger();
  for (const [v, want] of badCounts(...SEM_VALUE)) {
    check(`new ${name}(${show(v)})`, err(() => new Sem(v)), want);
  }
  for (const [v, want] of [[undefined, 1], [null, 1], [0, 0], [-0, 0], [3, 3], [3.0, 3], [4294967295, 4294967295]]) {
    check(`new ${name}(${show(v)}).value()`, new Sem(v).value(), want);
  }
  const s = new Sem(2);
  s.acquire(); // value 1, so that a release is allowed for the bounded one
  for (const [v, want] of BLOCKING) {
    check(`acquire(${show(v)})`, err(() => s.acquire(v)), want);
    check(`value after acquire(${show(v)})`, s.value(), 1);
  }
  for (const [v, want] of badTimeouts(false)) {
    check(`acquire(true, ${show(v)})`, err(() => s.acquire(true, v)), want);
    check(`acquireAsync(${show(v)})`, await rejects(() => s.acquireAsync(v)), want);
    check(`value after timeout ${show(v)}`, s.value(), 1);
  }
  check('acquire(false, 1)', err(() => s.acquire(false, 1)), "ValueError: can't specify timeout for non-blocking acquire");
  for (const [v, want] of badCounts(...RELEASE_N)) {
    check(`release(${show(v)})`, err(() => s.release(v)), want);
    check(`value after release(${show(v)})`, s.value(), 1);
  }
  // Omitted values, and a negative timeout (a poll: wait rules).
  check('acquire(null, null)', s.acquire(null, null), true);
  check('acquire(true, -5) on empty', s.acquire(true, -5), false);
  check('release(null)', err(() => s.release(null)), 'returned undefined');
  check('acquireAsync(null)', await s.acquireAsync(null), true);
  check('release(undefined)', err(() => s.release(undefined)), 'returned undefined');
  check('value at the end', s.value(), 1);
  return done();
}

export const semaphoreJs = async (url) => {
  const g = await import(url);
  return semaphoreArgs(g.Semaphore, 'Semaphore');
};
export const boundedSemaphoreJs = async (url) => {
  const g = await import(url);
  return semaphoreArgs(g.BoundedSemaphore, 'BoundedSemaphore');
};

// ---- Event ------------------------------------------------------------------------------------------

export async function eventJs(url) {
  const g = await import(url);
  const { check, done } = logger();
  const ev = new g.Event();
  for (const [v, want] of badTimeouts(false)) {
    check(`wait(${show(v)})`, err(() => ev.wait(v)), want);
    check(`waitAsync(${show(v)})`, await rejects(() => ev.waitAsync(v)), want);
    check(`not set after ${show(v)}`, ev.isSet(), false);
  }
  check('wait(-1) polls', ev.wait(-1), false);
  check('waitAsync(null) waits', await (async () => { const p = ev.waitAsync(null); ev.set(); return p; })(), true);
  for (const [v, want] of badTimeouts(false)) {
    check(`set: wait(${show(v)})`, err(() => ev.wait(v)), want);
  }
  check('still set', ev.isSet(), true);
  check('wait(null) when set', ev.wait(null), true);
  return done();
}

// ---- Barrier ------------------------------------------------------------------------------------------

export async function barrierJs(url) {
  const g = await import(url);
  const { check, done } = logger();
  check('new Barrier()', err(() => new g.Barrier()), "TypeError: Barrier() missing 1 required positional argument: 'parties'");
  check('new Barrier(undefined, 1)', err(() => new g.Barrier(undefined, 1)), "TypeError: Barrier() missing 1 required positional argument: 'parties'");
  for (const [v, want] of badCounts(...PARTIES, true)) {
    check(`new Barrier(${show(v)})`, err(() => new g.Barrier(v)), want);
  }
  for (const [v, want] of badTimeouts(false)) {
    check(`new Barrier(2, ${show(v)})`, err(() => new g.Barrier(2, v)), want);
  }
  check('new Barrier(3).parties', new g.Barrier(3).parties, 3);
  check('new Barrier(3.0, null).parties', new g.Barrier(3.0, null).parties, 3);
  check('new Barrier(4294967295).parties', new g.Barrier(4294967295).parties, 4294967295);

  const b = new g.Barrier(2);
  for (const [v, want] of badTimeouts(false)) {
    check(`wait(${show(v)})`, err(() => b.wait(v)), want);
    check(`waitAsync(${show(v)})`, await rejects(() => b.waitAsync(v)), want);
    check(`not counted after ${show(v)}`, `${b.nWaiting}/${b.broken}/${b.parties}`, '0/false/2');
  }
  // A party already waiting is not disturbed by a refused one.
  const first = b.waitAsync(10);
  check('one waiting', b.nWaiting, 1);
  for (const [v, want] of badTimeouts(false)) {
    check(`second party wait(${show(v)})`, err(() => b.wait(v)), want);
    check(`second party waitAsync(${show(v)})`, await rejects(() => b.waitAsync(v)), want);
  }
  check('still one waiting', `${b.nWaiting}/${b.broken}`, '1/false');
  const second = await b.waitAsync(null);
  check('passed', `${await first}/${second}`, '0/1');
  return done();
}

// ---- Thread ------------------------------------------------------------------------------------------

// `t` waits for `go` to be set.
export async function threadJs(url, t, go) {
  const g = await import(url);
  const { check, done } = logger();
  for (const [v, want] of badTimeouts(false)) {
    check(`join(${show(v)})`, err(() => t.join(v)), want);
    check(`joinAsync(${show(v)})`, await rejects(() => t.joinAsync(v)), want);
    check(`alive after ${show(v)}`, t.isAlive(), true);
  }
  check('joinAsync(-1) polls', await t.joinAsync(-1), undefined);
  check('still alive', t.isAlive(), true);
  const joined = t.joinAsync(null);
  go.set();
  check('joinAsync(null)', await joined, undefined);
  check('stopped', t.isAlive(), false);
  check('join(undefined) of a stopped thread', err(() => t.join(undefined)), 'returned undefined');
  for (const [v, want] of badTimeouts(false)) {
    check(`stopped: join(${show(v)})`, err(() => t.join(v)), want);
  }
  return done();
}

// ---- handles ---------------------------------------------------------------------------------------

export async function handlesJs(url) {
  const g = await import(url);
  const { check, done } = logger();
  const objects = {
    Lock: new g.Lock(), RLock: new g.RLock(), Condition: new g.Condition(),
    Semaphore: new g.Semaphore(3), BoundedSemaphore: new g.BoundedSemaphore(2),
    Event: new g.Event(), Barrier: new g.Barrier(4), Thread: g.currentThread(),
  };
  const not = (v, cls) => `ValueError: ${v} is not a handle of class ${cls} (handle() gives one, fromHandle takes it once)`;
  for (const [cls, obj] of Object.entries(objects)) {
    const C = g[cls];
    const h = obj.handle();
    check(`${cls}.fromHandle()`, err(() => C.fromHandle()), `TypeError: ${cls}.fromHandle() missing 1 required positional argument: 'handle'`);
    for (const [v, t] of NOT_NUMBERS) {
      check(`${cls}.fromHandle(${show(v)})`, err(() => C.fromHandle(v)), `TypeError: handle must be a number, not ${t}`);
    }
    check(`${cls}.fromHandle(null)`, err(() => C.fromHandle(null)), 'TypeError: handle must be a number, not null');
    check(`${cls}.fromHandle(String(h))`, err(() => C.fromHandle(String(h))), 'TypeError: handle must be a number, not string');
    // Numbers that a coercion would turn into `h` (or into 0 or 4294967295) are refused as
    // they are, so the live handle is not taken by them.
    const near = [h + 2 ** 32, h - 2 ** 32, h + 0.5, h - 0.5, -h, -1, 0, -0, 1.5, NaN, Infinity, -Infinity, 2 ** 32, 2 ** 53, 1e21];
    for (const v of near) {
      // As JS writes the number (-0 as 0, 1e21 as 1e+21).
      check(`${cls}.fromHandle(${show(v)})`, err(() => C.fromHandle(v)), not(String(v), cls));
    }
    // The handle is still live: refused by another class, then taken once, by its number.
    const other = cls === 'Lock' ? 'Event' : 'Lock';
    check(`${other}.fromHandle(h of ${cls})`, err(() => g[other].fromHandle(h)), not(h, other));
    const same = C.fromHandle(h);
    check(`${cls}.fromHandle(h) shares state`, same.toString(), obj.toString());
    check(`${cls}.fromHandle(h) twice`, err(() => C.fromHandle(h)), not(h, cls));
  }
  return done();
}

// ---- initThreads, initThreadPool -----------------------------------------------------------------

export async function initThreadsJs(url) {
  const g = await import(url);
  const { check, done } = logger();
  check('initThreads()', await rejects(() => g.initThreads()), "TypeError: initThreads() missing 1 required positional argument: 'n'");
  const cases = badCounts('init_threads: n', 0, 'init_threads: n must be >= 0', 'init_threads: n is too large', true);
  cases.push([257, 'ValueError: init_threads: at most 256 workers, got 257']);
  cases.push([100000, 'ValueError: init_threads: at most 256 workers, got 100000']);
  for (const [v, want] of cases) {
    check(`initThreads(${show(v)})`, await rejects(() => g.initThreads(v)), want);
  }
  return done();
}

export async function initThreadPoolJs(url) {
  const g = await import(url);
  const { check, done } = logger();
  check('initThreadPool()', await rejects(() => g.initThreadPool()), "TypeError: initThreadPool() missing 1 required positional argument: 'n'");
  const below = 'init_thread_pool: num_threads must be at least 1';
  const cases = badCounts('init_thread_pool: num_threads', 1, below, 'init_thread_pool: num_threads is too large', true);
  cases.push([0, `ValueError: ${below}`]);
  cases.push([257, 'ValueError: init_threads: at most 256 workers, got 257']);
  for (const [v, want] of cases) {
    check(`initThreadPool(${show(v)})`, await rejects(() => g.initThreadPool(v)), want);
  }
  return done();
}

// ---- setStartTimeout ---------------------------------------------------------------------------------

export async function setStartTimeoutJs(url) {
  const g = await import(url);
  const { check, done } = logger();
  check('setStartTimeout()', err(() => g.setStartTimeout()), "TypeError: setStartTimeout() missing 1 required positional argument: 'seconds'");
  for (const [v, t] of NOT_NUMBERS) {
    check(`setStartTimeout(${show(v)})`, err(() => g.setStartTimeout(v)), `TypeError: seconds must be a number, not ${t}`);
  }
  check('setStartTimeout(null)', err(() => g.setStartTimeout(null)), 'TypeError: seconds must be a number, not null');
  check('setStartTimeout(NaN)', err(() => g.setStartTimeout(NaN)), 'ValueError: Invalid value NaN (not a number)');
  for (const v of [0, -0, -1, -Infinity]) {
    check(`setStartTimeout(${show(v)})`, err(() => g.setStartTimeout(v)), 'ValueError: start timeout must be a positive number of seconds');
  }
  check('setStartTimeout(1e300)', err(() => g.setStartTimeout(1e300)), 'OverflowError: timeout value is too large');
  for (const v of [30, 0.5, Infinity, 10]) {
    check(`setStartTimeout(${show(v)})`, err(() => g.setStartTimeout(v)), 'returned undefined');
  }
  return done();
}

// ---- the same words as the Rust side -----------------------------------------------------------------

// The messages of refused calls whose Rust counterparts the caller computes.
export async function jsMessages(url) {
  const g = await import(url);
  const msg = (f) => { try { f(); return 'no error'; } catch (e) { return e.message; } };
  const s = new g.Semaphore(1);
  const b = new g.BoundedSemaphore(1);
  const l = new g.Lock();
  const ev = new g.Event();
  return [
    msg(() => new g.Barrier(0)), msg(() => new g.Barrier(-3)),
    msg(() => s.release(0)), msg(() => s.release(-1)),
    msg(() => s.release(2 ** 32)),
    msg(() => b.release(1)),
    msg(() => l.acquire(true, NaN)), msg(() => l.acquire(true, -2)), msg(() => l.acquire(true, Infinity)),
    msg(() => ev.wait(NaN)), msg(() => ev.wait(Infinity)),
  ].join('\n');
}

export function initThreadsAt(url, n) { return import(url).then((g) => g.initThreads(n)); }
"#)]
extern "C" {
    #[wasm_bindgen(js_name = lockJs)]
    fn lock_js(url: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = rlockJs)]
    fn rlock_js(url: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = conditionAcquireJs)]
    fn condition_acquire_js(url: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = conditionWaitNotifyJs)]
    fn condition_wait_notify_js(url: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = semaphoreJs)]
    fn semaphore_js(url: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = boundedSemaphoreJs)]
    fn bounded_semaphore_js(url: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = eventJs)]
    fn event_js(url: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = barrierJs)]
    fn barrier_js(url: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = threadJs)]
    fn thread_js(url: &str, t: threading::js::Thread, go: threading::js::Event) -> js_sys::Promise;
    #[wasm_bindgen(js_name = handlesJs)]
    fn handles_js(url: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = initThreadsJs)]
    fn init_threads_js(url: &str) -> js_sys::Promise;
    #[cfg(feature = "rayon")]
    #[wasm_bindgen(js_name = initThreadPoolJs)]
    fn init_thread_pool_js(url: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = jsMessages)]
    fn js_messages(url: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = setStartTimeoutJs)]
    fn set_start_timeout_js(url: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = initThreadsAt)]
    fn init_threads_at(url: &str, n: u32) -> js_sys::Promise;
}

#[wasm_bindgen_test]
async fn lock_acquire_and_acquire_async() {
    no_failures(lock_js(&url())).await;
}

#[wasm_bindgen_test]
async fn rlock_acquire_and_acquire_async() {
    no_failures(rlock_js(&url())).await;
}

#[wasm_bindgen_test]
async fn condition_acquire_and_acquire_async() {
    no_failures(condition_acquire_js(&url())).await;
}

#[wasm_bindgen_test]
async fn condition_wait_wait_async_and_notify() {
    no_failures(condition_wait_notify_js(&url())).await;
}

#[wasm_bindgen_test]
async fn semaphore_constructor_acquire_and_release() {
    no_failures(semaphore_js(&url())).await;
}

#[wasm_bindgen_test]
async fn bounded_semaphore_constructor_acquire_and_release() {
    no_failures(bounded_semaphore_js(&url())).await;
}

#[wasm_bindgen_test]
async fn event_wait_and_wait_async() {
    no_failures(event_js(&url())).await;
}

#[wasm_bindgen_test]
async fn barrier_constructor_wait_and_wait_async() {
    no_failures(barrier_js(&url())).await;
}

#[wasm_bindgen_test]
async fn from_handle_of_every_class() {
    no_failures(handles_js(&url())).await;
}

#[wasm_bindgen_test]
async fn set_start_timeout_checks_seconds() {
    no_failures(set_start_timeout_js(&url())).await;
}

#[wasm_bindgen_test]
async fn init_threads_checks_n_before_starting() {
    no_failures(init_threads_js(&url())).await;
}

/// `initThreadPool` refuses its bad arguments before it starts anything: no rayon thread
/// exists afterwards.
#[cfg(feature = "rayon")]
#[wasm_bindgen_test]
async fn init_thread_pool_checks_n_before_starting() {
    no_failures(init_thread_pool_js(&url())).await;
    let names: Vec<String> = threading::enumerate().iter().map(|t| t.name()).collect();
    assert!(
        !names.iter().any(|n| n.starts_with("rayon")),
        "a refused initThreadPool started threads: {names:?}"
    );
}

/// A Rust thread handed to JS: `join`/`joinAsync` refuse bad timeouts and leave it running.
#[wasm_bindgen_test]
async fn thread_join_and_join_async() {
    wasm_bindgen_futures::JsFuture::from(init_threads_at(&url(), 2))
        .await
        .expect("initThreads(2)");
    let go = threading::Event::new();
    let g2 = go.clone();
    let t = threading::Thread::builder()
        .name("js-args")
        .target(move || assert!(g2.wait_timeout(60.0).unwrap()))
        .build();
    t.start().unwrap();
    no_failures(thread_js(&url(), t.clone().into(), go.clone().into())).await;
    assert!(!t.is_alive());
}

/// JS and Rust say the same thing: the messages of refused JS calls are those of the Rust
/// calls they stand for.
#[wasm_bindgen_test]
async fn js_messages_are_the_rust_sides() {
    let msg = |e: threading::Error| match e {
        threading::Error::Runtime(m)
        | threading::Error::Value(m)
        | threading::Error::Overflow(m) => m,
        other => other.to_string(),
    };
    let parties = msg(threading::Barrier::new(0).err().unwrap());
    let release = msg(threading::Semaphore::new(1).release(0).unwrap_err());
    let too_large = msg(threading::Semaphore::new(1)
        .release(usize::MAX)
        .unwrap_err());
    let bounded = msg(threading::BoundedSemaphore::new(1).release(1).unwrap_err());
    let lock = threading::Lock::new();
    let nan = msg(lock.acquire_timeout(f64::NAN).unwrap_err());
    let negative = msg(lock.acquire_timeout(-2.0).unwrap_err());
    let timeout_large = msg(lock.acquire_timeout(f64::INFINITY).unwrap_err());
    let ev = threading::Event::new();
    let ev_nan = msg(ev.wait_timeout(f64::NAN).unwrap_err());
    let ev_large = msg(ev.wait_timeout(f64::INFINITY).unwrap_err());
    let rust = [
        &parties,
        &parties,
        &release,
        &release,
        &too_large,
        &bounded,
        &nan,
        &negative,
        &timeout_large,
        &ev_nan,
        &ev_large,
    ]
    .map(String::as_str)
    .join("\n");
    let js = wasm_bindgen_futures::JsFuture::from(js_messages(&url()))
        .await
        .expect("the JS side threw")
        .as_string()
        .unwrap();
    assert_eq!(js, rust);
    #[cfg(feature = "rayon")]
    assert_eq!(
        msg(threading::init_thread_pool(0).unwrap_err()),
        "init_thread_pool: num_threads must be at least 1"
    );
}
