//! A futex model for loom: one global loom `Mutex` + `Condvar`. Waiters check the word under the
//! mutex and wakers notify under it, which is exactly the no-lost-wake-up contract of a futex;
//! `notify_all` models spurious wake-ups. Timeouts are not modelled (a timed wait returns at
//! once, which is a legal spurious return).

use super::atomic::{AtomicU32, Ordering};
use loom::sync::{Condvar, Mutex};
use std::time::Duration;

loom::lazy_static! {
    static ref FUTEX: (Mutex<()>, Condvar) = (Mutex::new(()), Condvar::new());
}

pub(crate) fn wait(a: &AtomicU32, expected: u32, timeout: Option<Duration>) {
    let guard = FUTEX.0.lock().unwrap();
    if timeout.is_none() && a.load(Ordering::SeqCst) == expected {
        drop(FUTEX.1.wait(guard).unwrap());
    }
}

pub(crate) fn wake_one(_a: &AtomicU32) {
    let _g = FUTEX.0.lock().unwrap();
    FUTEX.1.notify_all();
}

pub(crate) fn wake_all(_a: &AtomicU32) {
    let _g = FUTEX.0.lock().unwrap();
    FUTEX.1.notify_all();
}
