// threading_simpleargs: PyMOTW 3's `threading_simpleargs.py` ported line by line.
// Run: cargo run --example threading_simpleargs
//
// The Python original, for comparison:
//
//     import threading
//
//
//     def worker(num):
//         """thread worker function"""
//         print('Worker: %s' % num)
//
//
//     threads = []
//     for i in range(5):
//         t = threading.Thread(target=worker, args=(i,))
//         threads.append(t)
//         t.start()

use pythreading as threading;

#[path = "common/mod.rs"]
pub mod common;
use common::println;

fn worker(num: i32) {
    // thread worker function
    println!("Worker: {num}");
}

pub fn main() -> threading::Result<()> {
    let mut threads = Vec::new();
    for i in 0..5 {
        let t = threading::Thread::new(move || worker(i));
        threads.push(t.clone());
        t.start()?;
    }
    Ok(())
}
