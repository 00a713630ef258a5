//! `SimpleQueue`: Python's `queue.SimpleQueue`, an unbounded FIFO without task tracking or
//! shutdown (behaviours SQ-01 to SQ-07).

use super::base::{Core, Mode};
use std::collections::VecDeque;
use std::fmt;
use std::sync::Arc;

/// Python's `queue.SimpleQueue`: unbounded, first in first out; `put` never blocks and never
/// fails. No `task_done`/`join`, no `maxsize`, no `shutdown`. A cheap `Clone` handle.
///
/// ```
/// use pythreading as threading;
/// use pythreading::queue::SimpleQueue;
///
/// // Python:
/// //   q = queue.SimpleQueue()
/// //   t = threading.Thread(target=lambda: [q.put(i) for i in range(3)])
/// //   t.start()
/// //   print([q.get() for _ in range(3)])    # [0, 1, 2]
/// let q = SimpleQueue::new();
/// let q2 = q.clone();
/// let t = threading::Thread::new(move || (0..3).for_each(|i| q2.put(i)));
/// t.start().unwrap();
/// let got: Vec<i32> = (0..3).map(|_| q.get().unwrap()).collect();
/// assert_eq!(got, [0, 1, 2]);
/// t.join().unwrap();
/// ```
pub struct SimpleQueue<T> {
    core: Arc<Core<VecDeque<T>>>,
}

impl<T> Clone for SimpleQueue<T> {
    fn clone(&self) -> Self {
        SimpleQueue {
            core: self.core.clone(),
        }
    }
}

impl<T> PartialEq for SimpleQueue<T> {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.core, &other.core)
    }
}
impl<T> Eq for SimpleQueue<T> {}
impl<T> std::hash::Hash for SimpleQueue<T> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        (Arc::as_ptr(&self.core) as usize).hash(state)
    }
}

/// Python's default repr, `<_queue.SimpleQueue object at 0x...>`.
impl<T> fmt::Debug for SimpleQueue<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "<_queue.SimpleQueue object at {:#x}>",
            Arc::as_ptr(&self.core) as usize
        )
    }
}

impl<T: Send + 'static> Default for SimpleQueue<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Send + 'static> SimpleQueue<T> {
    /// Python's `queue.SimpleQueue()`: an empty queue.
    ///
    /// ```
    /// let q = pythreading::queue::SimpleQueue::<i32>::new();
    /// assert!(q.empty());
    /// ```
    pub fn new() -> Self {
        SimpleQueue {
            core: Arc::new(Core::new(0)),
        }
    }

    /// Python's `put(item)`: adds `item`; never blocks for room, never fails.
    ///
    /// ```
    /// let q = pythreading::queue::SimpleQueue::new();
    /// q.put("a");
    /// q.put("b");
    /// assert_eq!(q.qsize(), 2);
    /// ```
    pub fn put(&self, item: T) {
        // Unbounded and never shut down: `Core::put` fails only when full or shut down.
        let r = self.core.put(item, Mode::Block);
        debug_assert!(r.is_ok());
    }

    /// Python's `put_nowait(item)`: the same as [`put`](Self::put).
    ///
    /// ```
    /// let q = pythreading::queue::SimpleQueue::new();
    /// q.put_nowait(1);
    /// assert_eq!(q.get_nowait(), Ok(1));
    /// ```
    pub fn put_nowait(&self, item: T) {
        self.put(item)
    }

    /// Python's `get()`: removes and returns the oldest item, waiting while there is none.
    /// `Err(Runtime)` only where the thread may not block and would have to (the page's UI
    /// thread in browsers).
    ///
    /// ```
    /// let q = pythreading::queue::SimpleQueue::new();
    /// q.put(1);
    /// assert_eq!(q.get(), Ok(1));
    /// ```
    pub fn get(&self) -> crate::Result<T> {
        self.core.get(Mode::Block)
    }

    /// Python's `get(timeout=t)`: as [`get`](Self::get), but
    /// [`Error::Empty`](crate::Error::Empty) after `t`; a negative or NaN `t` is
    /// `Error::Value`, above `TIMEOUT_MAX` `Error::Overflow`.
    ///
    /// ```
    /// use pythreading::Error;
    /// let q = pythreading::queue::SimpleQueue::<i32>::new();
    /// assert_eq!(q.get_timeout(0.001), Err(Error::Empty));
    /// // Python: q.get(timeout=-1) -> ValueError
    /// assert!(matches!(q.get_timeout(-1.0), Err(Error::Value(_))));
    /// ```
    pub fn get_timeout(&self, t: impl Into<crate::Timeout>) -> crate::Result<T> {
        self.core.get(Mode::Timeout(t.into()))
    }

    /// Python's `get_nowait()` (`get(block=False)`): an item, or
    /// [`Error::Empty`](crate::Error::Empty).
    ///
    /// ```
    /// use pythreading::Error;
    /// let q = pythreading::queue::SimpleQueue::<i32>::new();
    /// assert_eq!(q.get_nowait(), Err(Error::Empty));
    /// ```
    pub fn get_nowait(&self) -> crate::Result<T> {
        self.core.get(Mode::NoWait)
    }

    /// Python's `qsize()`.
    ///
    /// ```
    /// let q = pythreading::queue::SimpleQueue::new();
    /// q.put(());
    /// assert_eq!(q.qsize(), 1);
    /// ```
    pub fn qsize(&self) -> usize {
        self.core.qsize()
    }

    /// Python's `empty()`.
    ///
    /// ```
    /// let q = pythreading::queue::SimpleQueue::<u8>::new();
    /// assert!(q.empty());
    /// ```
    pub fn empty(&self) -> bool {
        self.core.qsize() == 0
    }
}
