//! JS classes over the crate's primitives (exported by wasm-bindgen, TypeScript types included):
//! `Lock`, `RLock`, `Condition`, `Semaphore`, `BoundedSemaphore`, `Event`, `Barrier`, and
//! `Thread` (with `currentThread()`, `mainThread()`, `enumerate()`, `activeCount()`), with
//! Python's methods. Rust code reaches them as `pythreading::js::*`, e.g. to return a
//! `pythreading::Thread` from its own `#[wasm_bindgen]` function as a JS `Thread`
//! (`js::Thread::from(t)`).
//!
//! Their state lives in the shared memory, so a primitive can be passed to another worker of
//! the same module: `x.handle()` returns a number to `postMessage`, and `X.fromHandle(n)` on the
//! other side (once per handle) gives an object on the same state. A number that is not a live
//! handle of that class is an error, never a bad pointer.
//!
//! Blocking methods (`acquire()`, `wait()`, `join()`, ...) block in a worker; on the page's UI
//! thread they throw instead of waiting (see `futex.rs`). The `…Async` methods never block:
//! they try on the calling thread, and while they cannot succeed they register as a waiter (so
//! the thread that changes the state notifies the word) and await `Atomics.waitAsync` on the
//! primitive's own word, then try again. Everything happens on the calling thread, so an
//! `RLock` or a `Condition` acquired asynchronously is owned by the caller, as in Python.
//!
//! Errors are JS `Error`s whose `name` is Python's exception (`RuntimeError`, `ValueError`,
//! `OverflowError`, `BrokenBarrierError`; `TypeError`, a JS `TypeError`, for an argument of the
//! wrong type) and whose `message` is Python's where Python has one (`release unlocked lock`,
//! ...); the async methods reject with them.
//!
//! Every argument is checked here, before it is converted and before anything changes (a
//! refused call leaves the primitive as it was), instead of wasm-bindgen's silent coercions
//! (`-1` to 4294967295, `2.5` to 2, `"x"` to 0 or NaN). `undefined` and `null` mean "omitted"
//! for an optional argument; a required one that is missing is a `TypeError` (`Barrier()
//! missing 1 required positional argument: 'parties'`). Argument errors come first, also where
//! the call would fail for another reason (the lock not held, the page's UI thread).
//! * Counts (`Semaphore(value)`, `release(n)`, `notify(n)`, `Barrier(parties)`; also
//!   `initThreads(n)` and `initThreadPool(n)` in `glue.rs`): a value that is not a number
//!   (a string, a bigint, an object, `null` where the count is required, and a boolean:
//!   Python would take `True` as 1, but in JS it is far more likely a mistake) is a
//!   `TypeError`; below the least value, `ValueError` with Python's wording
//!   (`semaphore initial value must be >= 0`, `n must be one or more`, `parties must be >= 1`;
//!   `notify(n)` refuses a negative `n` with `n must be >= 0`, which Python takes as 0);
//!   NaN or a fraction, `ValueError` (`... must be an integer, got 2.5`: JS has one number type,
//!   so where Python says `TypeError` for a float, the value is what is wrong here); above
//!   4294967295 (`usize` on wasm32, what the Rust side takes) or `Infinity`, `OverflowError`.
//! * Timeouts (seconds): a value that is not a number (booleans included) is a `TypeError`;
//!   numbers then follow the Rust side's rules (`Timeout`), so JS and Rust say the same thing:
//!   NaN is `ValueError` (`Invalid value NaN (not a number)`), above `TIMEOUT_MAX`
//!   (`Infinity` too) `OverflowError` (`timeout value is too large`), a negative one means "do
//!   not wait" for waits and is `ValueError` for lock acquires (except -1: no limit).
//! * `blocking` must be a boolean (`TypeError` otherwise, not JS truthiness: `acquire(5)` is
//!   most likely a timeout passed in the wrong place, which truthiness would turn into a wait
//!   without limit).
//! * Handles: a value that is not a number is a `TypeError`; any number that is not a live
//!   handle of that class (negative, fractional, NaN, too large, taken, of another class) is a
//!   `ValueError` naming it, never a lookup of a coerced number.

use crate::timeout::{Step, Timeout};
use js_sys::Promise;
use std::any::Any;
use std::collections::BTreeMap;
use std::future::Future;
use std::sync::{Mutex, MutexGuard, TryLockError};
use std::time::Duration;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

