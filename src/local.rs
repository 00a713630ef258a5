//! `Local<T>`: Python's `threading.local()`, thread-local data as an object (behaviour T-25,
//! and the ported `test_threading_local` tests listed in `tests/local.rs`).
//!
//! Each `Local` keeps its values in a map keyed by thread ident (idents are never reused, so a
//! value can never be seen by another thread). A thread that stores a value remembers the
//! `Local` (weakly); when the thread ends its values are dropped: crate threads do it just
//! before they count as stopped (so after `join()` they are gone, on every platform), foreign
//! threads in a TLS destructor. Dropping the last handle of a `Local` drops every thread's
//! value.

use crate::thread::get_ident;
use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, Weak};

trait Slots: Send + Sync {
    /// Removes (and so drops) the value of thread `ident`.
    fn remove_thread(&self, ident: u64);
}

struct Inner<T> {
    values: Mutex<HashMap<u64, T>>,
    init: Option<Box<dyn Fn() -> T + Send + Sync>>,
}

impl<T: Send + 'static> Slots for Inner<T> {
    fn remove_thread(&self, ident: u64) {
        let v = lock(&self.values).remove(&ident);
        drop(v); // after the map's lock is released: T's Drop may use this Local
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// The `Local`s this thread stored a value in, keyed by their address (one entry each, however
/// often the value is set, taken or used).
struct Owned(RefCell<Option<HashMap<usize, Weak<dyn Slots>>>>);

impl Owned {
    fn drop_values(&self, ident: u64) {
        let owned = self.0.borrow_mut().take().unwrap_or_default();
        for w in owned.into_values() {
            if let Some(s) = w.upgrade() {
                s.remove_thread(ident);
            }
        }
    }
}

impl Drop for Owned {
    fn drop(&mut self) {
        // A foreign thread's values go with its TLS. Idents survive TLS teardown (const Cell).
        self.drop_values(get_ident());
    }
}

thread_local! {
    static OWNED: Owned = const { Owned(RefCell::new(None)) };
}

/// Drops every `Local` value of thread `ident` (the calling thread, at its end).
pub(crate) fn thread_exit(ident: u64) {
    let _ = OWNED.try_with(|o| o.drop_values(ident));
}

/// Thread-local data, as Python's `threading.local()`: each thread sees its own value.
///
/// ```
/// use pythreading as threading;
///
/// // Python:
/// //   mydata = threading.local()
/// //   mydata.value = 1
/// //   def show(): print(getattr(mydata, 'value', None))
/// let mydata = threading::Local::new();
/// mydata.set(1);
/// let d = mydata.clone();
/// let t = threading::Thread::new(move || {
///     assert_eq!(d.get(), None); // another thread's value is invisible
///     d.set(2);
///     assert_eq!(d.get(), Some(2));
/// });
/// t.start().unwrap();
/// t.join().unwrap();
/// assert_eq!(mydata.get(), Some(1));
///
/// // Python: class MyLocal(threading.local): def __init__(self): self.value = 1000
/// let counter = threading::Local::with_init(|| 1000);
/// counter.with(|v| *v.unwrap() += 1);
/// assert_eq!(counter.get(), Some(1001));
/// ```
pub struct Local<T: Send + 'static> {
    inner: Arc<Inner<T>>,
}

impl<T: Send + 'static> Clone for Local<T> {
    fn clone(&self) -> Self {
        Local {
            inner: self.inner.clone(),
        }
    }
}

impl<T: Send + 'static> Default for Local<T> {
    fn default() -> Self {
        Local::new()
    }
}

impl<T: Send + 'static> Local<T> {
    /// A `Local` with no value in any thread until one is set there.
    pub fn new() -> Local<T> {
        Local {
            inner: Arc::new(Inner {
                values: Mutex::new(HashMap::new()),
                init: None,
            }),
        }
    }

    /// A `Local` whose value in each thread starts as `f()`, called in that thread on its first
    /// access (Python's `local` subclass with an `__init__`).
    pub fn with_init(f: impl Fn() -> T + Send + Sync + 'static) -> Local<T> {
        Local {
            inner: Arc::new(Inner {
                values: Mutex::new(HashMap::new()),
                init: Some(Box::new(f)),
            }),
        }
    }

    /// Notes in this thread that it has a value in this `Local`, once.
    fn remember(&self) {
        let key = Arc::as_ptr(&self.inner) as *const () as usize;
        let _ = OWNED.try_with(|o| {
            let mut owned = o.0.borrow_mut();
            let map = owned.get_or_insert_with(HashMap::new);
            // A dead entry at the same address belonged to a dropped Local: replace it.
            let stale = map.get(&key).is_none_or(|w| w.strong_count() == 0);
            if stale {
                let weak: Weak<dyn Slots> = Arc::downgrade(&self.inner) as Weak<dyn Slots>;
                map.insert(key, weak);
            }
        });
    }

    /// Takes this thread's value out of the map (initialising it if there is an init).
    fn take_or_init(&self, ident: u64) -> Option<T> {
        let v = lock(&self.inner.values).remove(&ident);
        v.or_else(|| self.inner.init.as_ref().map(|f| f()))
    }

    fn put(&self, ident: u64, v: T) {
        self.remember();
        let old = lock(&self.inner.values).insert(ident, v);
        drop(old); // after the map's lock is released
    }

    /// A clone of this thread's value (`None` if unset and there is no init).
    pub fn get(&self) -> Option<T>
    where
        T: Clone,
    {
        self.with(|v| v.cloned())
    }

    /// Sets this thread's value.
    pub fn set(&self, value: T) {
        self.put(get_ident(), value);
    }

    /// Removes and returns this thread's value (Python's `del local.attr`).
    pub fn take(&self) -> Option<T> {
        let ident = get_ident();
        let v = lock(&self.inner.values).remove(&ident);
        v
    }

    /// Runs `f` with this thread's value (initialised first if there is an init). The value is
    /// taken out of the `Local` while `f` runs, so `f` may use other `Local`s freely; a value
    /// set on this same `Local` inside `f` is overwritten when `f` returns.
    pub fn with<R>(&self, f: impl FnOnce(Option<&mut T>) -> R) -> R {
        /// Puts the value back even if `f` panics.
        struct PutBack<'a, T: Send + 'static> {
            local: &'a Local<T>,
            ident: u64,
            value: Option<T>,
        }
        impl<T: Send + 'static> Drop for PutBack<'_, T> {
            fn drop(&mut self) {
                if let Some(v) = self.value.take() {
                    self.local.put(self.ident, v);
                }
            }
        }
        let ident = get_ident();
        let mut held = PutBack {
            local: self,
            ident,
            value: self.take_or_init(ident),
        };
        f(held.value.as_mut())
    }
}

impl<T: Send + 'static> fmt::Debug for Local<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "<pythreading.Local object at {:#x}>",
            Arc::as_ptr(&self.inner) as *const () as usize
        )
    }
}

impl<T: Send + 'static> PartialEq for Local<T> {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }
}
impl<T: Send + 'static> Eq for Local<T> {}
impl<T: Send + 'static> std::hash::Hash for Local<T> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        (Arc::as_ptr(&self.inner) as *const () as usize).hash(state)
    }
}
