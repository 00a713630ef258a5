//! The one test harness of the integration tests: every `tests/*.rs` that needs a helper says
//! `mod common;` and imports it from here (`use common::{...}`), and marks its tests
//! `#[crate::common::test]`. Not a test target itself (it lives in a subdirectory, cargo's
//! convention for shared test code).
//!
//! Most helpers are the Rust counterparts of the helpers at the top of CPython's
//! `Lib/test/lock_tests.py` and of `test.support` (docs/behaviours.md §1). By concern:
//!
//! - [`platform`]: what differs per platform, chosen once so the test files stay free of
//!   `cfg` for it: the test attribute, the clock, helper ("foreign") threads, and the gates
//!   that ignore a test where the platform lacks what it needs (with the reasons in use).
//! - [`bunch`]: CPython's `lock_tests.Bunch` (a group of foreign threads started together and
//!   joined with their panics re-raised) and `wait_threads_blocked`.
//! - [`timing`]: the time windows and bounds: `support.SHORT_TIMEOUT` / `LONG_TIMEOUT`,
//!   CPython's `assertTimeout` window, `support.sleeping_retry`-style polling, a portable
//!   `recv_timeout`, and the stress tests' iteration scale.
//! - [`bounded`]: run a test body, or a call that may hang, on a helper thread with a deadline,
//!   so a deadlock fails the test instead of hanging the run (CPython leaves that to its test
//!   runner's `--timeout`); `join` with a bound.
//! - [`checks`]: assertions on results, reprs and names: the `pythreading::Error` variant and
//!   its message (CPython's `assertRaises`), the `re.search` patterns CPython's tests match
//!   reprs against, and the automatic thread names (`Thread-N (func)`) they compare.
//! - [`records`]: what threads record for the test to check afterwards: a shared list (the
//!   Python lists CPython's tests append to), drop counters, and the lock that serialises tests
//!   touching global state.
//! - `js` (browsers only): the glue's URL and the failed-checks log of the JS-driven suites.
//! - [`lock_suite`], [`sem_suite`]: the generic suites `BaseLockTests`, `RLockTests` and
//!   `BaseSemaphoreTests`, written once and instantiated per type by macros.
//!
//! Portability: nothing here uses processes or the filesystem, so everything runs natively,
//! under wasmtime and in browsers. Where panics unwind (natively, and the project's wasm
//! builds) a failing assertion in a helper thread is collected and re-raised in the test's own
//! thread; under `panic=abort` (the stable wasm32-wasip1-threads build) it aborts the process
//! or traps the worker, which still fails the test run.

// Each test binary uses a different part of the harness.
#![allow(dead_code, unused_imports, unused_macros)]

pub mod bounded;
pub mod bunch;
pub mod checks;
#[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
pub mod js;
pub mod lock_suite;
pub mod platform;
pub mod records;
pub mod sem_suite;
pub mod timing;

pub use bounded::{in_foreign_thread, join_bounded, panic_message, watchdog, with_timeout, within};
pub use bunch::{wait_threads_blocked, Bunch};
pub use checks::{
    assert_err, assert_lock_repr, assert_module_repr, auto_name, expected_repr, kind_of, Kind,
};
pub use platform::{helper_panicked, reset_excepthook, spawn_named, test, Instant, JoinHandle};
pub use records::{count, counter, serial, DropCount, Log};
pub use timing::{
    assert_timeout, poll_until, recv_timeout, stress_iters, timed, wait_until, BOUND, LONG_TIMEOUT,
    SHORT_TIMEOUT, WATCHDOG_SECS,
};

/// One `#[test]` per function of a generic suite, for one type: `suite_tests!(lock_suite, Lock;
/// bl_01_constructor, ...)` writes
/// `fn bl_01_constructor() { lock_suite::bl_01_constructor::<Lock>() }` with the platform's test
/// attribute. Attributes written before a name (a doc comment, a `cfg`,
/// an ignore gate) go on that test. The suites' own macros (`base_lock_tests!`, `rlock_tests!`,
/// `rlock_recursion_tests!`, `base_semaphore_tests!`) list their tests through this one.
macro_rules! suite_tests {
    ($suite:ident, $t:ty; $($(#[$attr:meta])* $name:ident),* $(,)?) => {
        $(
            #[$crate::common::test]
            $(#[$attr])*
            fn $name() {
                $crate::common::$suite::$name::<$t>()
            }
        )*
    };
}
pub(crate) use suite_tests;
