//! Timeouts with Python's rules: `Timeout` converts from seconds (`f64`, `f32`, `i32`) and from
//! `Duration`; each blocking call checks it the way its Python counterpart does.

use crate::error::{Error, Result};
use crate::sys::Instant;
use std::time::Duration;

/// The largest timeout accepted, in seconds (Python's `threading.TIMEOUT_MAX` on Linux).
///
/// ```
/// use pythreading as threading;
/// let lock = threading::Lock::new();
/// assert_eq!(lock.acquire_timeout(threading::TIMEOUT_MAX), Ok(true));
/// assert!(matches!(lock.acquire_timeout(threading::TIMEOUT_MAX * 2.0), Err(threading::Error::Overflow(_))));
/// # lock.release().unwrap();
/// ```
pub const TIMEOUT_MAX: f64 = 9_223_372_036.0;

/// A timeout as given by the caller: seconds or a `Duration`. It is validated by the call that
/// uses it, with that call's Python rules:
///
/// * lock acquires (`Lock`, `RLock`, `Condition::acquire_timeout`): `-1` means "block forever",
///   any other negative value or NaN is `Error::Value`, above [`TIMEOUT_MAX`] is
///   `Error::Overflow`;
/// * waits (`Event`, `Condition::wait_timeout`, `Semaphore`, `Barrier`, `Thread::join_timeout`,
///   `Timer`): a negative value means "do not wait", NaN is `Error::Value`, above
///   [`TIMEOUT_MAX`] is `Error::Overflow`.
///
/// ```
/// use pythreading as threading;
/// use std::time::Duration;
/// let ev = threading::Event::new();
/// assert_eq!(ev.wait_timeout(0.01), Ok(false));                   // f64 seconds
/// assert_eq!(ev.wait_timeout(0), Ok(false));                      // integer seconds
/// assert_eq!(ev.wait_timeout(Duration::from_millis(1)), Ok(false));
/// assert!(matches!(ev.wait_timeout(f64::NAN), Err(threading::Error::Value(_))));
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Timeout(Repr);

#[derive(Debug, Clone, Copy, PartialEq)]
enum Repr {
    Secs(f64),
    Dur(Duration),
}

impl From<f64> for Timeout {
    fn from(s: f64) -> Self {
        Timeout(Repr::Secs(s))
    }
}
impl From<f32> for Timeout {
    fn from(s: f32) -> Self {
        Timeout(Repr::Secs(f64::from(s)))
    }
}
impl From<i32> for Timeout {
    fn from(s: i32) -> Self {
        Timeout(Repr::Secs(f64::from(s)))
    }
}
impl From<Duration> for Timeout {
    fn from(d: Duration) -> Self {
        Timeout(Repr::Dur(d))
    }
}

fn too_large() -> Error {
    Error::Overflow("timeout value is too large".into())
}

impl Timeout {
    /// Lock rules. `Ok(None)`: block forever.
    pub(crate) fn for_lock(self) -> Result<Option<Duration>> {
        match self.0 {
            Repr::Secs(s) if s.is_nan() => Err(Error::value("Invalid value NaN (not a number)")),
            Repr::Secs(-1.0) => Ok(None),
            Repr::Secs(s) if s < 0.0 => {
                Err(Error::value("timeout value must be a non-negative number"))
            }
            _ => self.duration().map(Some),
        }
    }

    /// Wait rules: negative is zero.
    pub(crate) fn for_wait(self) -> Result<Duration> {
        match self.0 {
            Repr::Secs(s) if s.is_nan() => Err(Error::value("Invalid value NaN (not a number)")),
            Repr::Secs(s) if s <= 0.0 => Ok(Duration::ZERO),
            _ => self.duration(),
        }
    }

    fn duration(self) -> Result<Duration> {
        match self.0 {
            Repr::Secs(s) if s > TIMEOUT_MAX => Err(too_large()),
            Repr::Secs(s) => Ok(Duration::from_secs_f64(s)),
            Repr::Dur(d) if d.as_secs_f64() > TIMEOUT_MAX => Err(too_large()),
            Repr::Dur(d) => Ok(d),
        }
    }
}

/// A point in time after which a blocking call gives up; `None` never expires.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Deadline(Option<Instant>);

impl Deadline {
    pub(crate) const NEVER: Deadline = Deadline(None);

    pub(crate) fn after(t: Option<Duration>) -> Deadline {
        // An instant beyond the clock's range is as good as never.
        Deadline(t.and_then(|t| Instant::now().checked_add(t)))
    }

    /// Time left: `Ok(None)` = unbounded, `Ok(Some(d))` with d > 0, `Err(())` = expired.
    pub(crate) fn remaining(self) -> std::result::Result<Option<Duration>, ()> {
        match self.0 {
            None => Ok(None),
            Some(d) => {
                let now = Instant::now();
                if now >= d {
                    Err(())
                } else {
                    Ok(Some(d - now))
                }
            }
        }
    }
}
