//! What the harness needs from the platform, chosen here once so that the test files stay free
//! of `cfg` for it:
//!
//! - `test`: the test attribute, `#[crate::common::test]`. Natively (and under wasmtime)
//!   libtest's `#[test]`; in browsers `#[wasm_bindgen_test]` (tests run in a dedicated worker,
//!   where blocking is allowed).
//! - `Instant`: `std::time::Instant` panics on wasm32-unknown-unknown; `web_time` reads
//!   `performance.now()` there.
//! - `spawn`, `spawn_named`, `sleep`, `yield_now`, `JoinHandle`: helper threads ("foreign" ones
//!   natively). `use common::platform as thread;` stands in for `use std::thread;`.
//! - `spawn_named` in detail: a "foreign" helper thread. Natively a std thread; in browsers std
//!   cannot spawn, so it is a crate `Thread` (a pool worker). A panic there aborts (traps): the
//!   browser init installs an excepthook that records it (a test that sets
//!   its own hook puts it back with `reset_excepthook`), `join` reports it as `Err`, and
//!   `helper_panicked` tells a polling loop to stop waiting for a thread that will never finish.
//! - `ONE_TEST_AT_A_TIME`: whether the runner runs one test at a time (browsers), so that
//!   `records::serial` need not (and must not) hold a lock across tests.
//!
//! Which tests a platform cannot run: a test that needs what a platform lacks carries its gate
//! next to its name, `#[cfg_attr(GATE, ignore = "REASON")]`, so that it is reported as ignored,
//! with its reason, where it cannot run. The gates in use, with their reasons:
//!
//! - Browsers, `all(target_arch = "wasm32", target_os = "unknown")`: no foreign threads (std
//!   cannot spawn there).
//!   - "needs a foreign thread (std::thread::spawn), which browsers do not have": thread.rs
//!     T-07 and module.rs' two foreign-thread tests;
//!   - "BL-11 is about foreign threads, which browsers do not have (std cannot spawn)":
//!     `lock_suite`'s BL-11.
//! - Builds where panics abort, `not(panic = "unwind")`: stable Rust on wasm (its prebuilt std
//!   is panic=abort). The project's own wasm builds unwind (the pinned nightly, `-Cpanic=unwind`,
//!   std rebuilt with `panic_unwind`), and there these tests run.
//!   - "needs unwinding: under panic=abort a dead thread's captures are never dropped":
//!     thread.rs' two T-13 tests;
//!   - "needs unwinding: under panic=abort a dead thread's guards never release their locks",
//!     "... captures and stack values are never dropped", "... each dead thread's stack is never
//!     freed ...": thread.rs' tests of a panicking thread;
//!   - "needs unwinding: the thread catches a panic itself": excepthook.rs;
//!   - "needs unwinding: the test catches a panic": local.rs.
//!
//! The tests that catch a panic in a generic suite or a `Barrier` action
//! (`bl_10b_with_panic_propagates_and_releases`, `s_10b_with_panic_propagates_and_releases`,
//! barrier.rs' `b_05_action_panic_breaks_barrier`) are compiled only under
//! `cfg(panic = "unwind")` instead: absent, not ignored, where panics abort. A whole file that cannot run
//! on a platform holds one ignored test that says why (tests/exit.rs, tests/examples.rs), or is
//! compiled for browsers only (tests/browser_*.rs).

// Each test binary uses a different part of this.
#![allow(dead_code, unused_imports)]

#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
mod imp {
    pub use core::prelude::v1::test;

    /// Whether the harness runs one test at a time (so tests need no serialising lock).
    pub const ONE_TEST_AT_A_TIME: bool = false;
    pub use std::thread::{sleep, spawn, yield_now, JoinHandle};
    pub use std::time::Instant;

    /// The size of the wasm memory (under wasmtime), for checks that nothing per thread is left
    /// behind in it; natively there is no one memory to measure.
    pub fn memory_bytes() -> Option<usize> {
        #[cfg(target_arch = "wasm32")]
        return Some(core::arch::wasm32::memory_size(0) * 65536);
        #[cfg(not(target_arch = "wasm32"))]
        None
    }