// ---- errors ---------------------------------------------------------------------------------

/// A JS `Error` named after Python's exception, with Python's message.
pub(super) fn py_err(e: crate::Error) -> JsValue {
    let msg = match &e {
        crate::Error::Runtime(m) | crate::Error::Value(m) | crate::Error::Overflow(m) => m.clone(),
        _ => String::new(),
    };
    let err = js_sys::Error::new(&msg);
    err.set_name(e.python_type());
    err.into()
}

fn reject(e: JsValue) -> Promise {
    Promise::reject(&e)
}

// ---- arguments ------------------------------------------------------------------------------

/// A JS `TypeError` (the name is Python's too).
fn type_err(msg: String) -> JsValue {
    js_sys::TypeError::new(&msg).into()
}

/// The type of a refused argument, for "must be a number, not …": `typeof`, with `null`
/// named as itself.
fn type_name(v: &JsValue) -> String {
    if v.is_null() {
        "null".into()
    } else {
        v.js_typeof().as_string().unwrap_or_default()
    }
}

/// A number as JS writes it (`2.5`, `-1`, `NaN`, `Infinity`, `1e+21`), for messages.
fn js_number(x: f64) -> String {
    js_sys::Number::from(x)
        .to_string_with_radix(10)
        .map_or_else(|_| x.to_string(), String::from)
}

