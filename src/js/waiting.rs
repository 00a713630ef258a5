//! Waiting without blocking: the `…Async` methods take one step of a primitive's waiter
//! protocol at a time on the calling thread and await `Atomics.waitAsync` on the word the
//! step names between steps.

use super::args::*;
use super::error::*;
use crate::timeout::Step;
use js_sys::Promise;
use std::future::Future;
use std::time::Duration;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// A [`Step`] with its word as an index into the memory (no borrow left).
pub(super) enum Poll<T> {
    Done(T),
    Wait(u32, u32),
}

pub(super) fn poll<T>(s: Step<'_, T>) -> Poll<T> {
    match s {
        Step::Done(v) => Poll::Done(v),
        Step::Wait(word, expected) => Poll::Wait(crate::sys::word_index(word), expected),
    }
}

/// Resolves once the word at `index` no longer holds `expected`, it is notified, or `ms`
/// passed. `Atomics.waitAsync` where the browser has it (any thread, the UI thread included);
/// else a short timer, so the caller polls.
pub(super) async fn wait_async(index: u32, expected: u32, ms: f64) {
    let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
    let words = js_sys::Int32Array::new(&memory.buffer());
    let promise = match js_sys::Atomics::wait_async_with_timeout(&words, index, expected as i32, ms)
    {
        Ok(r) => {
            let is_async = js_sys::Reflect::get(&r, &"async".into()).is_ok_and(|v| v.is_truthy());
            if !is_async {
                return; // "not-equal" or "timed-out"
            }
            match js_sys::Reflect::get(&r, &"value".into()) {
                Ok(p) => p.unchecked_into::<Promise>(),
                Err(_) => return,
            }
        }
        Err(_) => sleep(ms.min(4.0)),
    };
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// A promise resolved after `ms` milliseconds (`setTimeout`, on every kind of thread).
pub(super) fn sleep(ms: f64) -> Promise {
    Promise::new(&mut |resolve, _| {
        let global = js_sys::global();
        if let Ok(f) = js_sys::Reflect::get(&global, &"setTimeout".into()) {
            let f: js_sys::Function = f.unchecked_into();
            let _ = f.call2(&global, &resolve, &JsValue::from(ms));
        }
    })
}

/// Runs `step` until it is done, awaiting the word it names between steps. `None` if
/// `timeout` passed first (the last step's registration is the caller's to undo).
pub(super) async fn drive<T>(mut step: impl FnMut() -> Poll<T>, timeout: Option<Duration>) -> Option<T> {
    let deadline = timeout.and_then(|t| crate::sys::Instant::now().checked_add(t));
    loop {
        let (index, expected) = match step() {
            Poll::Done(v) => return Some(v),
            Poll::Wait(index, expected) => (index, expected),
        };
        let ms = match deadline {
            None => f64::INFINITY,
            Some(d) => {
                let now = crate::sys::Instant::now();
                if now >= d {
                    return None;
                }
                (d - now).as_secs_f64() * 1000.0
            }
        };
        wait_async(index, expected, ms).await;
    }
}

pub(super) fn promise(f: impl Future<Output = Result<JsValue, JsValue>> + 'static) -> Promise {
    // With panic=unwind a panic in the future rejects the promise (wasm-bindgen-futures catches
    // it), which asks for an unwind-safe future. Ours only hold handles to the crate's
    // primitives, which keep their invariants across a panic (see `JsBarrier`'s note).
    wasm_bindgen_futures::future_to_promise(std::panic::AssertUnwindSafe(f))
}

/// `acquireAsync(timeout?)` of the lock types (Lock, RLock, a Condition's lock): takes `step`s
/// on the calling thread, so the caller becomes the owner; resolves with true once acquired, or
/// false after `timeout` seconds (lock rules: `-1` or none, no limit).
pub(super) fn lock_acquire_async<L: 'static>(
    lock: L,
    timeout: &JsValue,
    step: for<'a> fn(&'a L, &mut bool) -> Step<'a, bool>,
) -> Promise {
    let t = match timeout_arg(timeout).and_then(lock_timeout) {
        Ok(t) => t,
        Err(e) => return reject(e),
    };
    promise(async move {
        let mut waited = false;
        let got = drive(|| poll(step(&lock, &mut waited)), t).await;
        Ok(got.unwrap_or(false).into())
    })
}
