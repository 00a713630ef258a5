//! JS classes over the crate's primitives (exported by wasm-bindgen): `Lock`, `Event`,
//! `Semaphore`. Their state lives in the shared memory, so a handle can be passed to another
//! worker of the same module: `lock.handle()` returns a number to `postMessage`, and
//! `Lock.fromHandle(n)` on the other side (once per handle) gives a `Lock` on the same state.
//!
//! Blocking methods behave as in Rust (in a worker they block; on the page's UI thread they
//! spin, see `futex.rs`). The `…Async` variants never block the calling thread: a pool worker
//! does the blocking call, then sets a word in the shared memory that the caller awaits with
//! `Atomics.waitAsync`; the promise resolves with the call's result (or rejects with its error).

use super::glue;
use core::sync::atomic::{AtomicU32, Ordering::*};
use std::sync::{Arc, Mutex};
use wasm_bindgen::prelude::*;

/// A result computed by a pool worker for a promise on another thread.
struct Slot<T> {
    word: AtomicU32,
    value: Mutex<Option<T>>,
}

/// Runs `f` on a pool worker (an internal job, not a `Thread`: it is not enumerated) and
/// returns a promise for its result.
fn run_async<T: Send + 'static>(
    f: impl FnOnce() -> crate::Result<T> + Send + 'static,
    to_js: fn(T) -> JsValue,
) -> js_sys::Promise {
    let slot = Arc::new(Slot {
        word: AtomicU32::new(0),
        value: Mutex::new(None),
    });
    let worker_slot = Arc::clone(&slot);
    let job = Box::new(move || {
        let r = f().map_err(|e| e.to_string());
        *worker_slot.value.lock().unwrap_or_else(|e| e.into_inner()) = Some(r);
        worker_slot.word.store(1, Release);
        super::futex::wake_all(&worker_slot.word);
    });
    if let Err(e) = super::spawn("", 0, job) {
        return js_sys::Promise::reject(&JsError::new(&e.to_string()).into());
    }
    let index = super::word_index(&slot.word);
    let done = Closure::once_into_js(move |_: JsValue| -> Result<JsValue, JsValue> {
        let r = slot.value.lock().unwrap_or_else(|e| e.into_inner()).take();
        match r {
            Some(Ok(v)) => Ok(to_js(v)),
            Some(Err(e)) => Err(JsError::new(&e).into()),
            None => Err(JsError::new("pythreading: async call finished without a result").into()),
        }
    });
    glue::when_set_then(wasm_bindgen::memory(), index, done)
}

fn js_err(e: crate::Error) -> JsError {
    JsError::new(&e.to_string())
}

fn bool_to_js(b: bool) -> JsValue {
    JsValue::from_bool(b)
}

/// A one-shot transferable handle: a boxed clone of the primitive.
fn into_handle<T>(v: T) -> u32 {
    Box::into_raw(Box::new(v)) as usize as u32
}

/// Takes a handle made by `into_handle::<T>`.
///
/// # Safety
/// `h` must come from `into_handle::<T>` and not have been taken before.
unsafe fn from_handle<T>(h: u32) -> T {
    *Box::from_raw(h as usize as *mut T)
}

/// `handle()` and `fromHandle(n)` for a JS class wrapping a primitive: wasm-bindgen takes several
/// `impl` blocks per class, so each class gets this pair from one place.
macro_rules! transferable {
    ($js:ident, $rust:ty, $class:ident) => {
        #[wasm_bindgen(js_class = $class)]
        impl $js {
            /// A number to `postMessage` to another worker of the same module, which takes it
            /// with `fromHandle` (once).
            pub fn handle(&self) -> u32 {
                into_handle(self.0.clone())
            }

            #[wasm_bindgen(js_name = fromHandle)]
            pub fn from_handle(handle: u32) -> $js {
                // SAFETY: documented contract: a handle from this class's `handle()`, taken once.
                $js(unsafe { from_handle::<$rust>(handle) })
            }
        }
    };
}

transferable!(JsLock, crate::Lock, Lock);
transferable!(JsEvent, crate::Event, Event);
transferable!(JsSemaphore, crate::Semaphore, Semaphore);

