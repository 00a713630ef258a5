//! JS `Event`: Python's `threading.Event` over the crate's `Event`.

use super::args::*;
use super::error::*;
use super::handles::*;
use super::waiting::*;
use js_sys::Promise;
use wasm_bindgen::prelude::*;

/// Python's `threading.Event`.
#[wasm_bindgen(js_name = Event)]
pub struct JsEvent(pub(super) crate::Event);

#[wasm_bindgen(js_class = Event)]
impl JsEvent {
    /// A new event, not set.
    #[wasm_bindgen(constructor)]
    pub fn new() -> JsEvent {
        JsEvent(crate::Event::new())
    }

    /// True if the flag is set.
    #[wasm_bindgen(js_name = isSet)]
    pub fn is_set(&self) -> bool {
        self.0.is_set()
    }

    /// Sets the flag and wakes every waiter.
    pub fn set(&self) {
        self.0.set()
    }

    /// Resets the flag.
    pub fn clear(&self) {
        self.0.clear()
    }

    /// `wait(timeout?)`: true if the flag is set, false on timeout. On the page's UI thread
    /// it throws `RuntimeError` instead of waiting: use `waitAsync` there.
    pub fn wait(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "number | null")] timeout: JsValue,
    ) -> Result<bool, JsValue> {
        let t = wait_timeout(timeout_arg(&timeout)?)?;
        self.0.wait_for(t).map_err(py_err)
    }

    /// Resolves with true once the flag is set (false if `timeout` seconds passed first).
    #[wasm_bindgen(js_name = waitAsync, unchecked_return_type = "Promise<boolean>")]
    pub fn wait_async(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "number | null")] timeout: JsValue,
    ) -> Promise {
        let t = match timeout_arg(&timeout).and_then(wait_timeout) {
            Ok(t) => t,
            Err(e) => return reject(e),
        };
        let ev = self.0.clone();
        promise(async move {
            let mut generation = None;
            let set = drive(|| poll(ev.wait_step(&mut generation)), t).await;
            Ok(set.unwrap_or(false).into())
        })
    }
}

impl Default for JsEvent {
    fn default() -> Self {
        Self::new()
    }
}

transferable!(JsEvent, crate::Event, Event);
