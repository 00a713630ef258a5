//! Argument checks of the JS classes (see the rules in the module docs of `src/js/`): each
//! argument is checked before it is converted and before anything changes.

use super::error::*;
use crate::timeout::Timeout;
use std::time::Duration;
use wasm_bindgen::prelude::*;

/// The exported `TypeError` (a subclass of JS's `TypeError`; the name is Python's too).
pub(super) fn type_err(msg: String) -> JsValue {
    js_err("TypeError", &msg)
}

/// The type of a refused argument, for "must be a number, not …": `typeof`, with `null`
/// named as itself.
pub(super) fn type_name(v: &JsValue) -> String {
    if v.is_null() {
        "null".into()
    } else {
        v.js_typeof().as_string().unwrap_or_default()
    }
}

/// A number as JS writes it (`2.5`, `-1`, `NaN`, `Infinity`, `1e+21`), for messages.
pub(super) fn js_number(x: f64) -> String {
    js_sys::Number::from(x)
        .to_string_with_radix(10)
        .map_or_else(|_| x.to_string(), String::from)
}

/// True for an omitted optional argument: `undefined` or `null`.
pub(super) fn omitted(v: &JsValue) -> bool {
    v.is_undefined() || v.is_null()
}

/// `TypeError` for a required argument that is `undefined`, with Python's wording
/// (`Barrier() missing 1 required positional argument: 'parties'`).
pub(super) fn required(v: &JsValue, call: &str, arg: &str) -> Result<(), JsValue> {
    if v.is_undefined() {
        Err(type_err(format!(
            "{call}() missing 1 required positional argument: '{arg}'"
        )))
    } else {
        Ok(())
    }
}

/// A number argument, without coercion: anything whose `typeof` is not `"number"` (a string,
/// a boolean, a bigint, an object, `null`) is a `TypeError`.
pub(super) fn number(v: &JsValue, what: &str) -> Result<f64, JsValue> {
    v.as_f64()
        .ok_or_else(|| type_err(format!("{what} must be a number, not {}", type_name(v))))
}

/// The rules of a count argument (an integer the Rust side takes as `usize`).
pub(super) struct Count {
    /// The argument, in messages.
    pub(super) what: &'static str,
    /// The least value allowed.
    pub(super) min: u32,
    /// The `ValueError` message below `min` (Python's wording where Python has one).
    pub(super) below: &'static str,
    /// The `OverflowError` message above `u32::MAX` (`usize::MAX` on wasm32).
    pub(super) above: &'static str,
}

/// `Semaphore(value)`, `BoundedSemaphore(value)`: Python's message below 0, the Rust side's
/// above its range.
pub(super) const SEM_VALUE: Count = Count {
    what: "semaphore initial value",
    min: 0,
    below: "semaphore initial value must be >= 0",
    above: "semaphore value is too large",
};

/// `release(n)`: the messages of the Rust side's `release` (Python's for `n < 1`).
pub(super) const RELEASE_N: Count = Count {
    what: "n",
    min: 1,
    below: "n must be one or more",
    above: "semaphore value is too large",
};

/// `Condition.notify(n)`: 0 wakes nobody, as in Python.
pub(super) const NOTIFY_N: Count = Count {
    what: "n",
    min: 0,
    below: "n must be >= 0",
    above: "n is too large",
};

/// `Barrier(parties)`: below 1, the message of the Rust side's `Barrier::builder`.
pub(super) const PARTIES: Count = Count {
    what: "parties",
    min: 1,
    below: "parties must be >= 1",
    above: "parties is too large",
};

/// `ThreadPoolExecutor({ maxWorkers })`: Python's message below 1.
pub(super) const MAX_WORKERS: Count = Count {
    what: "maxWorkers",
    min: 1,
    below: "max_workers must be greater than 0",
    above: "maxWorkers is too large",
};