/// `Event.wait(timeout?)` in Rust terms: no timeout blocks until set.
fn event_wait(ev: &crate::Event, timeout: Option<f64>) -> crate::Result<bool> {
    match timeout {
        None => Ok(ev.wait()),
        Some(t) => ev.wait_timeout(t),
    }
}

/// Python's `threading.Lock` for JS.
#[wasm_bindgen(js_name = Lock)]
pub struct JsLock(crate::Lock);

#[wasm_bindgen(js_class = Lock)]
impl JsLock {
    #[wasm_bindgen(constructor)]
    pub fn new() -> JsLock {
        JsLock(crate::Lock::new())
    }

    /// `acquire(blocking = true, timeout = -1)`: true if acquired.
    pub fn acquire(&self, blocking: Option<bool>, timeout: Option<f64>) -> Result<bool, JsError> {
        self.0
            .acquire_with(blocking.unwrap_or(true), timeout)
            .map_err(js_err)
    }

    /// Resolves with true once acquired (false if `timeout` seconds passed first).
    #[wasm_bindgen(js_name = acquireAsync)]
    pub fn acquire_async(&self, timeout: Option<f64>) -> js_sys::Promise {
        let lock = self.0.clone();
        run_async(move || lock.acquire_with(true, timeout), bool_to_js)
    }

    pub fn release(&self) -> Result<(), JsError> {
        self.0.release().map_err(js_err)
    }

    pub fn locked(&self) -> bool {
        self.0.locked()
    }
}

impl Default for JsLock {
    fn default() -> Self {
        Self::new()
    }
}

/// Python's `threading.Event` for JS.
#[wasm_bindgen(js_name = Event)]
pub struct JsEvent(crate::Event);

#[wasm_bindgen(js_class = Event)]
impl JsEvent {
    #[wasm_bindgen(constructor)]
    pub fn new() -> JsEvent {
        JsEvent(crate::Event::new())
    }

    #[wasm_bindgen(js_name = isSet)]
    pub fn is_set(&self) -> bool {
        self.0.is_set()
    }

    pub fn set(&self) {
        self.0.set()
    }

    pub fn clear(&self) {
        self.0.clear()
    }

    /// `wait(timeout?)`: true if the flag is set (blocks; see the module docs).
    pub fn wait(&self, timeout: Option<f64>) -> Result<bool, JsError> {
        event_wait(&self.0, timeout).map_err(js_err)
    }

    /// Resolves with true once the flag is set (false if `timeout` seconds passed first).
    #[wasm_bindgen(js_name = waitAsync)]
    pub fn wait_async(&self, timeout: Option<f64>) -> js_sys::Promise {
        let ev = self.0.clone();
        run_async(move || event_wait(&ev, timeout), bool_to_js)
    }
}

impl Default for JsEvent {
    fn default() -> Self {
        Self::new()
    }
}

/// Python's `threading.Semaphore` for JS.
#[wasm_bindgen(js_name = Semaphore)]
pub struct JsSemaphore(crate::Semaphore);

#[wasm_bindgen(js_class = Semaphore)]
impl JsSemaphore {
    #[wasm_bindgen(constructor)]
    pub fn new(value: Option<u32>) -> JsSemaphore {
        JsSemaphore(crate::Semaphore::new(value.unwrap_or(1) as usize))
    }

    pub fn acquire(&self, blocking: Option<bool>, timeout: Option<f64>) -> Result<bool, JsError> {
        self.0
            .acquire_with(blocking.unwrap_or(true), timeout)
            .map_err(js_err)
    }

    #[wasm_bindgen(js_name = acquireAsync)]
    pub fn acquire_async(&self, timeout: Option<f64>) -> js_sys::Promise {
        let sem = self.0.clone();
        run_async(move || sem.acquire_with(true, timeout), bool_to_js)
    }

    pub fn release(&self, n: Option<u32>) -> Result<(), JsError> {
        self.0.release(n.unwrap_or(1) as usize).map_err(js_err)
    }

    pub fn value(&self) -> u32 {
        self.0.value() as u32
    }
}
