//! `PriorityQueue`: Python's `queue.PriorityQueue`, smallest item first (behaviours QU-01 to
//! QU-18, as for `Queue`, with QU-01a's priority order).

use std::cmp::Reverse;
use std::collections::BinaryHeap;

queue_class! {
    /// Python's `queue.PriorityQueue`: `get` returns the smallest item (by `Ord`) first, with
    /// everything [`Queue`](crate::queue::Queue) has. As in Python, the usual item is a
    /// `(priority, data)` tuple; equal items come out in no promised order.
    ///
    /// ```
    /// use pythreading::queue::PriorityQueue;
    ///
    /// // Python:
    /// //   q = queue.PriorityQueue()
    /// //   q.put((3, 'Low-level job'))
    /// //   q.put((10, 'Mid-level job'))
    /// //   q.put((1, 'Important job'))
    /// //   while not q.empty():
    /// //       print(q.get()[1])
    /// let q = PriorityQueue::new(0);
    /// q.put((3, "Low-level job")).unwrap();
    /// q.put((10, "Mid-level job")).unwrap();
    /// q.put((1, "Important job")).unwrap();
    /// let mut got = Vec::new();
    /// while !q.empty() {
    ///     got.push(q.get().unwrap().1);
    /// }
    /// assert_eq!(got, ["Important job", "Low-level job", "Mid-level job"]);
    /// ```
    PriorityQueue<T: [Ord + Send + 'static]>, crate::queue::base::Core<BinaryHeap<Reverse<T>>>, "queue.PriorityQueue", "[1, 2, 3]"
}
