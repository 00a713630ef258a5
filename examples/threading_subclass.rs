// threading_subclass: PyMOTW 3's `threading_subclass.py` ported line by line.
// Run: cargo run --example threading_subclass
//
// The Python original, for comparison:
//
//     import threading
//     import logging
//
//
//     class MyThread(threading.Thread):
//
//         def run(self):
//             logging.debug('running')
//
//
//     logging.basicConfig(
//         level=logging.DEBUG,
//         format='(%(threadName)-10s) %(message)s',
//     )
//
//     for i in range(5):
//         t = MyThread()
//         t.start()

use pythreading as threading;

#[path = "common/mod.rs"]
pub mod common;
use common::logging;

// A subclass of Thread overriding run(): a type implementing `threading::Run`.
struct MyThread;

impl threading::Run for MyThread {
    fn run(&mut self) {
        log::debug!("running");
    }
}

pub fn main() -> threading::Result<()> {
    logging::basic_config(logging::DEBUG, "(%(threadName)-10s) %(message)s");

    for _i in 0..5 {
        let t = threading::Thread::from_run(MyThread);
        t.start()?;
    }
    Ok(())
}
