// futures_future_exception: PyMOTW 3's `futures_future_exception.py` ported line by line: a
// task that raises. Its exception is kept in its future: `exception()` returns it and
// `result()` raises it again in the caller. In Rust the task panics; the executor catches the
// panic and stores it as `Error::Panic` with the panic's message, which is what `exception()`
// returns and `result()` gives back. As in Python nothing else is printed: the excepthook is
// not called and the pool carries on.
// Run: cargo run --example futures_future_exception
//
// Catching the panic needs panics to unwind: natively they do, and so do the project's wasm
// builds (wasmtime and browsers). Where a build makes panics abort (stable Rust's
// wasm32-wasip1-threads), the panic ends the worker thread (the project's host) or the whole
// process (stock wasmtime), so this example is listed as not runnable there, with that reason
// (`NEEDS_UNWINDING` in xtask/src/examples.rs).
//
// The Python original, for comparison:
//
//     from concurrent import futures
//
//
//     def task(n):
//         print('{}: starting'.format(n))
//         raise ValueError('the value {} is no good'.format(n))
//
//
//     ex = futures.ThreadPoolExecutor(max_workers=2)
//     print('main: starting')
//     f = ex.submit(task, 5)
//
//     error = f.exception()
//     print('main: error: {}'.format(error))
//
//     try:
//         result = f.result()
//     except ValueError as e:
//         print('main: saw error "{}" when accessing result'.format(e))

use pythreading as threading;
use pythreading::futures;

#[path = "common/mod.rs"]
pub mod common;
use common::println;

fn task(n: u32) {
    println!("{n}: starting");
    panic!("the value {n} is no good");
}

pub fn main() -> threading::Result<()> {
    let ex = futures::ThreadPoolExecutor::new(Some(2))?;
    println!("main: starting");
    let f = ex.submit(|| task(5))?;

    // Python's str() of an exception is its message: for a panic, the panic's message.
    match f.exception() {
        Some(threading::Error::Panic(message)) => println!("main: error: {message}"),
        error => println!("main: error: {error:?}"),
    }

    // try: result = f.result() / except ValueError as e: ... (any other error propagates).
    match f.result() {
        Ok(()) => {}
        Err(threading::Error::Panic(e)) => {
            println!("main: saw error \"{e}\" when accessing result")
        }
        Err(e) => return Err(e),
    }
    Ok(())
}
