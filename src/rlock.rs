//! `RLock`: Python's `threading.RLock`, a reentrant lock **owned** by the thread that acquired
//! it: only the owner may release it, and the owner may acquire it again (behaviours BL-*,
//! R-01 to R-09). `locked()` and the repr's owner/count are global; `is_owned()` and
//! `recursion_count()` are relative to the calling thread.
//!
//! The owner word is the lock, a futex word of its own (not `Lock`'s `RawLock`): `0` free, else
//! the owner's key (its low two bits clear), with bit 0 (`WAITERS`) set when a waiter may be
//! asleep and bit 1 (`DEEP`) set while the owner holds it more than once. An uncontended
//! acquire+release is one compare-and-swap and one swap, like `Lock` and std's `Mutex`, and the
//! acquire reads the owner word only through its compare-and-swap (one load fewer than before.
//! Measured with `PYTHREADING_BENCH_ROUNDS=101 cargo bench --bench primitives -- --wasmtime
//! --no-cpython lock rlock semaphore`: natively 1.00-1.04× std; under wasmtime the same module
//! gives 0.99× in some runs and 1.41-1.55× in others, each run's quartiles tight, so the wasm
//! cost is decided per process, not by this load); the recursion depth beyond the first level
//! lives in `extra`, written only by the owner and only on re-entry. (Plain atomic stores are
//! avoided on the fast path on purpose: on wasm every atomic store is sequentially consistent
//! and costs a full fence under wasmtime.)
//!
//! A release reads the owner word once: the key says whether the caller owns it, `DEEP` whether
//! it is a re-entry to undo (then `extra` is read) or the last level (then the swap). Before,
//! every release also read `extra`. Setting and clearing `DEEP` costs a re-entry an RMW at its
//! first and last level. Measured:
//! * in a scratch loop of 1,000,000 acquire+release pairs on one thread under the host (the
//!   unwinding build, 30 batches, best of 5 each, two processes), a copy of `RLock` with both
//!   loads ran 6.5-10.6 ns per pair, about 7 or 9-10 by turns, and the same copy with the owner
//!   word's load only 6.7-9.1 ns, std's `Mutex` 6.2-8.2 ns. `RLock` itself stays bimodal in that
//!   loop (6.5-7 or about 10 ns), so the turns are not only these loads;
//! * in the bench, together with the stored key of `owner_key` (two runs of each build, taking
//!   turns: `PYTHREADING_BENCH_ROUNDS=21 cargo bench --bench primitives -- --wasmtime
//!   --no-cpython lock rlock`), the uncontended row under wasmtime went from 13.9 and 13.9 ns
//!   (1.82× std's `Mutex`) to 10.6 and 10.9 ns (1.49× and 1.69×); natively it was 1.04× std
//!   after.
//!
//! A contended acquire is one waiter protocol (`contended_step`), driven by the blocking
//! acquire with the futex wait and by the browser's `acquireAsync` with `Atomics.waitAsync`.
//!
//! A key is the thread's ident folded into 30 bits and shifted left by two
//! ([`owner_key`](crate::thread::owner_key), kept in a thread-local beside the ident); idents
//! are never reused, so keys only repeat after 2^30 threads, and then only matter if one of them
//! owns this lock.

use crate::error::{Error, Result};
use crate::lock::acquire_args;
use crate::sys::atomic::{AtomicU32, AtomicUsize, Ordering::*};
use crate::sys::wake_one;
use crate::thread::owner_key;
use crate::timeout::{drive_blocking, or_throw, Deadline, SpinWait, Step, Timeout};
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// A waiter may be asleep: the release wakes one.
const WAITERS: u32 = 1;
/// The owner holds the lock more than once (`extra > 0`). Only the owner sets and clears it,
/// with RMWs of the whole word (a waiter may set `WAITERS` meanwhile).
const DEEP: u32 = 2;
/// The flag bits beside the owner's key.
const FLAGS: u32 = WAITERS | DEEP;

