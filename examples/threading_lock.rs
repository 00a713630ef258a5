// threading_lock: PyMOTW 3's `threading_lock.py` ported line by line.
// Run: cargo run --example threading_lock
//
// The Python original, for comparison:
//
//     import logging
//     import random
//     import threading
//     import time
//
//
//     class Counter:
//
//         def __init__(self, start=0):
//             self.lock = threading.Lock()
//             self.value = start
//
//         def increment(self):
//             logging.debug('Waiting for lock')
//             self.lock.acquire()
//             try:
//                 logging.debug('Acquired lock')
//                 self.value = self.value + 1
//             finally:
//                 self.lock.release()
//
//
//     def worker(c):
//         for i in range(2):
//             pause = random.random()
//             logging.debug('Sleeping %0.02f', pause)
//             time.sleep(pause)
//             c.increment()
//         logging.debug('Done')
//
//
//     logging.basicConfig(
//         level=logging.DEBUG,
//         format='(%(threadName)-10s) %(message)s',
//     )
//
//     counter = Counter()
//     for i in range(2):
//         t = threading.Thread(target=worker, args=(counter,))
//         t.start()
//
//     logging.debug('Waiting for worker threads')
//     main_thread = threading.main_thread()
//     for t in threading.enumerate():
//         if t is not main_thread:
//             t.join()
//     logging.debug('Counter: %d', counter.value)

use pythreading as threading;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::Arc;

#[path = "common/mod.rs"]
pub mod common;
use common::{logging, random, time};

struct Counter {
    lock: threading::Lock,
    // Read and written separately (not an atomic increment): only `lock` keeps the
    // read-modify-write of two threads from losing an update, as in the Python original.
    value: AtomicU64,
}

impl Counter {
    fn new(start: u64) -> Counter {
        Counter {
            lock: threading::Lock::new(),
            value: AtomicU64::new(start),
        }
    }

    fn increment(&self) {
        log::debug!("Waiting for lock");
        self.lock.acquire();
        // try:
        log::debug!("Acquired lock");
        self.value.store(self.value.load(Relaxed) + 1, Relaxed);
        // finally:
        self.lock.release().expect("the lock is held");
    }
}

fn worker(c: Arc<Counter>) {
    for _i in 0..2 {
        let pause = random::random();
        log::debug!("Sleeping {pause:.2}");
        time::sleep(pause);
        c.increment();
    }
    log::debug!("Done");
}

pub fn main() -> threading::Result<()> {
    logging::basic_config(logging::DEBUG, "(%(threadName)-10s) %(message)s");

    let counter = Arc::new(Counter::new(0));
    for _i in 0..2 {
        let t = threading::Thread::new({
            let counter = counter.clone();
            move || worker(counter)
        });
        t.start()?;
    }

    log::debug!("Waiting for worker threads");
    let main_thread = threading::main_thread();
    for t in threading::enumerate() {
        if t != main_thread {
            t.join()?;
        }
    }
    log::debug!("Counter: {}", counter.value.load(Relaxed));
    Ok(())
}
