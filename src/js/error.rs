//! Errors as JS sees them: a JS `Error` whose `name` is Python's exception.

use js_sys::Promise;
use wasm_bindgen::prelude::*;

/// A JS `Error` named after Python's exception, with Python's message.
pub(super) fn py_err(e: crate::Error) -> JsValue {
    let msg = match &e {
        crate::Error::Runtime(m) | crate::Error::Value(m) | crate::Error::Overflow(m) => m.clone(),
        _ => String::new(),
    };
    let err = js_sys::Error::new(&msg);
    err.set_name(e.python_type());
    err.into()
}

pub(super) fn reject(e: JsValue) -> Promise {
    Promise::reject(&e)
}