/// A count argument with `c`'s rules: `TypeError` for a value that is not a number,
/// `ValueError` below the least value, `OverflowError` above `u32::MAX` (`Infinity` too),
/// `ValueError` for NaN or a fraction.
pub(super) fn count(v: &JsValue, c: &Count) -> Result<usize, JsValue> {
    let x = number(v, c.what)?;
    if x < f64::from(c.min) {
        return Err(py_err(crate::Error::Value(c.below.into())));
    }
    if x > f64::from(u32::MAX) {
        return Err(py_err(crate::Error::Overflow(c.above.into())));
    }
    if x.fract() != 0.0 {
        // NaN lands here too (its `fract()` is NaN).
        return Err(py_err(crate::Error::Value(format!(
            "{} must be an integer, got {}",
            c.what,
            js_number(x)
        ))));
    }
    Ok(x as usize)
}

/// An optional count: `default` if omitted, else [`count`].
pub(super) fn opt_count(v: &JsValue, c: &Count, default: usize) -> Result<usize, JsValue> {
    if omitted(v) {
        Ok(default)
    } else {
        count(v, c)
    }
}

/// An optional timeout in seconds: `None` if omitted, `TypeError` if not a number; the value
/// itself is checked by the Rust side's rules of the call it goes to.
pub(super) fn timeout_arg(v: &JsValue) -> Result<Option<f64>, JsValue> {
    if omitted(v) {
        Ok(None)
    } else {
        number(v, "timeout").map(Some)
    }
}

/// `blocking` (default true): a boolean, else `TypeError` (no truthiness).
pub(super) fn blocking_arg(v: &JsValue) -> Result<bool, JsValue> {
    opt_bool(v, "blocking", true)
}

/// A wait's timeout in seconds with the wait rules (`None`: no limit; negative: no wait).
pub(super) fn wait_timeout(t: Option<f64>) -> Result<Option<Duration>, JsValue> {
    t.map(|t| Timeout::from(t).for_wait())
        .transpose()
        .map_err(py_err)
}

/// A lock acquire's timeout with the lock rules (`None` or `-1`: no limit). The outer
/// `Option` of `acquire_args` is `None` only for a non-blocking acquire.
pub(super) fn lock_timeout(t: Option<f64>) -> Result<Option<Duration>, JsValue> {
    Ok(crate::lock::acquire_args(true, t)
        .map_err(py_err)?
        .flatten())
}

/// A semaphore acquire's timeout (`None`: no limit; negative: no wait).
pub(super) fn sem_timeout(t: Option<f64>) -> Result<Option<Duration>, JsValue> {
    Ok(crate::semaphore::sem_acquire_args(true, t)
        .map_err(py_err)?
        .flatten())
}

/// `JSON.stringify(v)` for a value that crosses workers as JSON text (a `Queue` item, a
/// task's result): `TypeError` naming `what` for anything JSON cannot hold (`undefined`, a
/// function, a symbol, a BigInt, a cyclic object), nothing stringified.
pub(super) fn json_encode(v: &JsValue, what: &str) -> Result<String, JsValue> {
    if v.is_bigint() || v.is_symbol() || v.is_function() || v.is_undefined() {
        return Err(type_err(format!(
            "{what} must be a JSON value, not {}",
            type_name(v)
        )));
    }
    match js_sys::JSON::stringify(v) {
        Ok(s) => s
            .as_string()
            .ok_or_else(|| type_err(format!("{what} must be a JSON value"))),
        Err(e) => {
            let why = js_sys::Reflect::get(&e, &"message".into())
                .ok()
                .and_then(|m| m.as_string())
                .unwrap_or_default();
            Err(type_err(format!("{what} must be a JSON value ({why})")))
        }
    }
}

/// An optional boolean argument (`shutdown(wait, cancelFutures)`): omitted, `default`;
/// `TypeError` for a value that is not a boolean (not JS truthiness, as for `blocking`).
pub(super) fn opt_bool(v: &JsValue, what: &str, default: bool) -> Result<bool, JsValue> {
    if omitted(v) {
        return Ok(default);
    }
    v.as_bool()
        .ok_or_else(|| type_err(format!("{what} must be a boolean, not {}", type_name(v))))
}