/// True for an omitted optional argument: `undefined` or `null`.
fn omitted(v: &JsValue) -> bool {
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
const SEM_VALUE: Count = Count {
    what: "semaphore initial value",
    min: 0,
    below: "semaphore initial value must be >= 0",
    above: "semaphore value is too large",
};

/// `release(n)`: the messages of the Rust side's `release` (Python's for `n < 1`).
const RELEASE_N: Count = Count {
    what: "n",
    min: 1,
    below: "n must be one or more",
    above: "semaphore value is too large",
};

/// `Condition.notify(n)`: 0 wakes nobody, as in Python.
const NOTIFY_N: Count = Count {
    what: "n",
    min: 0,
    below: "n must be >= 0",
    above: "n is too large",
};

/// `Barrier(parties)`: below 1, the message of the Rust side's `Barrier::builder`.
const PARTIES: Count = Count {
    what: "parties",
    min: 1,
    below: "parties must be >= 1",
    above: "parties is too large",
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
fn opt_count(v: &JsValue, c: &Count, default: usize) -> Result<usize, JsValue> {
    if omitted(v) {
        Ok(default)
    } else {
        count(v, c)
    }
}

/// An optional timeout in seconds: `None` if omitted, `TypeError` if not a number; the value
/// itself is checked by the Rust side's rules of the call it goes to.
fn timeout_arg(v: &JsValue) -> Result<Option<f64>, JsValue> {
    if omitted(v) {
        Ok(None)
    } else {
        number(v, "timeout").map(Some)
    }
}

/// `blocking` (default true): a boolean, else `TypeError` (no truthiness).
fn blocking_arg(v: &JsValue) -> Result<bool, JsValue> {
    if omitted(v) {
        return Ok(true);
    }
    v.as_bool()
        .ok_or_else(|| type_err(format!("blocking must be a boolean, not {}", type_name(v))))
}

/// A wait's timeout in seconds with the wait rules (`None`: no limit; negative: no wait).
fn wait_timeout(t: Option<f64>) -> Result<Option<Duration>, JsValue> {
    t.map(|t| Timeout::from(t).for_wait())
        .transpose()
        .map_err(py_err)
}

/// A lock acquire's timeout with the lock rules (`None` or `-1`: no limit). The outer
/// `Option` of `acquire_args` is `None` only for a non-blocking acquire.
fn lock_timeout(t: Option<f64>) -> Result<Option<Duration>, JsValue> {
    Ok(crate::lock::acquire_args(true, t)
        .map_err(py_err)?
        .flatten())
}

/// A semaphore acquire's timeout (`None`: no limit; negative: no wait).
fn sem_timeout(t: Option<f64>) -> Result<Option<Duration>, JsValue> {
    Ok(crate::semaphore::sem_acquire_args(true, t)
        .map_err(py_err)?
        .flatten())
}

// ---- waiting without blocking -------------------------------------------------------------------

/// A [`Step`] with its word as an index into the memory (no borrow left).
enum Poll<T> {
    Done(T),
    Wait(u32, u32),
}

fn poll<T>(s: Step<'_, T>) -> Poll<T> {
    match s {
        Step::Done(v) => Poll::Done(v),
        Step::Wait(word, expected) => Poll::Wait(super::word_index(word), expected),
    }
}

/// Resolves once the word at `index` no longer holds `expected`, it is notified, or `ms`
/// passed. `Atomics.waitAsync` where the browser has it (any thread, the UI thread included);
/// else a short timer, so the caller polls.
async fn wait_async(index: u32, expected: u32, ms: f64) {
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
fn sleep(ms: f64) -> Promise {
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
async fn drive<T>(mut step: impl FnMut() -> Poll<T>, timeout: Option<Duration>) -> Option<T> {
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

fn promise(f: impl Future<Output = Result<JsValue, JsValue>> + 'static) -> Promise {
    wasm_bindgen_futures::future_to_promise(f)
}

/// `acquireAsync(timeout?)` of the lock types (Lock, RLock, a Condition's lock): takes `step`s
/// on the calling thread, so the caller becomes the owner; resolves with true once acquired, or
/// false after `timeout` seconds (lock rules: `-1` or none, no limit).
fn lock_acquire_async<L: 'static>(
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

// ---- handles --------------------------------------------------------------------------------

/// Handles given out by `handle()` and not yet taken by `fromHandle`: a number names a boxed
/// clone of a primitive, so a wrong, reused or foreign number is an error, never a bad pointer.
static HANDLES: Mutex<HandleTable> = Mutex::new((0, BTreeMap::new()));

/// The last handle given out, and the live ones.
type HandleTable = (u32, BTreeMap<u32, Box<dyn Any + Send>>);

/// The handle table, without ever blocking (a std `Mutex` would `Atomics.wait` when
/// contended, which throws on the UI thread): the critical sections are a few instructions.
fn handles() -> MutexGuard<'static, HandleTable> {
    loop {
        match HANDLES.try_lock() {
            Ok(g) => return g,
            Err(TryLockError::Poisoned(p)) => return p.into_inner(),
            Err(TryLockError::WouldBlock) => core::hint::spin_loop(),
        }
    }
}

fn into_handle<T: Any + Send>(v: T) -> u32 {
    let mut h = handles();
    let (next, map) = &mut *h;
    loop {
        *next = next.wrapping_add(1);
        if *next != 0 && !map.contains_key(next) {
            break;
        }
    }
    map.insert(*next, Box::new(v));
    *next
}

/// `ValueError`: `h` (as JS writes it) is not a live handle of `class`.
fn not_a_handle(h: &str, class: &str) -> JsValue {
    py_err(crate::Error::Value(format!(
        "{h} is not a handle of class {class} (handle() gives one, fromHandle takes it once)"
    )))
}

/// The argument of JS's `X.fromHandle(handle)`: `TypeError` if it is missing or not a number;
/// `ValueError` for a number that cannot be a handle (negative, fractional, NaN, above
/// `u32::MAX`), which is never converted and looked up (it could name another handle then).
fn handle_arg(handle: &JsValue, class: &str) -> Result<u32, JsValue> {
    required(handle, &format!("{class}.fromHandle"), "handle")?;
    let x = number(handle, "handle")?;
    if x >= 1.0 && x <= f64::from(u32::MAX) && x.fract() == 0.0 {
        Ok(x as u32)
    } else {
        Err(not_a_handle(&js_number(x), class))
    }
}

fn from_handle<T: Any + Send>(h: u32, class: &str) -> Result<T, JsValue> {
    let mut g = handles();
    let bad = || not_a_handle(&h.to_string(), class);
    match g.1.get(&h) {
        Some(b) if b.is::<T>() => {}
        _ => return Err(bad()),
    }
    let b = g.1.remove(&h).ok_or_else(bad)?;
    b.downcast::<T>().map(|b| *b).map_err(|_| bad())
}

/// `handle()`, `fromHandle(n)` and the Rust conversions for a JS class wrapping a primitive:
/// wasm-bindgen takes several `impl` blocks per class, so each class gets these from one place.
macro_rules! transferable {
    ($js:ident, $rust:ty, $class:ident) => {
        #[wasm_bindgen(js_class = $class)]
        impl $js {
            /// A number to `postMessage` to another worker of the same module, which takes it
            /// with `fromHandle` (once).
            pub fn handle(&self) -> u32 {
                into_handle(self.0.clone())
            }

            /// The object on the same state as the one whose `handle()` gave `handle` (each
            /// handle is taken once). Throws `ValueError` for any other number, `TypeError`
            /// for a value that is not a number. (Rust code holding a `u32` calls
            /// `from_handle`.)
            #[wasm_bindgen(js_name = fromHandle)]
            pub fn from_handle_value(
                #[wasm_bindgen(unchecked_param_type = "number")] handle: JsValue,
            ) -> Result<$js, JsValue> {
                let class = stringify!($class);
                from_handle::<$rust>(handle_arg(&handle, class)?, class).map($js)
            }

            /// Python's repr, e.g. `<unlocked pythreading.Lock object at 0x...>`.
            #[wasm_bindgen(js_name = toString)]
            pub fn repr(&self) -> String {
                format!("{:?}", self.0)
            }
        }

        impl $js {
            /// The object on the same state as the one whose `handle()` gave `handle` (each
            /// handle is taken once): `Err` (a JS `ValueError`) for any other number.
            pub fn from_handle(handle: u32) -> Result<$js, JsValue> {
                from_handle::<$rust>(handle, stringify!($class)).map($js)
            }
        }

        impl From<$rust> for $js {
            fn from(v: $rust) -> $js {
                $js(v)
            }
        }

        impl From<$js> for $rust {
            fn from(v: $js) -> $rust {
                v.0
            }
        }
    };
}

transferable!(JsLock, crate::Lock, Lock);
transferable!(JsRLock, crate::RLock, RLock);
transferable!(JsCondition, crate::Condition, Condition);
transferable!(JsSemaphore, crate::Semaphore, Semaphore);
transferable!(
    JsBoundedSemaphore,
    crate::BoundedSemaphore,
    BoundedSemaphore
);
transferable!(JsEvent, crate::Event, Event);
transferable!(JsBarrier, crate::Barrier, Barrier);
transferable!(JsThread, crate::Thread, Thread);

// ---- Lock -------------------------------------------------------------------------------------

/// Python's `threading.Lock` (not owned: any thread may release it).
#[wasm_bindgen(js_name = Lock)]
pub struct JsLock(crate::Lock);

#[wasm_bindgen(js_class = Lock)]
impl JsLock {
    /// A new, unlocked lock.
    #[wasm_bindgen(constructor)]
    pub fn new() -> JsLock {
        JsLock(crate::Lock::new())
    }

    /// `acquire(blocking = true, timeout = -1)`: true if acquired. On the page's UI thread it
    /// throws `RuntimeError` instead of waiting: use `acquireAsync` there.
    pub fn acquire(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "boolean | null")] blocking: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "number | null")] timeout: JsValue,
    ) -> Result<bool, JsValue> {
        let (blocking, timeout) = (blocking_arg(&blocking)?, timeout_arg(&timeout)?);
        self.0.acquire_with(blocking, timeout).map_err(py_err)
    }

    /// Resolves with true once acquired, or false if `timeout` seconds passed first (no
    /// timeout, or -1: no limit). Never blocks the calling thread.
    #[wasm_bindgen(js_name = acquireAsync, unchecked_return_type = "Promise<boolean>")]
    pub fn acquire_async(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "number | null")] timeout: JsValue,
    ) -> Promise {
        lock_acquire_async(self.0.clone(), &timeout, |l, w| l.acquire_step(w))
    }

    /// Throws `RuntimeError` ("release unlocked lock") if it is not locked.
    pub fn release(&self) -> Result<(), JsValue> {
        self.0.release().map_err(py_err)
    }

    /// True if the lock is held (by any thread).
    pub fn locked(&self) -> bool {
        self.0.locked()
    }
}

