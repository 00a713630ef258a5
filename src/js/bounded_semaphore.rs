//! JS `BoundedSemaphore`: Python's `threading.BoundedSemaphore` over the crate's
//! `BoundedSemaphore`, with the class body of `Semaphore` (`semaphore_class!`).

use super::args::*;
use super::error::*;
use super::handles::*;
use super::semaphore::{semaphore_class, sem_acquire_async};
use js_sys::Promise;
use wasm_bindgen::prelude::*;

semaphore_class!(
    JsBoundedSemaphore,
    crate::BoundedSemaphore,
    BoundedSemaphore,
    "Python's `threading.BoundedSemaphore(value = 1)`: releasing above the initial value \
     throws `ValueError` (\"Semaphore released too many times\").",
    "Adds `n` (default 1) permits; above the initial value: `ValueError`, nothing changed; \
     `n` below 1: `ValueError` (\"n must be one or more\")."
);

#[wasm_bindgen(js_class = BoundedSemaphore)]
impl JsBoundedSemaphore {
    /// The value it was made with: `release()` may not take it above this.
    #[wasm_bindgen(getter, js_name = initialValue)]
    pub fn initial_value(&self) -> u32 {
        self.0.initial_value() as u32
    }
}

transferable!(
    JsBoundedSemaphore,
    crate::BoundedSemaphore,
    BoundedSemaphore
);
