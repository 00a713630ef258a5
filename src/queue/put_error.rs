//! `PutError<T>`: a failed `put` (Python's `queue.Full` or `queue.ShutDown`, or a bad timeout)
//! with the item handed back, so that a failed put never drops its item (QU-19's Rust analogue).

use crate::error::Error;
use std::fmt;

/// A `put` that failed: why ([`error`](Self::error)) and the item it did not enqueue
/// ([`item`](Self::item)), handed back to the caller. `From<PutError<T>> for Error` lets `?`
/// turn it into the plain [`Error`] when the item is not wanted back.
///
/// ```
/// use pythreading::queue::Queue;
/// use pythreading::Error;
///
/// // Python:
/// //   q = queue.Queue(1)
/// //   q.put("first")
/// //   try:
/// //       q.put_nowait("second")
/// //   except queue.Full:
/// //       print("full, kept", "second")
/// let q = Queue::new(1);
/// q.put("first").unwrap();
/// let err = q.put_nowait("second").unwrap_err();
/// assert_eq!(err.error, Error::Full);
/// assert_eq!(err.item, "second"); // not lost
///
/// fn forward(q: &Queue<&'static str>) -> pythreading::Result<()> {
///     q.put_nowait("third")?; // PutError -> Error
///     Ok(())
/// }
/// assert_eq!(forward(&q), Err(Error::Full));
/// ```
pub struct PutError<T> {
    /// Why the put failed: [`Error::Full`], [`Error::ShutDown`], a bad timeout
    /// ([`Error::Value`], [`Error::Overflow`]), or [`Error::Runtime`] where the thread may not
    /// block (the page's UI thread in browsers).
    pub error: Error,
    /// The item that was not put.
    pub item: T,
}

impl<T> PutError<T> {
    pub(crate) fn new(error: Error, item: T) -> Self {
        PutError { error, item }
    }

    /// The item, dropping the error.
    ///
    /// ```
    /// use pythreading::queue::Queue;
    /// let q = Queue::new(1);
    /// q.put(1).unwrap();
    /// assert_eq!(q.put_nowait(2).unwrap_err().into_item(), 2);
    /// ```
    pub fn into_item(self) -> T {
        self.item
    }
}

impl<T> From<PutError<T>> for Error {
    fn from(e: PutError<T>) -> Error {
        e.error
    }
}

/// Shows the error only (the item need not be `Debug`).
impl<T> fmt::Debug for PutError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PutError")
            .field("error", &self.error)
            .finish_non_exhaustive()
    }
}

impl<T> fmt::Display for PutError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.error, f)
    }
}

impl<T> std::error::Error for PutError<T> {}
