//! `stack_size([size])`: the stack size for threads started from now on (behaviours S-*).

use crate::error::{Error, Result};
use crate::sys;
use std::sync::atomic::{AtomicUsize as StdAtomicUsize, Ordering::Relaxed};

pub(super) static STACK_SIZE: StdAtomicUsize = StdAtomicUsize::new(0);

/// Python's `threading.stack_size([size])`: the stack size for threads started from now on.
/// `None` only reads it; `Some(0)` restores the platform default; otherwise at least 32 KiB.
/// Returns the previous setting (0 = platform default). `Err(Value)` for a too-small size,
/// which leaves the setting unchanged.
///
/// ```
/// use pythreading as threading;
/// let old = threading::stack_size(Some(256 * 1024)).unwrap();
/// assert_eq!(threading::stack_size(None), Ok(256 * 1024));
/// assert!(threading::stack_size(Some(1000)).is_err());
/// threading::stack_size(Some(old)).unwrap();
/// ```
pub fn stack_size(size: Option<usize>) -> Result<usize> {
    match size {
        None => Ok(STACK_SIZE.load(Relaxed)),
        Some(n) if n != 0 && n < sys::MIN_STACK_SIZE => {
            Err(Error::value(format!("size not valid: {n} bytes")))
        }
        Some(n) => Ok(STACK_SIZE.swap(n, Relaxed)),
    }
}
