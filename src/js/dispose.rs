//! `[Symbol.dispose]` of the lock types (`Lock`, `RLock`, `Condition`, `Semaphore`,
//! `BoundedSemaphore`): it releases, so that JS's `using` declaration is Python's `with`:
//!
//! ```js
//! lock.acquire();
//! {
//!   using held = lock;     // released when the block ends, however it ends
//!   counter += 1;
//! }
//! ```
//!
//! wasm-bindgen makes every exported class's `[Symbol.dispose]` its `free()` (and writes that
//! after the class body, so a method of that name would be overwritten). The classes are not
//! reachable from Rust, but their instances are: the first time a lock type is made or taken
//! on a thread, a throwaway instance of each goes to `disposeReleases` in `exports.js`, which
//! sets its prototype's `[Symbol.dispose]` and frees it. Once per thread (each thread has its
//! own copy of the glue and its classes). The same pass names every class on its prototype
//! (`brand`, in the same file), which is how a JS thread's arguments are recognised as the
//! library's objects (`thread.rs`), and gives `ThreadPoolExecutor` its variadic `submit` and
//! its `[Symbol.dispose]`/`[Symbol.asyncDispose]`, which shut it down (`executorMethods`).

use super::barrier::JsBarrier;
use super::bounded_semaphore::JsBoundedSemaphore;
use super::condition::JsCondition;
use super::event::JsEvent;
use super::future::JsFuture;
use super::queue::JsQueue;
use super::thread_pool_executor::JsThreadPoolExecutor;
use super::lock::JsLock;
use super::rlock::JsRLock;
use super::semaphore::JsSemaphore;
use super::thread::JsThread;
use std::cell::Cell;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/js/exports.js")]
extern "C" {
    #[wasm_bindgen(js_name = disposeReleases)]
    fn dispose_releases(instance: JsValue);
    /// Names the class on the prototype, so that a JS thread's arguments can be recognised as
    /// the library's objects (`thread.rs`).
    fn brand(instance: JsValue, name: &str);
    /// Makes `submit(target, ...args)` variadic and `using` shut the executor down
    /// (`thread_pool_executor.rs`).
    #[wasm_bindgen(js_name = executorMethods)]
    fn executor_methods(instance: JsValue);
}

thread_local! {
    static DONE: Cell<bool> = const { Cell::new(false) };
}

/// Sets `[Symbol.dispose]` of the lock types on this thread's classes, once.
pub(super) fn ensure() {
    if DONE.with(|d| d.replace(true)) {
        return;
    }
    dispose_releases(JsLock(crate::Lock::new()).into());
    dispose_releases(JsRLock(crate::RLock::new()).into());
    dispose_releases(JsCondition(crate::Condition::new()).into());
    dispose_releases(JsSemaphore(crate::Semaphore::new(0)).into());
    dispose_releases(JsBoundedSemaphore(crate::BoundedSemaphore::new(0)).into());
    brand(JsLock(crate::Lock::new()).into(), "Lock");
    brand(JsRLock(crate::RLock::new()).into(), "RLock");
    brand(JsCondition(crate::Condition::new()).into(), "Condition");
    brand(JsSemaphore(crate::Semaphore::new(0)).into(), "Semaphore");
    brand(
        JsBoundedSemaphore(crate::BoundedSemaphore::new(0)).into(),
        "BoundedSemaphore",
    );
    brand(JsEvent(crate::Event::new()).into(), "Event");
    if let Ok(b) = crate::Barrier::new(1) {
        brand(JsBarrier(b).into(), "Barrier");
    }
    brand(JsThread(crate::current_thread()).into(), "Thread");
    brand(JsQueue(crate::queue::Queue::new(0)).into(), "Queue");
    brand(JsFuture(crate::futures::Future::new()).into(), "Future");
    if let Ok(mut ex) = crate::futures::ThreadPoolExecutor::new(Some(1)) {
        ex.set_wait_on_drop(false);
        executor_methods(JsThreadPoolExecutor(ex).into());
    }
}
