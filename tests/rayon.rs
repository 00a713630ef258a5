//! `init_thread_pool` (feature `rayon`): rayon's global pool on pythreading threads, the
//! counterpart of wasm-bindgen-rayon's `initThreadPool(n)`. The same tests natively, under
//! wasmtime and in browsers (a dedicated worker): `cargo test --features rayon --test rayon`.
//! Not from CPython's suite (rayon is not Python); it checks that rayon's work runs on this
//! crate's threads and that they behave like the crate's other threads.
#![cfg(feature = "rayon")]

mod common;

use pythreading as threading;
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::sync::{Mutex, Once};

/// rayon's global pool exists once per process: every test starts it (the first one wins).
fn pool() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| threading::init_thread_pool(2).expect("init_thread_pool(2)"));
}

#[crate::common::test]
fn parallel_work_runs_on_the_pools_pythreading_threads() {
    pool();
    let names = Mutex::new(BTreeSet::new());
    let sum: u64 = (1..=20_000u64)
        .into_par_iter()
        .map(|i| {
            names
                .lock()
                .unwrap()
                .insert(threading::current_thread().name());
            i
        })
        .sum();
    assert_eq!(sum, 20_000 * 20_001 / 2);
    let names = names.into_inner().unwrap();
    assert!(!names.is_empty());
    for n in &names {
        assert!(n == "rayon-0" || n == "rayon-1", "work ran on {n:?}");
    }
    // The pool's threads are ordinary crate threads: listed, alive, daemonic.
    let pool: Vec<threading::Thread> = threading::enumerate()
        .into_iter()
        .filter(|t| t.name().starts_with("rayon-"))
        .collect();
    assert_eq!(pool.len(), 2, "{pool:?}");
    for t in &pool {
        assert!(t.is_alive() && t.is_daemon(), "{t:?}");
        assert_ne!(t.ident(), Some(threading::get_ident()));
    }
}

#[crate::common::test]
fn join_and_a_pythreading_lock_inside_parallel_work() {
    pool();
    let lock = threading::Lock::new();
    let total = Mutex::new(0u64);
    let (a, b) = rayon::join(
        || {
            (0..500u64).into_par_iter().for_each(|i| {
                let _g = lock.guard();
                *total.lock().unwrap() += i;
            });
            1
        },
        || 2,
    );
    assert_eq!((a, b), (1, 2));
    assert_eq!(*total.lock().unwrap(), 499 * 500 / 2);
    assert!(!lock.locked());
}

#[crate::common::test]
fn a_second_pool_or_zero_threads_is_an_error() {
    pool();
    assert!(
        matches!(
            threading::init_thread_pool(2),
            Err(threading::Error::Runtime(_))
        ),
        "rayon's global pool exists already"
    );
    assert!(matches!(
        threading::init_thread_pool(0),
        Err(threading::Error::Value(_))
    ));
}
