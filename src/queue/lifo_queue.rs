//! `LifoQueue`: Python's `queue.LifoQueue`, last in, first out (behaviours QU-01 to QU-18, as for
//! `Queue`, with QU-01a's LIFO order).

queue_class! {
    /// Python's `queue.LifoQueue`: a stack, with everything [`Queue`](crate::queue::Queue)
    /// has; `get` returns the item put most recently.
    ///
    /// ```
    /// use pythreading::queue::LifoQueue;
    ///
    /// // Python:
    /// //   q = queue.LifoQueue()
    /// //   for i in range(5):
    /// //       q.put(i)
    /// //   while not q.empty():
    /// //       print(q.get(), end=' ')    # 4 3 2 1 0
    /// let q = LifoQueue::new(0);
    /// for i in 0..5 {
    ///     q.put(i).unwrap();
    /// }
    /// let mut got = Vec::new();
    /// while !q.empty() {
    ///     got.push(q.get().unwrap());
    /// }
    /// assert_eq!(got, [4, 3, 2, 1, 0]);
    /// ```
    LifoQueue<T: [Send + 'static]>, crate::queue::base::Core<Vec<T>>, "queue.LifoQueue", "[2, 3, 1]"
}
