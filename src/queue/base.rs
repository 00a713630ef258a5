//! The lock-based implementation behind `LifoQueue`, `PriorityQueue` and `SimpleQueue` (`Queue`
//! has the lock-free `fifo.rs`): CPython's `queue.Queue` algorithm (a lock,
//! three conditions over it, `unfinished_tasks`, 3.13's `is_shutdown`), over a container that
//! each class picks ([`Store`]: Python's `_put`/`_get`/`_qsize` hooks). Unlike CPython, `put`
//! and `get` skip the notification when nobody is counted as waiting, and a blocking `get` on
//! an empty queue first spins without the lock (`Core::spin_for_item`, measured there).

use super::PutError;
use crate::condition::Condition;
use crate::error::{Error, Result};
use crate::lock::{Lock, LockGuard};
use crate::sys::atomic::{AtomicUsize, Ordering::Relaxed};
use crate::sys::Instant;
use crate::timeout::{Deadline, SpinWait, Timeout};
use std::cell::UnsafeCell;
use std::collections::{BinaryHeap, VecDeque};
use std::time::Duration;

/// A queue's container: Python's `_put`, `_get` and `_qsize`.
pub(crate) trait Store: Default {
    type Item;
    fn push(&mut self, item: Self::Item);
    /// Only called when `len() > 0`.
    fn pop(&mut self) -> Option<Self::Item>;
    fn len(&self) -> usize;
}

/// FIFO (`Queue`, `SimpleQueue`).
impl<T> Store for VecDeque<T> {
    type Item = T;
    fn push(&mut self, item: T) {
        self.push_back(item)
    }
    fn pop(&mut self) -> Option<T> {
        self.pop_front()
    }
    fn len(&self) -> usize {
        VecDeque::len(self)
    }
}

/// LIFO (`LifoQueue`).
impl<T> Store for Vec<T> {
    type Item = T;
    fn push(&mut self, item: T) {
        Vec::push(self, item)
    }
    fn pop(&mut self) -> Option<T> {
        Vec::pop(self)
    }
    fn len(&self) -> usize {
        Vec::len(self)
    }
}

/// Smallest first (`PriorityQueue`): a max-heap of reversed items, as `heapq` is a min-heap.
impl<T: Ord> Store for BinaryHeap<std::cmp::Reverse<T>> {
    type Item = T;
    fn push(&mut self, item: T) {
        BinaryHeap::push(self, std::cmp::Reverse(item))
    }
    fn pop(&mut self) -> Option<T> {
        BinaryHeap::pop(self).map(|r| r.0)
    }
    fn len(&self) -> usize {
        BinaryHeap::len(self)
    }
}

/// How a `put` or `get` may wait: `block=True, timeout=None`, `block=False`, or a timeout.
#[derive(Clone, Copy)]
pub(crate) enum Mode {
    Block,
    NoWait,
    Timeout(Timeout),
}

/// Python's message for a negative queue timeout.
const NEGATIVE: &str = "'timeout' must be a non-negative number";

/// A queue timeout with Python's rules (QU-04, SQ-02): negative -> `Value`, NaN -> `Value`,
/// above `TIMEOUT_MAX` -> `Overflow`. `Ok(None)`: so far in the future that it never expires.
pub(crate) fn deadline(t: Timeout) -> Result<Option<Instant>> {
    // `for_wait` rejects NaN and values above TIMEOUT_MAX (and maps negatives to zero);
    // `for_lock` tells a negative (`-1` is `Ok(None)`, others `Err`) from zero.
    let d = t.for_wait()?;
    match t.for_lock() {
        Ok(Some(_)) => Ok(Instant::now().checked_add(d)),
        _ => Err(Error::value(NEGATIVE)),
    }
}

/// What a timed wait has left: `None` once the deadline passed (Python's `remaining <= 0.0`).
fn remaining(at: Option<Instant>) -> Option<Option<Duration>> {
    match at {
        None => Some(None),
        Some(at) => {
            let now = Instant::now();
            (now < at).then(|| Some(at - now))
        }
    }
}

