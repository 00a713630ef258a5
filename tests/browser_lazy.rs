//! A plain synchronous test starts threads without `await initThreads(n)` first: the spawner
//! that the runtime (`src/sys/web/worker.js`) started when the glue was imported takes the module and memory on the
//! first `start()` (src/sys/thread_web.rs, `lazy_init`). Headless Chromium, dedicated worker.
#![cfg(all(target_arch = "wasm32", target_os = "unknown"))]

use pythreading as threading;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_dedicated_worker);

#[wasm_bindgen_test]
fn sync_test_starts_and_joins_without_init() {
    let n = Arc::new(AtomicUsize::new(0));
    let threads: Vec<_> = (0..3)
        .map(|_| {
            let n = n.clone();
            threading::Thread::new(move || {
                n.fetch_add(1, Ordering::SeqCst);
            })
        })
        .collect();
    for t in &threads {
        t.start().unwrap();
    }
    for t in &threads {
        t.join_timeout(20.0).unwrap();
        assert!(!t.is_alive());
    }
    assert_eq!(n.load(Ordering::SeqCst), 3);
}
