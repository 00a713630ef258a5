//! Python's [`concurrent.futures`](https://docs.python.org/3/library/concurrent.futures.html),
//! thread-pool half: [`ThreadPoolExecutor`], [`Future`], [`as_completed`] and [`wait`]
//! (behaviours CF-01 to CF-48 in `docs/behaviours.md`).
//!
//! ```
//! use pythreading::futures::{as_completed, ThreadPoolExecutor};
//!
//! // Python:
//! //   with ThreadPoolExecutor(max_workers=2) as ex:
//! //       futs = [ex.submit(pow, 2, n) for n in range(5)]
//! //       print(sorted(f.result() for f in as_completed(futs)))
//! let ex = ThreadPoolExecutor::new(Some(2)).unwrap();
//! let futs: Vec<_> = (0..5u32).map(|n| ex.submit(move || 2u64.pow(n)).unwrap()).collect();
//! let mut got: Vec<u64> = as_completed(futs, None)
//!     .unwrap()
//!     .map(|f| f.unwrap().result().unwrap())
//!     .collect();
//! got.sort();
//! assert_eq!(got, [1, 2, 4, 8, 16]);
//! ```
//!
//! # Errors
//!
//! A task that panics finishes its future with [`Error::Panic`](crate::Error::Panic) (the
//! message), which `result()` returns and `exception()` reports; the worker carries on and the
//! excepthook is not called, as in Python (the example `futures_future_exception`). This needs
//! unwinding (`catch_unwind`): natively and in the project's wasm builds (wasmtime and
//! browsers, `-Cpanic=unwind`) it works; in a build with `panic = "abort"` (stable Rust's
//! `wasm32-wasip1-threads`) the panic ends the worker thread, or the program where the runtime
//! ends the process on a trap, and its future never completes.
//! [`Error::Cancelled`](crate::Error::Cancelled) is `CancelledError`,
//! [`Error::Timeout`](crate::Error::Timeout) `TimeoutError`.
//!
//! # Design
//!
//! As in CPython's `concurrent/futures/thread.py`: the executor's work queue is a
//! [`SimpleQueue`](crate::queue::SimpleQueue); each worker is a crate [`Thread`](crate::Thread)
//! (named, in `enumerate()`) that takes work items until it finds the `None` sentinel; an idle
//! [`Semaphore`](crate::Semaphore) lets `submit` reuse an idle worker before it starts another.
//! A [`Future`] is a lock over its state; a caller of `result()` that has to wait sleeps on an
//! [`Event`](crate::Event) set when the future is done (see `future.rs` for why not a
//! `Condition`); `as_completed` and `wait` hang a waiter (a queue of finished futures) on each
//! future.

mod future;
mod thread_pool_executor;
mod wait;

pub use future::Future;
pub use thread_pool_executor::{Map, ThreadPoolExecutor, ThreadPoolExecutorBuilder};
#[allow(unused_imports)] // the browser binding's (src/js/thread_pool_executor.rs)
pub(crate) use thread_pool_executor::{Work, Worker};
pub use wait::{as_completed, wait, AsCompleted, Wait};

/// The message of a caught panic: the `&str` or `String` it carries, like std's own report.
pub(crate) fn panic_message(p: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = p.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = p.downcast_ref::<String>() {
        s.clone()
    } else {
        "Box<dyn Any>".to_string()
    }
}
