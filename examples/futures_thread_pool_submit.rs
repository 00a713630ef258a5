// futures_thread_pool_submit: PyMOTW 3's `futures_thread_pool_submit.py` ported line by line.
// Run: cargo run --example futures_thread_pool_submit
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
//     f = ex.submit(task, 5)
//     print('main: future: {}'.format(f))
//     print('main: waiting for results')
//     result = f.result()
//     print('main: result: {}'.format(result))
//     print('main: future after result: {}'.format(f))

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
    let f = ex.submit(|| task(5))?;
    println!("main: future: {f:?}");
    println!("main: waiting for results");
    let result = f.result()?;
    println!("main: result: {result}");
    println!("main: future after result: {f:?}");
    Ok(())
}
