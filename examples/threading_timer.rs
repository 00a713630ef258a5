// threading_timer: PyMOTW 3's `threading_timer.py` ported line by line.
// Run: cargo run --example threading_timer
//
// The Python original, for comparison (getName()/setName() are spelled .name, as Python 3.11 wants):
//
//     import threading
//     import time
//     import logging
//
//
//     def delayed():
//         logging.debug('worker running')
//
//
//     logging.basicConfig(
//         level=logging.DEBUG,
//         format='(%(threadName)-10s) %(message)s',
//     )
//
//     t1 = threading.Timer(0.3, delayed)
//     t1.name = 't1'
//     t2 = threading.Timer(0.3, delayed)
//     t2.name = 't2'
//
//     logging.debug('starting timers')
//     t1.start()
//     t2.start()
//
//     logging.debug('waiting before canceling %s', t2.name)
//     time.sleep(0.2)
//     logging.debug('canceling %s', t2.name)
//     t2.cancel()
//     logging.debug('done')

use pythreading as threading;

#[path = "common/mod.rs"]
pub mod common;
use common::{logging, time};

fn delayed() {
    log::debug!("worker running");
}

pub fn main() -> threading::Result<()> {
    logging::basic_config(logging::DEBUG, "(%(threadName)-10s) %(message)s");

    let t1 = threading::Timer::new(0.3, delayed);
    t1.set_name("t1");
    let t2 = threading::Timer::new(0.3, delayed);
    t2.set_name("t2");

    log::debug!("starting timers");
    t1.start()?;
    t2.start()?;

    log::debug!("waiting before canceling {}", t2.name());
    time::sleep(0.2);
    log::debug!("canceling {}", t2.name());
    t2.cancel();
    log::debug!("done");
    // t1 is not a daemon: it is joined when the program ends, so its line comes last.
    Ok(())
}
