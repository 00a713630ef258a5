//! JS `Queue`: Python's `queue.Queue` (behaviours QU-01 to QU-18) over the crate's
//! [`Queue`](crate::queue::Queue), for JS on any worker of the module.
//!
//! Items cross workers as JSON text (`JSON.stringify` on `put`, `JSON.parse` on `get`): a
//! queue is shared memory, and a JS value belongs to one worker. So an item is any value JSON
//! can hold (numbers, strings, booleans, null, arrays and plain objects of them); anything else
//! (`undefined`, a function, a symbol, a BigInt, a cyclic object) is a `TypeError`, and the
//! queue is unchanged.
//!
//! The blocking `put`/`get`/`join` follow the crate's UI-thread policy: on the page's UI
//! thread a call that would wait throws `RuntimeError` (the queue unchanged); use `putAsync`
//! and `getAsync` there. Those poll the queue with `putNowait`/`getNowait`, sleeping between
//! tries (1 ms, doubling up to 8 ms): the queue's waits are conditions, which have no single
//! word for `Atomics.waitAsync` to watch.

use super::args::*;
use super::error::*;
use super::handles::*;
use super::waiting::*;
use crate::queue::Queue;
use crate::sys::Instant;
use crate::Error;
use js_sys::Promise;
use std::time::Duration;
use wasm_bindgen::prelude::*;

/// Python's `queue.Queue`, with JSON items.
#[wasm_bindgen(js_name = Queue)]
pub struct JsQueue(pub(super) Queue<String>);

/// `JSON.stringify(item)`, or `TypeError` for what JSON cannot hold.
fn encode(item: &JsValue) -> Result<String, JsValue> {
    json_encode(item, "a Queue item")
}

fn decode(s: &str) -> Result<JsValue, JsValue> {
    js_sys::JSON::parse(s)
}

/// A queue timeout (`timeout?: number`): omitted, no limit; else Python's queue rules
/// (negative or NaN -> `ValueError`, above `TIMEOUT_MAX` -> `OverflowError`), checked by the
/// crate; here only the JS type (`TypeError` for a non-number).
fn queue_timeout(v: &JsValue) -> Result<Option<f64>, JsValue> {
    timeout_arg(v)
}

/// The deadline of an async call: the crate's rules, checked once before anything happens.
fn async_deadline(t: Option<f64>) -> Result<Option<Instant>, JsValue> {
    match t {
        None => Ok(None),
        Some(t) if t.is_nan() || t < 0.0 => Err(py_err(Error::Value(
            "'timeout' must be a non-negative number".into(),
        ))),
        Some(t) => {
            let d = wait_timeout(Some(t))?.unwrap_or(Duration::ZERO);
            Ok(Instant::now().checked_add(d))
        }
    }
}

fn expired(at: Option<Instant>) -> bool {
    at.is_some_and(|at| Instant::now() >= at)
}

