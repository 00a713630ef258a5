//! `as_completed` and `wait`: Python's module functions of `concurrent.futures` (behaviours
//! CF-33 to CF-43).
//!
//! Each call hangs one waiter on every future it watches: a [`SimpleQueue`] that a future is
//! put into when it becomes done (at once if it already is). The waiter is removed from every
//! future when the call (or the `as_completed` iterator) is finished with it.

use super::Future;
use crate::error::{Error, Result};
use crate::queue::SimpleQueue;
use crate::sys::Instant;
use crate::timeout::Timeout;
use std::collections::HashSet;
use std::time::Duration;

/// When [`wait`] returns: Python's `FIRST_COMPLETED`, `FIRST_EXCEPTION`, `ALL_COMPLETED`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Wait {
    /// As soon as any future finishes or is cancelled.
    FirstCompleted,
    /// As soon as any future finishes with an error; if none does, when all are done.
    FirstException,
    /// When every future is done.
    AllCompleted,
}

/// `wait`'s answer: (done, not done).
type DoneAndNotDone<R> = (Vec<Future<R>>, Vec<Future<R>>);

/// The futures without duplicates (Python works on `set(fs)`), in their first order.
// Futures hash by identity, which their interior mutability does not change.
#[allow(clippy::mutable_key_type)]
fn dedup<R>(fs: Vec<Future<R>>) -> Vec<Future<R>> {
    let mut seen = HashSet::new();
    fs.into_iter().filter(|f| seen.insert(f.clone())).collect()
}

/// A timeout in seconds with the rules of Python's waits: NaN -> `Value`, above `TIMEOUT_MAX`
/// -> `Overflow`, negative -> no wait. `Ok(None)`: no deadline.
fn deadline(timeout: Option<f64>) -> Result<Option<Instant>> {
    match timeout {
        None => Ok(None),
        Some(t) => {
            let d = Timeout::from(t).for_wait()?;
            // Beyond the clock's range: no deadline.
            Ok(Instant::now().checked_add(d))
        }
    }
}

fn left(at: Option<Instant>) -> Option<Duration> {
    at.map(|at| at.saturating_duration_since(Instant::now()))
}

/// Python's `as_completed(fs, timeout)`: an iterator over the futures as they complete
/// (finished or cancelled), those already done first; each future once, even if given twice.
/// Once `timeout` seconds (from this call) have passed with futures still pending, the next
/// item is `Err(Error::Timeout)` and the iteration ends. A NaN timeout is `Err(Value)` here.
///
/// ```
/// use pythreading::futures::{as_completed, ThreadPoolExecutor};
/// use pythreading as threading;
///
/// // Python:
/// //   with ThreadPoolExecutor(2) as ex:
/// //       slow = ex.submit(time.sleep, 0.2)
/// //       fast = ex.submit(lambda: 'fast')
/// //       first = next(as_completed([slow, fast]))
/// let ex = ThreadPoolExecutor::new(Some(2)).unwrap();
/// let gate = threading::Event::new();
/// let g = gate.clone();
/// let slow = ex.submit(move || { g.wait(); "slow" }).unwrap();
/// let fast = ex.submit(|| "fast").unwrap();
/// let mut it = as_completed(vec![slow.clone(), fast.clone()], None).unwrap();
/// assert_eq!(it.next().unwrap().unwrap(), fast);
/// gate.set();
/// assert_eq!(it.next().unwrap().unwrap(), slow);
/// assert!(it.next().is_none());
/// ```
pub fn as_completed<R: Send + 'static>(
    fs: Vec<Future<R>>,
    timeout: Option<f64>,
) -> Result<AsCompleted<R>> {
    let at = deadline(timeout)?;
    let fs = dedup(fs);
    let waiter = SimpleQueue::new();
    for f in &fs {
        f.add_waiter(&waiter);
    }
    Ok(AsCompleted {
        pending: fs.len(),
        fs,
        waiter,
        at,
        ended: false,
    })
}

/// The iterator [`as_completed`] returns. It holds only the futures not yet yielded; dropping
/// it detaches it from them.
pub struct AsCompleted<R: Send + 'static> {
    fs: Vec<Future<R>>,
    waiter: SimpleQueue<Future<R>>,
    pending: usize,
    at: Option<Instant>,
    ended: bool,
}

impl<R: Send + 'static> Iterator for AsCompleted<R> {
    type Item = Result<Future<R>>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.ended || self.pending == 0 {
            return None;
        }
        let got = match left(self.at) {
            None => self.waiter.get(),
            Some(d) => self.waiter.get_timeout(d),
        };
        match got {
            Ok(f) => {
                // Keep no reference to a yielded future (CF-43).
                self.pending -= 1;
                self.fs.retain(|x| x != &f);
                f.remove_waiter(&self.waiter);
                Some(Ok(f))
            }
            Err(Error::Empty) => {
                self.ended = true;
                Some(Err(Error::Timeout))
            }
            Err(e) => {
                self.ended = true;
                Some(Err(e))
            }
        }
    }
}

impl<R: Send + 'static> Drop for AsCompleted<R> {
    fn drop(&mut self) {
        for f in &self.fs {
            f.remove_waiter(&self.waiter);
        }
    }
}

/// Python's `wait(fs, timeout, return_when)`: waits until `return_when` holds or `timeout`
/// seconds pass (`None`: no limit), and returns `(done, not_done)` (each future once). A NaN
/// timeout is `Err(Value)`; where the thread may not block and would have to, `Err(Runtime)`.
///
/// ```
/// use pythreading::futures::{wait, ThreadPoolExecutor, Wait};
///
/// // Python:
/// //   done, not_done = wait(futs, return_when=ALL_COMPLETED)
/// let ex = ThreadPoolExecutor::new(Some(2)).unwrap();
/// let futs: Vec<_> = (0..4).map(|i| ex.submit(move || i * i).unwrap()).collect();
/// let (done, not_done) = wait(futs, None, Wait::AllCompleted).unwrap();
/// assert_eq!(done.len(), 4);
/// assert!(not_done.is_empty());
/// ```
pub fn wait<R: Send + 'static>(
    fs: Vec<Future<R>>,
    timeout: Option<f64>,
    return_when: Wait,
) -> Result<DoneAndNotDone<R>> {
    let at = deadline(timeout)?;
    let fs = dedup(fs);
    let split =
        |fs: &[Future<R>]| -> DoneAndNotDone<R> { fs.iter().cloned().partition(|f| f.done()) };
    let satisfied = |done: &[Future<R>]| match return_when {
        Wait::FirstCompleted => !done.is_empty(),
        Wait::FirstException => done.iter().any(|f| f.has_error()),
        Wait::AllCompleted => false,
    };
    let (done, not_done) = split(&fs);
    if not_done.is_empty() || satisfied(&done) {
        return Ok((done, not_done));
    }
    let waiter = SimpleQueue::new();
    for f in &not_done {
        f.add_waiter(&waiter);
    }
    let mut remaining = not_done.len();
    let result = loop {
        let got = match left(at) {
            None => waiter.get(),
            Some(d) => waiter.get_timeout(d),
        };
        match got {
            Ok(f) => {
                remaining -= 1;
                let stop = match return_when {
                    Wait::FirstCompleted => true,
                    Wait::FirstException => f.has_error(),
                    Wait::AllCompleted => false,
                };
                if stop || remaining == 0 {
                    break Ok(());
                }
            }
            Err(Error::Empty) => break Ok(()),
            Err(e) => break Err(e),
        }
    };
    for f in &not_done {
        f.remove_waiter(&waiter);
    }
    result.map(|()| split(&fs))
}
