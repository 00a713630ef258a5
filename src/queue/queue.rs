//! `Queue`: Python's `queue.Queue`, first in, first out (behaviours QU-01 to QU-18; QU-19's Rust
//! analogue through [`PutError`](crate::queue::PutError)).

queue_class! {
    /// Python's `queue.Queue`: a FIFO queue, optionally bounded, with task tracking
    /// (`task_done`/`join`) and 3.13's `shutdown`. A cheap `Clone` handle; clones are the same
    /// queue (`==` by identity).
    ///
    /// ```
    /// use pythreading as threading;
    /// use pythreading::queue::Queue;
    ///
    /// // Python:
    /// //   q = queue.Queue(maxsize=2)
    /// //   def producer():
    /// //       for i in range(5):
    /// //           q.put(i)        # blocks while two items wait
    /// //       q.put(None)
    /// //   threading.Thread(target=producer).start()
    /// //   while (item := q.get()) is not None:
    /// //       print(item)
    /// let q = Queue::new(2);
    /// let q2 = q.clone();
    /// let producer = threading::Thread::new(move || {
    ///     for i in 0..5 {
    ///         q2.put(Some(i)).unwrap();
    ///     }
    ///     q2.put(None).unwrap();
    /// });
    /// producer.start().unwrap();
    /// let mut got = Vec::new();
    /// while let Some(i) = q.get().unwrap() {
    ///     got.push(i);
    /// }
    /// assert_eq!(got, [0, 1, 2, 3, 4]);
    /// producer.join().unwrap();
    /// ```
    Queue<T: [Send + 'static]>, crate::queue::fifo::Fifo<T>, "queue.Queue", "[1, 3, 2]"
}