pub(crate) struct RLockInner {
    /// 0 free; `key | WAITERS? | DEEP?` when owned. Acquire on taking it, Release on giving it up:
    /// the owner's writes are visible to the next owner.
    state: AtomicU32,
    /// Recursion levels beyond the first. Only the owner writes it (Relaxed: the owner reads
    /// its own writes; others read it only for the repr).
    extra: AtomicUsize,
}

/// A reentrant lock, as Python's `threading.RLock()`.
///
/// ```
/// use pythreading as threading;
///
/// // Python:
/// //   lock = threading.RLock()
/// //   print('First try :', lock.acquire())
/// //   print('Second try:', lock.acquire(0))
/// let lock = threading::RLock::new();
/// assert!(lock.acquire());
/// assert!(lock.try_acquire()); // re-entrant: the owner may acquire again
/// assert_eq!(lock.recursion_count(), 2);
/// // Another thread does not own it, cannot take it and cannot release it.
/// let l2 = lock.clone();
/// std::thread::spawn(move || {
///     assert!(!l2.is_owned());
///     assert!(!l2.try_acquire());
///     assert!(l2.release().is_err());
/// }).join().unwrap();
/// lock.release().unwrap();
/// lock.release().unwrap();
/// assert!(!lock.locked());
/// ```
#[derive(Clone)]
pub struct RLock {
    inner: Arc<RLockInner>,
}

impl Default for RLock {
    fn default() -> Self {
        RLock::new()
    }
}

impl RLock {
    /// A new, unowned reentrant lock.
    pub fn new() -> RLock {
        RLock {
            inner: Arc::new(RLockInner {
                state: AtomicU32::new(0),
                extra: AtomicUsize::new(0),
            }),
        }
    }

    /// True if `me` (a key) owns the lock. Relaxed: a thread can only read its own key here if
    /// it stored it itself (program order); other threads never see their own key.
    #[inline]
    fn owned_by(&self, me: u32) -> bool {
        self.inner.state.load(Relaxed) & !FLAGS == me
    }

    /// Re-enters or takes a free lock without waiting. The compare-and-swap comes first: on a
    /// free lock it is all an acquire costs (no load of the owner word before it), and when it
    /// fails it reads the owner word anyway, which tells a re-entry (our own key: only we can
    /// have stored it, as in `owned_by`) from a lock owned elsewhere.
    #[inline]
    fn try_fast(&self, me: u32) -> bool {
        let i = &*self.inner;
        match i.state.compare_exchange(0, me, Acquire, Relaxed) {
            Ok(_) => true,
            Err(s) if s & !FLAGS == me => {
                let extra = i.extra.load(Relaxed);
                i.extra.store(extra + 1, Relaxed);
                if extra == 0 {
                    // Relaxed: only the owner reads `DEEP` (its own write, in program order).
                    i.state.fetch_or(DEEP, Relaxed);
                }
                true
            }
            Err(_) => false,
        }
    }

    /// `acquire(blocking, timeout)` with the arguments already checked (`None`: non-blocking).
    #[inline]
    pub(crate) fn acquire_for(&self, t: Option<Option<Duration>>) -> Result<bool> {
        let me = owner_key();
        if self.try_fast(me) {
            return Ok(true);
        }
        match t {
            None => Ok(false),
            Some(t) => self.lock_contended(me, Deadline::after(t)),
        }
    }

    #[cold]
    #[inline(never)]
    fn lock_contended(&self, me: u32, mut deadline: Deadline) -> Result<bool> {
        // `None`: timed out. (A refused wait leaves the waiter bit: one wake call too many,
        // nothing else.)
        let mut waited = false;
        Ok(
            drive_blocking(&mut deadline, || self.contended_step(me, &mut waited))?
                .unwrap_or(false),
        )
    }

