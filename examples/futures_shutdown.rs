// futures_shutdown: PyMOTW 3's `futures_context_manager.py`: leaving the `with` block (here:
// the executor going out of scope) shuts the pool down and waits for its work.
// Run: cargo run --example futures_shutdown
//
// The Python original, for comparison:
//
//     from concurrent import futures
//
//
//     def task(n):
//         print(n)
//
//
//     with futures.ThreadPoolExecutor(max_workers=2) as ex:
//         print('main: starting')
//         ex.submit(task, 1)
//         ex.submit(task, 2)
//         ex.submit(task, 3)
//         ex.submit(task, 4)
//
//     print('main: done')

use pythreading as threading;
use pythreading::futures;

#[path = "common/mod.rs"]
pub mod common;
use common::println;

fn task(n: u32) {
    println!("{n}");
}

pub fn main() -> threading::Result<()> {
    {
        // with futures.ThreadPoolExecutor(max_workers=2) as ex:
        let ex = futures::ThreadPoolExecutor::new(Some(2))?;
        println!("main: starting");
        ex.submit(|| task(1))?;
        ex.submit(|| task(2))?;
        ex.submit(|| task(3))?;
        ex.submit(|| task(4))?;
    } // dropped here: shutdown(wait=True), as leaving the with block does

    println!("main: done");
    Ok(())
}
