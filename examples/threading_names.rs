// threading_names: PyMOTW 3's `threading_names.py` ported line by line.
// Run: cargo run --example threading_names
//
// The Python original, for comparison (getName()/setName() are spelled .name, as Python 3.11 wants):
//
//     import threading
//     import time
//
//
//     def worker():
//         print(threading.current_thread().name, 'Starting')
//         time.sleep(0.2)
//         print(threading.current_thread().name, 'Exiting')
//
//
//     def my_service():
//         print(threading.current_thread().name, 'Starting')
//         time.sleep(0.3)
//         print(threading.current_thread().name, 'Exiting')
//
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
use common::{println, time};

fn worker() {
    println!("{} Starting", threading::current_thread().name());
    time::sleep(0.2);
    println!("{} Exiting", threading::current_thread().name());
}

fn my_service() {
    println!("{} Starting", threading::current_thread().name());
    time::sleep(0.3);
    println!("{} Exiting", threading::current_thread().name());
}

pub fn main() -> threading::Result<()> {
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
