//! The trace and profile hooks: Python's `settrace`/`setprofile` and their getters, run in
//! each new crate thread before its `run()` (behaviour T-09).

use super::Thread;
use std::sync::{Arc, RwLock};

/// A hook run in each new crate thread before its `run()` (see [`settrace`], [`setprofile`]).
pub type Hook = Arc<dyn Fn(&Thread) + Send + Sync>;

static TRACE: RwLock<Option<Hook>> = RwLock::new(None);
static PROFILE: RwLock<Option<Hook>> = RwLock::new(None);

fn read_hook(h: &RwLock<Option<Hook>>) -> Option<Hook> {
    h.read().unwrap_or_else(|e| e.into_inner()).clone()
}

fn write_hook(h: &RwLock<Option<Hook>>, v: Option<Hook>) {
    *h.write().unwrap_or_else(|e| e.into_inner()) = v;
}

/// Python's `threading.settrace(func)`: `f` runs in every thread started afterwards, before its
/// `run()`, with that thread's `Thread`.
///
/// ```
/// use pythreading as threading;
/// threading::settrace(|t| println!("tracing {}", t.name()));
/// assert!(threading::gettrace().is_some());
/// threading::clear_trace();
/// assert!(threading::gettrace().is_none());
/// ```
pub fn settrace(f: impl Fn(&Thread) + Send + Sync + 'static) {
    write_hook(&TRACE, Some(Arc::new(f)));
}

/// The hook set by [`settrace`] (Python's `threading.gettrace()`).
pub fn gettrace() -> Option<Hook> {
    read_hook(&TRACE)
}

/// Removes the trace hook (Python's `threading.settrace(None)`).
pub fn clear_trace() {
    write_hook(&TRACE, None);
}

/// Python's `threading.setprofile(func)`: like [`settrace`], a second, independent hook.
pub fn setprofile(f: impl Fn(&Thread) + Send + Sync + 'static) {
    write_hook(&PROFILE, Some(Arc::new(f)));
}

/// The hook set by [`setprofile`] (Python's `threading.getprofile()`).
pub fn getprofile() -> Option<Hook> {
    read_hook(&PROFILE)
}

/// Removes the profile hook (Python's `threading.setprofile(None)`).
pub fn clear_profile() {
    write_hook(&PROFILE, None);
}
