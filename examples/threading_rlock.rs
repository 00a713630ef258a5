// threading_rlock: PyMOTW 3's `threading_rlock.py` ported line by line.
// Run: cargo run --example threading_rlock
//
// The Python original, for comparison:
//
//     import threading
//
//     lock = threading.RLock()
//
//     print('First try :', lock.acquire())
//     print('Second try:', lock.acquire(0))

use pythreading as threading;

#[path = "common/mod.rs"]
pub mod common;
use common::{println, py_bool};

pub fn main() {
    let lock = threading::RLock::new();

    println!("First try : {}", py_bool(lock.acquire()));
    println!("Second try: {}", py_bool(lock.try_acquire())); // lock.acquire(0)
}
