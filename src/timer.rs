//! `Timer`: Python's `threading.Timer`, a thread that calls a function after an interval
//! unless cancelled (behaviours TM-01, and TM-02: `cancel()` as CPython 3.13 behaves, a
//! cancelled timer's function never runs; cancelling after it ran does nothing). It waits on
//! an [`Event`] with the interval as timeout; `cancel()` sets the event.

use crate::event::Event;
use crate::excepthook::{excepthook, ExceptHookArgs};
use crate::thread::Thread;
use crate::timeout::Timeout;
use std::fmt;
use std::ops::Deref;

/// A thread that runs `f` after `interval`, as Python's `threading.Timer(interval, f)`. It is a
/// [`Thread`] (`Deref`): start, join, name it like one.
///
/// ```
/// use pythreading as threading;
/// use std::sync::atomic::{AtomicBool, Ordering};
/// use std::sync::Arc;
///
/// // Python:
/// //   t = threading.Timer(0.3, delayed); t.start(); t.cancel()
/// let ran = Arc::new(AtomicBool::new(false));
/// let r = ran.clone();
/// let t = threading::Timer::new(0.3, move || r.store(true, Ordering::SeqCst));
/// t.set_name("t1");
/// t.start().unwrap();
/// t.cancel();
/// t.join().unwrap();
/// assert!(!ran.load(Ordering::SeqCst));
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Timer {
    thread: Thread,
    finished: Event,
}

impl Timer {
    /// A timer (not started) that will call `f` once `interval` has elapsed after `start()`.
    /// An invalid interval (NaN, above `TIMEOUT_MAX`) is reported through the excepthook when
    /// the timer runs, as Python reports the exception raised in the timer thread.
    pub fn new(interval: impl Into<Timeout>, f: impl FnOnce() + Send + 'static) -> Timer {
        let interval = interval.into();
        let finished = Event::new();
        let fin = finished.clone();
        let thread = Thread::timer_builder()
            .target(move || {
                match fin.wait_timeout(interval) {
                    Ok(false) => f(),
                    Ok(true) => {} // cancelled
                    Err(e) => excepthook(&ExceptHookArgs {
                        exc_type: e.python_type().into(),
                        exc_value: Some(match &e {
                            crate::Error::Value(m) | crate::Error::Overflow(m) => m.clone(),
                            other => other.to_string(),
                        }),
                        exc_traceback: None,
                        thread: Some(crate::current_thread()),
                    }),
                }
                fin.set();
            })
            .build();
        Timer { thread, finished }
    }

    /// Stops the timer if it is still waiting: its function will not run.
    pub fn cancel(&self) {
        self.finished.set();
    }
}

impl Deref for Timer {
    type Target = Thread;
    fn deref(&self) -> &Thread {
        &self.thread
    }
}

impl fmt::Debug for Timer {
    /// Python's repr: `<Timer(Thread-1, initial)>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.thread.fmt(f)
    }
}
