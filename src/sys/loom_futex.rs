//! A futex model for loom: one global loom `Mutex` over the queue of sleepers, and a `Condvar`.
//! A waiter checks the word and queues itself under the mutex, a waker takes sleepers off the
//! queue under it: exactly the no-lost-wake-up contract of a futex. `wake_one` wakes exactly one
//! sleeper on that word (the longest waiting, as `Atomics.notify` does), so a protocol whose
//! single wake-up can reach a thread that then does not pass it on is caught as a deadlock.
//! Timeouts are not modelled (a timed wait returns at once, which is a legal spurious return).

use super::atomic::{AtomicU32, Ordering};
use loom::sync::{Condvar, Mutex};
use std::time::Duration;

/// The sleepers, in arrival order: (the word's address, a ticket naming the sleeper).
struct Sleepers {
    next_ticket: usize,
    queue: Vec<(usize, usize)>,
}

loom::lazy_static! {
    static ref FUTEX: (Mutex<Sleepers>, Condvar) = (
        Mutex::new(Sleepers { next_ticket: 0, queue: Vec::new() }),
        Condvar::new(),
    );
}

fn addr(a: &AtomicU32) -> usize {
    a as *const AtomicU32 as usize
}

pub(crate) fn wait(a: &AtomicU32, expected: u32, timeout: Option<Duration>) {
    let mut s = FUTEX.0.lock().unwrap();
    if timeout.is_some() || a.load(Ordering::SeqCst) != expected {
        return;
    }
    let ticket = s.next_ticket;
    s.next_ticket += 1;
    s.queue.push((addr(a), ticket));
    // Asleep until a waker takes the ticket off the queue.
    while s.queue.iter().any(|&(_, t)| t == ticket) {
        s = FUTEX.1.wait(s).unwrap();
    }
}

pub(crate) fn wake_one(a: &AtomicU32) {
    let mut s = FUTEX.0.lock().unwrap();
    if let Some(i) = s.queue.iter().position(|&(w, _)| w == addr(a)) {
        s.queue.remove(i);
        FUTEX.1.notify_all();
    }
}

pub(crate) fn wake_all(a: &AtomicU32) {
    let mut s = FUTEX.0.lock().unwrap();
    let before = s.queue.len();
    s.queue.retain(|&(w, _)| w != addr(a));
    if s.queue.len() != before {
        FUTEX.1.notify_all();
    }
}
