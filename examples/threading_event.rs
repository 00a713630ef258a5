// threading_event: PyMOTW 3's `threading_event.py` ported line by line.
// Run: cargo run --example threading_event
//
// The Python original, for comparison:
//
//     import logging
//     import threading
//     import time
//
//
//     def wait_for_event(e):
//         """Wait for the event to be set before doing anything"""
//         logging.debug('wait_for_event starting')
//         event_is_set = e.wait()
//         logging.debug('event set: %s', event_is_set)
//
//
//     def wait_for_event_timeout(e, t):
//         """Wait t seconds and then timeout"""
//         while not e.is_set():
//             logging.debug('wait_for_event_timeout starting')
//             event_is_set = e.wait(t)
//             logging.debug('event set: %s', event_is_set)
//             if event_is_set:
//                 logging.debug('processing event')
//             else:
//                 logging.debug('doing other work')
//
//
//     logging.basicConfig(
//         level=logging.DEBUG,
//         format='(%(threadName)-10s) %(message)s',
//     )
//
//     e = threading.Event()
//     t1 = threading.Thread(
//         name='block',
//         target=wait_for_event,
//         args=(e,),
//     )
//     t1.start()
//
//     t2 = threading.Thread(
//         name='nonblock',
//         target=wait_for_event_timeout,
//         args=(e, 2),
//     )
//     t2.start()
//
//     logging.debug('Waiting before calling Event.set()')
//     time.sleep(0.3)
//     e.set()
//     logging.debug('Event is set')

use pythreading as threading;

#[path = "common/mod.rs"]
pub mod common;
use common::{logging, py_bool, time};

fn wait_for_event(e: threading::Event) {
    // Wait for the event to be set before doing anything
    log::debug!("wait_for_event starting");
    let event_is_set = e.wait();
    log::debug!("event set: {}", py_bool(event_is_set));
}

fn wait_for_event_timeout(e: threading::Event, t: f64) {
    // Wait t seconds and then timeout
    while !e.is_set() {
        log::debug!("wait_for_event_timeout starting");
        let event_is_set = e.wait_timeout(t).expect("a valid timeout");
        log::debug!("event set: {}", py_bool(event_is_set));
        if event_is_set {
            log::debug!("processing event");
        } else {
            log::debug!("doing other work");
        }
    }
}

pub fn main() -> threading::Result<()> {
    logging::basic_config(logging::DEBUG, "(%(threadName)-10s) %(message)s");

    let e = threading::Event::new();
    let t1 = threading::Thread::builder()
        .name("block")
        .target({
            let e = e.clone();
            move || wait_for_event(e)
        })
        .build();
    t1.start()?;

    let t2 = threading::Thread::builder()
        .name("nonblock")
        .target({
            let e = e.clone();
            move || wait_for_event_timeout(e, 2.0)
        })
        .build();
    t2.start()?;

    log::debug!("Waiting before calling Event.set()");
    time::sleep(0.3);
    e.set();
    log::debug!("Event is set");
    Ok(())
}
