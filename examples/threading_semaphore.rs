// threading_semaphore: PyMOTW 3's `threading_semaphore.py` ported line by line.
// Run: cargo run --example threading_semaphore
//
// The Python original, for comparison (getName()/setName() are spelled .name, as Python 3.11 wants):
//
//     import logging
//     import random
//     import threading
//     import time
//
//
//     class ActivePool:
//
//         def __init__(self):
//             super(ActivePool, self).__init__()
//             self.active = []
//             self.lock = threading.Lock()
//
//         def makeActive(self, name):
//             with self.lock:
//                 self.active.append(name)
//                 logging.debug('Running: %s', self.active)
//
//         def makeInactive(self, name):
//             with self.lock:
//                 self.active.remove(name)
//                 logging.debug('Running: %s', self.active)
//
//
//     def worker(s, pool):
//         logging.debug('Waiting to join the pool')
//         with s:
//             name = threading.current_thread().name
//             pool.makeActive(name)
//             time.sleep(0.1)
//             pool.makeInactive(name)
//
//
//     logging.basicConfig(
//         level=logging.DEBUG,
//         format='%(asctime)s (%(threadName)-2s) %(message)s',
//     )
//
//     pool = ActivePool()
//     s = threading.Semaphore(2)
//     for i in range(4):
//         t = threading.Thread(
//             target=worker,
//             name=str(i),
//             args=(s, pool),
//         )
//         t.start()

use pythreading as threading;
use std::sync::{Arc, Mutex};

#[path = "common/mod.rs"]
pub mod common;
use common::{logging, py_str_list, time};

struct ActivePool {
    // Rust wants a Sync cell around the list; `lock` is what serialises access to it, so
    // `try_lock` always finds the cell free (it would panic if the threading.Lock failed).
    active: Mutex<Vec<String>>,
    lock: threading::Lock,
}

impl ActivePool {
    fn new() -> ActivePool {
        ActivePool {
            active: Mutex::new(Vec::new()),
            lock: threading::Lock::new(),
        }
    }

    fn make_active(&self, name: &str) {
        let _with = self.lock.guard(); // with self.lock:
        let mut active = self.active.try_lock().expect("guarded by self.lock");
        active.push(name.to_string());
        log::debug!("Running: {}", py_str_list(&active));
    }

    fn make_inactive(&self, name: &str) {
        let _with = self.lock.guard(); // with self.lock:
        let mut active = self.active.try_lock().expect("guarded by self.lock");
        active.retain(|n| n != name);
        log::debug!("Running: {}", py_str_list(&active));
    }
}

fn worker(s: threading::Semaphore, pool: Arc<ActivePool>) {
    log::debug!("Waiting to join the pool");
    let _with = s.guard(); // with s:
    let name = threading::current_thread().name();
    pool.make_active(&name);
    time::sleep(0.1);
    pool.make_inactive(&name);
}

pub fn main() -> threading::Result<()> {
    logging::basic_config(logging::DEBUG, "%(asctime)s (%(threadName)-2s) %(message)s");

    let pool = Arc::new(ActivePool::new());
    let s = threading::Semaphore::new(2);
    for i in 0..4 {
        let t = threading::Thread::builder()
            .target({
                let (s, pool) = (s.clone(), pool.clone());
                move || worker(s, pool)
            })
            .name(i.to_string())
            .build();
        t.start()?;
    }
    Ok(())
}