struct State<S> {
    items: S,
    maxsize: usize,
    unfinished_tasks: usize,
    is_shutdown: bool,
    /// Threads in (or about to enter) a wait on `not_empty` / `not_full`: counted before the
    /// wait, uncounted once it returned (the lock held both times), so that `put` and `get`
    /// notify only when somebody may be waiting, without reading the condition's waiter count
    /// (another cache line, written by every waiter) on every item.
    getters: usize,
    putters: usize,
    /// Getters spinning without the lock (`spin_for_item`), each of which takes the lock again
    /// and takes an item if there is one: `put` notifies a waiting getter only for items beyond
    /// what the spinners will take (see there).
    spinners: usize,
}

pub(crate) struct Core<S> {
    /// Python's `self.mutex`: held by every method for its whole critical section.
    mutex: Lock,
    not_empty: Condition,
    not_full: Condition,
    all_tasks_done: Condition,
    /// Only touched while `mutex` is held by the calling thread (see `state`).
    state: UnsafeCell<State<S>>,
    /// `items.len()`, stored (Relaxed) under `mutex` after every change, read without it by
    /// a `get` spinning on an empty queue (see `spin_for_item`). Relaxed: a hint only; the
    /// getter acts on it only by taking `mutex` (Acquire) and looking at `items` again.
    len: AtomicUsize,
}

// SAFETY: `state` is only accessed while `mutex` is held (every access goes through `state()`,
// called only between acquiring `mutex` and the next wait or release), so at most one thread
// touches it at a time, and the lock's acquire/release orderings publish each thread's writes
// to the next holder. Items move between threads, hence `S: Send`.
unsafe impl<S: Send> Sync for Core<S> {}
unsafe impl<S: Send> Send for Core<S> {}

/// Waits on `cond` (whose lock the caller holds) until notified or `left` (`None`: forever).
/// `Err(Runtime)` only where the thread may not block (the UI thread in browsers), before the
/// lock was released.
fn wait(cond: &Condition, left: Option<Duration>) -> Result<()> {
    match left {
        None => cond.wait().map(drop),
        Some(d) => cond.wait_timeout(d).map(drop),
    }
}

impl<S: Store> Core<S> {
    pub(crate) fn new(maxsize: usize) -> Core<S> {
        let mutex = Lock::new();
        Core {
            not_empty: Condition::with_lock(mutex.clone()),
            not_full: Condition::with_lock(mutex.clone()),
            all_tasks_done: Condition::with_lock(mutex.clone()),
            mutex,
            state: UnsafeCell::new(State {
                items: S::default(),
                maxsize,
                unfinished_tasks: 0,
                is_shutdown: false,
                getters: 0,
                putters: 0,
                spinners: 0,
            }),
            len: AtomicUsize::new(0),
        }
    }

    /// A blocking `get` found the queue empty: spins (boundedly, yielding, as a `Condition`
    /// waiter does before it sleeps) without the lock, watching `len`, for a putter that is
    /// running to put an item; then the caller takes the lock again and looks. An item that
    /// comes within the spin costs neither side a condition wait or a notification (a waiter
    /// record, two trips through the condition's queue lock, a lock hand-over); one that does
    /// not costs the spin, then the usual wait. Not where the thread may not block (the page's
    /// UI thread), whose `get` must return `Err(Runtime)` at once.
    ///
    /// Measured with the `getters`/`putters` counts of `State` (which spare `put`/`get` the
    /// condition's `notify` when nobody waits): two alternating runs each of the bench built
    /// from before and after, `PYTHREADING_BENCH_ROUNDS=11 queue_futures-... --bench
    /// --no-cpython` (same-run ratios, a busy 2-core machine), unbounded `Queue()` over std's
    /// `channel()` / crossbeam's `unbounded()`: 1×1 1.28×/1.56× and 0.83×/1.26× before,
    /// 1.12×/1.06× and 0.77×/0.85× after; 4×4 1.37×/2.22× and 0.81×/1.38× before, 0.95×/1.11×
    /// and 0.83×/0.44× after. The bounded rows stayed within their noise (0.28–0.41× std,
    /// 0.67–1.61× crossbeam).
    ///
    /// Called with the lock held (`guard`), which it releases for the spin and takes again.
    fn spin_for_item<'a>(&'a self, guard: LockGuard<'a>) -> LockGuard<'a> {
        if Deadline::after(None).check_may_wait().is_err() {
            return guard;
        }
        self.state().spinners += 1;
        drop(guard);
        SpinWait::yielding().spin_while(|| self.len.load(Relaxed) == 0);
        let guard = self.mutex.guard();
        self.state().spinners -= 1;
        guard
    }

