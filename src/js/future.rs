//! JS `Future`: Python's `concurrent.futures.Future` (behaviours CF-01 to CF-09 as
//! `src/futures/future.rs` has them), the eventual result of a JS `ThreadPoolExecutor`'s task
//! (`thread_pool_executor.rs`), over the crate's [`Future`](crate::futures::Future).
//!
//! A task runs on a pool worker and its Future is read on other threads, so what the task
//! returned crosses as JSON text, like a `Queue` item: a value JSON can hold (numbers,
//! strings, booleans, null, arrays and plain objects of them), or `undefined` (a task that
//! returns nothing, Python's `None`). Anything else makes the Future's exception a
//! `TypeError` saying so. What the task threw is kept as its name, message and stack, and
//! rebuilt as an error of the same class where the class is the library's or JS's own
//! (`RangeError`, ...), else as an `Error` with that `name`.
//!
//! `result(timeout)` and `exception(timeout)` block (in a worker; on the page's UI thread they
//! throw `RuntimeError` unless the Future is done: use `resultAsync`/`exceptionAsync` there).
//! A cancelled Future's result is `CancelledError`; a wait that runs out, `TimeoutError`.
//! `addDoneCallback` is not offered: a callback runs on the thread that completes the future,
//! and a JS function belongs to its own thread; `resultAsync().then(...)` is the JS spelling.

use super::args::*;
use super::error::*;
use super::handles::*;
use super::waiting::*;
use crate::futures::Future;
use crate::Error;
use js_sys::Promise;
use wasm_bindgen::prelude::*;

/// How a JS task ended, as its Future keeps it.
#[derive(Clone, Debug)]
pub(super) enum Outcome {
    /// What it returned: JSON text, `None` for `undefined`.
    Value(Option<String>),
    /// What it threw: the error's name, message and stack.
    Thrown {
        name: String,
        message: String,
        stack: Option<String>,
    },
}

#[wasm_bindgen(module = "/src/js/exports.js")]
extern "C" {
    #[wasm_bindgen(js_name = rebuildError)]
    fn rebuild_error(name: &str, message: &str, stack: Option<String>) -> JsValue;
}

impl Outcome {
    /// The outcome of a task that returned `v`: its JSON text, or a `TypeError` thrown for a
    /// value JSON cannot hold.
    pub(super) fn returned(v: &JsValue) -> Outcome {
        if v.is_undefined() {
            return Outcome::Value(None);
        }
        match json_encode(v, "a task's result") {
            Ok(s) => Outcome::Value(Some(s)),
            Err(e) => Outcome::thrown(&e),
        }
    }

    /// The outcome of a task that threw `e` (an error, or any thrown value).
    pub(super) fn thrown(e: &JsValue) -> Outcome {
        let a = super::thread::thrown_args(e);
        Outcome::Thrown {
            name: a.exc_type,
            message: a.exc_value.unwrap_or_default(),
            stack: a.exc_traceback,
        }
    }

    /// `Ok(value)` for a returned value, `Err(error)` for a thrown one, rebuilt on this thread.
    fn value(self) -> Result<JsValue, JsValue> {
        match self {
            Outcome::Value(None) => Ok(JsValue::UNDEFINED),
            Outcome::Value(Some(s)) => js_sys::JSON::parse(&s),
            Outcome::Thrown {
                name,
                message,
                stack,
            } => Err(rebuild_error(&name, &message, stack)),
        }
    }
}

/// Python's `concurrent.futures.Future`, as JS sees it: what `ThreadPoolExecutor.submit`
/// returns.
///
/// ```js
/// const ex = new ThreadPoolExecutor({ maxWorkers: 2 });
/// const f = ex.submit(new URL('./square.js', import.meta.url), 7);   // export default (x) => x * x
/// console.log(await f.resultAsync(), f.done());                      // 49 true
/// ```
#[wasm_bindgen(js_name = Future)]
pub struct JsFuture(pub(super) Future<Outcome>);

