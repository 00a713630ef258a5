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
/// a `ValueError`.
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
pub fn check_thread(seconds: f64) -> Result<threading::js::Thread, JsValue> {
    let value_error = |msg: &str| {
        let e = js_sys::Error::new(msg);
        e.set_name("ValueError");
        JsValue::from(e)
    };
    if seconds.is_nan() {
        return Err(value_error("Invalid value NaN (not a number)"));
    }
    if seconds < 0.0 {
        return Err(value_error("sleep length must be non-negative"));
    }
    let d = std::time::Duration::try_from_secs_f64(seconds)
        .map_err(|_| value_error("sleep length is too large"))?;
    let t = threading::Thread::builder()
        .name("pythreading-web-check")
        .target(move || std::thread::sleep(d))
        .build();
    t.start().map_err(|e| {
        let err = js_sys::Error::new(&e.to_string());
        err.set_name(e.python_type());
        JsValue::from(err)
    })?;
    Ok(threading::js::Thread::from(t))
}
