//! Python's [`queue`](https://docs.python.org/3/library/queue.html) module: synchronised queues
//! for passing work between threads, with CPython 3.13's semantics (behaviours QU-01 to QU-19 and
//! SQ-01 to SQ-09 in `docs/behaviours.md`).
//!
//! - [`Queue`]: first in, first out (Python's `queue.Queue`);
//! - [`LifoQueue`]: last in, first out (a stack);
//! - [`PriorityQueue`]: smallest item first;
//! - [`SimpleQueue`]: unbounded FIFO without task tracking or shutdown.
//!
//! Each is a cheap `Clone` handle to one shared queue, like the `threading` primitives.
//!
//! ```
//! use pythreading as threading;
//! use pythreading::queue::Queue;
//!
//! // Python:
//! //   q = queue.Queue()
//! //   def worker():
//! //       while True:
//! //           item = q.get()
//! //           print(f"Working on {item}")
//! //           q.task_done()
//! //   threading.Thread(target=worker, daemon=True).start()
//! //   for item in range(3):
//! //       q.put(item)
//! //   q.join()
//! let q = Queue::new(0);
//! let done = Queue::new(0);
//! let (q2, done2) = (q.clone(), done.clone());
//! threading::Thread::builder()
//!     .daemon(true)
//!     .target(move || loop {
//!         let item: i32 = q2.get().unwrap();
//!         done2.put(item * 10).unwrap();
//!         q2.task_done().unwrap();
//!     })
//!     .build()
//!     .start()
//!     .unwrap();
//! for item in 0..3 {
//!     q.put(item).unwrap();
//! }
//! q.join().unwrap(); // every item was fetched and marked done
//! assert_eq!(done.qsize(), 3);
//! ```
//!
//! # Errors
//!
//! Python's exceptions are [`Error`](crate::Error) variants: `queue.Full` is
//! [`Error::Full`](crate::Error::Full), `queue.Empty` is [`Error::Empty`](crate::Error::Empty),
//! `queue.ShutDown` is [`Error::ShutDown`](crate::Error::ShutDown); a negative or NaN timeout is
//! [`Error::Value`](crate::Error::Value) and one above [`TIMEOUT_MAX`](crate::TIMEOUT_MAX) is
//! [`Error::Overflow`](crate::Error::Overflow). A `put` that fails hands its item back in a
//! [`PutError`], so an item is never lost.
//!
//! # Design
//!
//! [`Queue`], the FIFO every program uses, is lock-free (`fifo.rs`): its items are in
//! crossbeam's `SegQueue`, Python's counts (`qsize`, `maxsize`, `unfinished_tasks`) are
//! counters that each side writes alone, and blocked getters, putters and joiners sleep on
//! futex words through the platform seam, after a bounded spin. It measured at most 1.8×
//! crossbeam-channel's time natively, where the lock-based design had been up to 4.1×.
//!
//! [`LifoQueue`], [`PriorityQueue`] and [`SimpleQueue`] are CPython's `queue.py` (`base.rs`): one
//! [`Lock`](crate::Lock) guards the items and the counters, and three
//! [`Condition`](crate::Condition)s over it (`not_empty`, `not_full`, `all_tasks_done`) carry the
//! wake-ups; they differ only in their container (a `Vec`, a `BinaryHeap`, a `VecDeque`), which
//! is what `Queue._put`/`_get` select in Python. Two departures, for speed, that change no
//! behaviour (measured in `base.rs`): `put` and `get` notify only when a thread is counted as
//! waiting, and a blocking `get` that finds the queue empty first spins briefly without the
//! lock for an item about to come, before it waits on `not_empty`.
//!
//! # Browsers
//!
//! On the page's UI thread, which may not block, a call that would have to wait (a blocking
//! `get` on an empty queue, a blocking `put` on a full one, `join` with unfinished tasks)
//! returns `Err(Runtime)` at once, leaving the queue unchanged (a failed `put` hands its item
//! back); the non-blocking forms and a call that need not wait work as anywhere.

#[macro_use]
mod base;
mod fifo;
mod lifo_queue;
mod priority_queue;
mod put_error;
#[allow(clippy::module_inception)]
mod queue;
mod simple_queue;

pub use lifo_queue::LifoQueue;
pub use priority_queue::PriorityQueue;
pub use put_error::PutError;
pub use queue::Queue;
pub use simple_queue::SimpleQueue;
