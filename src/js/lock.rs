//! JS `Lock`: Python's `threading.Lock` over the crate's `Lock`.

use super::args::*;
use super::error::*;
use super::handles::*;
use super::waiting::*;
use js_sys::Promise;
use wasm_bindgen::prelude::*;

/// Python's `threading.Lock` (not owned: any thread may release it).
#[wasm_bindgen(js_name = Lock)]
pub struct JsLock(pub(super) crate::Lock);

#[wasm_bindgen(js_class = Lock)]
impl JsLock {
    /// A new, unlocked lock.
    #[wasm_bindgen(constructor)]
    pub fn new() -> JsLock {
        super::dispose::ensure();
        JsLock(crate::Lock::new())
    }

    /// `acquire(blocking = true, timeout = -1)`: true if acquired. On the page's UI thread it
    /// throws `RuntimeError` instead of waiting: use `acquireAsync` there.
    pub fn acquire(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "boolean | null")] blocking: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "number | null")] timeout: JsValue,
    ) -> Result<bool, JsValue> {
        let (blocking, timeout) = (blocking_arg(&blocking)?, timeout_arg(&timeout)?);
        self.0.acquire_with(blocking, timeout).map_err(py_err)
    }

    /// Resolves with true once acquired, or false if `timeout` seconds passed first (no
    /// timeout, or -1: no limit). Never blocks the calling thread.
    #[wasm_bindgen(js_name = acquireAsync, unchecked_return_type = "Promise<boolean>")]
    pub fn acquire_async(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "number | null")] timeout: JsValue,
    ) -> Promise {
        lock_acquire_async(self.0.clone(), &timeout, |l, w| l.acquire_step(w))
    }

    /// Throws `RuntimeError` ("release unlocked lock") if it is not locked.
    pub fn release(&self) -> Result<(), JsValue> {
        self.0.release().map_err(py_err)
    }

    /// True if the lock is held (by any thread).
    pub fn locked(&self) -> bool {
        self.0.locked()
    }
}

impl Default for JsLock {
    fn default() -> Self {
        Self::new()
    }
}

transferable!(JsLock, crate::Lock, Lock);