impl Default for JsLock {
    fn default() -> Self {
        Self::new()
    }
}

// ---- RLock ------------------------------------------------------------------------------------

/// Python's `threading.RLock`: owned by the thread that acquired it, which may acquire it
/// again; only the owner may release it.
#[wasm_bindgen(js_name = RLock)]
pub struct JsRLock(crate::RLock);

#[wasm_bindgen(js_class = RLock)]
impl JsRLock {
    /// A new, unowned reentrant lock.
    #[wasm_bindgen(constructor)]
    pub fn new() -> JsRLock {
        JsRLock(crate::RLock::new())
    }

    /// `acquire(blocking = true, timeout = -1)`: true if acquired (or re-entered). On the
    /// page's UI thread it throws `RuntimeError` instead of waiting.
    pub fn acquire(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "boolean | null")] blocking: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "number | null")] timeout: JsValue,
    ) -> Result<bool, JsValue> {
        let (blocking, timeout) = (blocking_arg(&blocking)?, timeout_arg(&timeout)?);
        self.0.acquire_with(blocking, timeout).map_err(py_err)
    }

    /// Resolves with true once the calling thread owns it, or false after `timeout` seconds.
    /// The calling thread is the owner (it tries and waits itself, without blocking).
    #[wasm_bindgen(js_name = acquireAsync, unchecked_return_type = "Promise<boolean>")]
    pub fn acquire_async(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "number | null")] timeout: JsValue,
    ) -> Promise {
        lock_acquire_async(self.0.clone(), &timeout, |l, w| l.acquire_step(w))
    }

    /// Releases one level. Throws `RuntimeError` ("cannot release un-acquired lock") if the
    /// calling thread does not own it.
    pub fn release(&self) -> Result<(), JsValue> {
        self.0.release().map_err(py_err)
    }

    /// True if any thread owns it.
    pub fn locked(&self) -> bool {
        self.0.locked()
    }

    /// True if the calling thread owns it.
    #[wasm_bindgen(js_name = isOwned)]
    pub fn is_owned(&self) -> bool {
        self.0.is_owned()
    }

    /// The calling thread's recursion depth (0 if it does not own it).
    #[wasm_bindgen(js_name = recursionCount)]
    pub fn recursion_count(&self) -> u32 {
        self.0.recursion_count() as u32
    }
}

