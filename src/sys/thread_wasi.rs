//! Threads on `wasm32-wasip1-threads`: std threads (wasi-libc pthreads over the
//! `wasi::thread-spawn` import), a crate-assigned native id (wasi has no `gettid`), and
//! wasi-libc's `atexit`, which `_start` runs before `proc_exit`.
//!
//! Built with `-Cpanic=unwind` (the pinned nightly, std rebuilt with `panic_unwind`), a panic
//! unwinds as natively: the crate's bootstrap catches it, and the thread's stack, guards and
//! captures are dropped on the way. With stable's panic=abort a panic is a trap, and so is,
//! in an unwinding build, what Rust aborts on (a panic while panicking, a panic out of an
//! `extern "C"` function). The project's host (`host/`) catches a trap in a spawned thread and
//! then calls [`__pythreading_thread_trapped`] on the same instance, whose globals (stack
//! pointer, TLS base) still belong to the dead thread: the library reports the panic through
//! the excepthook, drops the thread's `Local` values, marks it stopped and wakes its joiners,
//! as it does after an unwinding panic. Only that thread is lost (its stack is not unwound, so
//! its captures are never dropped and its 2 MiB stack is not freed); the program carries on.

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

/// Called by the project's host on the instance of a spawned thread that trapped (a panic
/// under panic=abort, or an abort). Not for use from Rust code.
#[no_mangle]
pub extern "C" fn __pythreading_thread_trapped() {
    super::thread_trapped();
}
