//! wait/wake for browsers: `Atomics.wait`/`Atomics.notify` on the word itself (what
//! `memory.atomic.wait32/notify` do; the intrinsics are nightly-only features the crate does not
//! enable), through `worker.js` (the runtime beside this file).
//!
//! The page's UI thread may not block: `Atomics.wait` throws there (and a trap would leave the
//! program in a broken state). There [`wait`] busy-polls the word instead, until it changes or
//! the timeout passes, so it never traps. The primitives decide whether to wait at all
//! ([`can_block`], checked on their slow paths by the layer above, before a wait); the policy on the
//! UI thread:
//!
//! * calls that do not wait work as anywhere: `start()`, `release()`, `set()`, `notify()`,
//!   non-blocking and zero-timeout calls, and blocking calls whose condition already holds (a
//!   free lock, a set `Event`, a finished thread's `join`, the last party of a `Barrier`);
//! * calls that return `Result` and would have to wait (`join`, `acquire_timeout`,
//!   `wait_timeout`, `Condition::wait`, `Barrier::wait`, ...) return
//!   `Err(Runtime("cannot block on the page's UI thread ..."))` at once, with nothing changed;
//! * calls that cannot return an error (`Lock::acquire()`, `Event::wait()`, the guards, ...)
//!   spin for at most `UI_WAIT_LIMIT` (1 s), so that a lock held briefly by a worker is still
//!   taken; past it they throw a JS exception ([`throw`]) with the same message. (Returning
//!   `false` would break their contract: a guard would release a lock it never took; a Rust
//!   panic would trap under `panic=abort` and leave the thread's panic count set.)
//!
//! The crate's internal short critical sections (a `Condition`'s queue, a `Barrier`'s counters)
//! follow the last rule.

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

/// Gives up a call that cannot fail on the UI thread: throws a JS `Error` with `msg`. Unlike a
/// panic (a trap under `panic=abort`) it leaves no panic count behind; like one, the frames
/// it unwinds run no destructors.
pub(crate) fn throw(msg: &str) -> ! {
    wasm_bindgen::throw_str(msg)
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
