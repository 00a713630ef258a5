// queue_lifo: PyMOTW 3's `queue_lifo.py` ported line by line.
// Run: cargo run --example queue_lifo
//
// The Python original, for comparison:
//
//     import queue
//
//     q = queue.LifoQueue()
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
    let q = queue::LifoQueue::new(0);

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
