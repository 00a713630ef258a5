//! The JS side of the browser backend: imports from `worker.js` beside this file (the runtime,
//! a wasm-bindgen snippet copied next to the generated glue) and the exports that the workers
//! and the npm package's worker entry call.
//!
//! Every export here is internal: its name starts with `__pythreading_`, only `worker.js` and the
//! package's entry call it, and it is left out of the TypeScript types. The public JS API (the
//! classes, `initThreads`, `setStartTimeout`, `initThreadPool`, `sharedModule`) is the binding
//! layer in `src/js/`, above the primitives.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/sys/web/worker.js")]
extern "C" {
    #[wasm_bindgen(js_name = canBlock)]
    pub(super) fn can_block() -> bool;

    /// `fail(reason)` is called at most once, if the pool cannot start.
    #[wasm_bindgen(js_name = startSpawner)]
    #[allow(clippy::too_many_arguments)]
    pub(super) fn start_spawner(
        channel: &str,
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

/// Registers the worker factory of a package's worker entry on this thread (see the top of
/// `worker.js`): `factory(name)` returns a new module Worker whose script imports this glue
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
pub fn __pythreading_worker_continue() -> u32 {
    super::worker_continue()
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
