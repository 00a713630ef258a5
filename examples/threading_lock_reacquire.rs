// threading_lock_reacquire: PyMOTW 3's `threading_lock_reacquire.py` ported line by line.
// Run: cargo run --example threading_lock_reacquire
//
// The Python original, for comparison:
//
//     import threading
//
//     lock = threading.Lock()
//
//     print('First try :', lock.acquire())
//     print('Second try:', lock.acquire(0))

use pythreading as threading;

#[path = "common/mod.rs"]
pub mod common;
use common::{println, py_bool};

pub fn main() {
    let lock = threading::Lock::new();

    println!("First try : {}", py_bool(lock.acquire()));
    println!("Second try: {}", py_bool(lock.try_acquire())); // lock.acquire(0)
}
