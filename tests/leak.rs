//! No per-thread leak: the bytes the allocator holds stay flat over many sequential
//! start+join cycles (a counting global allocator wraps the system's). Runs natively, under
//! wasmtime and in browsers, where finished threads' workers are reused and a leak would
//! otherwise hide in spare heap until memory grows (`browser_smoke` measures the pages too).

mod common;

use pythreading as threading;
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering::Relaxed};

struct Counting;

/// Bytes allocated and not yet freed, by every thread.
static LIVE: AtomicIsize = AtomicIsize::new(0);

// SAFETY: forwards to the system allocator unchanged; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc(layout);
        if !p.is_null() {
            LIVE.fetch_add(layout.size() as isize, Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout);
        LIVE.fetch_sub(layout.size() as isize, Relaxed);
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

fn cycle(n: usize) {
    for i in 0..n {
        let t = threading::Thread::builder()
            .name(format!("cycle-{i}"))
            .target(|| {
                let l = threading::Lock::new();
                l.acquire();
                l.release().unwrap();
            })
            .build();
        t.start().unwrap();
        t.join().unwrap();
        assert!(!t.is_alive());
    }
}

#[crate::common::test]
fn sequential_threads_leak_nothing() {
    // Warm up: the registry, the pool's workers, lazily created state.
    cycle(200);
    let before = LIVE.load(Relaxed);
    cycle(3_000);
    let after = LIVE.load(Relaxed);
    // A leak of even 8 bytes per thread would show as 24,000 bytes; allow a little for
    // structures that grow in steps (maps, queues) and for other threads of the harness.
    assert!(
        after - before < 16 * 1024,
        "live heap grew by {} bytes over 3,000 threads ({before} -> {after})",
        after - before
    );
}
