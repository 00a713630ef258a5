//! The JS `Queue` (src/js/queue.rs), in headless browsers on the page's UI thread
//! (wasm-bindgen-test `run_in_browser`): items round-trip as JSON; bad input is a precise
//! error (`TypeError` for a non-JSON item or a non-number argument, `ValueError`/`OverflowError`
//! for a bad number) that leaves the queue unchanged; `Full`, `Empty` and `ShutDown` are
//! errors of those names; a blocking call that would wait on the UI thread throws
//! `RuntimeError` instead (QU-01's waits go through `putAsync`/`getAsync` there); the handle
//! round-trips.
//!
//! Each test runs one JS function that returns a log of the checks that failed (empty: all
//! passed). Run with `bash scripts/test-browser.sh queue_js`.
#![cfg(all(target_arch = "wasm32", target_os = "unknown"))]

mod common;

use common::js::glue_url as url;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(inline_js = r#"
const named = (e) => `${e instanceof Error ? '' : '(not an Error) '}${e.name}: ${e.message}`;
const err = (f) => { try { return `returned ${JSON.stringify(f())}`; } catch (e) { return named(e); } };
const rejects = async (f) => {
  let p;
  try { p = f(); } catch (e) { return `threw synchronously ${named(e)}`; }
  if (!(p instanceof Promise)) return `not a promise`;
  try { return `resolved ${JSON.stringify(await p)}`; } catch (e) { return named(e); }
};
function logger() {
  const log = [];
  const check = (what, got, want) => {
    const ok = want instanceof RegExp ? want.test(String(got)) : String(got) === String(want);
    if (!ok) log.push(`${what}: got ${got}, want ${want}`);
  };
  return { log, check, done: () => log.join('\n') };
}

export async function basicsJs(url) {
  const g = await import(url);
  const { check, done } = logger();
  const q = new g.Queue(2);
  check('maxsize', q.maxsize, 2);
  check('empty', q.empty(), true);
  q.put({ a: [1, 'two', null] });
  q.putNowait(3);
  check('full', q.full(), true);
  check('qsize', q.qsize(), 2);
  check('putNowait on full', err(() => q.putNowait(4)), /^Full/);
  // A timed wait is a wait: the UI thread refuses it (workers get Full after the timeout).
  check('put with timeout on full, UI thread', err(() => q.put(4, 0.01)), /^RuntimeError: cannot block/);
  check('the failed puts changed nothing', q.qsize(), 2);
  check('FIFO, JSON round trip', JSON.stringify(q.get()), '{"a":[1,"two",null]}');
  check('second', q.getNowait(), 3);
  check('getNowait on empty', err(() => q.getNowait()), /^Empty/);
  check('get with timeout on empty, UI thread', err(() => q.get(0.01)), /^RuntimeError: cannot block/);
  check('get with a zero timeout polls', err(() => q.get(0)), /^Empty/);
  // The UI thread may not block: a get that would wait throws, changing nothing.
  check('blocking get on the UI thread', err(() => q.get()), /^RuntimeError: cannot block/);
  q.put(5);
  check('a get that need not wait works', q.get(), 5);
  check('taskDone x3', err(() => { q.taskDone(); q.taskDone(); q.taskDone(); }), 'returned undefined');
  check('taskDone too many', err(() => q.taskDone()), /^ValueError: task_done\(\) called too many times/);
  check('join with nothing pending', err(() => q.join()), 'returned undefined');
  check('unbounded by default', new g.Queue().maxsize, 0);
  check('negative maxsize is unbounded', new g.Queue(-3).maxsize, 0);
  check('toString', String(q), /^<queue\.Queue object at 0x[0-9a-f]+>$/);
  return done();
}

export async function badInputJs(url) {
  const g = await import(url);
  const { check, done } = logger();
  check('maxsize string', err(() => new g.Queue('2')), /^TypeError/);
  check('maxsize NaN', err(() => new g.Queue(NaN)), /^ValueError/);
  check('maxsize fraction', err(() => new g.Queue(1.5)), /^ValueError/);
  const q = new g.Queue(1);
  const cyclic = {}; cyclic.self = cyclic;
  for (const [what, item] of [['undefined', undefined], ['a function', () => 1],
                              ['a symbol', Symbol('s')], ['a bigint', 1n], ['a cycle', cyclic]]) {
    check(`put ${what}`, err(() => q.put(item)), /^TypeError: a Queue item must be a JSON value/);
    check(`putNowait ${what}`, err(() => q.putNowait(item)), /^TypeError/);
  }
  check('nothing was queued', q.qsize(), 0);
  check('put timeout string', err(() => q.put(1, 'x')), /^TypeError/);
  q.put(1);
  check('put timeout negative on full', err(() => q.put(2, -1)), /^ValueError: 'timeout' must be a non-negative number/);
  check('put timeout NaN on full', err(() => q.put(2, NaN)), /^ValueError/);
  check('put timeout huge on full', err(() => q.put(2, 1e300)), /^OverflowError/);
  check('get timeout negative', err(() => q.get(-1)), /^ValueError/);
  check('get timeout string', err(() => q.get('1')), /^TypeError/);
  check('still one item', q.qsize(), 1);
  check('shutdown non-boolean', err(() => q.shutdown(1)), /^TypeError: immediate must be a boolean/);
  check('not shut down by the bad call', q.isShutdown(), false);
  check('fromHandle of a non-handle', err(() => g.Queue.fromHandle(12345)), /^ValueError/);
  check('fromHandle of a string', err(() => g.Queue.fromHandle('1')), /^TypeError/);
  return done();
}

export async function asyncAndShutdownJs(url) {
  const g = await import(url);
  const { check, done } = logger();
  const q = new g.Queue(1);
  check('getAsync bad timeout', await rejects(() => q.getAsync(-1)), /^ValueError/);
  check('getAsync timeout string', await rejects(() => q.getAsync('x')), /^TypeError/);
  check('putAsync bad item', await rejects(() => q.putAsync(() => 1)), /^TypeError/);
  check('getAsync times out', await rejects(() => q.getAsync(0.05)), /^Empty/);
  // A later putAsync wakes a waiting getAsync.
  const got = q.getAsync(10);
  setTimeout(() => q.putAsync('later'), 30);
  check('getAsync gets the later item', await got.then((v) => v, named), 'later');
  await q.putAsync('first');
  check('putAsync on full times out', await rejects(() => q.putAsync('x', 0.05)), /^Full/);
  const put = q.putAsync('second', 10);
  setTimeout(() => q.getNowait(), 30);
  check('putAsync waits for room', await rejects(() => put), 'resolved undefined');
  check('the second item is in', q.getNowait(), 'second');
  // Handles: the same queue.
  const q2 = g.Queue.fromHandle(q.handle());
  q2.put('via handle');
  check('handle is the same queue', q.getNowait(), 'via handle');
  // Shutdown wakes a waiting getAsync with ShutDown.
  const waiting = q.getAsync();
  setTimeout(() => q.shutdown(), 30);
  check('getAsync on shutdown', await rejects(() => waiting), /^ShutDown/);
  check('put after shutdown', err(() => q.put(1)), /^ShutDown/);
  check('putAsync after shutdown', await rejects(() => q.putAsync(1)), /^ShutDown/);
  check('isShutdown', q.isShutdown(), true);
  const r = new g.Queue();
  r.put(1); r.put(2);
  r.shutdown(true);
  check('immediate shutdown empties', r.qsize(), 0);
  check('get after immediate shutdown', err(() => r.getNowait()), /^ShutDown/);
  return done();
}
"#)]
extern "C" {
    #[wasm_bindgen(js_name = basicsJs)]
    fn basics_js(url: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = badInputJs)]
    fn bad_input_js(url: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = asyncAndShutdownJs)]
    fn async_and_shutdown_js(url: &str) -> js_sys::Promise;
}

/// Awaits a JS check function and asserts that its log of failed checks is empty.
async fn no_failures(p: js_sys::Promise) {
    // Using the crate from Rust links it, and with it its JS exports (the `Queue` class the
    // JS side imports from this module).
    let rust_side = pythreading::js::Queue::new(JsValue::UNDEFINED).expect("new Queue()");
    assert_eq!(rust_side.maxsize(), 0);
    common::js::no_failures(p).await;
}

/// QU-01, QU-02, QU-05 from JS.
#[wasm_bindgen_test]
async fn queue_js_basics() {
    no_failures(basics_js(&url())).await;
}

/// QU-04 and the JS argument checks.
#[wasm_bindgen_test]
async fn queue_js_bad_input() {
    no_failures(bad_input_js(&url())).await;
}

/// QU-07, QU-09, QU-18 and the async methods.
#[wasm_bindgen_test]
async fn queue_js_async_and_shutdown() {
    no_failures(async_and_shutdown_js(&url())).await;
}
