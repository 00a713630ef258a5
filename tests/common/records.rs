//! What helper threads record for the test to check afterwards, and the lock that keeps tests
//! touching global state apart.
//!
//! - [`Log`]: a shared list, the Python lists CPython's tests append to from their threads
//!   (`results = []` ... `results.append(...)`).
//! - [`DropCount`], [`counter`], [`count`]: count drops, for "the closure / the value is
//!   released" checks (CPython checks the same with `weakref.ref`).
//! - [`serial`]: serialise the tests of one file that change global state (CPython's tests run
//!   one at a time in a process; libtest runs them in parallel).

use super::platform;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

/// A shared, thread-safe list standing in for the Python lists the CPython tests append to.
#[derive(Debug)]
pub struct Log<T>(Arc<Mutex<Vec<T>>>);

impl<T> Clone for Log<T> {
    fn clone(&self) -> Self {
        Log(Arc::clone(&self.0))
    }
}

impl<T> Default for Log<T> {
    fn default() -> Self {
        Log(Arc::new(Mutex::new(Vec::new())))
    }
}

impl<T: Clone> Log<T> {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn push(&self, v: T) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).push(v);
    }
    pub fn len(&self) -> usize {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).len()
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    pub fn get(&self) -> Vec<T> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
    pub fn clear(&self) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }
}

/// Serialise the tests of one file that touch global state (excepthook, trace hooks,
/// stack_size, thread counts). Poison is ignored: one failed test must not fail the others.
pub fn serial(m: &'static Mutex<()>) -> MutexGuard<'static, ()> {
    if platform::ONE_TEST_AT_A_TIME {
        // Nothing to serialise; a lock held by a failed (trapped) test must not block the rest.
        let fresh: &'static Mutex<()> = Box::leak(Box::new(Mutex::new(())));
        return fresh.lock().unwrap();
    }
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Counts drops, for "the closure / the value is released" checks (T-13, Local).
#[derive(Debug)]
pub struct DropCount(pub Arc<AtomicUsize>);

impl Drop for DropCount {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

pub fn counter() -> Arc<AtomicUsize> {
    Arc::new(AtomicUsize::new(0))
}

pub fn count(c: &Arc<AtomicUsize>) -> usize {
    c.load(Ordering::SeqCst)
}
