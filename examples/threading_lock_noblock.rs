// threading_lock_noblock: PyMOTW 3's `threading_lock_noblock.py` ported line by line.
// Run: cargo run --example threading_lock_noblock
//
// The Python original, for comparison:
//
//     import logging
//     import threading
//     import time
//
//
//     def lock_holder(lock):
//         logging.debug('Starting')
//         while True:
//             lock.acquire()
//             try:
//                 logging.debug('Holding')
//                 time.sleep(0.5)
//             finally:
//                 logging.debug('Not holding')
//                 lock.release()
//             time.sleep(0.5)
//
//
//     def worker(lock):
//         logging.debug('Starting')
//         num_tries = 0
//         num_acquires = 0
//         while num_acquires < 3:
//             time.sleep(0.5)
//             logging.debug('Trying to acquire')
//             have_it = lock.acquire(0)
//             try:
//                 num_tries += 1
//                 if have_it:
//                     logging.debug('Iteration %d: Acquired',
//                                   num_tries)
//                     num_acquires += 1
//                 else:
//                     logging.debug('Iteration %d: Not acquired',
//                                   num_tries)
//             finally:
//                 if have_it:
//                     lock.release()
//         logging.debug('Done after %d iterations', num_tries)
//
//
//     logging.basicConfig(
//         level=logging.DEBUG,
//         format='(%(threadName)-10s) %(message)s',
//     )
//
//     lock = threading.Lock()
//
//     holder = threading.Thread(
//         target=lock_holder,
//         args=(lock,),
//         name='LockHolder',
//         daemon=True,
//     )
//     holder.start()
//
//     worker = threading.Thread(
//         target=worker,
//         args=(lock,),
//         name='Worker',
//     )
//     worker.start()

use pythreading as threading;

#[path = "common/mod.rs"]
pub mod common;
use common::{logging, time};

fn lock_holder(lock: threading::Lock) {
    log::debug!("Starting");
    loop {
        lock.acquire();
        // try:
        log::debug!("Holding");
        time::sleep(0.5);
        // finally:
        log::debug!("Not holding");
        lock.release().expect("the lock is held");
        time::sleep(0.5);
    }
}

fn worker(lock: threading::Lock) {
    log::debug!("Starting");
    let mut num_tries = 0;
    let mut num_acquires = 0;
    while num_acquires < 3 {
        time::sleep(0.5);
        log::debug!("Trying to acquire");
        let have_it = lock.try_acquire(); // lock.acquire(0)
                                          // try:
        num_tries += 1;
        if have_it {
            log::debug!("Iteration {num_tries}: Acquired");
            num_acquires += 1;
        } else {
            log::debug!("Iteration {num_tries}: Not acquired");
        }
        // finally:
        if have_it {
            lock.release().expect("the lock is held");
        }
    }
    log::debug!("Done after {num_tries} iterations");
}

pub fn main() -> threading::Result<()> {
    logging::basic_config(logging::DEBUG, "(%(threadName)-10s) %(message)s");

    let lock = threading::Lock::new();

    let holder = threading::Thread::builder()
        .target({
            let lock = lock.clone();
            move || lock_holder(lock)
        })
        .name("LockHolder")
        .daemon(true)
        .build();
    holder.start()?;

    let worker = threading::Thread::builder()
        .target({
            let lock = lock.clone();
            move || worker(lock)
        })
        .name("Worker")
        .build();
    worker.start()?;
    Ok(())
}