    /// One step of an acquire after the fast path failed (see [`Step`]): spins boundedly while
    /// the owner runs and nobody sleeps ([`SpinWait`]), then takes the lock if it is free, or
    /// sets the waiter bit and names the word to wait on. `waited` starts false and is set once
    /// a step returned `Wait`. Shared by the blocking acquire and the browser's async one.
    /// Acquire on taking the lock (pairs with the Release swap of the previous owner's
    /// release); the waiter bit is set Relaxed: it publishes nothing, and the owner's release
    /// swaps the whole word, so it sees the bit or the CAS fails. Nothing is to be undone on
    /// timeout (the bit stays: one wake call too many).
    ///
    /// A free lock is taken without the waiter bit until this acquire has waited, and with it
    /// after a wait: others may still be asleep then, and a release of a lock without the bit
    /// would not wake them (`Lock`'s and std's futex mutex's rule: a thread that never slept
    /// leaves the bit to the sleepers, each of which sets it again before it sleeps). Taking it
    /// with the bit every time, as before, made every release after a contended acquire a wake
    /// call, nobody asleep or not. Measured (`PYTHREADING_BENCH_ROUNDS=21 cargo bench --bench
    /// primitives -- --no-cpython rlock_contended_2 rlock_contended_4 rlock_contended_8`, one
    /// run each, natively, ours/parking_lot, before → after): 2, 4 and 8 threads
    /// 1.70/1.51/1.47× → 1.04/1.08/1.07×; under wasmtime (no yields there) ours/std stayed
    /// within its noise (0.9-1.4× in two runs).
    fn contended_step(&self, me: u32, waited: &mut bool) -> Step<'_, bool> {
        let state = &self.inner.state;
        // Spin (boundedly, see `SpinWait`) while another thread owns it and nobody sleeps on it.
        // Relaxed: a hint only, the CAS below orders the memory.
        SpinWait::locking().spin_while(|| {
            let s = state.load(Relaxed);
            s != 0 && s & WAITERS == 0
        });
        loop {
            let s = state.load(Relaxed);
            if s == 0 {
                let taken = if *waited { me | WAITERS } else { me };
                if state.compare_exchange(0, taken, Acquire, Relaxed).is_ok() {
                    return Step::Done(true);
                }
                continue;
            }
            if s & WAITERS == 0
                && state
                    .compare_exchange(s, s | WAITERS, Relaxed, Relaxed)
                    .is_err()
            {
                continue;
            }
            *waited = true;
            return Step::Wait(state, s | WAITERS);
        }
    }

    /// Gives the lock up entirely (the caller owns it), waking a waiter if one may sleep.
    #[inline]
    fn unlock(&self) {
        if self.inner.state.swap(0, Release) & WAITERS != 0 {
            wake_one(&self.inner.state);
        }
    }

    /// Blocks until acquired (or re-entered); always `true`.
    ///
    /// # Browsers
    /// On the page's UI thread it waits at most 1 s for a lock owned elsewhere, then throws a
    /// JS exception (as [`Lock::acquire`](crate::Lock::acquire)).
    #[inline]
    pub fn acquire(&self) -> bool {
        let me = owner_key();
        self.try_fast(me) || or_throw(self.lock_contended(me, Deadline::NEVER))
    }

    /// Python's `acquire(False)`.
    #[inline]
    pub fn try_acquire(&self) -> bool {
        self.try_fast(owner_key())
    }

    /// Python's `acquire(timeout=t)`; errors as [`Lock::acquire_timeout`](crate::Lock::acquire_timeout).
    ///
    /// # Browsers
    /// On the page's UI thread, `Err(Runtime)` instead of a wait (as `Lock::acquire_timeout`).
    pub fn acquire_timeout(&self, t: impl Into<Timeout>) -> Result<bool> {
        let t = t.into().for_lock()?;
        self.acquire_for(Some(t))
    }

    /// Python's `acquire(blocking, timeout)` exactly.
    pub fn acquire_with(&self, blocking: bool, timeout: Option<f64>) -> Result<bool> {
        self.acquire_for(acquire_args(blocking, timeout)?)
    }

    /// Releases one level. `Err(Runtime)` if the calling thread does not own the lock.
    #[inline]
    pub fn release(&self) -> Result<()> {
        let i = &*self.inner;
        let s = i.state.load(Relaxed);
        if s & !FLAGS != owner_key() {
            return Err(Error::runtime("cannot release un-acquired lock"));
        }
        if s & DEEP != 0 {
            let extra = i.extra.load(Relaxed) - 1;
            i.extra.store(extra, Relaxed);
            if extra == 0 {
                i.state.fetch_and(!DEEP, Relaxed);
            }
        } else {
            self.unlock();
        }
        Ok(())
    }

    /// True if any thread holds the lock (global, like Python 3.14's `RLock.locked()`).
    pub fn locked(&self) -> bool {
        self.inner.state.load(Relaxed) != 0
    }

    /// True if the calling thread owns the lock (Python's `_is_owned()`).
    pub fn is_owned(&self) -> bool {
        self.owned_by(owner_key())
    }

    /// The calling thread's recursion depth; 0 if it does not own the lock
    /// (Python's `_recursion_count()`).
    pub fn recursion_count(&self) -> usize {
        if self.is_owned() {
            self.inner.extra.load(Relaxed) + 1
        } else {
            0
        }
    }

    /// Python's `with rlock:`.
    pub fn guard(&self) -> RLockGuard<'_> {
        self.acquire();
        RLockGuard { lock: self }
    }

    /// Fully releases the lock for `Condition::wait`, returning the depth to restore
    /// (Python's `_release_save`). `Err(Runtime)` if the caller does not own it.
    pub(crate) fn release_save(&self) -> Result<usize> {
        if !self.is_owned() {
            return Err(Error::runtime("cannot release un-acquired lock"));
        }
        let depth = self.inner.extra.swap(0, Relaxed) + 1;
        self.unlock();
        Ok(depth)
    }

    pub(crate) fn addr(&self) -> usize {
        Arc::as_ptr(&self.inner) as usize
    }

    /// One step of an acquire by the calling thread (see [`Step`]), for the browser's
    /// `acquireAsync` and `Condition`'s re-acquire after a wait: the first step re-enters or
    /// takes the lock as the fast path does; every step after a wait (`waited`, set once a step
    /// returned `Wait`) is [`contended_step`](Self::contended_step) only, which takes a free
    /// lock with the waiter bit: other waiters may still be asleep.
    pub(crate) fn acquire_step(&self, waited: &mut bool) -> Step<'_, bool> {
        let me = owner_key();
        if !*waited && self.try_fast(me) {
            return Step::Done(true);
        }
        self.contended_step(me, waited)
    }

    /// After `Condition` re-acquired the lock with `acquire_step`: restores the saved depth
    /// (Python's `_acquire_restore`, with the acquire done by the steps). Relaxed: only the
    /// owner writes `extra`.
    pub(crate) fn restore_depth(&self, depth: usize) {
        let extra = depth.saturating_sub(1);
        self.inner.extra.store(extra, Relaxed);
        if extra > 0 {
            self.inner.state.fetch_or(DEEP, Relaxed);
        }
    }
}

/// Holds an [`RLock`] level until dropped.
#[must_use = "the lock is released as soon as the guard is dropped"]
pub struct RLockGuard<'a> {
    lock: &'a RLock,
}

impl Drop for RLockGuard<'_> {
    fn drop(&mut self) {
        let _ = self.lock.release();
    }
}

impl fmt::Debug for RLockGuard<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RLockGuard({:?})", self.lock)
    }
}

impl fmt::Debug for RLock {
    /// Python's repr: `<locked pythreading.RLock object owner=7 count=2 at 0x...>` (the owner
    /// is its thread's ident; count is the owner's depth, seen from any thread).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.inner.state.load(Relaxed);
        let (state, owner, count) = if s == 0 {
            ("unlocked", 0, 0)
        } else {
            ("locked", s >> 2, self.inner.extra.load(Relaxed) + 1)
        };
        write!(
            f,
            "<{state} pythreading.RLock object owner={owner} count={count} at {:#x}>",
            self.addr()
        )
    }
}

identity_eq!(RLock, |l| l.addr());
