//! Identity and the registry: `get_ident` (the crate's own idents, `1` for the OS main
//! thread, never reused), `get_native_id`, the calling thread's `Thread`
//! (`current_thread`, dummies for foreign threads, behaviour T-07), `main_thread`, and the
//! registry behind `enumerate` and `active_count` (T-10).

use super::builder::new_name;
use super::{lock, Kind, Thread, MAIN_IDENT};
use crate::sys;
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64 as StdAtomicU64, Ordering::*};
use std::sync::{LazyLock, Mutex, MutexGuard};

pub(super) static NEXT_IDENT: StdAtomicU64 = StdAtomicU64::new(MAIN_IDENT + 1);

thread_local! {
    static CURRENT: CurrentSlot = const { CurrentSlot(RefCell::new(None)) };
}

// The calling thread's ident, 0 until assigned. Under loom, the model's threads share OS
// threads, so the ident (what `RLock` owns by) is loom's thread-local, one per model thread.
#[cfg(not(loom))]
thread_local! {
    static IDENT: Cell<u64> = const { Cell::new(0) };
}
#[cfg(loom)]
loom::thread_local! {
    static IDENT: Cell<u64> = Cell::new(0);
}

/// The calling thread's `Thread`. Overwritable: a platform may run several crate threads one
/// after the other on one OS thread (browser workers are reused), and each sets its own.
struct CurrentSlot(RefCell<Option<Thread>>);

impl CurrentSlot {
    fn get(&self) -> Option<Thread> {
        self.0.borrow().clone()
    }

    fn set(&self, t: Option<Thread>) {
        let old = self.0.replace(t);
        drop(old); // outside the borrow
    }
}

impl Drop for CurrentSlot {
    fn drop(&mut self) {
        // A foreign thread's dummy leaves the registry when the OS thread exits (T-07c).
        if let Some(t) = self.0.get_mut().take() {
            if t.inner.kind == Kind::Dummy {
                t.mark_stopped();
            }
        }
    }
}

/// Sets the calling thread's ident (a crate thread's, assigned by `start()`).
pub(super) fn set_ident(id: u64) {
    IDENT.with(|c| c.set(id));
}

/// Makes `t` the calling thread's `current_thread()` (`None`: forget it). Ignored during the
/// thread's TLS teardown.
pub(super) fn set_current(t: Option<Thread>) {
    let _ = CURRENT.try_with(|slot| slot.set(t));
}

/// The calling thread's `Thread` if it has one, without making a dummy.
pub(super) fn current_slot() -> Option<Thread> {
    CURRENT.try_with(CurrentSlot::get).ok().flatten()
}

/// The calling thread's identifier: non-zero, unique among all threads that ever ran in this
/// process, `1` for the OS main thread (Python's `threading.get_ident()`).
///
/// ```
/// use pythreading as threading;
/// let here = threading::get_ident();
/// let there = std::thread::spawn(threading::get_ident).join().unwrap();
/// assert_ne!(here, there);
/// assert_eq!(here, threading::current_thread().ident().unwrap());
/// ```
#[inline]
pub fn get_ident() -> u64 {
    match IDENT.with(Cell::get) {
        0 => assign_ident(),
        id => id,
    }
}

/// First `get_ident()` in a thread the crate did not start.
#[cold]
fn assign_ident() -> u64 {
    // Under loom every model thread gets a fresh ident (they share the OS main thread).
    let id = if !cfg!(loom) && sys::is_main_thread() {
        MAIN_IDENT
    } else {
        NEXT_IDENT.fetch_add(1, Relaxed)
    };
    IDENT.with(|c| c.set(id));
    id
}

/// The OS's id for the calling thread (Python's `threading.get_native_id()`); on wasm a unique
/// per-thread number.
pub fn get_native_id() -> u64 {
    sys::native_id()
}

pub(super) static MAIN: LazyLock<Thread> = LazyLock::new(|| {
    Thread::make(
        Kind::Main,
        "_MainThread",
        "MainThread".into(),
        false,
        MAIN_IDENT,
        sys::main_native_id().unwrap_or(0),
        None,
    )
});

static REGISTRY: LazyLock<Mutex<BTreeMap<u64, Thread>>> = LazyLock::new(|| {
    let mut m = BTreeMap::new();
    m.insert(MAIN_IDENT, MAIN.clone());
    Mutex::new(m)
});

pub(super) fn registry() -> MutexGuard<'static, BTreeMap<u64, Thread>> {
    lock(&REGISTRY)
}

/// The `Thread` of the OS main thread, named `MainThread` (Python's `threading.main_thread()`).
///
/// ```
/// use pythreading as threading;
/// assert_eq!(threading::main_thread().name(), "MainThread");
/// assert_eq!(threading::main_thread().ident(), Some(1));
/// ```
pub fn main_thread() -> Thread {
    MAIN.clone()
}

fn make_current() -> Thread {
    let ident = get_ident();
    if ident == MAIN_IDENT {
        let _ = MAIN
            .inner
            .native_id
            .compare_exchange(0, sys::native_id(), Relaxed, Relaxed);
        MAIN.inner.native_published.store(1, Release);
        return main_thread();
    }
    let dummy = Thread::make(
        Kind::Dummy,
        "_DummyThread",
        new_name("Dummy"),
        true,
        ident,
        sys::native_id(),
        None,
    );
    registry().insert(ident, dummy.clone());
    dummy
}

/// The `Thread` of the calling thread (Python's `threading.current_thread()`). For a thread the
/// crate did not create, a dummy `Thread` is made and registered: alive, daemonic, not joinable,
/// and removed from `enumerate()` when that OS thread exits.
///
/// ```
/// use pythreading as threading;
/// let t = threading::Thread::builder()
///     .name("worker")
///     .target(|| assert_eq!(threading::current_thread().name(), "worker"))
///     .build();
/// t.start().unwrap();
/// t.join().unwrap();
/// std::thread::spawn(|| {
///     let me = threading::current_thread();
///     assert!(me.is_daemon() && me.is_alive() && me.join().is_err());
/// }).join().unwrap();
/// ```
pub fn current_thread() -> Thread {
    CURRENT
        .try_with(|slot| {
            slot.get().unwrap_or_else(|| {
                let t = make_current();
                slot.set(Some(t.clone()));
                t
            })
        })
        // During this thread's TLS teardown: an unregistered stand-in.
        .unwrap_or_else(|_| {
            Thread::make(
                Kind::Dummy,
                "_DummyThread",
                new_name("Dummy"),
                true,
                get_ident(),
                sys::native_id(),
                None,
            )
        })
}

/// Every alive `Thread`: started crate threads, dummies of foreign threads that called
/// `current_thread()`, and the main thread (Python's `threading.enumerate()`).
pub fn enumerate() -> Vec<Thread> {
    registry().values().cloned().collect()
}

/// `enumerate().len()` (Python's `threading.active_count()`).
pub fn active_count() -> usize {
    registry().len()
}
