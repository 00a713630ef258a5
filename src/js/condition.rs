//! JS `Condition`: Python's `threading.Condition` over the crate's `Condition`.

use super::args::*;
use super::error::*;
use super::handles::*;
use super::lock::JsLock;
use super::rlock::JsRLock;
use super::waiting::*;
use js_sys::Promise;
use wasm_bindgen::prelude::*;

/// Python's `threading.Condition`: `new Condition()` has its own `RLock`;
/// `Condition.withLock(lock)` / `Condition.withRLock(rlock)` share an existing one.
#[wasm_bindgen(js_name = Condition)]
pub struct JsCondition(pub(super) crate::Condition);

#[wasm_bindgen(js_class = Condition)]
impl JsCondition {
    /// A condition over a new `RLock`.
    #[wasm_bindgen(constructor)]
    pub fn new() -> JsCondition {
        JsCondition(crate::Condition::new())
    }

    /// A condition over an existing `Lock`.
    #[wasm_bindgen(js_name = withLock)]
    pub fn with_lock(lock: &JsLock) -> JsCondition {
        JsCondition(crate::Condition::with_lock(lock.0.clone()))
    }

    /// A condition over an existing `RLock`.
    #[wasm_bindgen(js_name = withRLock)]
    pub fn with_rlock(lock: &JsRLock) -> JsCondition {
        JsCondition(crate::Condition::with_lock(lock.0.clone()))
    }

    /// `acquire(blocking = true, timeout = -1)` on the underlying lock.
    pub fn acquire(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "boolean | null")] blocking: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "number | null")] timeout: JsValue,
    ) -> Result<bool, JsValue> {
        let (blocking, timeout) = (blocking_arg(&blocking)?, timeout_arg(&timeout)?);
        self.0.acquire_with(blocking, timeout).map_err(py_err)
    }

    /// Resolves with true once the calling thread holds the underlying lock (false after
    /// `timeout` seconds).
    #[wasm_bindgen(js_name = acquireAsync, unchecked_return_type = "Promise<boolean>")]
    pub fn acquire_async(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "number | null")] timeout: JsValue,
    ) -> Promise {
        lock_acquire_async(self.0.clone(), &timeout, |l, w| l.lock_step(w))
    }

    /// Releases the underlying lock (errors as that lock's `release`).
    pub fn release(&self) -> Result<(), JsValue> {
        self.0.release().map_err(py_err)
    }

    /// True if the underlying lock is held by any thread.
    pub fn locked(&self) -> bool {
        self.0.locked()
    }

    /// `wait(timeout?)`: true if notified, false on timeout; releases the lock while waiting.
    /// On the page's UI thread it throws `RuntimeError` instead of waiting: use `waitAsync`.
    pub fn wait(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "number | null")] timeout: JsValue,
    ) -> Result<bool, JsValue> {
        match timeout_arg(&timeout)? {
            None => self.0.wait(),
            Some(t) => self.0.wait_timeout(t),
        }
        .map_err(py_err)
    }

    /// As Python's `wait(timeout?)` without blocking: releases the lock now (the caller must
    /// hold it, else the promise rejects with `RuntimeError`), waits for a notification or
    /// `timeout` seconds, re-acquires the lock on the calling thread, then resolves with true
    /// if notified (false on timeout).
    #[wasm_bindgen(js_name = waitAsync, unchecked_return_type = "Promise<boolean>")]
    pub fn wait_async(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "number | null")] timeout: JsValue,
    ) -> Promise {
        let t = match timeout_arg(&timeout).and_then(wait_timeout) {
            Ok(t) => t,
            Err(e) => return reject(e),
        };
        let cond = self.0.clone();
        let waiter = match cond.wait_begin() {
            Ok(w) => w,
            Err(e) => return reject(py_err(e)),
        };
        promise(async move {
            let notified = match drive(|| poll(cond.wait_step(&waiter)), t).await {
                Some(n) => n,
                None => cond.wait_timed_out(&waiter),
            };
            let mut waited = false;
            drive(|| poll(cond.lock_step(&mut waited)), None).await;
            cond.wait_end(waiter);
            Ok(notified.into())
        })
    }

    /// Wakes up to `n` (default 1; 0 wakes nobody) waiting threads. Throws `RuntimeError` if
    /// the caller does not hold the lock; `n` is checked first (a count: see the module docs).
    pub fn notify(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "number | null")] n: JsValue,
    ) -> Result<(), JsValue> {
        let n = opt_count(&n, &NOTIFY_N, 1)?;
        self.0.notify(n).map_err(py_err)
    }

    /// Wakes every waiting thread. Throws `RuntimeError` if the caller does not hold the lock.
    #[wasm_bindgen(js_name = notifyAll)]
    pub fn notify_all(&self) -> Result<(), JsValue> {
        self.0.notify_all().map_err(py_err)
    }
}

impl Default for JsCondition {
    fn default() -> Self {
        Self::new()
    }
}

// With panic=unwind, wasm-bindgen catches a panic of every exported method (and throws it to JS
// as a `PanicError`), so it asks the exported types to be unwind-safe. The crate's primitives
// keep their invariants when a panic unwinds through a call (their critical sections do not
// panic, and guards release on unwinding, as std's `Mutex`/`Condvar`/`Barrier`, which are
// unwind-safe), but their interior state (`UnsafeCell`, the barrier's action) hides that from
// the auto traits.
impl std::panic::UnwindSafe for JsCondition {}
impl std::panic::RefUnwindSafe for JsCondition {}

transferable!(JsCondition, crate::Condition, Condition);
