//! A crate of your own over pythreading: one function that starts threads.

use pythreading as threading;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Sums `0..n` on `threads` threads (thread `k` takes `k, k + threads, k + 2 * threads, ...`),
/// each adding its numbers one by one to a shared total under a `Lock`. The threads meet at a
/// `Barrier` first, so they all add at the same time; the total is read and written in two
/// steps, so without the lock concurrent additions would be lost.
pub fn parallel_sum(n: u64, threads: usize) -> threading::Result<u64> {
    let lock = threading::Lock::new();
    let start = threading::Barrier::new(threads)?;
    let total = Arc::new(AtomicU64::new(0));
    let workers: Vec<threading::Thread> = (0..threads as u64)
        .map(|k| {
            let (lock, start, total) = (lock.clone(), start.clone(), Arc::clone(&total));
            threading::Thread::builder()
                .name(format!("adder-{k}"))
                .target(move || {
                    start.wait().expect("the start barrier broke");
                    for x in (k..n).step_by(threads) {
                        let _held = lock.guard();
                        let before = total.load(Ordering::Relaxed);
                        total.store(before + x, Ordering::Relaxed);
                    }
                })
                .build()
        })
        .collect();
    for t in &workers {
        t.start()?;
    }
    for t in &workers {
        t.join()?;
    }
    Ok(total.load(Ordering::Relaxed))
}
