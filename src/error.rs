//! `Error`: Python's exceptions from the `threading`, `queue` and `concurrent.futures` modules,
//! as a Rust enum.

use std::fmt;

/// What Python would raise. Where Python raises, this crate returns `Err(Error)`; the message is
/// Python's own wording where Python has one.
///
/// ```
/// use pythreading as threading;
///
/// let lock = threading::Lock::new();
/// // Python: lock.release() -> RuntimeError: release unlocked lock
/// let err = lock.release().unwrap_err();
/// assert_eq!(err, threading::Error::Runtime("release unlocked lock".into()));
/// assert!(err.is_runtime_error());
/// assert_eq!(err.to_string(), "RuntimeError: release unlocked lock");
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Error {
    /// Python `RuntimeError` (`threading.ThreadError` is `RuntimeError`): release of an unlocked
    /// lock, join before start, start twice, wait/notify without the lock, ...
    Runtime(String),
    /// Python `ValueError`: an invalid timeout, size or count; over-release of a
    /// `BoundedSemaphore`.
    Value(String),
    /// Python `OverflowError`: a timeout above [`TIMEOUT_MAX`](crate::TIMEOUT_MAX).
    Overflow(String),
    /// Python `threading.BrokenBarrierError` (a subclass of `RuntimeError`).
    BrokenBarrier,
    /// Python `queue.Full`: a non-blocking or timed `put` on a full bounded queue.
    Full,
    /// Python `queue.Empty`: a non-blocking or timed `get` on an empty queue.
    Empty,
    /// Python `queue.ShutDown` (3.13): a `put` on a shut-down queue, or a `get` on one that is
    /// shut down and empty.
    ShutDown,
    /// A panic in a task run by a [`futures::ThreadPoolExecutor`](crate::futures::ThreadPoolExecutor),
    /// with the panic's message: the exception Python's `Future.result()` re-raises.
    Panic(String),
    /// Python `concurrent.futures.CancelledError`: the result of a cancelled `Future`.
    Cancelled,
    /// Python `TimeoutError` (`concurrent.futures.TimeoutError`): a timed `Future.result()`,
    /// `map` or `as_completed` ran out of time.
    Timeout,
}

impl Error {
    /// True for `Runtime` and for `BrokenBarrier`, which Python derives from `RuntimeError`.
    pub fn is_runtime_error(&self) -> bool {
        matches!(self, Error::Runtime(_) | Error::BrokenBarrier)
    }

    /// The Python exception class name: `"RuntimeError"`, `"ValueError"`, ...
    pub fn python_type(&self) -> &'static str {
        match self {
            Error::Runtime(_) => "RuntimeError",
            Error::Value(_) => "ValueError",
            Error::Overflow(_) => "OverflowError",
            Error::BrokenBarrier => "BrokenBarrierError",
            Error::Full => "Full",
            Error::Empty => "Empty",
            Error::ShutDown => "ShutDown",
            Error::Panic(_) => "Panic",
            Error::Cancelled => "CancelledError",
            Error::Timeout => "TimeoutError",
        }
    }

    // The constructors of the messages are out of line and cold: they allocate, and inlined
    // into a primitive's fast path (a release's `Err`) their code and, where panics unwind,
    // their cleanup made the hot loop around it slower under wasmtime.
    #[cold]
    #[inline(never)]
    pub(crate) fn runtime(msg: impl Into<String>) -> Self {
        Error::Runtime(msg.into())
    }

    #[cold]
    #[inline(never)]
    pub(crate) fn value(msg: impl Into<String>) -> Self {
        Error::Value(msg.into())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Runtime(m) | Error::Value(m) | Error::Overflow(m) | Error::Panic(m) => {
                write!(f, "{}: {}", self.python_type(), m)
            }
            Error::BrokenBarrier
            | Error::Full
            | Error::Empty
            | Error::ShutDown
            | Error::Cancelled
            | Error::Timeout => f.write_str(self.python_type()),
        }
    }
}

impl std::error::Error for Error {}

/// `Result<T, pythreading::Error>`.
pub type Result<T> = std::result::Result<T, Error>;
