// queue_fifo: PyMOTW 3's `queue_fifo.py` ported line by line.
// Run: cargo run --example queue_fifo
//
// The Python original, for comparison:
//
//     import queue
//
//     q = queue.Queue()
//
//     for i in range(5):
//         q.put(i)
//
//     while not q.empty():
//         print(q.get(), end=' ')
//     print()

use pythreading as threading;
use pythreading::queue;

#[path = "common/mod.rs"]
pub mod common;
use common::println;

pub fn main() -> threading::Result<()> {
    let q = queue::Queue::new(0);

    for i in 0..5 {
        q.put(i)?;
    }

    let mut line = String::new();
    while !q.empty() {
        line += &format!("{} ", q.get()?); // print(q.get(), end=' ')
    }
    println!("{line}");
    Ok(())
}
