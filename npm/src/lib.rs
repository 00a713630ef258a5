//! The npm package `pythreading-web`. Linking the library in is what exports its
//! JS API (`Lock`, `RLock`, `Condition`, `Semaphore`, `BoundedSemaphore`, `Event`, `Barrier`,
//! `Thread`, `initThreads`, `initThreadPool`) into this module; `wasm-pack build --target web`
//! adds the glue, the TypeScript types and the runtime (a wasm-bindgen snippet); `scripts/npm-pack.sh`
//! adds the entry and worker script of `js/`. Its own export is `checkThread`, a setup check.
pub use threading;

use wasm_bindgen::prelude::*;

/// Starts a Rust thread named `pythreading-web-check` that sleeps for `seconds` and ends, and
/// returns it as a JS `Thread`: `await checkThread(0.1).joinAsync(5)` in an app shows that its
/// setup starts threads (the headers, the worker script, the pool), with a thread started in
/// Rust and joined from JS. `seconds` follows Python's `time.sleep`: a negative or NaN value is
/// a `ValueError`, a value too large an `OverflowError`, a missing one or a non-number a
/// `TypeError`.
///
/// ```js
/// import init, { initThreads, checkThread } from 'pythreading-web';
/// await init();
/// await initThreads(2);
/// const t = checkThread(0.05);
/// await t.joinAsync(5);
/// console.log(t.isAlive()); // false
/// ```
#[wasm_bindgen(js_name = checkThread)]
pub fn check_thread(
    #[wasm_bindgen(unchecked_param_type = "number")] seconds: JsValue,
) -> Result<threading::js::Thread, JsValue> {
    let error = |name: &str, msg: &str| {
        let e = js_sys::Error::new(msg);
        e.set_name(name);
        JsValue::from(e)
    };
    // Checked before anything is converted, like every JS entry point of the library.
    let seconds = match seconds.as_f64() {
        Some(s) => s,
        None if seconds.is_undefined() => {
            return Err(error(
                "TypeError",
                "checkThread() missing 1 required positional argument: 'seconds'",
            ))
        }
        None => {
            let kind = if seconds.is_null() {
                "null".to_string()
            } else {
                seconds.js_typeof().as_string().unwrap_or_default()
            };
            return Err(error(
                "TypeError",
                &format!("seconds must be a number, not {kind}"),
            ));
        }
    };
    if seconds.is_nan() {
        return Err(error("ValueError", "Invalid value NaN (not a number)"));
    }
    if seconds < 0.0 {
        return Err(error("ValueError", "sleep length must be non-negative"));
    }
    let d = std::time::Duration::try_from_secs_f64(seconds)
        .map_err(|_| error("OverflowError", "sleep length is too large"))?;
    let t = threading::Thread::builder()
        .name("pythreading-web-check")
        .target(move || std::thread::sleep(d))
        .build();
    t.start()
        .map_err(|e| error(e.python_type(), &e.to_string()))?;
    Ok(threading::js::Thread::from(t))
}