impl Default for JsRLock {
    fn default() -> Self {
        Self::new()
    }
}

// ---- Condition --------------------------------------------------------------------------------

/// Python's `threading.Condition`: `new Condition()` has its own `RLock`;
/// `Condition.withLock(lock)` / `Condition.withRLock(rlock)` share an existing one.
#[wasm_bindgen(js_name = Condition)]
pub struct JsCondition(crate::Condition);

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

// ---- Semaphore, BoundedSemaphore ----------------------------------------------------------------

/// `acquireAsync` of both semaphores.
fn sem_acquire_async(sem: impl AsRefRaw + 'static, timeout: &JsValue) -> Promise {
    let t = match timeout_arg(timeout).and_then(sem_timeout) {
        Ok(t) => t,
        Err(e) => return reject(e),
    };
    promise(async move {
        let raw = sem.raw();
        let mut registered = false;
        let got = drive(|| poll(raw.acquire_step(&mut registered)), t).await;
        raw.abandon_step(&mut registered);
        Ok(got.unwrap_or(false).into())
    })
}

trait AsRefRaw {
    fn raw(&self) -> &crate::semaphore::RawSemaphore;
}
impl AsRefRaw for crate::Semaphore {
    fn raw(&self) -> &crate::semaphore::RawSemaphore {
        crate::Semaphore::raw(self)
    }
}
impl AsRefRaw for crate::BoundedSemaphore {
    fn raw(&self) -> &crate::semaphore::RawSemaphore {
        crate::BoundedSemaphore::raw(self)
    }
}

