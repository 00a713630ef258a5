// threading_condition: PyMOTW 3's `threading_condition.py` ported line by line.
// Run: cargo run --example threading_condition
//
// The Python original, for comparison (notifyAll() is spelled notify_all(), as Python 3.11 wants):
//
//     import logging
//     import threading
//     import time
//
//
//     def consumer(cond):
//         """wait for the condition and use the resource"""
//         logging.debug('Starting consumer thread')
//         with cond:
//             cond.wait()
//             logging.debug('Resource is available to consumer')
//
//
//     def producer(cond):
//         """set up the resource to be used by the consumer"""
//         logging.debug('Starting producer thread')
//         with cond:
//             logging.debug('Making resource available')
//             cond.notify_all()
//
//
//     logging.basicConfig(
//         level=logging.DEBUG,
//         format='%(asctime)s (%(threadName)-2s) %(message)s',
//     )
//
//     condition = threading.Condition()
//     c1 = threading.Thread(name='c1', target=consumer,
//                           args=(condition,))
//     c2 = threading.Thread(name='c2', target=consumer,
//                           args=(condition,))
//     p = threading.Thread(name='p', target=producer,
//                          args=(condition,))
//
//     c1.start()
//     time.sleep(0.2)
//     c2.start()
//     time.sleep(0.2)
//     p.start()

use pythreading as threading;

#[path = "common/mod.rs"]
pub mod common;
use common::{logging, time};

fn consumer(cond: threading::Condition) {
    // wait for the condition and use the resource
    log::debug!("Starting consumer thread");
    let _with = cond.guard(); // with cond:
    cond.wait().expect("the condition's lock is held");
    log::debug!("Resource is available to consumer");
}

fn producer(cond: threading::Condition) {
    // set up the resource to be used by the consumer
    log::debug!("Starting producer thread");
    let _with = cond.guard(); // with cond:
    log::debug!("Making resource available");
    cond.notify_all().expect("the condition's lock is held");
}

pub fn main() -> threading::Result<()> {
    logging::basic_config(logging::DEBUG, "%(asctime)s (%(threadName)-2s) %(message)s");

    let condition = threading::Condition::new();
    let c1 = threading::Thread::builder()
        .name("c1")
        .target({
            let condition = condition.clone();
            move || consumer(condition)
        })
        .build();
    let c2 = threading::Thread::builder()
        .name("c2")
        .target({
            let condition = condition.clone();
            move || consumer(condition)
        })
        .build();
    let p = threading::Thread::builder()
        .name("p")
        .target({
            let condition = condition.clone();
            move || producer(condition)
        })
        .build();

    c1.start()?;
    time::sleep(0.2);
    c2.start()?;
    time::sleep(0.2);
    p.start()?;
    Ok(())
}
