//! Threads on Linux: std threads, `gettid(2)` for native ids, `atexit(3)` for Python's exit rule.

pub(crate) use std::time::Instant;

/// A spawned thread: `join` waits for the OS thread to be gone (its TLS destructors run).
pub(crate) type JoinHandle = super::StdJoinHandle<true>;

/// std's spawn (the handle's type fixes how `join` ends the thread).
pub(crate) use super::std_spawn as spawn;

pub(crate) fn native_id() -> u64 {
    // SAFETY: gettid has no preconditions.
    unsafe { libc::gettid() as u64 }
}

/// On Linux the main thread's id equals the process id.
pub(crate) fn is_main_thread() -> bool {
    // SAFETY: getpid and gettid have no preconditions.
    unsafe { libc::gettid() == libc::getpid() }
}

pub(crate) fn main_native_id() -> Option<u64> {
    // SAFETY: getpid has no preconditions.
    Some(unsafe { libc::getpid() } as u64)
}

/// Registers `f` to run when the process exits normally (after `main` returns or `exit()`).
/// Returns false when the platform has no such hook.
pub(crate) fn at_exit(f: extern "C" fn()) -> bool {
    // SAFETY: `f` is a plain function that stays valid for the life of the process.
    unsafe { libc::atexit(f) == 0 }
}
