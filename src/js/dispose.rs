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
//! own copy of the glue and its classes).

use super::bounded_semaphore::JsBoundedSemaphore;
use super::condition::JsCondition;
use super::lock::JsLock;
use super::rlock::JsRLock;
use super::semaphore::JsSemaphore;
use std::cell::Cell;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/js/exports.js")]
extern "C" {
    #[wasm_bindgen(js_name = disposeReleases)]
    fn dispose_releases(instance: JsValue);
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
}
