//! JS `Semaphore`: Python's `threading.Semaphore` over the crate's `Semaphore`; the class
//! body is shared with `BoundedSemaphore` (`semaphore_class!`).

use super::args::*;
use super::error::*;
use super::handles::*;
use super::waiting::*;
use js_sys::Promise;
use wasm_bindgen::prelude::*;

/// `acquireAsync` of both semaphores.
pub(super) fn sem_acquire_async(sem: impl AsRefRaw + 'static, timeout: &JsValue) -> Promise {
    let t = match timeout_arg(timeout).and_then(sem_timeout) {
        Ok(t) => t,
        Err(e) => return reject(e),
    };
    promise(async move {
        let raw = sem.raw();
        let mut registered = false;
        let got = drive(|| poll(raw.acquire_step(&mut registered)), t).await;
        raw.abandon_step(&mut registered);
        Ok(got.unwrap_or(false).into())
    })
}

pub(super) trait AsRefRaw {
    fn raw(&self) -> &crate::semaphore::RawSemaphore;
}
impl AsRefRaw for crate::Semaphore {
    fn raw(&self) -> &crate::semaphore::RawSemaphore {
        crate::Semaphore::raw(self)
    }
}
impl AsRefRaw for crate::BoundedSemaphore {
    fn raw(&self) -> &crate::semaphore::RawSemaphore {
        crate::BoundedSemaphore::raw(self)
    }
}

/// The JS class of a semaphore type: `Semaphore` and `BoundedSemaphore` have the same methods
/// (the bound shows in `release`'s error), so both come from here.
macro_rules! semaphore_class {
    ($js:ident, $rust:ty, $class:ident, $doc:literal, $release_doc:literal) => {
        #[doc = $doc]
        #[wasm_bindgen(js_name = $class)]
        pub struct $js(pub(super) $rust);

        #[wasm_bindgen(js_class = $class)]
        impl $js {
            /// A semaphore with `value` (default 1) permits. Throws `ValueError` ("semaphore
            /// initial value must be >= 0") below 0 (a count: see the module docs).
            #[wasm_bindgen(constructor)]
            pub fn new(
                #[wasm_bindgen(unchecked_optional_param_type = "number | null")] value: JsValue,
            ) -> Result<$js, JsValue> {
                super::dispose::ensure();
                Ok($js(<$rust>::new(opt_count(&value, &SEM_VALUE, 1)?)))
            }

            /// `acquire(blocking = true, timeout?)`: true if a permit was taken. On the page's
            /// UI thread it throws `RuntimeError` instead of waiting.
            pub fn acquire(
                &self,
                #[wasm_bindgen(unchecked_optional_param_type = "boolean | null")] blocking: JsValue,
                #[wasm_bindgen(unchecked_optional_param_type = "number | null")] timeout: JsValue,
            ) -> Result<bool, JsValue> {
                let (blocking, timeout) = (blocking_arg(&blocking)?, timeout_arg(&timeout)?);
                self.0.acquire_with(blocking, timeout).map_err(py_err)
            }

            /// Resolves with true once a permit is taken, or false after `timeout` seconds.
            #[wasm_bindgen(js_name = acquireAsync, unchecked_return_type = "Promise<boolean>")]
            pub fn acquire_async(
                &self,
                #[wasm_bindgen(unchecked_optional_param_type = "number | null")] timeout: JsValue,
            ) -> Promise {
                sem_acquire_async(self.0.clone(), &timeout)
            }

            #[doc = $release_doc]
            pub fn release(
                &self,
                #[wasm_bindgen(unchecked_optional_param_type = "number | null")] n: JsValue,
            ) -> Result<(), JsValue> {
                self.0
                    .release(opt_count(&n, &RELEASE_N, 1)?)
                    .map_err(py_err)
            }

            /// The current number of permits.
            pub fn value(&self) -> u32 {
                self.0.value() as u32
            }
        }
    };
}

pub(super) use semaphore_class;

semaphore_class!(
    JsSemaphore,
    crate::Semaphore,
    Semaphore,
    "Python's `threading.Semaphore(value = 1)`.",
    "Adds `n` (default 1) permits; `n` below 1: `ValueError` (\"n must be one or more\")."
);

transferable!(JsSemaphore, crate::Semaphore, Semaphore);