    /// The state. Call only while holding `mutex`, and do not keep the reference across a
    /// condition wait or the release of `mutex`.
    #[allow(clippy::mut_from_ref)]
    fn state(&self) -> &mut State<S> {
        debug_assert!(self.mutex.locked());
        // SAFETY: see `unsafe impl Sync for Core`: the caller holds `mutex`, and no other
        // reference from `state()` is alive (each use is a short expression or block that
        // ends before the next wait or release).
        unsafe { &mut *self.state.get() }
    }

    /// Python's `put(item, block, timeout)`. Every item counts as an unfinished task
    /// (`SimpleQueue`, which has no `task_done`, never looks at the count).
    pub(crate) fn put(
        &self,
        item: S::Item,
        mode: Mode,
    ) -> std::result::Result<(), PutError<S::Item>> {
        let _g = self.mutex.guard();
        if self.state().is_shutdown {
            return Err(PutError::new(Error::ShutDown, item));
        }
        let maxsize = self.state().maxsize;
        if maxsize > 0 {
            let at = match mode {
                Mode::NoWait => {
                    if self.state().items.len() >= self.state().maxsize {
                        return Err(PutError::new(Error::Full, item));
                    }
                    None
                }
                Mode::Block => None,
                Mode::Timeout(t) => match deadline(t) {
                    Ok(at) => at,
                    Err(e) => return Err(PutError::new(e, item)),
                },
            };
            if !matches!(mode, Mode::NoWait) {
                while self.state().items.len() >= self.state().maxsize {
                    let left = match mode {
                        Mode::Timeout(_) => match remaining(at) {
                            Some(left) => left,
                            None => return Err(PutError::new(Error::Full, item)),
                        },
                        _ => None,
                    };
                    self.state().putters += 1;
                    let r = wait(&self.not_full, left);
                    self.state().putters -= 1;
                    if let Err(e) = r {
                        return Err(PutError::new(e, item));
                    }
                    if self.state().is_shutdown {
                        return Err(PutError::new(Error::ShutDown, item));
                    }
                }
            }
        }
        let st = self.state();
        st.items.push(item);
        st.unfinished_tasks += 1;
        self.len.store(st.items.len(), Relaxed);
        // Wake a waiting getter, unless the spinning getters will take every item there is:
        // each spinner takes the lock again and an item if one is left, so no item is left
        // behind with getters asleep (an item a spinner does not find was taken by another
        // getter). Without this, `submit→result` round trips on an executor woke a sleeping
        // worker per task while the worker that had just finished was spinning for the next
        // one and took it: a futex wake for the submitter, and a thread woken for nothing.
        // Measured, two alternating runs each of the bench built without and with this
        // (`PYTHREADING_BENCH_ROUNDS=11 queue_futures-... --bench --no-cpython`, busy 2-core
        // machine): the round trip 12.0 µs and 24.9 µs -> 6.4 µs and 6.0 µs (rayon/ours 0.61×
        // and 0.51× -> 1.95× and 1.42×); the queue rows within their noise.
        if st.getters > 0 && st.items.len() > st.spinners {
            // Cannot fail: the lock is held.
            let _ = self.not_empty.notify(1);
        }
        Ok(())
    }

    /// Python's `get(block, timeout)`.
    pub(crate) fn get(&self, mode: Mode) -> Result<S::Item> {
        let mut _g = self.mutex.guard();
        if self.state().is_shutdown && self.state().items.len() == 0 {
            return Err(Error::ShutDown);
        }
        match mode {
            Mode::NoWait => {
                if self.state().items.len() == 0 {
                    return Err(Error::Empty);
                }
            }
            Mode::Block | Mode::Timeout(_) => {
                let at = match mode {
                    Mode::Timeout(t) => deadline(t)?,
                    _ => None,
                };
                let mut spun = false;
                while self.state().items.len() == 0 {
                    let left = match mode {
                        Mode::Timeout(_) => remaining(at).ok_or(Error::Empty)?,
                        _ => None,
                    };
                    if !spun {
                        // Once per call: spin without the lock for an item about to come.
                        spun = true;
                        _g = self.spin_for_item(_g);
                    } else {
                        self.state().getters += 1;
                        let r = wait(&self.not_empty, left);
                        self.state().getters -= 1;
                        r?;
                    }
                    if self.state().is_shutdown && self.state().items.len() == 0 {
                        return Err(Error::ShutDown);
                    }
                }
            }
        }
        let st = self.state();
        let item = st.items.pop().expect("the queue holds an item");
        self.len.store(st.items.len(), Relaxed);
        if st.putters > 0 {
            let _ = self.not_full.notify(1);
        }
        Ok(item)
    }

