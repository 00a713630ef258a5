// threading_enumerate: PyMOTW 3's `threading_enumerate.py` ported line by line.
// Run: cargo run --example threading_enumerate
//
// The Python original, for comparison (getName()/setName() are spelled .name, as Python 3.11 wants):
//
//     import random
//     import threading
//     import time
//     import logging
//
//
//     def worker():
//         """thread worker function"""
//         pause = random.randint(1, 5) / 10
//         logging.debug('sleeping %0.2f', pause)
//         time.sleep(pause)
//         logging.debug('ending')
//
//
//     logging.basicConfig(
//         level=logging.DEBUG,
//         format='(%(threadName)-10s) %(message)s',
//     )
//
//     for i in range(3):
//         t = threading.Thread(target=worker, daemon=True)
//         t.start()
//
//     main_thread = threading.main_thread()
//     for t in threading.enumerate():
//         if t is main_thread:
//             continue
//         logging.debug('joining %s', t.name)
//         t.join()

use pythreading as threading;

#[path = "common/mod.rs"]
pub mod common;
use common::{logging, random, time};

fn worker() {
    // thread worker function
    let pause = random::randint(1, 5) as f64 / 10.0;
    log::debug!("sleeping {pause:.2}");
    time::sleep(pause);
    log::debug!("ending");
}

pub fn main() -> threading::Result<()> {
    logging::basic_config(logging::DEBUG, "(%(threadName)-10s) %(message)s");

    for _i in 0..3 {
        let t = threading::Thread::builder()
            .target(worker)
            .daemon(true)
            .build();
        t.start()?;
    }

    let main_thread = threading::main_thread();
    for t in threading::enumerate() {
        if t == main_thread {
            continue;
        }
        log::debug!("joining {}", t.name());
        t.join()?;
    }
    Ok(())
}
