//! JS `Timer`: Python's `threading.Timer` (behaviours TM-01, TM-02 as `src/timer.rs` has
//! them) over the crate's `Timer`, whose function is a JS module export, run on a pool worker
//! like a JS thread's target (`thread.rs`).

use super::args::*;
use super::thread::{
    cancel_job, forget_if_unreachable, job_options, js_job, next_job_id, pending, start_js,
    JobGate, JsThread, CANCELLED, POSTED, UNPOSTED,
};
use js_sys::Promise;
use wasm_bindgen::prelude::*;

/// Python's `threading.Timer(interval, function, args)`: `new Timer(interval, { target,
/// export, args })` calls the export (of the module `target`, as `new Thread` does) with `args`
/// on a pool worker once `interval` seconds have passed after `start()`, unless `cancel()` came
/// first.
///
/// ```js
/// const t = new Timer(0.5, { target: new URL('./tick.js', import.meta.url), args: [event] });
/// t.start();
/// t.cancel();          // before 0.5 s: tick.js is never imported
/// await t.joinAsync();
/// ```
#[wasm_bindgen(js_name = Timer)]
pub struct JsTimer(crate::Timer, JobGate, u32);

impl Drop for JsTimer {
    /// A timer freed unstarted drops its function's arguments (as a `Thread` does).
    fn drop(&mut self) {
        forget_if_unreachable(&self.0);
    }
}

#[wasm_bindgen(js_class = Timer)]
impl JsTimer {
    /// `TypeError` if `interval` is not a number or the options are wrong (as `new Thread`'s);
    /// an interval out of range (NaN, above `TIMEOUT_MAX`) goes to the excepthook when the timer
    /// runs, as in Python.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "number")] interval: JsValue,
        #[wasm_bindgen(
            unchecked_param_type = "{ target: string | URL, export?: string, args?: unknown[] }"
        )]
        function: JsValue,
    ) -> Result<JsTimer, JsValue> {
        required(&interval, "Timer", "interval")?;
        let interval = number(&interval, "interval")?;
        required(&function, "Timer", "function")?;
        if !function.is_object() {
            return Err(type_err(format!(
                "Timer function must be an object {{ target, export, args }}, not {}",
                type_name(&function)
            )));
        }
        let (target, export, args) = job_options(&function, "Timer")?;
        let id = next_job_id();
        let gate = JobGate::default();
        let timer = crate::Timer::new(interval, js_job(id, Some(gate.clone())));
        pending(&timer, id, target, export, args, Some(gate.clone()));
        Ok(JsTimer(timer, gate, id))
    }

    /// Starts the timer (once: again is `RuntimeError`; the pool must be running).
    pub fn start(&self) -> Result<(), JsValue> {
        start_js(&self.0)
    }

    /// Stops the timer if it is still waiting: its function will not run (and the job that
    /// `start()` posted for it is withdrawn).
    pub fn cancel(&self) {
        use std::sync::atomic::Ordering::{AcqRel, Acquire};
        self.0.cancel();
        // AcqRel/Acquire: see `JobGate` (whoever leaves POSTED owns the posted job).
        if self
            .1
            .compare_exchange(POSTED, CANCELLED, AcqRel, Acquire)
            .is_ok()
        {
            cancel_job(&crate::sys::js_channel(), self.2);
        } else {
            // Not started yet: `start()` will not post the job. (RAN stays RAN.)
            let _ = self.1.compare_exchange(UNPOSTED, CANCELLED, AcqRel, Acquire);
        }
    }

    /// The timer's thread (`name`, `ident`, `join`, `joinAsync`, ... as a `Thread`).
    #[wasm_bindgen(getter)]
    pub fn thread(&self) -> JsThread {
        JsThread((*self.0).clone())
    }

    /// The thread's name.
    #[wasm_bindgen(getter)]
    pub fn name(&self) -> String {
        self.0.name()
    }

    /// True from `start()` until the timer has fired (and its function ended) or was cancelled.
    #[wasm_bindgen(js_name = isAlive)]
    pub fn is_alive(&self) -> bool {
        self.0.is_alive()
    }

    /// As `Thread.join(timeout?)` (in workers).
    pub fn join(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "number | null")] timeout: JsValue,
    ) -> Result<(), JsValue> {
        self.thread().join(timeout)
    }

    /// As `Thread.joinAsync(timeout?)`.
    #[wasm_bindgen(js_name = joinAsync, unchecked_return_type = "Promise<void>")]
    pub fn join_async(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "number | null")] timeout: JsValue,
    ) -> Promise {
        self.thread().join_async(timeout)
    }
}
