//! Threads on `wasm32-wasip1-threads`: std threads (wasi-libc pthreads over the
//! `wasi::thread-spawn` import), a crate-assigned native id (wasi has no `gettid`), and
//! wasi-libc's `atexit`, which `_start` runs before `proc_exit`.
//!
//! Panics abort on this target, and an abort is a trap. The project's host (`host/`) catches a
//! trap in a spawned thread and then calls [`__pythreading_thread_trapped`] on the same instance,
//! whose globals (stack pointer, TLS base) still belong to the dead thread: the library reports
//! the panic through the excepthook, drops the thread's `Local` values, marks it stopped and
//! wakes its joiners, exactly as it does after an unwinding panic natively.

pub(crate) use std::time::Instant;

/// A spawned thread: `join` detaches it (see `StdJoinHandle`).
pub(crate) type JoinHandle = super::StdJoinHandle<false>;

/// std's spawn (the handle's type fixes how `join` ends the thread).
pub(crate) use super::std_spawn as spawn;

pub(crate) fn native_id() -> u64 {
    super::counter_native_id()
}

pub(crate) fn is_main_thread() -> bool {
    std::thread::current().name() == Some("main")
}

pub(crate) fn main_native_id() -> Option<u64> {
    None
}

extern "C" {
    fn atexit(f: extern "C" fn()) -> i32;
}

pub(crate) fn at_exit(f: extern "C" fn()) -> bool {
    // SAFETY: wasi-libc's atexit; `f` stays valid for the life of the program.
    unsafe { atexit(f) == 0 }
}

/// Called by the project's host on the instance of a spawned thread that trapped (a panic,
/// which aborts on this target). Not for use from Rust code.
#[no_mangle]
pub extern "C" fn __pythreading_thread_trapped() {
    super::thread_trapped();
}