/// The JS class of a semaphore type: `Semaphore` and `BoundedSemaphore` have the same methods
/// (the bound shows in `release`'s error), so both come from here.
macro_rules! semaphore_class {
    ($js:ident, $rust:ty, $class:ident, $doc:literal, $release_doc:literal) => {
        #[doc = $doc]
        #[wasm_bindgen(js_name = $class)]
        pub struct $js($rust);

        #[wasm_bindgen(js_class = $class)]
        impl $js {
            /// A semaphore with `value` (default 1) permits. Throws `ValueError` ("semaphore
            /// initial value must be >= 0") below 0 (a count: see the module docs).
            #[wasm_bindgen(constructor)]
            pub fn new(
                #[wasm_bindgen(unchecked_optional_param_type = "number | null")] value: JsValue,
            ) -> Result<$js, JsValue> {
                Ok($js(<$rust>::new(opt_count(&value, &SEM_VALUE, 1)?)))
            }

            /// `acquire(blocking = true, timeout?)`: true if a permit was taken. On the page's
            /// UI thread it throws `RuntimeError` instead of waiting.
            pub fn acquire(
                &self,
                #[wasm_bindgen(unchecked_optional_param_type = "boolean | null")] blocking: JsValue,
                #[wasm_bindgen(unchecked_optional_param_type = "number | null")] timeout: JsValue,
            ) -> Result<bool, JsValue> {
                let (blocking, timeout) = (blocking_arg(&blocking)?, timeout_arg(&timeout)?);
                self.0.acquire_with(blocking, timeout).map_err(py_err)
            }

            /// Resolves with true once a permit is taken, or false after `timeout` seconds.
            #[wasm_bindgen(js_name = acquireAsync, unchecked_return_type = "Promise<boolean>")]
            pub fn acquire_async(
                &self,
                #[wasm_bindgen(unchecked_optional_param_type = "number | null")] timeout: JsValue,
            ) -> Promise {
                sem_acquire_async(self.0.clone(), &timeout)
            }

            #[doc = $release_doc]
            pub fn release(
                &self,
                #[wasm_bindgen(unchecked_optional_param_type = "number | null")] n: JsValue,
            ) -> Result<(), JsValue> {
                self.0
                    .release(opt_count(&n, &RELEASE_N, 1)?)
                    .map_err(py_err)
            }

            /// The current number of permits.
            pub fn value(&self) -> u32 {
                self.0.value() as u32
            }
        }
    };
}

semaphore_class!(
    JsSemaphore,
    crate::Semaphore,
    Semaphore,
    "Python's `threading.Semaphore(value = 1)`.",
    "Adds `n` (default 1) permits; `n` below 1: `ValueError` (\"n must be one or more\")."
);
semaphore_class!(
    JsBoundedSemaphore,
    crate::BoundedSemaphore,
    BoundedSemaphore,
    "Python's `threading.BoundedSemaphore(value = 1)`: releasing above the initial value \
     throws `ValueError` (\"Semaphore released too many times\").",
    "Adds `n` (default 1) permits; above the initial value: `ValueError`, nothing changed; \
     `n` below 1: `ValueError` (\"n must be one or more\")."
);

// ---- Event ------------------------------------------------------------------------------------

/// Python's `threading.Event`.
#[wasm_bindgen(js_name = Event)]
pub struct JsEvent(crate::Event);

#[wasm_bindgen(js_class = Event)]
impl JsEvent {
    /// A new event, not set.
    #[wasm_bindgen(constructor)]
    pub fn new() -> JsEvent {
        JsEvent(crate::Event::new())
    }

    /// True if the flag is set.
    #[wasm_bindgen(js_name = isSet)]
    pub fn is_set(&self) -> bool {
        self.0.is_set()
    }

    /// Sets the flag and wakes every waiter.
    pub fn set(&self) {
        self.0.set()
    }

    /// Resets the flag.
    pub fn clear(&self) {
        self.0.clear()
    }

    /// `wait(timeout?)`: true if the flag is set, false on timeout. On the page's UI thread
    /// it throws `RuntimeError` instead of waiting: use `waitAsync` there.
    pub fn wait(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "number | null")] timeout: JsValue,
    ) -> Result<bool, JsValue> {
        let t = wait_timeout(timeout_arg(&timeout)?)?;
        self.0.wait_for(t).map_err(py_err)
    }

    /// Resolves with true once the flag is set (false if `timeout` seconds passed first).
    #[wasm_bindgen(js_name = waitAsync, unchecked_return_type = "Promise<boolean>")]
    pub fn wait_async(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "number | null")] timeout: JsValue,
    ) -> Promise {
        let t = match timeout_arg(&timeout).and_then(wait_timeout) {
            Ok(t) => t,
            Err(e) => return reject(e),
        };
        let ev = self.0.clone();
        promise(async move {
            let mut generation = None;
            let set = drive(|| poll(ev.wait_step(&mut generation)), t).await;
            Ok(set.unwrap_or(false).into())
        })
    }
}

impl Default for JsEvent {
    fn default() -> Self {
        Self::new()
    }
}

