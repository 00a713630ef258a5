//! Starting threads ahead of time. Not part of Python's `threading` (CPython starts an OS thread
//! whenever asked); browsers need it: a new Web Worker only starts once the thread that created
//! it returns to its event loop, so the workers that will run threads are started first, from a
//! thread that can still await (see `www/README.md`). Elsewhere it returns at once.
//!
//! With the `rayon` feature, [`init_thread_pool`] builds rayon's global pool on this crate's
//! threads, the counterpart of `wasm-bindgen-rayon`'s `initThreadPool(n)`: one pool of workers
//! for both (rayon's threads are named `Thread`s, listed by `enumerate()`).

use crate::{sys, Error, Result};

/// The most workers [`init_threads`] starts at once: each worker holds a thread stack (2 MiB by
/// default) in a memory of at most 1 GiB.
const MAX_WORKERS: usize = 256;

pub(crate) fn check_workers(workers: usize) -> Result<u32> {
    if workers > MAX_WORKERS {
        return Err(Error::value(format!(
            "init_threads: at most {MAX_WORKERS} workers, got {workers}"
        )));
    }
    Ok(workers as u32)
}

/// Gets the platform ready to start threads without waiting: in browsers, starts the spawner
/// worker and `workers` pool workers and resolves once they run (JS: `await initThreads(n)`);
/// natively and under wasmtime, resolves at once. Await it once, before the first
/// [`Thread::start`](crate::Thread::start), from a thread that can await (the page, or the
/// worker that will run the program); later calls only wait for the same readiness.
///
/// In browsers, starting threads without it also works when the importing thread has returned to
/// its event loop since it loaded the module (the pool then starts on the first `start()`), but a
/// program that blocks from its first instruction on needs it.
///
/// `Err(Value)` for more than 256 workers; `Err(Runtime)` if the workers cannot start.
///
/// ```
/// use pythreading as threading;
///
/// async fn program() -> threading::Result<()> {
///     threading::init_threads(4).await?;
///     let t = threading::Thread::new(|| println!("hello from a thread"));
///     t.start()?;
///     t.join()
/// }
/// # // Natively the future is ready at once: poll it by hand (no executor needed).
/// # use std::future::Future;
/// # use std::task::{Context, Poll, Waker};
/// # let mut cx = Context::from_waker(Waker::noop());
/// # let mut fut = std::pin::pin!(program());
/// # assert!(matches!(fut.as_mut().poll(&mut cx), Poll::Ready(Ok(()))));
/// # let mut bad = std::pin::pin!(threading::init_threads(1000));
/// # assert!(matches!(bad.as_mut().poll(&mut cx), Poll::Ready(Err(threading::Error::Value(_)))));
/// ```
pub async fn init_threads(workers: usize) -> Result<()> {
    let n = check_workers(workers)?;
    sys::init_threads(n)
        .await
        .map_err(|e| Error::runtime(format!("init_threads: the workers did not start: {e}")))
}

/// Sets how long the browser thread pool may take to start before [`init_threads`] (JS:
/// `initThreads`, `initThreadPool`) and a first [`Thread::start`](crate::Thread::start) without
/// it fail with `Err(Runtime)` naming the cause (default: 10 s). `None` waits without a bound.
/// JS: `setStartTimeout(seconds)` (`Infinity` for no bound). Natively and under wasmtime threads
/// start at once, and the setting is only checked.
///
/// `Err(Value)` for a timeout that is not a positive number of seconds (Python's timeout rules
/// otherwise: NaN is `Err(Value)`, more than `TIMEOUT_MAX` is `Err(Overflow)`).
///
/// ```
/// use pythreading as threading;
///
/// threading::set_start_timeout(Some(30.0.into())).unwrap(); // a slow network: 30 s
/// threading::set_start_timeout(None).unwrap();              // no bound
/// assert!(threading::set_start_timeout(Some(0.0.into())).is_err());
/// assert!(threading::set_start_timeout(Some((-1.0).into())).is_err());
/// threading::set_start_timeout(Some(10.0.into())).unwrap(); // the default again
/// ```
pub fn set_start_timeout(timeout: Option<crate::Timeout>) -> Result<()> {
    let t = match timeout {
        None => None,
        Some(t) => {
            let d = t.for_wait()?;
            if d.is_zero() {
                return Err(Error::value(
                    "start timeout must be a positive number of seconds",
                ));
            }
            Some(d)
        }
    };
    sys::set_start_timeout(t);
    Ok(())
}

/// Builds rayon's global thread pool with `num_threads` threads of this crate (daemon threads
/// named `rayon-0`, `rayon-1`, …), the counterpart of `wasm-bindgen-rayon`'s
/// `initThreadPool(n)`; JS gets `initThreadPool(n)` too, which also awaits
/// [`init_threads`]`(n)` first. In browsers, run parallel iterators from a worker, not from the
/// page's UI thread: the caller blocks until rayon's threads finish.
///
/// `Err(Value)` for 0 threads, `Err(Runtime)` if rayon's global pool already exists or a thread
/// cannot start.
///
/// ```
/// use pythreading as threading;
/// use rayon::prelude::*;
///
/// threading::init_thread_pool(2).unwrap();
/// let sum: u64 = (1..=1000u64).into_par_iter().sum();
/// assert_eq!(sum, 500_500);
/// assert!(threading::enumerate().iter().any(|t| t.name() == "rayon-0"));
/// assert!(threading::init_thread_pool(2).is_err()); // once per program
/// ```
#[cfg(feature = "rayon")]
pub fn init_thread_pool(num_threads: usize) -> Result<()> {
    if num_threads == 0 {
        return Err(Error::value(
            "init_thread_pool: num_threads must be at least 1",
        ));
    }
    rayon::ThreadPoolBuilder::new()
        .num_threads(num_threads)
        .thread_name(|i| format!("rayon-{i}"))
        .spawn_handler(|worker| {
            let name = worker
                .name()
                .map_or_else(|| "rayon".to_string(), str::to_string);
            let t = crate::Thread::builder()
                .name(name)
                // Like Python's executor threads, they must not hold up the program's exit.
                .daemon(true)
                .target(move || worker.run())
                .build();
            t.start().map_err(|e| std::io::Error::other(e.to_string()))
        })
        .build_global()
        .map_err(|e| Error::runtime(format!("init_thread_pool: {e}")))
}
