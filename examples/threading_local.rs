// threading_local: PyMOTW 3's `threading_local.py` ported line by line.
// Run: cargo run --example threading_local
//
// The Python original, for comparison:
//
//     import random
//     import threading
//     import logging
//
//
//     def show_value(data):
//         try:
//             val = data.value
//         except AttributeError:
//             logging.debug('No value yet')
//         else:
//             logging.debug('value=%s', val)
//
//
//     def worker(data):
//         show_value(data)
//         data.value = random.randint(1, 100)
//         show_value(data)
//
//
//     logging.basicConfig(
//         level=logging.DEBUG,
//         format='(%(threadName)-10s) %(message)s',
//     )
//
//     local_data = threading.local()
//     show_value(local_data)
//     local_data.value = 1000
//     show_value(local_data)
//
//     for i in range(2):
//         t = threading.Thread(target=worker, args=(local_data,))
//         t.start()

use pythreading as threading;

#[path = "common/mod.rs"]
pub mod common;
use common::{logging, random};

fn show_value(data: &threading::Local<i64>) {
    match data.get() {
        // except AttributeError:
        None => log::debug!("No value yet"),
        Some(val) => log::debug!("value={val}"),
    }
}

fn worker(data: threading::Local<i64>) {
    show_value(&data);
    data.set(random::randint(1, 100));
    show_value(&data);
}

pub fn main() -> threading::Result<()> {
    logging::basic_config(logging::DEBUG, "(%(threadName)-10s) %(message)s");

    let local_data = threading::Local::new();
    show_value(&local_data);
    local_data.set(1000);
    show_value(&local_data);

    for _i in 0..2 {
        let t = threading::Thread::new({
            let local_data = local_data.clone();
            move || worker(local_data)
        });
        t.start()?;
    }
    Ok(())
}