// ---- Barrier ----------------------------------------------------------------------------------

/// Python's `threading.Barrier(parties, timeout?)` (no action from JS).
#[wasm_bindgen(js_name = Barrier)]
pub struct JsBarrier(crate::Barrier);

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

// ---- Thread -----------------------------------------------------------------------------------

/// A `pythreading` thread (Python's `threading.Thread`), as seen from JS: threads are started
/// from Rust; JS can inspect and await them. Get one from `currentThread()`, `mainThread()`,
/// `enumerate()`, or from a Rust function returning `pythreading::js::Thread::from(t)`.
#[wasm_bindgen(js_name = Thread)]
pub struct JsThread(crate::Thread);

#[wasm_bindgen(js_class = Thread)]
impl JsThread {
    /// The thread's name.
    #[wasm_bindgen(getter)]
    pub fn name(&self) -> String {
        self.0.name()
    }

    /// `get_ident()` inside the thread; undefined before it started.
    #[wasm_bindgen(getter)]
    pub fn ident(&self) -> Option<f64> {
        self.0.ident().map(|i| i as f64)
    }

    /// True from `start()` until the thread's activity ends.
    #[wasm_bindgen(js_name = isAlive)]
    pub fn is_alive(&self) -> bool {
        self.0.is_alive()
    }

    /// Whether it is a daemon thread (not waited for at shutdown).
    #[wasm_bindgen(getter)]
    pub fn daemon(&self) -> bool {
        self.0.is_daemon()
    }

    /// Python's `isDaemon()`.
    #[wasm_bindgen(js_name = isDaemon)]
    pub fn is_daemon(&self) -> bool {
        self.0.is_daemon()
    }

    /// `join(timeout?)`: waits until the thread ends (or `timeout` seconds; then check
    /// `isAlive()`). On the page's UI thread it throws `RuntimeError` unless the thread has
    /// ended: use `joinAsync` there.
    pub fn join(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "number | null")] timeout: JsValue,
    ) -> Result<(), JsValue> {
        match timeout_arg(&timeout)? {
            None => self.0.join(),
            Some(t) => self.0.join_timeout(t),
        }
        .map_err(py_err)
    }

    /// Resolves (with undefined, as Python's `join`) once the thread has ended, or after
    /// `timeout` seconds (then check `isAlive()`). Rejects with `RuntimeError` for a thread
    /// not started, or the calling thread itself.
    #[wasm_bindgen(js_name = joinAsync, unchecked_return_type = "Promise<void>")]
    pub fn join_async(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "number | null")] timeout: JsValue,
    ) -> Promise {
        let t = match timeout_arg(&timeout).and_then(wait_timeout) {
            Ok(t) => t,
            Err(e) => return reject(e),
        };
        let th = self.0.clone();
        if let Err(e) = th.join_step() {
            return reject(py_err(e));
        }
        promise(async move {
            let mut err = None;
            let step = || match th.join_step() {
                Ok(s) => poll(s),
                Err(e) => {
                    err = Some(e);
                    Poll::Done(())
                }
            };
            drive(step, t).await;
            match err {
                Some(e) => Err(py_err(e)),
                None => Ok(JsValue::UNDEFINED),
            }
        })
    }
}

/// Python's `threading.current_thread()`.
#[wasm_bindgen(js_name = currentThread)]
pub fn current_thread() -> JsThread {
    JsThread(crate::current_thread())
}

/// Python's `threading.main_thread()`: the first thread outside the pool that asked (the
/// page, or the worker that runs the program).
#[wasm_bindgen(js_name = mainThread)]
pub fn main_thread() -> JsThread {
    JsThread(crate::main_thread())
}

/// Python's `threading.enumerate()`: every thread alive.
#[wasm_bindgen(js_name = enumerate)]
pub fn enumerate() -> Vec<JsThread> {
    crate::enumerate().into_iter().map(JsThread).collect()
}

/// Python's `threading.active_count()`.
#[wasm_bindgen(js_name = activeCount)]
pub fn active_count() -> u32 {
    crate::active_count() as u32
}

/// Python's `threading.get_ident()` for the calling thread.
#[wasm_bindgen(js_name = getIdent)]
pub fn get_ident() -> f64 {
    crate::get_ident() as f64
}
