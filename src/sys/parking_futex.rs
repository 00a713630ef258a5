//! A futex emulated with a small parking lot over std's `park`/`unpark`, for platforms where
//! the crate cannot issue the wait instruction itself. On `wasm32-wasip1-threads` std's park is
//! `memory.atomic.wait32`/`notify`, so blocking still lowers to those instructions.
//!
//! Waiters are kept in one of 64 buckets chosen by the word's address. A waiter checks the word
//! *while holding its bucket's mutex* and wakers take the same mutex after changing the word, so
//! a wake cannot slip between the check and the sleep.

use super::atomic::{AtomicU32, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

/// A thread's entry in a queue. Each thread reuses one (no allocation and no thread-handle
/// clone per wait), so waits are numbered: a waker records the number of the wait it took off
/// the queue, and a waiter returns only for its own number. A late waker of an earlier wait
/// (which returned on timeout) cannot end a later wait whose entry is still queued, which would
/// waste a `wake_one` on a thread that is not waiting.
struct Waiter {
    /// The word waited on; read by wakers under the bucket lock.
    addr: AtomicUsize,
    /// Number of the current wait; written by the owner before queueing.
    seq: AtomicUsize,
    /// Highest wait number a waker took off the queue (`fetch_max`: late wakers never lower it).
    woken: AtomicUsize,
    thread: std::thread::Thread,
}

fn new_waiter() -> Arc<Waiter> {
    Arc::new(Waiter {
        addr: AtomicUsize::new(0),
        seq: AtomicUsize::new(0),
        woken: AtomicUsize::new(0),
        thread: std::thread::current(),
    })
}

thread_local! {
    static NODE: Arc<Waiter> = new_waiter();
}

const BUCKETS: usize = 64;
static QUEUES: [Mutex<Vec<Arc<Waiter>>>; BUCKETS] = [const { Mutex::new(Vec::new()) }; BUCKETS];

fn queue(addr: usize) -> MutexGuard<'static, Vec<Arc<Waiter>>> {
    // Fibonacci hashing of the word address spreads neighbouring words over buckets.
    let i = (addr.wrapping_mul(0x9E37_79B9_7F4A_7C15_u64 as usize) >> 20) % BUCKETS;
    // A panic never happens while a queue is held, but stay usable if one ever did.
    QUEUES[i].lock().unwrap_or_else(|e| e.into_inner())
}

pub(crate) fn wait(a: &AtomicU32, expected: u32, timeout: Option<Duration>) {
    let addr = a as *const AtomicU32 as usize;
    // During TLS teardown: a fresh entry.
    let me = NODE.try_with(Arc::clone).unwrap_or_else(|_| new_waiter());
    // Relaxed: read by wakers only under the bucket lock taken below.
    let my = me.seq.load(Ordering::Relaxed) + 1;
    me.seq.store(my, Ordering::Relaxed);
    me.addr.store(addr, Ordering::Relaxed);
    {
        let mut q = queue(addr);
        // SeqCst pairs with the waker's modification of the word, which happens before it
        // takes the bucket lock: either we see the new value, or the waker sees us queued.
        if a.load(Ordering::SeqCst) != expected {
            return;
        }
        q.push(me.clone());
    }
    let deadline = timeout.and_then(|t| super::Instant::now().checked_add(t));
    loop {
        // Acquire pairs with the waker's Release `fetch_max` of `woken`.
        if me.woken.load(Ordering::Acquire) >= my {
            return;
        }
        match (timeout, deadline) {
            (None, _) | (Some(_), None) => std::thread::park(),
            (Some(_), Some(d)) => {
                let now = super::Instant::now();
                if now >= d {
                    let mut q = queue(addr);
                    if let Some(pos) = q.iter().position(|w| Arc::ptr_eq(w, &me)) {
                        q.remove(pos); // keep the others in FIFO order
                    }
                    return;
                }
                std::thread::park_timeout(d - now);
            }
        }
    }
}

fn wake(a: &AtomicU32, all: bool) {
    let addr = a as *const AtomicU32 as usize;
    let mut woken = Vec::new();
    {
        let mut q = queue(addr);
        let mut i = 0;
        while i < q.len() {
            if q[i].addr.load(Ordering::Relaxed) == addr {
                // Keep FIFO order among the remaining waiters.
                let w = q.remove(i);
                let seq = w.seq.load(Ordering::Relaxed);
                woken.push((w, seq));
                if !all {
                    break;
                }
            } else {
                i += 1;
            }
        }
    }
    for (w, seq) in woken {
        w.woken.fetch_max(seq, Ordering::Release);
        w.thread.unpark();
    }
}

pub(crate) fn wake_one(a: &AtomicU32) {
    wake(a, false);
}

pub(crate) fn wake_all(a: &AtomicU32) {
    wake(a, true);
}
