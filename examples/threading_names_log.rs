// threading_names_log: PyMOTW 3's `threading_names_log.py` ported line by line.
// Run: cargo run --example threading_names_log
//
// The Python original, for comparison:
//
//     import logging
//     import threading
//     import time
//
//
//     def worker():
//         logging.debug('Starting')
//         time.sleep(0.2)
//         logging.debug('Exiting')
//
//
//     def my_service():
//         logging.debug('Starting')
//         time.sleep(0.3)
//         logging.debug('Exiting')
//
//
//     logging.basicConfig(
//         level=logging.DEBUG,
//         format='[%(levelname)s] (%(threadName)-10s) %(message)s',
//     )
//
//     t = threading.Thread(name='my_service', target=my_service)
//     w = threading.Thread(name='worker', target=worker)
//     w2 = threading.Thread(target=worker)  # use default name
//
//     w.start()
//     w2.start()
//     t.start()

use pythreading as threading;

#[path = "common/mod.rs"]
pub mod common;
use common::{logging, time};

fn worker() {
    log::debug!("Starting");
    time::sleep(0.2);
    log::debug!("Exiting");
}

fn my_service() {
    log::debug!("Starting");
    time::sleep(0.3);
    log::debug!("Exiting");
}

pub fn main() -> threading::Result<()> {
    logging::basic_config(
        logging::DEBUG,
        "[%(levelname)s] (%(threadName)-10s) %(message)s",
    );

    let t = threading::Thread::builder()
        .name("my_service")
        .target(my_service)
        .build();
    let w = threading::Thread::builder()
        .name("worker")
        .target(worker)
        .build();
    let w2 = threading::Thread::new(worker); // use default name

    w.start()?;
    w2.start()?;
    t.start()?;
    Ok(())
}
