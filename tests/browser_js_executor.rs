//! JS executors (src/js/thread_pool_executor.rs, src/js/future.rs): `new ThreadPoolExecutor({
//! maxWorkers, threadNamePrefix })`, `submit(target, ...args)` with a module URL (its default
//! export) or `{ target, export }`, the library's objects among the arguments arriving as
//! objects; the `Future`'s `result(timeout)` (in a worker), `resultAsync(timeout)`,
//! `exception()`, `done()`, `running()`, `cancel()`, `cancelled()`; results as JSON, `undefined`
//! included; a throw fails the Future with an error of the same class, the excepthook not
//! called and the worker going on; `CancelledError`, `TimeoutError`; at most `maxWorkers`
//! named workers, in `enumerate()`; `shutdown(wait, cancelFutures)` and `shutdownAsync`; a
//! Future and a Queue passed to a JS thread; bad arguments are `TypeError`/`ValueError`s with
//! nothing changed; no job left behind in the spawner. In a dedicated worker; the tasks are
//! exports of this file's own JS module (`here()` is its URL).
//!
//! Run with `bash scripts/test-browser.sh browser_js_executor`.
#![cfg(all(target_arch = "wasm32", target_os = "unknown"))]

use wasm_bindgen::prelude::*;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_dedicated_worker);

#[wasm_bindgen(inline_js = r#"
// ---- the tasks: run on the executors' workers ---------------------------------------------------
export const here = () => import.meta.url;

export default function square(x) {
  return x * x;
}

export function pow(a, b) {
  return { value: a ** b, args: [a, b] };
}

export function nothing() {}

export async function later(ms, v) {
  await new Promise((r) => setTimeout(r, ms));
  return v;
}

export function boom(msg) {
  throw new RangeError(msg);
}

export function throwsString() {
  throw 'a string';
}

export function notJson() {
  return () => 1;
}

// Waits for `go` (an Event), holding a worker; counts itself in `sem`.
export function hold(go, sem) {
  sem.release();
  if (!go.wait(30)) throw new Error('go never came');
  return 'held';
}

export function whoAmI(lock) {
  if (typeof lock.handle !== 'function') throw new TypeError('the lock did not arrive as an object');
  return 'worker';
}

// A JS thread that gets a Future and a Queue among its arguments.
export async function awaitFuture(f, q) {
  q.put(await f.resultAsync(30));
  q.put(f.result(30));
}

