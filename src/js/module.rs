//! The JS module functions and constants beyond `Thread`'s (`thread.rs`): `getNativeId()`,
//! `stackSize(size?)` and `TIMEOUT_MAX`.

use super::args::*;
use super::error::*;
use wasm_bindgen::prelude::*;

#[allow(dead_code)]
#[wasm_bindgen(module = "/src/js/exports.js")]
extern "C" {
    /// Declared so that the glue re-exports the constant (defined in `exports.js`).
    #[wasm_bindgen(reexport, skip_typescript, js_name = TIMEOUT_MAX)]
    fn timeout_max_const();
}

#[wasm_bindgen(typescript_custom_section)]
const TIMEOUT_MAX_TS: &str = r#"
/** Python's `threading.TIMEOUT_MAX`: the largest timeout accepted, in seconds (9223372036). */
export const TIMEOUT_MAX: number;
"#;

/// Python's `threading.get_native_id()` for the calling thread: a number the crate assigns
/// (browsers have no OS thread ids), unique among the threads that ever ran.
///
/// ```js
/// import { getNativeId, currentThread } from 'pythreading-web';
/// console.log(getNativeId() === currentThread().nativeId); // true
/// ```
#[wasm_bindgen(js_name = getNativeId)]
pub fn get_native_id() -> f64 {
    crate::get_native_id() as f64
}

/// Python's `threading.stack_size(size?)`: returns the stack size (bytes) for threads started
/// from now on, and with `size` sets it (0: the platform's default, 2 MiB in browsers),
/// returning the previous one. Below 32 KiB (except 0): `ValueError` ("size not valid: N
/// bytes"), nothing changed; a count otherwise (see the module docs: `TypeError` for a
/// non-number, ...). A size above the platform's limit (256 MiB here) fails the `start()`.
///
/// ```js
/// import { stackSize } from 'pythreading-web';
/// const old = stackSize(1 << 20);   // 1 MiB stacks from now on
/// stackSize(old);
/// ```
#[wasm_bindgen(js_name = stackSize)]
pub fn stack_size(
    #[wasm_bindgen(unchecked_optional_param_type = "number | null")] size: JsValue,
) -> Result<f64, JsValue> {
    const SIZE: Count = Count {
        what: "size",
        min: 0,
        below: "size must be >= 0",
        above: "size is too large",
    };
    let size = if omitted(&size) {
        None
    } else {
        Some(count(&size, &SIZE)?)
    };
    crate::stack_size(size).map(|s| s as f64).map_err(py_err)
}