#[wasm_bindgen(js_class = Queue)]
impl JsQueue {
    /// `new Queue(maxsize?)`: at most `maxsize` items (omitted, 0 or negative: unbounded, as
    /// in Python). `TypeError` for a non-number; `ValueError` for NaN or a fraction.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_optional_param_type = "number")] maxsize: JsValue,
    ) -> Result<JsQueue, JsValue> {
        if omitted(&maxsize) {
            return Ok(JsQueue(Queue::new(0)));
        }
        let x = number(&maxsize, "maxsize")?;
        if x.is_nan() || x.fract() != 0.0 {
            return Err(py_err(Error::Value(format!(
                "maxsize must be an integer, not {}",
                js_number(x)
            ))));
        }
        let n = if x <= 0.0 { 0 } else { x.min(usize::MAX as f64) as usize };
        Ok(JsQueue(Queue::new(n)))
    }

    /// `put(item, timeout?)`: adds `item`, waiting while the queue is full (at most `timeout`
    /// seconds, then `Full`). `ShutDown` once shut down.
    pub fn put(
        &self,
        item: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "number | null")] timeout: JsValue,
    ) -> Result<(), JsValue> {
        let s = encode(&item)?;
        let r = match queue_timeout(&timeout)? {
            None => self.0.put(s),
            Some(t) => self.0.put_timeout(s, t),
        };
        r.map_err(|e| py_err(e.error))
    }

    /// `putNowait(item)`: adds `item` if there is room, else throws `Full`.
    #[wasm_bindgen(js_name = putNowait)]
    pub fn put_nowait(&self, item: JsValue) -> Result<(), JsValue> {
        let s = encode(&item)?;
        self.0.put_nowait(s).map_err(|e| py_err(e.error))
    }

    /// `get(timeout?)`: removes and returns an item, waiting while the queue is empty (at
    /// most `timeout` seconds, then `Empty`). `ShutDown` once shut down and empty.
    pub fn get(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "number | null")] timeout: JsValue,
    ) -> Result<JsValue, JsValue> {
        let s = match queue_timeout(&timeout)? {
            None => self.0.get(),
            Some(t) => self.0.get_timeout(t),
        }
        .map_err(py_err)?;
        decode(&s)
    }

    /// `getNowait()`: an item, or throws `Empty`.
    #[wasm_bindgen(js_name = getNowait)]
    pub fn get_nowait(&self) -> Result<JsValue, JsValue> {
        decode(&self.0.get_nowait().map_err(py_err)?)
    }

    /// `putAsync(item, timeout?)`: resolves once `item` is in the queue; rejects with `Full`
    /// after `timeout` seconds, `ShutDown` once shut down, `TypeError`/`ValueError` for bad
    /// arguments (before anything is queued). Works on the UI thread.
    #[wasm_bindgen(js_name = putAsync, unchecked_return_type = "Promise<void>")]
    pub fn put_async(
        &self,
        item: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "number | null")] timeout: JsValue,
    ) -> Promise {
        let (s, at) = match encode(&item).and_then(|s| {
            let at = async_deadline(queue_timeout(&timeout)?)?;
            Ok((s, at))
        }) {
            Ok(v) => v,
            Err(e) => return reject(e),
        };
        let q = self.0.clone();
        promise(async move {
            let (mut s, mut delay) = (s, 1.0);
            loop {
                match q.put_nowait(s) {
                    Ok(()) => return Ok(JsValue::UNDEFINED),
                    Err(e) if e.error == Error::Full && !expired(at) => s = e.item,
                    Err(e) => return Err(py_err(e.error)),
                }
                let _ = wasm_bindgen_futures::JsFuture::from(sleep(delay)).await;
                delay = (delay * 2.0).min(8.0);
            }
        })
    }

    /// `getAsync(timeout?)`: resolves with an item; rejects with `Empty` after `timeout`
    /// seconds, `ShutDown` once shut down and empty, `TypeError`/`ValueError` for a bad
    /// timeout. Works on the UI thread.
    #[wasm_bindgen(js_name = getAsync, unchecked_return_type = "Promise<any>")]
    pub fn get_async(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "number | null")] timeout: JsValue,
    ) -> Promise {
        let at = match queue_timeout(&timeout).and_then(async_deadline) {
            Ok(at) => at,
            Err(e) => return reject(e),
        };
        let q = self.0.clone();
        promise(async move {
            let mut delay = 1.0;
            loop {
                match q.get_nowait() {
                    Ok(s) => return decode(&s),
                    Err(Error::Empty) if !expired(at) => {}
                    Err(e) => return Err(py_err(e)),
                }
                let _ = wasm_bindgen_futures::JsFuture::from(sleep(delay)).await;
                delay = (delay * 2.0).min(8.0);
            }
        })
    }

    /// `taskDone()`: marks one fetched item as processed; `ValueError` if called more often
    /// than items were put.
    #[wasm_bindgen(js_name = taskDone)]
    pub fn task_done(&self) -> Result<(), JsValue> {
        self.0.task_done().map_err(py_err)
    }

    /// `join()`: waits until every item put was marked done (workers only, or once none is
    /// pending: on the UI thread a wait throws `RuntimeError`).
    pub fn join(&self) -> Result<(), JsValue> {
        self.0.join().map_err(py_err)
    }

    /// `shutdown(immediate?)`: Python 3.13's `shutdown` (`immediate` must be a boolean).
    pub fn shutdown(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "boolean")] immediate: JsValue,
    ) -> Result<(), JsValue> {
        let immediate = if omitted(&immediate) {
            false
        } else {
            immediate.as_bool().ok_or_else(|| {
                type_err(format!(
                    "immediate must be a boolean, not {}",
                    type_name(&immediate)
                ))
            })?
        };
        self.0.shutdown(immediate);
        Ok(())
    }

    /// True once `shutdown` was called.
    #[wasm_bindgen(js_name = isShutdown)]
    pub fn is_shutdown(&self) -> bool {
        self.0.is_shutdown()
    }

    /// The number of items.
    pub fn qsize(&self) -> usize {
        self.0.qsize()
    }

    /// `qsize() == 0`.
    pub fn empty(&self) -> bool {
        self.0.empty()
    }

    /// Bounded and holding `maxsize` items.
    pub fn full(&self) -> bool {
        self.0.full()
    }

    /// The bound (0: unbounded).
    #[wasm_bindgen(getter)]
    pub fn maxsize(&self) -> usize {
        self.0.maxsize()
    }
}

// Unwind-safe as the JS `Barrier` and `Condition` are (see `JsBarrier`'s note): with panic=unwind
// wasm-bindgen asks every exported type for it, and the queue keeps its invariants across a panic.
impl std::panic::UnwindSafe for JsQueue {}
impl std::panic::RefUnwindSafe for JsQueue {}

transferable!(JsQueue, Queue<String>, Queue);
