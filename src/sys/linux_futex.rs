//! Linux `futex(2)`: the same facility std's `Mutex`/`Condvar` use, called directly so that a
//! blocked thread costs one syscall and no queue bookkeeping.

use super::atomic::AtomicU32;
use std::time::Duration;

/// Blocks while `*a == expected`, for at most `timeout` (None: no limit). May return
/// spuriously (EINTR, EAGAIN when the value already differs, timeout): callers re-check.
pub(crate) fn wait(a: &AtomicU32, expected: u32, timeout: Option<Duration>) {
    let ts = timeout.map(|d| libc::timespec {
        // Durations above i64::MAX seconds cannot be requested; TIMEOUT_MAX is far below.
        tv_sec: d.as_secs().min(i64::MAX as u64) as libc::time_t,
        tv_nsec: d.subsec_nanos() as libc::c_long,
    });
    let ts_ptr = ts
        .as_ref()
        .map_or(std::ptr::null(), |t| t as *const libc::timespec);
    // SAFETY: `a` is a live, aligned u32 for the duration of the call; FUTEX_WAIT only reads it.
    unsafe {
        libc::syscall(
            libc::SYS_futex,
            a.as_ptr(),
            libc::FUTEX_WAIT | libc::FUTEX_PRIVATE_FLAG,
            expected,
            ts_ptr,
        );
    }
}

fn wake(a: &AtomicU32, n: i32) {
    // SAFETY: FUTEX_WAKE does not access the memory; the address is only a key.
    unsafe {
        libc::syscall(
            libc::SYS_futex,
            a.as_ptr(),
            libc::FUTEX_WAKE | libc::FUTEX_PRIVATE_FLAG,
            n,
        );
    }
}

/// Wakes one thread blocked in [`wait`] on `a`.
pub(crate) fn wake_one(a: &AtomicU32) {
    wake(a, 1);
}

/// Wakes every thread blocked in [`wait`] on `a`.
pub(crate) fn wake_all(a: &AtomicU32) {
    wake(a, i32::MAX);
}
