//! JS `Thread` and the module functions `currentThread()`, `mainThread()`, `enumerate()`,
//! `activeCount()` and `getIdent()`.

use super::args::*;
use super::error::*;
use super::handles::*;
use super::waiting::*;
use js_sys::Promise;
use wasm_bindgen::prelude::*;

/// A `pythreading` thread (Python's `threading.Thread`), as seen from JS: threads are started
/// from Rust; JS can inspect and await them. Get one from `currentThread()`, `mainThread()`,
/// `enumerate()`, or from a Rust function returning `pythreading::js::Thread::from(t)`.
#[wasm_bindgen(js_name = Thread)]
pub struct JsThread(pub(super) crate::Thread);

#[wasm_bindgen(js_class = Thread)]
impl JsThread {
    /// The thread's name.
    #[wasm_bindgen(getter)]
    pub fn name(&self) -> String {
        self.0.name()
    }

    /// `get_ident()` inside the thread; undefined before it started.
    #[wasm_bindgen(getter)]
    pub fn ident(&self) -> Option<f64> {
        self.0.ident().map(|i| i as f64)
    }

    /// `get_native_id()` inside the thread; undefined before it started.
    #[wasm_bindgen(getter, js_name = nativeId)]
    pub fn native_id(&self) -> Option<f64> {
        self.0.native_id().map(|i| i as f64)
    }

    /// True from `start()` until the thread's activity ends.
    #[wasm_bindgen(js_name = isAlive)]
    pub fn is_alive(&self) -> bool {
        self.0.is_alive()
    }

    /// Whether it is a daemon thread (not waited for at shutdown).
    #[wasm_bindgen(getter)]
    pub fn daemon(&self) -> bool {
        self.0.is_daemon()
    }

    /// Python's `isDaemon()`.
    #[wasm_bindgen(js_name = isDaemon)]
    pub fn is_daemon(&self) -> bool {
        self.0.is_daemon()
    }

    /// `join(timeout?)`: waits until the thread ends (or `timeout` seconds; then check
    /// `isAlive()`). On the page's UI thread it throws `RuntimeError` unless the thread has
    /// ended: use `joinAsync` there.
    pub fn join(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "number | null")] timeout: JsValue,
    ) -> Result<(), JsValue> {
        match timeout_arg(&timeout)? {
            None => self.0.join(),
            Some(t) => self.0.join_timeout(t),
        }
        .map_err(py_err)
    }

    /// Resolves (with undefined, as Python's `join`) once the thread has ended, or after
    /// `timeout` seconds (then check `isAlive()`). Rejects with `RuntimeError` for a thread
    /// not started, or the calling thread itself.
    #[wasm_bindgen(js_name = joinAsync, unchecked_return_type = "Promise<void>")]
    pub fn join_async(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "number | null")] timeout: JsValue,
    ) -> Promise {
        let t = match timeout_arg(&timeout).and_then(wait_timeout) {
            Ok(t) => t,
            Err(e) => return reject(e),
        };
        let th = self.0.clone();
        if let Err(e) = th.join_step() {
            return reject(py_err(e));
        }
        promise(async move {
            let mut err = None;
            let step = || match th.join_step() {
                Ok(s) => poll(s),
                Err(e) => {
                    err = Some(e);
                    Poll::Done(())
                }
            };
            drive(step, t).await;
            match err {
                Some(e) => Err(py_err(e)),
                None => Ok(JsValue::UNDEFINED),
            }
        })
    }
}

/// Python's `threading.current_thread()`.
#[wasm_bindgen(js_name = currentThread)]
pub fn current_thread() -> JsThread {
    JsThread(crate::current_thread())
}

/// Python's `threading.main_thread()`: the first thread outside the pool that asked (the
/// page, or the worker that runs the program).
#[wasm_bindgen(js_name = mainThread)]
pub fn main_thread() -> JsThread {
    JsThread(crate::main_thread())
}

/// Python's `threading.enumerate()`: every thread alive.
#[wasm_bindgen(js_name = enumerate)]
pub fn enumerate() -> Vec<JsThread> {
    crate::enumerate().into_iter().map(JsThread).collect()
}

/// Python's `threading.active_count()`.
#[wasm_bindgen(js_name = activeCount)]
pub fn active_count() -> u32 {
    crate::active_count() as u32
}

/// Python's `threading.get_ident()` for the calling thread.
#[wasm_bindgen(js_name = getIdent)]
pub fn get_ident() -> f64 {
    crate::get_ident() as f64
}

transferable!(JsThread, crate::Thread, Thread);
