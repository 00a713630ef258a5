//! The JS side of the browser backend: imports from `www/worker.js` (a wasm-bindgen snippet,
//! copied next to the generated glue) and the exports that the workers call.
//!
//! Exported names start with `__pythreading_` (internal, called only by `worker.js`, and left
//! out of the TypeScript types), except the public JS entry points `initThreads`,
//! `initThreadPool` (feature `rayon`) and `sharedModule`.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/www/worker.js")]
extern "C" {
    #[wasm_bindgen(js_name = canBlock)]
    pub(super) fn can_block() -> bool;

    /// `fail(reason)` is called at most once, if the pool cannot start.
    #[wasm_bindgen(js_name = startSpawner)]
    #[allow(clippy::too_many_arguments)]
    pub(super) fn start_spawner(
        glue_url: &str,
        module: JsValue,
        memory: JsValue,
        ctl: u32,
        ready: u32,
        timeout_ms: f64,
        fail: JsValue,
    );

    #[wasm_bindgen(js_name = notifySpawner)]
    pub(super) fn notify_spawner(memory: JsValue, ctl: u32);

    #[wasm_bindgen(js_name = futexInit)]
    pub(super) fn futex_init(memory: JsValue);

    #[wasm_bindgen(js_name = futexWait)]
    pub(super) fn futex_wait(index: u32, expected: i32, ms: f64);

    #[wasm_bindgen(js_name = futexWake)]
    pub(super) fn futex_wake(index: u32, count: u32);

    /// Resolves with the word's value once it is non-zero.
    #[wasm_bindgen(js_name = whenSet)]
    pub(super) fn when_set(memory: JsValue, index: u32) -> js_sys::Promise;

    /// Why this page cannot share memory with workers (not cross-origin isolated), if so.
    #[wasm_bindgen(js_name = isolationProblem)]
    pub(super) fn isolation_problem() -> Option<String>;

    #[wasm_bindgen(js_name = useWorkerFactory)]
    fn use_worker_factory(factory: &js_sys::Function);

    #[wasm_bindgen(js_name = serve)]
    fn serve(data: &JsValue, factory: &JsValue, wasm: &JsValue);
}

#[wasm_bindgen]
extern "C" {
    /// `import.meta.url` evaluated inside the wasm-bindgen glue module: the URL that workers
    /// `import()` to load the same glue (whatever name `wasm-bindgen --out-name` gave it).
    #[wasm_bindgen(thread_local_v2, js_namespace = ["import", "meta"], js_name = url)]
    static GLUE_URL: String;
}

pub(super) fn glue_url() -> String {
    GLUE_URL.with(String::clone)
}

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
/// checked as a count (see `js_api.rs`): `TypeError` if missing or not a number, `ValueError`
/// if negative, NaN or fractional, `OverflowError` above 4294967295.
#[wasm_bindgen(js_name = initThreads, unchecked_return_type = "Promise<void>")]
pub fn init_threads(
    #[wasm_bindgen(unchecked_param_type = "number")] n: JsValue,
) -> js_sys::Promise {
    use super::js_api;
    const WORKERS: js_api::Count = js_api::Count {
        what: "init_threads: n",
        min: 0,
        below: "init_threads: n must be >= 0",
        above: "init_threads: n is too large",
    };
    let n = js_api::required(&n, "initThreads", "n").and_then(|()| js_api::count(&n, &WORKERS));
    match n.and_then(|n| crate::init::check_workers(n).map_err(js_api::py_err)) {
        Ok(n) => super::init(n),
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
    use super::js_api;
    js_api::required(&seconds, "setStartTimeout", "seconds")?;
    let seconds = js_api::number(&seconds, "seconds")?;
    let t = (seconds != f64::INFINITY).then(|| seconds.into());
    crate::set_start_timeout(t).map_err(js_api::py_err)
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
/// other errors of a count (see `js_api.rs`: `TypeError` if missing or not a number, ...).
#[cfg(feature = "rayon")]
#[wasm_bindgen(js_name = initThreadPool)]
pub async fn init_thread_pool(
    #[wasm_bindgen(unchecked_param_type = "number")] n: JsValue,
) -> Result<(), JsValue> {
    use super::js_api;
    // Below 1: the message of the Rust side's `init_thread_pool`.
    const NUM_THREADS: js_api::Count = js_api::Count {
        what: "init_thread_pool: num_threads",
        min: 1,
        below: "init_thread_pool: num_threads must be at least 1",
        above: "init_thread_pool: num_threads is too large",
    };
    js_api::required(&n, "initThreadPool", "n")?;
    let n = js_api::count(&n, &NUM_THREADS)?;
    crate::init_threads(n).await.map_err(js_api::py_err)?;
    crate::init_thread_pool(n).map_err(js_api::py_err)
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

/// Registers the worker factory of a package's worker entry on this thread (see the top of
/// `www/worker.js`): `factory(name)` returns a new module Worker whose script imports this glue
/// by a relative path and calls [`__pythreading_serve`]. The npm package's entry module calls
/// it after `init()`/`initSync()`.
#[doc(hidden)]
#[wasm_bindgen(skip_typescript)]
pub fn __pythreading_use_worker(factory: js_sys::Function) {
    use_worker_factory(&factory)
}

/// A worker entry's hand-over, once it has instantiated this glue on the posted module and
/// memory: runs the worker's role (`data.role`), creating further workers with `factory`.
#[doc(hidden)]
#[wasm_bindgen(skip_typescript)]
pub fn __pythreading_serve(data: JsValue, factory: JsValue) {
    serve(&data, &factory, &wasm_bindgen::exports())
}

#[doc(hidden)]
#[wasm_bindgen(skip_typescript)]
pub fn __pythreading_spawner_take() -> u32 {
    super::spawner_take()
}

#[doc(hidden)]
#[wasm_bindgen(skip_typescript)]
pub fn __pythreading_worker_main() -> u32 {
    super::worker_main()
}

#[doc(hidden)]
#[wasm_bindgen(skip_typescript)]
pub fn __pythreading_job_stack(job: u32) -> u32 {
    super::job_stack_of(job)
}

#[doc(hidden)]
#[wasm_bindgen(skip_typescript)]
pub fn __pythreading_worker_resume(job: u32) -> u32 {
    super::worker_resume(job)
}

#[doc(hidden)]
#[wasm_bindgen(skip_typescript)]
pub fn __pythreading_worker_trapped() {
    super::worker_trapped()
}

#[doc(hidden)]
#[wasm_bindgen(skip_typescript)]
pub fn __pythreading_worker_lost() {
    super::worker_lost()
}
