//! Errors as JS sees them: Python's exceptions as exported subclasses of `Error`
//! (`RuntimeError`, `BrokenBarrierError` (a `RuntimeError`), `ValueError`, `OverflowError`,
//! `TypeError` (a JS `TypeError`), the queue module's `Full`, `Empty`, `ShutDown`, and
//! `concurrent.futures`' `CancelledError` and `TimeoutError`), with
//! Python's messages.
//!
//! The classes are defined in `exports.js` beside this file, a wasm-bindgen snippet: the glue
//! imports it and re-exports each class (wasm-bindgen's `reexport`), so an app imports them
//! from the package (or the glue) by name, and every copy of the glue in one JS realm shares
//! one set of classes (they live under a global symbol). Their TypeScript declarations are the
//! custom section below.
//!
//! ```js
//! import { Lock, RuntimeError } from 'pythreading-web';
//! try { new Lock().release(); } catch (e) {
//!   console.log(e instanceof RuntimeError, e instanceof Error, e.message);
//!   // true true "release unlocked lock"
//! }
//! ```

use js_sys::Promise;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/js/exports.js")]
extern "C" {
    /// A new error of the class named `name`, with `message`.
    #[wasm_bindgen(js_name = pyError)]
    fn py_error(name: &str, message: &str) -> JsValue;
}

/// The classes, re-exported by the glue. They are never called from Rust (so the functions
/// are dead code there): declaring them is what makes the glue export them.
#[allow(dead_code)]
#[wasm_bindgen(module = "/src/js/exports.js")]
extern "C" {
    #[wasm_bindgen(reexport, skip_typescript, js_name = RuntimeError)]
    fn runtime_error_class();
    #[wasm_bindgen(reexport, skip_typescript, js_name = BrokenBarrierError)]
    fn broken_barrier_error_class();
    #[wasm_bindgen(reexport, skip_typescript, js_name = ValueError)]
    fn value_error_class();
    #[wasm_bindgen(reexport, skip_typescript, js_name = OverflowError)]
    fn overflow_error_class();
    #[wasm_bindgen(reexport, skip_typescript, js_name = TypeError)]
    fn type_error_class();
    #[wasm_bindgen(reexport, skip_typescript, js_name = Full)]
    fn full_class();
    #[wasm_bindgen(reexport, skip_typescript, js_name = Empty)]
    fn empty_class();
    #[wasm_bindgen(reexport, skip_typescript, js_name = ShutDown)]
    fn shut_down_class();
    #[wasm_bindgen(reexport, skip_typescript, js_name = CancelledError)]
    fn cancelled_error_class();
    #[wasm_bindgen(reexport, skip_typescript, js_name = TimeoutError)]
    fn timeout_error_class();
}

#[wasm_bindgen(typescript_custom_section)]
const ERROR_CLASSES: &str = r#"
/** Python's `RuntimeError`: e.g. `release unlocked lock`, `cannot join thread before it is started`. */
export class RuntimeError extends Error {}
/** Python's `threading.BrokenBarrierError` (a `RuntimeError`, as in Python). */
export class BrokenBarrierError extends RuntimeError {}
/** Python's `ValueError`: a value out of range (a negative count, a NaN timeout, ...). */
export class ValueError extends Error {}
/** Python's `OverflowError`: a timeout above `TIMEOUT_MAX`, a count above 4294967295. */
export class OverflowError extends Error {}
/** An argument of the wrong type (a string where a number is expected): a JS `TypeError` too. */
export class TypeError extends globalThis.TypeError {}
/** Python's `queue.Full`. */
export class Full extends Error {}
/** Python's `queue.Empty`. */
export class Empty extends Error {}
/** Python's `queue.ShutDown`. */
export class ShutDown extends Error {}
/** Python's `concurrent.futures.CancelledError`: the result of a cancelled `Future`. */
export class CancelledError extends Error {}
/** Python's `TimeoutError`: a `Future`'s `result(timeout)` ran out of time. */
export class TimeoutError extends Error {}
"#;

/// The JS error for `e`: an instance of the class of Python's exception, Python's message.
pub(super) fn py_err(e: crate::Error) -> JsValue {
    let msg = match &e {
        crate::Error::Runtime(m) | crate::Error::Value(m) | crate::Error::Overflow(m) => m.clone(),
        _ => String::new(),
    };
    py_error(e.python_type(), &msg)
}

/// The JS error of class `name` (one of the classes above) with `message`.
pub(super) fn js_err(name: &str, message: &str) -> JsValue {
    py_error(name, message)
}

pub(super) fn reject(e: JsValue) -> Promise {
    Promise::reject(&e)
}