    /// Python's `task_done()`.
    pub(crate) fn task_done(&self) -> Result<()> {
        let _g = self.mutex.guard();
        let st = self.state();
        if st.unfinished_tasks == 0 {
            return Err(Error::value("task_done() called too many times"));
        }
        st.unfinished_tasks -= 1;
        if st.unfinished_tasks == 0 {
            let _ = self.all_tasks_done.notify_all();
        }
        Ok(())
    }

    /// Python's `join()`: waits until every item put has been marked done.
    pub(crate) fn join(&self) -> Result<()> {
        let _g = self.mutex.guard();
        while self.state().unfinished_tasks > 0 {
            wait(&self.all_tasks_done, None)?;
        }
        Ok(())
    }

    /// Python 3.13's `shutdown(immediate)`.
    pub(crate) fn shutdown(&self, immediate: bool) {
        // Items removed by an immediate shutdown are dropped after the lock is released, so
        // that an item's `Drop` may use the queue.
        let mut dropped = Vec::new();
        {
            let _g = self.mutex.guard();
            let st = self.state();
            st.is_shutdown = true;
            if immediate {
                while let Some(item) = st.items.pop() {
                    dropped.push(item);
                    st.unfinished_tasks = st.unfinished_tasks.saturating_sub(1);
                }
                self.len.store(0, Relaxed);
                let _ = self.all_tasks_done.notify_all();
            }
            let _ = self.not_empty.notify_all();
            let _ = self.not_full.notify_all();
        }
        drop(dropped);
    }

    pub(crate) fn qsize(&self) -> usize {
        let _g = self.mutex.guard();
        self.state().items.len()
    }

    pub(crate) fn full(&self) -> bool {
        let _g = self.mutex.guard();
        let st = self.state();
        st.maxsize > 0 && st.items.len() >= st.maxsize
    }

    pub(crate) fn maxsize(&self) -> usize {
        let _g = self.mutex.guard();
        self.state().maxsize
    }

    /// Python's `q.maxsize = n` (QU-06). Unlike Python, wakes blocked putters so a grown queue
    /// takes their items at once.
    pub(crate) fn set_maxsize(&self, n: usize) {
        let _g = self.mutex.guard();
        self.state().maxsize = n;
        let _ = self.not_full.notify_all();
    }

    pub(crate) fn unfinished_tasks(&self) -> usize {
        let _g = self.mutex.guard();
        self.state().unfinished_tasks
    }

    pub(crate) fn is_shutdown(&self) -> bool {
        let _g = self.mutex.guard();
        self.state().is_shutdown
    }
}