    /// Natively a panicking helper unwinds (and counts as finished): nothing to report early.
    pub fn helper_panicked() -> bool {
        false
    }

    /// Puts the default excepthook back after a test that set its own (browsers add the
    /// harness's record of the panic to it).
    pub fn reset_excepthook() {
        pythreading::set_excepthook(pythreading::default_excepthook);
    }

    pub fn spawn_named(name: String, f: impl FnOnce() + Send + 'static) -> JoinHandle<()> {
        std::thread::Builder::new()
            .name(name)
            .spawn(f)
            .expect("spawning a helper thread")
    }
}

#[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
mod imp {
    use std::collections::HashMap;
    use std::sync::{Mutex, Once};
    pub use wasm_bindgen_test::wasm_bindgen_test as test;

    /// wasm-bindgen-test runs one test at a time, all on one thread; and a failed test traps
    /// (panic=abort) without unlocking what it held, so serialising locks would stay locked.
    pub const ONE_TEST_AT_A_TIME: bool = true;
    pub use web_time::Instant;

    wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_dedicated_worker);

    /// Panics of helper threads, by ident (the excepthook's report).
    static PANICS: Mutex<Option<HashMap<u64, String>>> = Mutex::new(None);

    fn record_panics() {
        static ONCE: Once = Once::new();
        ONCE.call_once(reset_excepthook);
    }

    /// Puts the harness's excepthook back (after a test that set its own): the default one,
    /// which also records the panic for `join` and `helper_panicked`. A test that set the
    /// crate's default instead would leave later helpers' panics unreported (their `join`
    /// would find neither a result nor a panic).
    pub fn reset_excepthook() {
        pythreading::set_excepthook(|args| {
            let report = args.render();
            pythreading::default_excepthook(args);
            if let Some(id) = args.thread.as_ref().and_then(|t| t.ident()) {
                PANICS
                    .lock()
                    .unwrap()
                    .get_or_insert_with(HashMap::new)
                    .insert(id, report);
            }
        });
    }

    pub use std::thread::{sleep, yield_now};

    /// A helper thread's handle, like `std::thread::JoinHandle`.
    pub struct JoinHandle<T> {
        thread: pythreading::Thread,
        result: std::sync::Arc<Mutex<Option<T>>>,
    }

    impl<T> JoinHandle<T> {
        pub fn is_finished(&self) -> bool {
            !self.thread.is_alive()
        }

        pub fn join(self) -> std::thread::Result<T> {
            self.thread.join().expect("joining a helper thread");
            let id = self.thread.ident().unwrap_or(0);
            if let Some(report) = PANICS.lock().unwrap().as_mut().and_then(|m| m.remove(&id)) {
                return Err(Box::new(report));
            }
            let value = self.result.lock().unwrap().take();
            Ok(value.expect("a helper thread ended without a result or a panic"))
        }
    }

    /// The size of the memory every worker shares, for checks that nothing per thread is left
    /// behind in it.
    pub fn memory_bytes() -> Option<usize> {
        Some(core::arch::wasm32::memory_size(0) * 65536)
    }

    /// Whether a helper thread's panic (a trap here: it never counts as finished) was recorded.
    pub fn helper_panicked() -> bool {
        PANICS
            .lock()
            .unwrap()
            .as_ref()
            .is_some_and(|m| !m.is_empty())
    }

    /// `std::thread::spawn` (which std does not support in browsers): a crate thread.
    pub fn spawn<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> JoinHandle<T> {
        start(pythreading::Thread::builder(), f)
    }

    pub fn spawn_named(name: String, f: impl FnOnce() + Send + 'static) -> JoinHandle<()> {
        start(pythreading::Thread::builder().name(name), f)
    }

    fn start<T: Send + 'static>(
        b: pythreading::Builder,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> JoinHandle<T> {
        record_panics();
        let result = std::sync::Arc::new(Mutex::new(None));
        let r2 = result.clone();
        let thread = b.target(move || *r2.lock().unwrap() = Some(f())).build();
        thread.start().expect("starting a helper thread");
        JoinHandle { thread, result }
    }
}

pub use imp::*;
