//! JS `Condition`: Python's `threading.Condition` over the crate's `Condition`.

use super::args::*;
use super::error::*;
use super::handles::*;
use super::lock::JsLock;
use super::rlock::JsRLock;
use super::waiting::*;
use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Python's `threading.Condition`: `new Condition()` has its own `RLock`;
/// `Condition.withLock(lock)` / `Condition.withRLock(rlock)` share an existing one.
#[wasm_bindgen(js_name = Condition)]
pub struct JsCondition(pub(super) crate::Condition);

#[wasm_bindgen(js_class = Condition)]
impl JsCondition {
    /// A condition over a new `RLock`.
    #[wasm_bindgen(constructor)]
    pub fn new() -> JsCondition {
        super::dispose::ensure();
        JsCondition(crate::Condition::new())
    }

    /// A condition over an existing `Lock`.
    #[wasm_bindgen(js_name = withLock)]
    pub fn with_lock(lock: &JsLock) -> JsCondition {
        super::dispose::ensure();
        JsCondition(crate::Condition::with_lock(lock.0.clone()))
    }

    /// A condition over an existing `RLock`.
    #[wasm_bindgen(js_name = withRLock)]
    pub fn with_rlock(lock: &JsRLock) -> JsCondition {
        super::dispose::ensure();
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
        promise(async move { Ok(wait_rest(&cond, waiter, t).await.into()) })
    }

    /// Python's `wait_for(predicate, timeout?)`: calls `predicate()` and, while it returns a
    /// falsy value, waits (as `wait`) and calls it again; returns its last value as a boolean,
    /// so false once `timeout` seconds (in total) passed. The caller must hold the lock
    /// (`RuntimeError`); `TypeError` if `predicate` is not a function; a throw in `predicate`
    /// is rethrown (the lock is held again then). On the page's UI thread it throws
    /// `RuntimeError` instead of waiting: use `waitForAsync` there.
    #[wasm_bindgen(js_name = waitFor)]
    pub fn wait_for(
        &self,
        #[wasm_bindgen(unchecked_param_type = "() => unknown")] predicate: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "number | null")] timeout: JsValue,
    ) -> Result<bool, JsValue> {
        let predicate = predicate_arg(&predicate)?;
        let t = wait_timeout(timeout_arg(&timeout)?)?;
        let mut thrown = None;
        let r = self.0.wait_for_until(
            || match predicate.call0(&JsValue::UNDEFINED) {
                Ok(v) => v.is_truthy(),
                Err(e) => {
                    thrown = Some(e);
                    true
                }
            },
            t,
        );
        match thrown {
            Some(e) => Err(e),
            None => r.map_err(py_err),
        }
    }

    /// `waitFor` without blocking: resolves with the predicate's last value as a boolean
    /// (false once `timeout` seconds passed in total); the lock is held by the calling thread
    /// whenever `predicate` runs and when the promise settles. Rejects with `RuntimeError` if
    /// the caller does not hold the lock, `TypeError` if `predicate` is not a function, and with
    /// what `predicate` throws.
    #[wasm_bindgen(js_name = waitForAsync, unchecked_return_type = "Promise<boolean>")]
    pub fn wait_for_async(
        &self,
        #[wasm_bindgen(unchecked_param_type = "() => unknown")] predicate: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "number | null")] timeout: JsValue,
    ) -> Promise {
        let (predicate, t) = match predicate_arg(&predicate)
            .and_then(|p| Ok((p, wait_timeout(timeout_arg(&timeout)?)?)))
        {
            Ok(x) => x,
            Err(e) => return reject(e),
        };
        if !self.0.is_owned() {
            return reject(py_err(crate::Error::Runtime(
                "cannot wait on un-acquired lock".into(),
            )));
        }
        let cond = self.0.clone();
        let deadline = t.and_then(|t| crate::sys::Instant::now().checked_add(t));
        promise(async move {
            loop {
                if predicate.call0(&JsValue::UNDEFINED)?.is_truthy() {
                    return Ok(true.into());
                }
                let left = match deadline {
                    None => None,
                    Some(d) => {
                        let now = crate::sys::Instant::now();
                        if now >= d {
                            return Ok(false.into());
                        }
                        Some(d - now)
                    }
                };
                wait_once(&cond, left).await.map_err(py_err)?;
            }
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

/// `predicate` of `waitFor`: a function, else `TypeError`.
fn predicate_arg(v: &JsValue) -> Result<js_sys::Function, JsValue> {
    v.clone().dyn_into().map_err(|_| {
        type_err(format!(
            "predicate must be a function, not {}",
            type_name(v)
        ))
    })
}

/// One `waitAsync`: releases the lock (the caller holds it), waits for a notification or `t`,
/// re-acquires on the calling thread; true if notified.
async fn wait_once(cond: &crate::Condition, t: Option<std::time::Duration>) -> crate::Result<bool> {
    let waiter = cond.wait_begin()?;
    Ok(wait_rest(cond, waiter, t).await)
}

/// The rest of a `waitAsync` after `wait_begin` released the lock.
async fn wait_rest(
    cond: &crate::Condition,
    waiter: crate::condition::StepWaiter,
    t: Option<std::time::Duration>,
) -> bool {
    let notified = match drive(|| poll(cond.wait_step(&waiter)), t).await {
        Some(n) => n,
        None => cond.wait_timed_out(&waiter),
    };
    let mut waited = false;
    drive(|| poll(cond.lock_step(&mut waited)), None).await;
    cond.wait_end(waiter);
    notified
}
