//! JS `RLock`: Python's `threading.RLock` over the crate's `RLock`.

use super::args::*;
use super::error::*;
use super::handles::*;
use super::waiting::*;
use js_sys::Promise;
use wasm_bindgen::prelude::*;

/// Python's `threading.RLock`: owned by the thread that acquired it, which may acquire it
/// again; only the owner may release it.
#[wasm_bindgen(js_name = RLock)]
pub struct JsRLock(pub(super) crate::RLock);

#[wasm_bindgen(js_class = RLock)]
impl JsRLock {
    /// A new, unowned reentrant lock.
    #[wasm_bindgen(constructor)]
    pub fn new() -> JsRLock {
        super::dispose::ensure();
        JsRLock(crate::RLock::new())
    }

    /// `acquire(blocking = true, timeout = -1)`: true if acquired (or re-entered). On the
    /// page's UI thread it throws `RuntimeError` instead of waiting.
    pub fn acquire(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "boolean | null")] blocking: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "number | null")] timeout: JsValue,
    ) -> Result<bool, JsValue> {
        let (blocking, timeout) = (blocking_arg(&blocking)?, timeout_arg(&timeout)?);
        self.0.acquire_with(blocking, timeout).map_err(py_err)
    }

    /// Resolves with true once the calling thread owns it, or false after `timeout` seconds.
    /// The calling thread is the owner (it tries and waits itself, without blocking).
    #[wasm_bindgen(js_name = acquireAsync, unchecked_return_type = "Promise<boolean>")]
    pub fn acquire_async(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "number | null")] timeout: JsValue,
    ) -> Promise {
        lock_acquire_async(self.0.clone(), &timeout, |l, w| l.acquire_step(w))
    }

    /// Releases one level. Throws `RuntimeError` ("cannot release un-acquired lock") if the
    /// calling thread does not own it.
    pub fn release(&self) -> Result<(), JsValue> {
        self.0.release().map_err(py_err)
    }

    /// True if any thread owns it.
    pub fn locked(&self) -> bool {
        self.0.locked()
    }

    /// True if the calling thread owns it.
    #[wasm_bindgen(js_name = isOwned)]
    pub fn is_owned(&self) -> bool {
        self.0.is_owned()
    }

    /// The calling thread's recursion depth (0 if it does not own it).
    #[wasm_bindgen(js_name = recursionCount)]
    pub fn recursion_count(&self) -> u32 {
        self.0.recursion_count() as u32
    }
}

impl Default for JsRLock {
    fn default() -> Self {
        Self::new()
    }
}

transferable!(JsRLock, crate::RLock, RLock);