#[wasm_bindgen(js_class = Future)]
impl JsFuture {
    /// `result(timeout?)`: waits until the task is done and returns what it returned, or
    /// throws what it threw; `CancelledError` if it was cancelled, `TimeoutError` if `timeout`
    /// seconds passed first. On the page's UI thread it throws `RuntimeError` unless the Future
    /// is done: use `resultAsync` there.
    pub fn result(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "number | null")] timeout: JsValue,
    ) -> Result<JsValue, JsValue> {
        self.outcome(&timeout)?.value()
    }

    /// Resolves with what the task returned, or rejects with what it threw (`CancelledError`,
    /// or `TimeoutError` once `timeout` seconds passed). Never blocks: any thread.
    #[wasm_bindgen(js_name = resultAsync, unchecked_return_type = "Promise<any>")]
    pub fn result_async(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "number | null")] timeout: JsValue,
    ) -> Promise {
        let f = self.0.clone();
        match timeout_arg(&timeout).and_then(wait_timeout) {
            Ok(t) => promise(async move { outcome_async(&f, t).await?.value() }),
            Err(e) => reject(e),
        }
    }

    /// `exception(timeout?)`: waits as `result` does and returns what the task threw, or null
    /// if it returned; throws `CancelledError` or `TimeoutError` as `result` does.
    #[wasm_bindgen(unchecked_return_type = "Error | null")]
    pub fn exception(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "number | null")] timeout: JsValue,
    ) -> Result<JsValue, JsValue> {
        Ok(match self.outcome(&timeout)?.value() {
            Ok(_) => JsValue::NULL,
            Err(thrown) => thrown,
        })
    }

    /// Resolves with what the task threw, or null if it returned; rejects as `resultAsync`.
    #[wasm_bindgen(js_name = exceptionAsync, unchecked_return_type = "Promise<Error | null>")]
    pub fn exception_async(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "number | null")] timeout: JsValue,
    ) -> Promise {
        let f = self.0.clone();
        match timeout_arg(&timeout).and_then(wait_timeout) {
            Ok(t) => promise(async move {
                Ok(match outcome_async(&f, t).await?.value() {
                    Ok(_) => JsValue::NULL,
                    Err(thrown) => thrown,
                })
            }),
            Err(e) => reject(e),
        }
    }

    /// True once the task finished or the Future was cancelled.
    pub fn done(&self) -> bool {
        self.0.done()
    }

    /// True while the task runs.
    pub fn running(&self) -> bool {
        self.0.running()
    }

    /// Cancels the task unless it is running or done: true if the Future is (now) cancelled.
    pub fn cancel(&self) -> bool {
        self.0.cancel()
    }

    /// True if the Future was cancelled.
    pub fn cancelled(&self) -> bool {
        self.0.cancelled()
    }
}

impl JsFuture {
    /// The outcome once the Future is done, waiting (`timeout` seconds at most): `Err` with
    /// the timeout's `TypeError`/`ValueError`, `CancelledError`, `TimeoutError`, or the UI
    /// thread's `RuntimeError`.
    fn outcome(&self, timeout: &JsValue) -> Result<Outcome, JsValue> {
        match timeout_arg(timeout)? {
            None => self.0.result(),
            Some(t) => self.0.result_timeout(t),
        }
        .map_err(py_err)
    }
}

/// The outcome of `f` once it is done, awaited without blocking: a done callback sets an
/// `Event`, whose word the caller awaits (`Atomics.waitAsync`). `Err` with `CancelledError`,
/// or `TimeoutError` once `t` passed.
async fn outcome_async(
    f: &Future<Outcome>,
    t: Option<std::time::Duration>,
) -> Result<Outcome, JsValue> {
    if !f.done() {
        let ev = crate::Event::new();
        let ev2 = ev.clone();
        // Runs at once if the future became done meanwhile; else on the thread that
        // completes it. `Event::set` is Release and the wait's check Acquire, but the outcome
        // is read under the future's own lock below, which orders it.
        f.add_done_callback(move |_| ev2.set());
        let mut generation = None;
        if drive(|| poll(ev.wait_step(&mut generation)), t).await.is_none() {
            return Err(py_err(Error::Timeout));
        }
    }
    // Done: this returns at once (never waits, so never refuses on the UI thread).
    f.result_timeout(0.0).map_err(py_err)
}

// Unwind-safe as the JS `Barrier` and `Queue` are (see `JsBarrier`'s note): with panic=unwind
// wasm-bindgen asks every exported type for it, and a future keeps its invariants across a
// panic (its state changes under its lock, in one step).
impl std::panic::UnwindSafe for JsFuture {}
impl std::panic::RefUnwindSafe for JsFuture {}

transferable!(JsFuture, Future<Outcome>, Future);
