//! The module's JS entry points: `initThreads`, `setStartTimeout`, `initThreadPool`
//! (feature `rayon`) and `sharedModule`.

use super::args::*;
use super::error::*;
use wasm_bindgen::prelude::*;

/// Starts the browser thread pool: a spawner worker plus `spares` pool workers kept ready, so
/// that `Thread::start` never waits for a new Worker. Resolves once they run. Await it once,
/// from a thread that can return to its event loop (the page, or the worker that will run the
/// program), before starting threads; later calls return the same readiness.
///
/// ```js
/// import init, { initThreads } from './pkg/pythreading.js';
/// await init();
/// await initThreads(4);
/// ```
///
/// Never waits without a bound: it rejects with a `RuntimeError` naming the cause when the page
/// is not cross-origin isolated, workers cannot be created (a Content-Security-Policy), the
/// worker script or the glue fails to load in a worker, or the pool is not running within the
/// start timeout (10 s unless `setStartTimeout(seconds)` changed it).
///
/// Rejects, before starting anything, with `ValueError` for more than 256 workers; `n` is
/// checked as a count (see the module docs of `src/js/`): `TypeError` if missing or not a number, `ValueError`
/// if negative, NaN or fractional, `OverflowError` above 4294967295.
#[wasm_bindgen(js_name = initThreads, unchecked_return_type = "Promise<void>")]
pub fn init_threads(
    #[wasm_bindgen(unchecked_param_type = "number")] n: JsValue,
) -> js_sys::Promise {
    const WORKERS: Count = Count {
        what: "init_threads: n",
        min: 0,
        below: "init_threads: n must be >= 0",
        above: "init_threads: n is too large",
    };
    let n = required(&n, "initThreads", "n").and_then(|()| count(&n, &WORKERS));
    match n.and_then(|n| crate::init::check_workers(n).map_err(py_err)) {
        Ok(n) => {
            // Started now, not when the promise is first polled (the pool's workers load
            // while the caller goes on).
            let ready = crate::sys::init_threads(n);
            wasm_bindgen_futures::future_to_promise(async move {
                ready
                    .await
                    .map(|()| JsValue::UNDEFINED)
                    .map_err(|e| py_err(crate::Error::runtime(e.to_string())))
            })
        }
        Err(e) => js_sys::Promise::reject(&e),
    }
}

/// How long `initThreads`, `initThreadPool` and a first `Thread.start` without `initThreads`
/// wait for the browser thread pool before they fail, in seconds (default 10). A positive
/// number of seconds; `Infinity` waits without a bound.
///
/// ```js
/// import init, { initThreads, setStartTimeout } from './pkg/pythreading.js';
/// await init();
/// setStartTimeout(30);   // a slow network: give the worker script longer to load
/// await initThreads(4);
/// ```
///
/// Checked like every JS number: `TypeError` if missing or not a number; `ValueError` for NaN,
/// zero or a negative number; `OverflowError` above `TIMEOUT_MAX` (except `Infinity`).
#[wasm_bindgen(js_name = setStartTimeout)]
pub fn set_start_timeout(
    #[wasm_bindgen(unchecked_param_type = "number")] seconds: JsValue,
) -> Result<(), JsValue> {
    required(&seconds, "setStartTimeout", "seconds")?;
    let seconds = number(&seconds, "seconds")?;
    let t = (seconds != f64::INFINITY).then(|| seconds.into());
    crate::set_start_timeout(t).map_err(py_err)
}

/// Starts rayon's global thread pool on `n` pythreading threads (after `initThreads(n)`), like
/// `wasm-bindgen-rayon`'s function of the same name; with the crate's `rayon` feature. Then
/// rayon's parallel iterators work in Rust code called from a worker (not from the page's UI
/// thread, which may not block).
///
/// ```js
/// import init, { initThreadPool } from './pkg/pythreading.js';
/// await init();
/// await initThreadPool(navigator.hardwareConcurrency);
/// ```
///
/// Rejects, before starting anything, with `ValueError` for `n` below 1 or above 256, and the
/// other errors of a count (see the module docs of `src/js/`: `TypeError` if missing or not a number, ...).
#[cfg(feature = "rayon")]
#[wasm_bindgen(js_name = initThreadPool)]
pub async fn init_thread_pool(
    #[wasm_bindgen(unchecked_param_type = "number")] n: JsValue,
) -> Result<(), JsValue> {
    // Below 1: the message of the Rust side's `init_thread_pool`.
    const NUM_THREADS: Count = Count {
        what: "init_thread_pool: num_threads",
        min: 1,
        below: "init_thread_pool: num_threads must be at least 1",
        above: "init_thread_pool: num_threads is too large",
    };
    required(&n, "initThreadPool", "n")?;
    let n = count(&n, &NUM_THREADS)?;
    crate::init_threads(n).await.map_err(py_err)?;
    crate::init_thread_pool(n).map_err(py_err)
}

/// `{ module, memory }`: what a worker of your own needs to load this same instance's code and
/// memory, so that it can use handles of the JS classes (`Lock.fromHandle(n)`, …) and block on
/// them (which the page may not). Post it to the worker and call the glue's
/// `initSync(shared)` there.
///
/// ```js
/// // page
/// const worker = new Worker('./app-worker.js', { type: 'module' });
/// worker.postMessage({ shared: sharedModule(), lock: lock.handle() });
/// // app-worker.js
/// import { initSync, Lock } from 'pythreading-web';
/// self.onmessage = ({ data }) => { initSync(data.shared); const lock = Lock.fromHandle(data.lock); };
/// ```
#[wasm_bindgen(
    js_name = sharedModule,
    unchecked_return_type = "{ module: WebAssembly.Module, memory: WebAssembly.Memory }"
)]
pub fn shared_module() -> js_sys::Object {
    let o = js_sys::Object::new();
    // Setting a property on a fresh plain object cannot fail.
    let _ = js_sys::Reflect::set(&o, &"module".into(), &wasm_bindgen::module());
    let _ = js_sys::Reflect::set(&o, &"memory".into(), &wasm_bindgen::memory());
    o
}

