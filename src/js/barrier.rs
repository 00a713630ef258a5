//! JS `Barrier`: Python's `threading.Barrier` over the crate's `Barrier`.

use super::args::*;
use super::error::*;
use super::handles::*;
use super::waiting::*;
use js_sys::Promise;
use wasm_bindgen::prelude::*;

/// Python's `threading.Barrier(parties, timeout?)` (no action from JS).
#[wasm_bindgen(js_name = Barrier)]
pub struct JsBarrier(pub(super) crate::Barrier);

#[wasm_bindgen(js_class = Barrier)]
impl JsBarrier {
    /// Throws `ValueError` if `parties` is below 1 ("parties must be >= 1") or the timeout
    /// is NaN, `TypeError` if `parties` is missing (both are checked as the module docs say).
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "number")] parties: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "number | null")] timeout: JsValue,
    ) -> Result<JsBarrier, JsValue> {
        required(&parties, "Barrier", "parties")?;
        let parties = count(&parties, &PARTIES)?;
        let timeout = timeout_arg(&timeout)?;
        let mut b = crate::Barrier::builder(parties);
        if let Some(t) = timeout {
            b = b.timeout(t);
        }
        b.build().map(JsBarrier).map_err(py_err)
    }

    /// `wait(timeout?)`: this thread's arrival index. Throws `BrokenBarrierError` if the
    /// barrier is or becomes broken; on the page's UI thread, `RuntimeError` instead of
    /// waiting (the last party passes): use `waitAsync` there.
    pub fn wait(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "number | null")] timeout: JsValue,
    ) -> Result<u32, JsValue> {
        match timeout_arg(&timeout)? {
            None => self.0.wait(),
            Some(t) => self.0.wait_timeout(t),
        }
        .map(|i| i as u32)
        .map_err(py_err)
    }

    /// Arrives now and resolves with the arrival index once all parties have arrived; rejects
    /// with `BrokenBarrierError` if the barrier breaks (a timeout, default: the barrier's
    /// own, breaks it for everyone).
    #[wasm_bindgen(js_name = waitAsync, unchecked_return_type = "Promise<number>")]
    pub fn wait_async(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "number | null")] timeout: JsValue,
    ) -> Promise {
        let t = match timeout_arg(&timeout) {
            Ok(None) => self.0.default_timeout(),
            Ok(Some(t)) => match wait_timeout(Some(t)) {
                Ok(t) => t,
                Err(e) => return reject(e),
            },
            Err(e) => return reject(e),
        };
        let b = self.0.clone();
        let arrival = match b.wait_begin() {
            Ok(Ok(index)) => return Promise::resolve(&JsValue::from(index as u32)),
            Ok(Err(arrival)) => arrival,
            Err(e) => return reject(py_err(e)),
        };
        promise(async move {
            let r = match drive(|| poll(b.wait_step(&arrival)), t).await {
                Some(r) => r,
                None => b.wait_timed_out(&arrival),
            };
            r.map(|i| JsValue::from(i as u32)).map_err(py_err)
        })
    }

    /// Returns the barrier to its initial state; current waiters get `BrokenBarrierError`.
    pub fn reset(&self) {
        self.0.reset()
    }

    /// Breaks the barrier.
    pub fn abort(&self) {
        self.0.abort()
    }

    /// The number of threads required to pass the barrier.
    #[wasm_bindgen(getter)]
    pub fn parties(&self) -> u32 {
        self.0.parties() as u32
    }

    /// The number of threads waiting in the barrier.
    #[wasm_bindgen(getter, js_name = nWaiting)]
    pub fn n_waiting(&self) -> u32 {
        self.0.n_waiting() as u32
    }

    /// True if the barrier is broken.
    #[wasm_bindgen(getter)]
    pub fn broken(&self) -> bool {
        self.0.broken()
    }
}

// With panic=unwind, wasm-bindgen catches a panic of every exported method (and throws it to JS
// as a `PanicError`), so it asks the exported types to be unwind-safe. The crate's primitives
// keep their invariants when a panic unwinds through a call (their critical sections do not
// panic, and guards release on unwinding, as std's `Mutex`/`Condvar`/`Barrier`, which are
// unwind-safe), but their interior state (`UnsafeCell`, the barrier's action) hides that from
// the auto traits.
impl std::panic::UnwindSafe for JsBarrier {}
impl std::panic::RefUnwindSafe for JsBarrier {}

transferable!(JsBarrier, crate::Barrier, Barrier);
