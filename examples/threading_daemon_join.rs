// threading_daemon_join: PyMOTW 3's `threading_daemon_join.py` ported line by line.
// Run: cargo run --example threading_daemon_join
//
// The Python original, for comparison:
//
//     import threading
//     import time
//     import logging
//
//
//     def daemon():
//         logging.debug('Starting')
//         time.sleep(0.2)
//         logging.debug('Exiting')
//
//
//     def non_daemon():
//         logging.debug('Starting')
//         logging.debug('Exiting')
//
//
//     logging.basicConfig(
//         level=logging.DEBUG,
//         format='(%(threadName)-10s) %(message)s',
//     )
//
//     d = threading.Thread(name='daemon', target=daemon, daemon=True)
//
//     t = threading.Thread(name='non-daemon', target=non_daemon)
//
//     d.start()
//     t.start()
//
//     d.join()
//     t.join()

use pythreading as threading;

#[path = "common/mod.rs"]
pub mod common;
use common::{logging, time};

fn daemon() {
    log::debug!("Starting");
    time::sleep(0.2);
    log::debug!("Exiting");
}

fn non_daemon() {
    log::debug!("Starting");
    log::debug!("Exiting");
}

pub fn main() -> threading::Result<()> {
    logging::basic_config(logging::DEBUG, "(%(threadName)-10s) %(message)s");

    let d = threading::Thread::builder()
        .name("daemon")
        .target(daemon)
        .daemon(true)
        .build();

    let t = threading::Thread::builder()
        .name("non-daemon")
        .target(non_daemon)
        .build();

    d.start()?;
    t.start()?;

    d.join()?;
    t.join()?;
    Ok(())
}