// ---- the checks: run on the test's worker ------------------------------------------------------
export async function executorJs(url) {
  const g = await import(url);
  const log = [];
  const check = (what, got, want) => {
    if (String(got) !== String(want)) log.push(`${what}: got ${got}, want ${want}`);
  };
  const caught = (f) => { try { f(); return 'no error'; } catch (e) { return `${e.name}: ${e.message}`; } };
  const rejected = async (p) => { try { await p; return 'resolved'; } catch (e) { return `${e.name}: ${e.message}`; } };
  const hooked = [];
  g.setExcepthook((a) => hooked.push(a));

  const ex = new g.ThreadPoolExecutor({ maxWorkers: 2, threadNamePrefix: 'jsex' });
  check('maxWorkers', ex.maxWorkers, 2);
  check('no worker before the first submit', ex.threads().length, 0);

  // The default export, a URL or a string; a named export; the arguments spread.
  const f1 = ex.submit(here(), 7);
  const f2 = ex.submit(new URL(here()), 8);
  const f3 = ex.submit({ target: here(), export: 'pow' }, 2, 10);
  check('result() blocks here (a worker)', f1.result(30), 49);
  check('resultAsync', await f2.resultAsync(30), 64);
  const p3 = await f3.resultAsync(30);
  check('an object result', JSON.stringify(p3), JSON.stringify({ value: 1024, args: [2, 10] }));
  check('done', f1.done() && f2.done() && f3.done(), true);
  check('not running once done', f1.running(), false);
  check('cancel() of a done future', f1.cancel(), false);
  check('not cancelled', f1.cancelled(), false);
  check('exception() of a returned future', f1.exception(), null);
  check('undefined result', ex.submit({ target: here(), export: 'nothing' }).result(30), undefined);
  check('an async task', await ex.submit({ target: here(), export: 'later' }, 50, 'late').resultAsync(30), 'late');

  // The library's objects arrive as objects.
  check('a Lock argument', ex.submit({ target: here(), export: 'whoAmI' }, new g.Lock()).result(30), 'worker');

  // A throw fails the Future with the same class; the excepthook is not called; the worker
  // goes on.
  const fb = ex.submit({ target: here(), export: 'boom' }, 'from a task');
  check('result() throws what the task threw', caught(() => fb.result(30)), 'RangeError: from a task');
  const eb = fb.exception();
  check('exception() returns it', eb instanceof RangeError, true);
  check('its stack', typeof eb.stack, 'string');
  check('exceptionAsync', (await fb.exceptionAsync(30)).message, 'from a task');
  check('resultAsync rejects with it', await rejected(fb.resultAsync(30)), 'RangeError: from a task');
  check('a thrown string', caught(() => ex.submit({ target: here(), export: 'throwsString' }).result(30)), 'Error: a string');
  const nj = caught(() => ex.submit({ target: here(), export: 'notJson' }).result(30));
  check('a result JSON cannot hold', nj, "TypeError: a task's result must be a JSON value, not function");
  check('a missing export', caught(() => ex.submit({ target: here(), export: 'nope' }).result(30)).includes("no exported function 'nope'"), true);
  check('the excepthook is not called for tasks', hooked.length, 0);
  check('the pool goes on', ex.submit(here(), 3).result(30), 9);

  // At most maxWorkers workers, named by the prefix, in enumerate().
  const names = ex.threads().map((t) => t.name).sort();
  check('at most maxWorkers', names.length <= 2 && names.length >= 1, true);
  check('named by the prefix', names.every((n, i) => n === `jsex_${i}`), true);
  check('in enumerate()', names.every((n) => g.enumerate().some((t) => t.name === n)), true);

  // Busy workers (a fresh executor: two tasks submitted at once start two workers): a queued
  // task can be cancelled; timeouts.
  const exh = new g.ThreadPoolExecutor({ maxWorkers: 2 });
  const go = new g.Event(), started = new g.Semaphore(0);
  const h1 = exh.submit({ target: here(), export: 'hold' }, go, started);
  const h2 = exh.submit({ target: here(), export: 'hold' }, go, started);
  check('both workers hold', started.acquire(true, 30) && started.acquire(true, 30), true);
  check('running', h1.running() && h2.running(), true);
  check('a running task cannot be cancelled', h1.cancel(), false);
  const queued = exh.submit(here(), 5);
  check('queued: not running', queued.running(), false);
  check('result(timeout) runs out', caught(() => queued.result(0.1)), 'TimeoutError: ');
  check('TimeoutError is the class', (() => { try { queued.result(0); } catch (e) { return e instanceof g.TimeoutError; } })(), true);
  check('resultAsync(timeout) runs out', await rejected(queued.resultAsync(0.1)), 'TimeoutError: ');
  check('cancel() of a queued task', queued.cancel(), true);
  check('cancelled', queued.cancelled() && queued.done(), true);
  check('its result', caught(() => queued.result()), 'CancelledError: ');
  check('CancelledError is the class', (() => { try { queued.result(); } catch (e) { return e instanceof g.CancelledError; } })(), true);
  check('resultAsync of a cancelled future', await rejected(queued.resultAsync()), 'CancelledError: ');
  check('exception() of a cancelled future throws', caught(() => queued.exception()), 'CancelledError: ');
  go.set();
  check('the held tasks end', `${h1.result(30)} ${await h2.resultAsync(30)}`, 'held held');
  exh.shutdown();

  // A Future (and a Queue) passed to a JS thread: the thread awaits the same future.
  const q = new g.Queue();
  const slow = ex.submit({ target: here(), export: 'later' }, 100, { n: 1 });
  const t = new g.Thread({ target: here(), export: 'awaitFuture', args: [slow, q] });
  t.start();
  await t.joinAsync(30);
  check('the thread awaited the future', JSON.stringify([q.getNowait(), q.getNowait()]), '[{"n":1},{"n":1}]');

  // Bad arguments: nothing changes.
  check('submit()', caught(() => ex.submit()), "TypeError: submit() missing 1 required positional argument: 'target'");
  check('submit(5)', caught(() => ex.submit(5)), 'TypeError: target must be a module URL (a string or a URL), not number');
  check('submit({})', caught(() => ex.submit({})), "TypeError: submit() missing 1 required positional argument: 'target.target'");
  check('submit export 5', caught(() => ex.submit({ target: here(), export: 5 })), 'TypeError: export must be a string, not number');
  check('an argument that cannot be cloned', caught(() => ex.submit(here(), () => 1)).split(':')[0], 'DataCloneError');
  check('result("x")', caught(() => f1.result('x')), 'TypeError: timeout must be a number, not string');
  check('resultAsync(NaN)', (await rejected(f1.resultAsync(NaN))).split(':')[0], 'ValueError');
  check('maxWorkers 0', caught(() => new g.ThreadPoolExecutor({ maxWorkers: 0 })), 'ValueError: max_workers must be greater than 0');
  check('maxWorkers "2"', caught(() => new g.ThreadPoolExecutor({ maxWorkers: '2' })), 'TypeError: maxWorkers must be a number, not string');
  check('maxWorkers 1.5', caught(() => new g.ThreadPoolExecutor({ maxWorkers: 1.5 })), 'ValueError: maxWorkers must be an integer, got 1.5');
  check('threadNamePrefix 5', caught(() => new g.ThreadPoolExecutor({ threadNamePrefix: 5 })), 'TypeError: threadNamePrefix must be a string, not number');
  check('options 5', caught(() => new g.ThreadPoolExecutor(5)), 'TypeError: ThreadPoolExecutor options must be an object, not number');
  check('shutdown("y")', caught(() => ex.shutdown('y')), 'TypeError: wait must be a boolean, not string');
  check('still usable after refused calls', ex.submit(here(), 4).result(30), 16);

  // shutdown(wait, cancelFutures): queued tasks cancelled, running ones finish.
  const ex1 = new g.ThreadPoolExecutor({ maxWorkers: 1 });
  check('a default name', ex1.submit(here(), 1).result(30), 1);
  check('ThreadPoolExecutor-N_0', /^ThreadPoolExecutor-\d+_0$/.test(ex1.threads()[0].name), true);
  const go2 = new g.Event(), started2 = new g.Semaphore(0);
  const running = ex1.submit({ target: here(), export: 'hold' }, go2, started2);
  check('it holds', started2.acquire(true, 30), true);
  const pending = [ex1.submit(here(), 2), ex1.submit(here(), 3)];
  ex1.shutdown(false, true);
  check('queued tasks cancelled', pending.every((f) => f.cancelled()), true);
  check('submit after shutdown', caught(() => ex1.submit(here(), 1)), 'RuntimeError: cannot schedule new futures after shutdown');
  go2.set();
  check('the running task finishes', running.result(30), 'held');
  ex1.shutdown(); // wait: the worker ends
  check('workers ended', ex1.threads().every((w) => !w.isAlive()), true);
  ex1.shutdown(); // again: harmless

  // `using ex = ...` is Python's `with`: [Symbol.dispose] shuts down and waits (here, a worker);
  // [Symbol.asyncDispose] (`await using`) waits without blocking. The object stays usable.
  const exd = new g.ThreadPoolExecutor({ maxWorkers: 1 });
  const fd = exd.submit({ target: here(), export: 'later' }, 100, 'disposed');
  exd[Symbol.dispose]();
  check('dispose waited for the task', fd.done() && fd.result(), 'disposed');
  check('dispose waited for the workers', exd.threads().every((w) => !w.isAlive()), true);
  check('submit after dispose', caught(() => exd.submit(here(), 1)), 'RuntimeError: cannot schedule new futures after shutdown');
  const exa = new g.ThreadPoolExecutor({ maxWorkers: 1 });
  const fa = exa.submit({ target: here(), export: 'later' }, 100, 'async-disposed');
  await exa[Symbol.asyncDispose]();
  check('asyncDispose waited', fa.done() && exa.threads().every((w) => !w.isAlive()), true);

  await ex.shutdownAsync();
  check('shutdownAsync: the workers ended', ex.threads().every((w) => !w.isAlive()), true);
  check('shutdownAsync again', await ex.shutdownAsync(), undefined);
  check('no job left in the spawner', await g.__pythreadingHeldJsJobs(), 0);
  check('the excepthook was never called', hooked.length, 0);
  g.setExcepthook(null);
  return log.join('\n');
}
"#)]
extern "C" {
    #[wasm_bindgen(js_name = executorJs)]
    fn executor_js(url: &str) -> js_sys::Promise;
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(thread_local_v2, js_namespace = ["import", "meta"], js_name = url)]
    static EXECUTOR_GLUE_URL: String;
}

#[wasm_bindgen_test]
async fn js_executors_run_module_exports_as_tasks() {
    pythreading::init_threads(2).await.expect("init_threads");
    let p = executor_js(&EXECUTOR_GLUE_URL.with(String::clone));
    let log = wasm_bindgen_futures::JsFuture::from(p)
        .await
        .expect("the JS side threw");
    let log = log.as_string().expect("a log string");
    assert!(log.is_empty(), "failed checks:\n{log}");
}
