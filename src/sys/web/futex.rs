//! wait/wake for browsers: `Atomics.wait`/`Atomics.notify` on the word itself (what
//! `memory.atomic.wait32/notify` do; the intrinsics are nightly-only features the crate does not
//! enable), through `www/worker.js`.
//!
//! The page's UI thread may not block: `Atomics.wait` throws there (and a trap would leave the
//! program in a broken state). There [`wait`] busy-polls the word instead, until it changes or
//! the timeout passes: blocking calls on the UI thread never trap; they spin while they wait.
//! Short waits (a lock held briefly by a worker, a `join` of a thread that is about to finish,
//! any call with a timeout) work; a wait that is never satisfied keeps the page busy, so
//! programs should run their blocking logic in a worker (see the README's browser section).

use super::glue;
use core::sync::atomic::{AtomicU32, Ordering::SeqCst};
use std::cell::Cell;
use std::time::Duration;

thread_local! {
    /// 0 unknown, 1 may block (a worker), 2 may not (the UI thread).
    static MODE: Cell<u8> = const { Cell::new(0) };
}

/// Whether the calling thread may block (false on the page's UI thread). Also hands the
/// memory to this thread's copy of the JS helpers on first use.
pub(crate) fn can_block() -> bool {
    MODE.with(|m| {
        if m.get() == 0 {
            glue::futex_init(wasm_bindgen::memory());
            m.set(if glue::can_block() { 1 } else { 2 });
        }
        m.get() == 1
    })
}

fn index(a: &AtomicU32) -> u32 {
    (a as *const AtomicU32 as usize / 4) as u32
}

pub(crate) fn wait(a: &AtomicU32, expected: u32, timeout: Option<Duration>) {
    if can_block() {
        // NaN-free milliseconds; Infinity waits forever. Atomics.wait compares atomically with
        // respect to Atomics.notify, so a wake after the word changed is never lost.
        let ms = timeout.map_or(f64::INFINITY, |t| t.as_secs_f64() * 1000.0);
        glue::futex_wait(index(a), expected as i32, ms);
        return;
    }
    // The UI thread: poll until the word changes or the timeout passes.
    let deadline = timeout.and_then(|t| super::Instant::now().checked_add(t));
    let mut spins = 0u32;
    while a.load(SeqCst) == expected {
        spins = spins.wrapping_add(1);
        if spins % 64 == 0 {
            if let Some(d) = deadline {
                if super::Instant::now() >= d {
                    return;
                }
            }
        }
        core::hint::spin_loop();
    }
}

pub(crate) fn wake_one(a: &AtomicU32) {
    can_block();
    glue::futex_wake(index(a), 1);
}

pub(crate) fn wake_all(a: &AtomicU32) {
    can_block();
    glue::futex_wake(index(a), u32::MAX);
}
