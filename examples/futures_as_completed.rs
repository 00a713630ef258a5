// futures_as_completed: PyMOTW 3's `futures_as_completed.py` ported line by line.
// Run: cargo run --example futures_as_completed
//
// The Python original, for comparison:
//
//     from concurrent import futures
//     import random
//     import time
//
//
//     def task(n):
//         time.sleep(random.random())
//         return (n, n / 10)
//
//
//     ex = futures.ThreadPoolExecutor(max_workers=5)
//     print('main: starting')
//
//     wait_for = [
//         ex.submit(task, i)
//         for i in range(5, 0, -1)
//     ]
//
//     for f in futures.as_completed(wait_for):
//         print('main: result: {}'.format(f.result()))

use pythreading as threading;
use pythreading::futures;

#[path = "common/mod.rs"]
pub mod common;
use common::{println, random, time};

fn task(n: u32) -> (u32, f64) {
    time::sleep(random::random());
    (n, f64::from(n) / 10.0)
}

pub fn main() -> threading::Result<()> {
    let ex = futures::ThreadPoolExecutor::new(Some(5))?;
    println!("main: starting");

    let wait_for = (1..=5)
        .rev()
        .map(|i| ex.submit(move || task(i)))
        .collect::<threading::Result<Vec<_>>>()?;

    for f in futures::as_completed(wait_for, None)? {
        println!("main: result: {:?}", f?.result()?);
    }
    Ok(())
}
