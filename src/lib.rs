//! # pythreading
//!
//! Python's [`threading`](https://docs.python.org/3/library/threading.html) module in Rust, with
//! Python's behaviour, on native threads, under wasmtime (`wasm32-wasip1-threads`) and in
//! browsers (`wasm32-unknown-unknown` with atomics, threads on Web Workers).
//!
//! ```
//! use pythreading as threading;
//!
//! // Python:
//! //   import threading
//! //   lock = threading.Lock()
//! //   counter = 0
//! //   def worker():
//! //       global counter
//! //       with lock:
//! //           counter += 1
//! //   threads = [threading.Thread(target=worker) for _ in range(4)]
//! //   for t in threads: t.start()
//! //   for t in threads: t.join()
//! use std::sync::atomic::{AtomicUsize, Ordering};
//! use std::sync::Arc;
//!
//! let lock = threading::Lock::new();
//! let counter = Arc::new(AtomicUsize::new(0));
//! let threads: Vec<_> = (0..4)
//!     .map(|_| {
//!         let (lock, counter) = (lock.clone(), counter.clone());
//!         threading::Thread::new(move || {
//!             let _g = lock.guard();
//!             counter.fetch_add(1, Ordering::Relaxed);
//!         })
//!     })
//!     .collect();
//! for t in &threads {
//!     t.start().unwrap();
//! }
//! for t in &threads {
//!     t.join().unwrap();
//! }
//! assert_eq!(counter.load(Ordering::Relaxed), 4);
//! ```
//!
//! The primitives are cheap `Clone` handles to shared state (like Python object references):
//! pass a clone into a thread to share it. Where Python raises, the crate returns
//! `Err(`[`Error`]`)`; where Python returns a bool, so does the crate.
//!
//! Every primitive is written once over a small platform seam (`src/sys/`): wait/wake on an
//! `AtomicU32` and spawn/identify a thread. See the README for the design and the platforms.

#![warn(missing_docs)]

/// Handles compare and hash by identity (Python's `is`): two handles are equal when they are
/// clones of one object. `$addr` maps a handle to the address of its shared state.
macro_rules! identity_eq {
    ($ty:ty, $addr:expr) => {
        impl PartialEq for $ty {
            fn eq(&self, other: &Self) -> bool {
                let addr: fn(&$ty) -> usize = $addr;
                addr(self) == addr(other)
            }
        }
        impl Eq for $ty {}
        impl std::hash::Hash for $ty {
            fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
                let addr: fn(&$ty) -> usize = $addr;
                addr(self).hash(state)
            }
        }
    };
}

mod barrier;
mod bounded_semaphore;
mod condition;
mod error;
mod event;
mod excepthook;
pub mod futures;
mod init;
pub mod js;
mod local;
mod lock;
pub mod queue;
mod rlock;
mod semaphore;
mod sys;
mod thread;
mod timeout;
mod timer;

#[cfg(all(test, loom))]
mod step_models;

pub use barrier::{Barrier, BarrierBuilder};
pub use bounded_semaphore::BoundedSemaphore;
pub use condition::{Condition, ConditionGuard, ConditionLock};
pub use error::{Error, Result};
pub use event::Event;
pub use excepthook::{default_excepthook, excepthook, set_excepthook, ExceptHookArgs};
#[cfg(feature = "rayon")]
pub use init::init_thread_pool;
pub use init::init_threads;
pub use init::set_start_timeout;
pub use local::Local;
pub use lock::{Lock, LockGuard};
pub use rlock::{RLock, RLockGuard};
pub use semaphore::{Semaphore, SemaphoreGuard};
pub use thread::{
    active_count, clear_profile, clear_trace, current_thread, enumerate, exit_thread, get_ident,
    get_native_id, getprofile, gettrace, main_thread, setprofile, settrace, shutdown, stack_size,
    Builder, Hook, Run, Thread,
};
pub use timeout::{Timeout, TIMEOUT_MAX};
pub use timer::Timer;
