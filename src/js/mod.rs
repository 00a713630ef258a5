//! The JS binding layer: JS classes over the crate's primitives (exported by wasm-bindgen, TypeScript types included):
//! `Lock`, `RLock`, `Condition`, `Semaphore`, `BoundedSemaphore`, `Event`, `Barrier`, and
//! `Thread` (with `currentThread()`, `mainThread()`, `enumerate()`, `activeCount()`), with
//! Python's methods (`Condition.waitFor`, `BoundedSemaphore.initialValue`, `Thread.nativeId`, ...). Rust code reaches them as `pythreading::js::*`, e.g. to return a
//! `pythreading::Thread` from its own `#[wasm_bindgen]` function as a JS `Thread`
//! (`js::Thread::from(t)`).
//!
//! Their state lives in the shared memory, so a primitive can be passed to another worker of
//! the same module: `x.handle()` returns a number to `postMessage`, and `X.fromHandle(n)` on the
//! other side (once per handle) gives an object on the same state. A number that is not a live
//! handle of that class is an error, never a bad pointer.
//!
//! Blocking methods (`acquire()`, `wait()`, `join()`, ...) block in a worker; on the page's UI
//! thread they throw instead of waiting (see `src/sys/web/futex.rs`). The `…Async` methods never block:
//! they try on the calling thread, and while they cannot succeed they register as a waiter (so
//! the thread that changes the state notifies the word) and await `Atomics.waitAsync` on the
//! primitive's own word, then try again. Everything happens on the calling thread, so an
//! `RLock` or a `Condition` acquired asynchronously is owned by the caller, as in Python.
//!
//! Errors are instances of exported subclasses of `Error` named after Python's exceptions
//! (`RuntimeError`, `BrokenBarrierError` (a `RuntimeError`), `ValueError`, `OverflowError`, and
//! `TypeError`, a subclass of JS's `TypeError`, for an argument of the wrong type; `error.rs`),
//! so `e instanceof BrokenBarrierError` works, with Python's `message` where Python has one
//! (`release unlocked lock`, ...); the async methods reject with them.
//!
//! JS code starts threads too: `new Thread({ target, export, args, name, daemon })` and
//! `new Timer(interval, { target, export, args })` run a JS module's export on a pool worker,
//! the library's objects among the arguments arriving as objects (`thread.rs`, `timer.rs`,
//! and the JS threads section of `exports.js` for the JS side). Only the thread that made a
//! JS thread can start it (its target and arguments are that thread's JS values; elsewhere
//! `start()` is a `RuntimeError`); one freed unstarted, or a timer cancelled, leaves nothing
//! behind. `new ThreadPoolExecutor({ maxWorkers, threadNamePrefix })` runs such exports as
//! tasks: `submit(target, ...args)` returns a `Future` with `result()`/`resultAsync()`
//! (`thread_pool_executor.rs`, `future.rs`); a task's result crosses as JSON, as a `Queue`
//! item does.
//!
//! Python's module functions and constants are here too: `getNativeId()`, `stackSize(size?)`,
//! `TIMEOUT_MAX` (`module.rs`), `setExcepthook(fn)` (`excepthook.rs`); and the lock types'
//! `[Symbol.dispose]` releases, so JS's `using` is Python's `with` (`dispose.rs`).
//!
//! Every argument is checked here, before it is converted and before anything changes (a
//! refused call leaves the primitive as it was), instead of wasm-bindgen's silent coercions
//! (`-1` to 4294967295, `2.5` to 2, `"x"` to 0 or NaN). `undefined` and `null` mean "omitted"
//! for an optional argument; a required one that is missing is a `TypeError` (`Barrier()
//! missing 1 required positional argument: 'parties'`). Argument errors come first, also where
//! the call would fail for another reason (the lock not held, the page's UI thread).
//! * Counts (`Semaphore(value)`, `release(n)`, `notify(n)`, `Barrier(parties)`; also
//!   `initThreads(n)` and `initThreadPool(n)` in `init.rs`): a value that is not a number
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
//!
//! This layer sits above the primitives and the platform seam, as a binding of its own: it is
//! compiled only for browsers (`crate::sys::on_web!`, the one place where the platform is
//! chosen), one file per class, plus the argument checks (`args.rs`), the errors (`error.rs`,
//! with the classes and constants defined in JS in `exports.js`),
//! the handles (`handles.rs`), the non-blocking waits of the `…Async` methods (`waiting.rs`)
//! and the module's entry points (`init.rs`). Elsewhere `pythreading::js` is empty.

crate::sys::on_web! {
    mod args;
    mod barrier;
    mod bounded_semaphore;
    mod condition;
    mod dispose;
    mod error;
    mod event;
    mod excepthook;
    mod future;
    mod handles;
    mod init;
    mod lock;
    mod module;
    mod queue;
    mod rlock;
    mod semaphore;
    mod thread;
    mod thread_pool_executor;
    mod timer;
    mod waiting;

    pub use barrier::JsBarrier as Barrier;
    pub use bounded_semaphore::JsBoundedSemaphore as BoundedSemaphore;
    pub use condition::JsCondition as Condition;
    pub use event::JsEvent as Event;
    pub use future::JsFuture as Future;
    pub use lock::JsLock as Lock;
    pub use queue::JsQueue as Queue;
    pub use rlock::JsRLock as RLock;
    pub use semaphore::JsSemaphore as Semaphore;
    pub use thread::JsThread as Thread;
    pub use thread_pool_executor::JsThreadPoolExecutor as ThreadPoolExecutor;
    pub use timer::JsTimer as Timer;
}
