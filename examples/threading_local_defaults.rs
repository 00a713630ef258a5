// threading_local_defaults: PyMOTW 3's `threading_local_defaults.py` ported line by line.
// Run: cargo run --example threading_local_defaults
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
//     class MyLocal(threading.local):
//
//         def __init__(self, value):
//             super().__init__()
//             logging.debug('Initializing %r', self)
//             self.value = value
//
//
//     logging.basicConfig(
//         level=logging.DEBUG,
//         format='(%(threadName)-10s) %(message)s',
//     )
//
//     local_data = MyLocal(1000)
//     show_value(local_data)
//
//     for i in range(2):
//         t = threading.Thread(target=worker, args=(local_data,))
//         t.start()

use pythreading as threading;
use std::sync::{Arc, OnceLock};

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

// class MyLocal(threading.local): its __init__ runs once in each thread that uses the object;
// here, the per-thread initialiser of `Local::with_init`.
struct MyLocal;

impl MyLocal {
    #[allow(clippy::new_ret_no_self)]
    fn new(value: i64) -> threading::Local<i64> {
        // `%r` of self: the repr of the Local, known once it exists.
        let this: Arc<OnceLock<String>> = Arc::default();
        let local = threading::Local::with_init({
            let this = this.clone();
            move || {
                log::debug!("Initializing {}", this.get().expect("set below"));
                value
            }
        });
        this.set(format!("{local:?}")).expect("set once");
        local
    }
}

pub fn main() -> threading::Result<()> {
    logging::basic_config(logging::DEBUG, "(%(threadName)-10s) %(message)s");

    let local_data = MyLocal::new(1000);
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
