// futures_thread_pool_map: PyMOTW 3's `futures_thread_pool_map.py` ported line by line.
// Run: cargo run --example futures_thread_pool_map
//
// The Python original, for comparison:
//
//     from concurrent import futures
//     import threading
//     import time
//
//
//     def task(n):
//         print('{}: sleeping {}'.format(
//             threading.current_thread().name,
//             n)
//         )
//         time.sleep(n / 10)
//         print('{}: done with {}'.format(
//             threading.current_thread().name,
//             n)
//         )
//         return n / 10
//
//
//     ex = futures.ThreadPoolExecutor(max_workers=2)
//     print('main: starting')
//     results = ex.map(task, range(5, 0, -1))
//     print('main: unprocessed results {}'.format(results))
//     print('main: waiting for real results')
//     real_results = list(results)
//     print('main: results: {}'.format(real_results))

use pythreading as threading;
use pythreading::futures;

#[path = "common/mod.rs"]
pub mod common;
use common::{println, time};

fn task(n: u32) -> f64 {
    println!("{}: sleeping {n}", threading::current_thread().name());
    time::sleep(f64::from(n) / 10.0);
    println!("{}: done with {n}", threading::current_thread().name());
    f64::from(n) / 10.0
}

pub fn main() -> threading::Result<()> {
    let ex = futures::ThreadPoolExecutor::new(Some(2))?;
    println!("main: starting");
    let results = ex.map(task, (1..=5).rev())?;
    println!("main: unprocessed results {results:?}");
    println!("main: waiting for real results");
    let real_results = results.collect::<threading::Result<Vec<f64>>>()?;
    println!("main: results: {real_results:?}");
    Ok(())
}
