// threading_simple: PyMOTW 3's `threading_simple.py` ported line by line.
// Run: cargo run --example threading_simple
//
// The Python original, for comparison:
//
//     import threading
//
//
//     def worker():
//         """thread worker function"""
//         print('Worker')
//
//
//     threads = []
//     for i in range(5):
//         t = threading.Thread(target=worker)
//         threads.append(t)
//         t.start()

use pythreading as threading;

#[path = "common/mod.rs"]
pub mod common;
use common::println;

fn worker() {
    // thread worker function
    println!("Worker");
}

pub fn main() -> threading::Result<()> {
    let mut threads = Vec::new();
    for _i in 0..5 {
        let t = threading::Thread::new(worker);
        threads.push(t.clone());
        t.start()?;
    }
    Ok(())
}
