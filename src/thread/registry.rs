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

// The calling thread's ident, 0 until assigned, and its owner key (`owner_key`), 0 until the
// ident is assigned: both are set together. Under loom, the model's threads share OS threads,
// so they (what `RLock` owns by) are loom's thread-locals, one per model thread.
#[cfg(not(loom))]
thread_local! {
    static IDENT: Cell<u64> = const { Cell::new(0) };
    static KEY: Cell<u32> = const { Cell::new(0) };
}
#[cfg(loom)]
loom::thread_local! {
    static IDENT: Cell<u64> = Cell::new(0);
    static KEY: Cell<u32> = Cell::new(0);
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
    KEY.with(|c| c.set(key_of(id)));
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
    set_ident(id);
    id
}

/// The calling thread's owner key, for the owner words of `RLock` (and so of the default
/// `Condition`): its ident folded into 30 bits and shifted left by two, the low two bits left
/// free for flags; never 0. Idents are never reused, so keys only repeat after 2^30 threads, and
/// then only matter if one of them owns the lock.
///
/// It is kept in a thread-local of its own, set with the ident, rather than computed from the
/// ident on every call (a 64-bit compare with a constant and a shift): an `RLock`
/// acquire+release reads it twice. Measured in a scratch loop of 1,000,000 acquire+release
/// pairs on one thread under the host (stable, panic=abort, 30 batches, best of 5 each, two
/// processes): a copy of `RLock` computing the key ran 8.3-8.7 ns per pair in one and
/// switched between 6.1-6.8 and 7.4-8.9 ns in the other; the same copy reading the stored key
/// 6.0-7.3 ns in both; std's `Mutex` 5.5-6.5 ns.
#[inline]
pub(crate) fn owner_key() -> u32 {
    match KEY.with(Cell::get) {
        0 => key_of(get_ident()),
        key => key,
    }
}

/// `ident` as an owner key (see [`owner_key`]).
#[inline]
fn key_of(ident: u64) -> u32 {
    if ident <= 0x3FFF_FFFF {
        (ident as u32) << 2
    } else {
        fold(ident)
    }
}

#[cold]
fn fold(ident: u64) -> u32 {
    ((((ident - 1) % 0x3FFF_FFFF) + 1) as u32) << 2
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