/// The public class over a [`Core`]: `Queue`, `LifoQueue` and `PriorityQueue` differ only in
/// their container (and `PriorityQueue` in its `Ord` bound), so their methods and docs are
/// written once here (`$core` is the core: [`Core`] over the class's container, or the FIFO's
/// lock-free [`Fifo`](super::fifo::Fifo)). `$order` is the order `get` returns items put as 1, 3, 2.
macro_rules! queue_class {
    (
        $(#[$attr:meta])*
        $name:ident<T: [$($bound:tt)+]>, $core:ty, $python:literal, $order:literal
    ) => {
        $(#[$attr])*
        pub struct $name<T> {
            core: std::sync::Arc<$core>,
        }

        impl<T> Clone for $name<T> {
            fn clone(&self) -> Self {
                $name { core: self.core.clone() }
            }
        }

        impl<T> PartialEq for $name<T> {
            fn eq(&self, other: &Self) -> bool {
                std::sync::Arc::ptr_eq(&self.core, &other.core)
            }
        }
        impl<T> Eq for $name<T> {}
        impl<T> std::hash::Hash for $name<T> {
            fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
                (std::sync::Arc::as_ptr(&self.core) as usize).hash(state)
            }
        }

        /// Python's default repr, `<queue.CLASS object at 0x...>`.
        impl<T> std::fmt::Debug for $name<T> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, concat!("<", $python, " object at {:#x}>"), std::sync::Arc::as_ptr(&self.core) as usize)
            }
        }

        /// An unbounded queue, `new(0)`.
        impl<T: $($bound)+> Default for $name<T> {
            fn default() -> Self {
                Self::new(0)
            }
        }

        impl<T: $($bound)+> $name<T> {
            #[doc = concat!("Python's `", $python, "(maxsize)`: a queue holding at most `maxsize` items; `0` is unbounded.")]
            ///
            /// ```
            #[doc = concat!("use pythreading::queue::", stringify!($name), ";")]
            #[doc = concat!("// Python: q = ", $python, "(2)")]
            #[doc = concat!("let q = ", stringify!($name), "::new(2);")]
            /// assert_eq!(q.maxsize(), 2);
            /// assert!(q.empty());
            /// assert!(!q.full());
            #[doc = concat!("let unbounded = ", stringify!($name), "::<i32>::new(0);")]
            /// assert_eq!(unbounded.maxsize(), 0);
            /// # q.put_nowait(1).unwrap();
            /// ```
            pub fn new(maxsize: usize) -> Self {
                $name { core: std::sync::Arc::new(<$core>::new(maxsize)) }
            }

            /// Python's `put(item)`: adds `item`, waiting while the queue is full.
            /// `Err` ([`PutError`](crate::queue::PutError), with the item) if the queue is shut
            /// down, before or while waiting ([`Error::ShutDown`](crate::Error::ShutDown)).
            ///
            /// ```
            #[doc = concat!("use pythreading::queue::", stringify!($name), ";")]
            #[doc = concat!("// Python: q = ", $python, "(); q.put(1); q.put(3); q.put(2)")]
            #[doc = concat!("let q = ", stringify!($name), "::new(0);")]
            /// for item in [1, 3, 2] {
            ///     q.put(item).unwrap();
            /// }
            #[doc = concat!("// The order `get` returns them in: ", $order)]
            /// let got = [q.get().unwrap(), q.get().unwrap(), q.get().unwrap()];
            #[doc = concat!("assert_eq!(got, ", $order, ");")]
            /// ```
            pub fn put(&self, item: T) -> std::result::Result<(), $crate::queue::PutError<T>> {
                self.core.put(item, $crate::queue::base::Mode::Block)
            }

            /// Python's `put(item, timeout=t)`: as [`put`](Self::put), but gives up after `t`
            /// with [`Error::Full`](crate::Error::Full). On a bounded queue a negative or NaN
            /// `t` is `Error::Value` and one above `TIMEOUT_MAX` is `Error::Overflow` (on an
            /// unbounded queue, which never waits, Python does not look at `t`, nor does this).
            ///
            /// ```
            #[doc = concat!("use pythreading::queue::", stringify!($name), ";")]
            /// use pythreading::Error;
            #[doc = concat!("let q = ", stringify!($name), "::new(1);")]
            /// q.put(1).unwrap();
            /// // Python: q.put(2, timeout=0.01) -> queue.Full
            /// let err = q.put_timeout(2, 0.01).unwrap_err();
            /// assert_eq!((err.error, err.item), (Error::Full, 2));
            /// // Python: q.put(2, timeout=-1) -> ValueError
            /// assert!(matches!(q.put_timeout(2, -1.0).unwrap_err().error, Error::Value(_)));
            /// ```
            pub fn put_timeout(
                &self,
                item: T,
                t: impl Into<$crate::Timeout>,
            ) -> std::result::Result<(), $crate::queue::PutError<T>> {
                self.core.put(item, $crate::queue::base::Mode::Timeout(t.into()))
            }

            /// Python's `put_nowait(item)` (`put(item, block=False)`): adds `item` if there is
            /// room, else [`Error::Full`](crate::Error::Full) with the item handed back.
            ///
            /// ```
            #[doc = concat!("use pythreading::queue::", stringify!($name), ";")]
            /// use pythreading::Error;
            #[doc = concat!("let q = ", stringify!($name), "::new(1);")]
            /// q.put_nowait(1).unwrap();
            /// // Python: q.put_nowait(2) -> queue.Full
            /// assert_eq!(q.put_nowait(2).unwrap_err().error, Error::Full);
            /// ```
            pub fn put_nowait(&self, item: T) -> std::result::Result<(), $crate::queue::PutError<T>> {
                self.core.put(item, $crate::queue::base::Mode::NoWait)
            }

            /// Python's `get()`: removes and returns an item, waiting while the queue is empty.
            /// [`Error::ShutDown`](crate::Error::ShutDown) once the queue is shut down and
            /// empty (also for a `get` waiting when that happens).
            ///
            /// ```
            /// use pythreading as threading;
            #[doc = concat!("use pythreading::queue::", stringify!($name), ";")]
            #[doc = concat!("let q = ", stringify!($name), "::new(0);")]
            /// let q2 = q.clone();
            /// let t = threading::Thread::new(move || q2.put(42).unwrap());
            /// t.start().unwrap();
            /// // Python: q.get() blocks until the thread puts
            /// assert_eq!(q.get(), Ok(42));
            /// t.join().unwrap();
            /// ```
            pub fn get(&self) -> $crate::Result<T> {
                self.core.get($crate::queue::base::Mode::Block)
            }

            /// Python's `get(timeout=t)`: as [`get`](Self::get), but gives up after `t` with
            /// [`Error::Empty`](crate::Error::Empty). A negative or NaN `t` is `Error::Value`;
            /// above `TIMEOUT_MAX`, `Error::Overflow`.
            ///
            /// ```
            #[doc = concat!("use pythreading::queue::", stringify!($name), ";")]
            /// use pythreading::Error;
            #[doc = concat!("let q = ", stringify!($name), "::<i32>::new(0);")]
            /// // Python: q.get(timeout=0.01) -> queue.Empty
            /// assert_eq!(q.get_timeout(0.01), Err(Error::Empty));
            /// assert!(matches!(q.get_timeout(-1.0), Err(Error::Value(_))));
            /// ```
            pub fn get_timeout(&self, t: impl Into<$crate::Timeout>) -> $crate::Result<T> {
                self.core.get($crate::queue::base::Mode::Timeout(t.into()))
            }

            /// Python's `get_nowait()` (`get(block=False)`): an item if one is there, else
            /// [`Error::Empty`](crate::Error::Empty).
            ///
            /// ```
            #[doc = concat!("use pythreading::queue::", stringify!($name), ";")]
            /// use pythreading::Error;
            #[doc = concat!("let q = ", stringify!($name), "::new(0);")]
            /// q.put(7).unwrap();
            /// assert_eq!(q.get_nowait(), Ok(7));
            /// assert_eq!(q.get_nowait(), Err(Error::Empty));
            /// ```
            pub fn get_nowait(&self) -> $crate::Result<T> {
                self.core.get($crate::queue::base::Mode::NoWait)
            }

            /// Python's `task_done()`: marks one item fetched by `get` as processed; when every
            /// item put is done, [`join`](Self::join) returns. More calls than items put is
            /// `Err(Value)` ("task_done() called too many times"), the count unchanged.
            ///
            /// ```
            #[doc = concat!("use pythreading::queue::", stringify!($name), ";")]
            /// use pythreading::Error;
            #[doc = concat!("let q = ", stringify!($name), "::new(0);")]
            /// q.put(1).unwrap();
            /// q.get().unwrap();
            /// q.task_done().unwrap();
            /// // Python: q.task_done() again -> ValueError
            /// assert!(matches!(q.task_done(), Err(Error::Value(_))));
            /// ```
            pub fn task_done(&self) -> $crate::Result<()> {
                self.core.task_done()
            }

            /// Python's `join()`: waits until every item put has been marked done with
            /// [`task_done`](Self::task_done) (at once if none is pending). `Err(Runtime)` only
            /// where the thread may not block and would have to (the page's UI thread).
            ///
            /// ```
            /// use pythreading as threading;
            #[doc = concat!("use pythreading::queue::", stringify!($name), ";")]
            #[doc = concat!("let q = ", stringify!($name), "::new(0);")]
            /// for i in 0..3 {
            ///     q.put(i).unwrap();
            /// }
            /// let q2 = q.clone();
            /// let worker = threading::Thread::new(move || {
            ///     for _ in 0..3 {
            ///         q2.get().unwrap();
            ///         q2.task_done().unwrap();
            ///     }
            /// });
            /// worker.start().unwrap();
            /// q.join().unwrap(); // returns once the three are done
            /// assert_eq!(q.unfinished_tasks(), 0);
            /// # worker.join().unwrap();
            /// ```
            pub fn join(&self) -> $crate::Result<()> {
                self.core.join()
            }

            /// Python 3.13's `shutdown(immediate=False)`: from now on `put` fails with
            /// [`Error::ShutDown`](crate::Error::ShutDown), and `get` does once the queue is
            /// empty; blocked callers wake up. `immediate`: the queue is also emptied (its
            /// items are dropped, each counting as a finished task), so `get` fails at once and
            /// `join` returns.
            ///
            /// ```
            #[doc = concat!("use pythreading::queue::", stringify!($name), ";")]
            /// use pythreading::Error;
            #[doc = concat!("let q = ", stringify!($name), "::new(0);")]
            /// q.put(1).unwrap();
            /// q.shutdown(false);
            /// assert!(q.is_shutdown());
            /// assert_eq!(q.put(2).unwrap_err().error, Error::ShutDown);
            /// assert_eq!(q.get(), Ok(1));             // what is left can still be taken
            /// assert_eq!(q.get(), Err(Error::ShutDown)); // then it is over
            /// ```
            pub fn shutdown(&self, immediate: bool) {
                self.core.shutdown(immediate)
            }

            /// Python's `is_shutdown` attribute (3.13).
            ///
            /// ```
            #[doc = concat!("let q = pythreading::queue::", stringify!($name), "::<i32>::new(0);")]
            /// assert!(!q.is_shutdown());
            /// q.shutdown(true);
            /// assert!(q.is_shutdown());
            /// ```
            pub fn is_shutdown(&self) -> bool {
                self.core.is_shutdown()
            }

            /// Python's `qsize()`: the number of items (a snapshot: other threads may change
            /// it at once).
            ///
            /// ```
            #[doc = concat!("let q = pythreading::queue::", stringify!($name), "::new(0);")]
            /// q.put(1).unwrap();
            /// q.put(2).unwrap();
            /// assert_eq!(q.qsize(), 2);
            /// ```
            pub fn qsize(&self) -> usize {
                self.core.qsize()
            }

            /// Python's `empty()`: `qsize() == 0`.
            ///
            /// ```
            #[doc = concat!("let q = pythreading::queue::", stringify!($name), "::new(0);")]
            /// assert!(q.empty());
            /// q.put(1).unwrap();
            /// assert!(!q.empty());
            /// ```
            pub fn empty(&self) -> bool {
                self.core.qsize() == 0
            }

            /// Python's `full()`: bounded and holding `maxsize` items or more.
            ///
            /// ```
            #[doc = concat!("let q = pythreading::queue::", stringify!($name), "::new(1);")]
            /// assert!(!q.full());
            /// q.put(1).unwrap();
            /// assert!(q.full());
            /// ```
            pub fn full(&self) -> bool {
                self.core.full()
            }

            /// Python's `maxsize` attribute (`0`: unbounded).
            ///
            /// ```
            #[doc = concat!("assert_eq!(pythreading::queue::", stringify!($name), "::<i32>::new(3).maxsize(), 3);")]
            /// ```
            pub fn maxsize(&self) -> usize {
                self.core.maxsize()
            }

            /// Python's `q.maxsize = n`: changes the bound. Items already in the queue stay
            /// (a shrunk queue may hold more than `n` until it drains); putters waiting for
            /// room look again.
            ///
            /// ```
            #[doc = concat!("let q = pythreading::queue::", stringify!($name), "::new(3);")]
            /// for i in 0..3 {
            ///     q.put(i).unwrap();
            /// }
            /// q.set_maxsize(2); // Python: q.maxsize = 2
            /// assert!(q.full());
            /// assert!(q.put_nowait(4).is_err());
            /// ```
            pub fn set_maxsize(&self, n: usize) {
                self.core.set_maxsize(n)
            }

            /// Python's `unfinished_tasks` attribute: items put and not yet marked done.
            ///
            /// ```
            #[doc = concat!("let q = pythreading::queue::", stringify!($name), "::new(0);")]
            /// q.put(1).unwrap();
            /// q.get().unwrap();
            /// assert_eq!(q.unfinished_tasks(), 1); // fetched, not yet task_done()
            /// q.task_done().unwrap();
            /// assert_eq!(q.unfinished_tasks(), 0);
            /// ```
            pub fn unfinished_tasks(&self) -> usize {
                self.core.unfinished_tasks()
            }
        }
    };
}
