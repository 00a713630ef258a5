//! Threads on other std platforms (macOS, BSDs, Windows): std threads and a crate-assigned
//! native id. Python's exit rule runs through `atexit(3)` where libc has it.

pub(crate) use std::time::Instant;

/// A spawned thread: `join` waits for the OS thread to be gone (its TLS destructors run).
pub(crate) type JoinHandle = super::StdJoinHandle<true>;

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

#[cfg(unix)]
pub(crate) fn at_exit(f: extern "C" fn()) -> bool {
    // SAFETY: `f` is a plain function that stays valid for the life of the process.
    unsafe { libc::atexit(f) == 0 }
}

#[cfg(not(unix))]
pub(crate) fn at_exit(_f: extern "C" fn()) -> bool {
    false
}
