// threading_lock_with: PyMOTW 3's `threading_lock_with.py` ported line by line.
// Run: cargo run --example threading_lock_with
//
// The Python original, for comparison:
//
//     import threading
//     import logging
//
//
//     def worker_with(lock):
//         with lock:
//             logging.debug('Lock acquired via with')
//
//
//     def worker_no_with(lock):
//         lock.acquire()
//         try:
//             logging.debug('Lock acquired directly')
//         finally:
//             lock.release()
//
//
//     logging.basicConfig(
//         level=logging.DEBUG,
//         format='(%(threadName)-10s) %(message)s',
//     )
//
//     lock = threading.Lock()
//     w = threading.Thread(target=worker_with, args=(lock,))
//     nw = threading.Thread(target=worker_no_with, args=(lock,))
//
//     w.start()
//     nw.start()

use pythreading as threading;

#[path = "common/mod.rs"]
pub mod common;
use common::logging;

fn worker_with(lock: threading::Lock) {
    let _with = lock.guard(); // with lock: (released when the guard drops)
    log::debug!("Lock acquired via with");
}

fn worker_no_with(lock: threading::Lock) {
    lock.acquire();
    // try:
    log::debug!("Lock acquired directly");
    // finally:
    lock.release().expect("the lock is held");
}

pub fn main() -> threading::Result<()> {
    logging::basic_config(logging::DEBUG, "(%(threadName)-10s) %(message)s");

    let lock = threading::Lock::new();
    let w = threading::Thread::new({
        let lock = lock.clone();
        move || worker_with(lock)
    });
    let nw = threading::Thread::new({
        let lock = lock.clone();
        move || worker_no_with(lock)
    });

    w.start()?;
    nw.start()?;
    Ok(())
}
