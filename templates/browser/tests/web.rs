//! Threads in the browser, from a crate of your own: `wasm-pack test --headless --chrome
//! --mode no-install` (or `--firefox`). The tests run in a dedicated worker, where blocking
//! (`join`, `acquire`, `wait`) is allowed; the page's UI thread may not block.

use pythreading as threading;
use pythreading_browser_template::parallel_sum;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_dedicated_worker);

/// Starts the pool of workers that run threads, before the first `start()`: a new Worker only
/// starts once its creator returns to the event loop, which a thread blocked in `join` never
/// does. Idempotent, so every test awaits it.
async fn init() {
    threading::init_threads(4).await.expect("init_threads");
}

/// Checks `cond` every millisecond or so (blocking this worker, which is allowed) until it
/// holds, for at least `secs` seconds; returns whether it held.
fn eventually(secs: u32, mut cond: impl FnMut() -> bool) -> bool {
    let never_set = threading::Event::new();
    for _ in 0..secs * 1000 {
        if cond() {
            return true;
        }
        assert!(!never_set.wait_timeout(0.001).unwrap());
    }
    cond()
}

/// Blocks the calling thread for about `secs` seconds.
fn sleep(secs: f64) {
    assert!(!threading::Event::new().wait_timeout(secs).unwrap());
}

#[wasm_bindgen_test]
async fn lock_protected_counter_from_four_threads_is_exact() {
    init().await;
    let n = 200_000u64;
    assert_eq!(parallel_sum(n, 4).unwrap(), n * (n - 1) / 2);
}

#[wasm_bindgen_test]
async fn barrier_holds_every_party_then_releases_all() {
    init().await;
    let barrier = threading::Barrier::new(5).unwrap();
    let passed = Arc::new(AtomicUsize::new(0));
    let indices = Arc::new(Mutex::new(Vec::new()));
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let (barrier, passed, indices) =
                (barrier.clone(), Arc::clone(&passed), Arc::clone(&indices));
            threading::Thread::new(move || {
                let index = barrier.wait().unwrap();
                passed.fetch_add(1, Ordering::SeqCst);
                indices.lock().unwrap().push(index);
            })
        })
        .collect();
    for t in &threads {
        t.start().unwrap();
    }
    assert!(
        eventually(30, || barrier.n_waiting() == 4),
        "the 4 threads never all reached the barrier (n_waiting = {})",
        barrier.n_waiting()
    );
    assert_eq!(
        passed.load(Ordering::SeqCst),
        0,
        "a party passed before the last arrived"
    );
    // The fifth party (this thread) releases them all.
    let mine = barrier.wait().unwrap();
    for t in &threads {
        t.join().unwrap();
    }
    assert_eq!(passed.load(Ordering::SeqCst), 4);
    let mut all = indices.lock().unwrap().clone();
    all.push(mine);
    all.sort();
    assert_eq!(all, vec![0, 1, 2, 3, 4], "each party gets a distinct index");
    assert_eq!(barrier.n_waiting(), 0);
    assert!(!barrier.broken());
}

#[wasm_bindgen_test]
async fn condition_hands_every_item_to_the_consumer_in_order() {
    init().await;
    let cond = threading::Condition::new();
    let queue = Arc::new(Mutex::new(VecDeque::new()));
    // A target returns (): the consumer leaves what it got in a shared slot.
    let got = Arc::new(Mutex::new(Vec::new()));
    let consumer = {
        let (cond, queue, got) = (cond.clone(), Arc::clone(&queue), Arc::clone(&got));
        threading::Thread::new(move || {
            while got.lock().unwrap().len() < 100 {
                let _held = cond.guard();
                let ready = cond
                    .wait_for_timeout(|| !queue.lock().unwrap().is_empty(), 30.0)
                    .unwrap();
                assert!(ready, "no item within 30 s");
                got.lock().unwrap().extend(queue.lock().unwrap().drain(..));
            }
        })
    };
    let producer = {
        let (cond, queue) = (cond.clone(), Arc::clone(&queue));
        threading::Thread::new(move || {
            for i in 1..=100u32 {
                let _held = cond.guard();
                queue.lock().unwrap().push_back(i);
                cond.notify(1).unwrap();
            }
        })
    };
    consumer.start().unwrap();
    producer.start().unwrap();
    producer.join().unwrap();
    consumer.join().unwrap();
    assert_eq!(*got.lock().unwrap(), (1..=100).collect::<Vec<u32>>());
}

#[wasm_bindgen_test]
async fn event_wakes_the_thread_that_waits_for_it() {
    init().await;
    let event = threading::Event::new();
    let data = Arc::new(AtomicUsize::new(0));
    let seen = Arc::new(Mutex::new(None));
    let waiter = {
        let (event, data, seen) = (event.clone(), Arc::clone(&data), Arc::clone(&seen));
        threading::Thread::new(move || {
            let flag = event.wait_timeout(30.0).unwrap();
            *seen.lock().unwrap() = Some((flag, data.load(Ordering::SeqCst)));
        })
    };
    waiter.start().unwrap();
    sleep(0.05);
    assert!(
        waiter.is_alive(),
        "the waiter returned before the event was set"
    );
    assert!(seen.lock().unwrap().is_none());
    data.store(42, Ordering::SeqCst);
    event.set();
    waiter.join().unwrap();
    assert_eq!(*seen.lock().unwrap(), Some((true, 42)));
}

#[wasm_bindgen_test]
async fn semaphore_admits_at_most_its_value() {
    init().await;
    let sem = threading::Semaphore::new(2);
    let inside = Arc::new(AtomicUsize::new(0));
    let most = Arc::new(AtomicUsize::new(0));
    let entered = Arc::new(AtomicUsize::new(0));
    let threads: Vec<_> = (0..6)
        .map(|_| {
            let (sem, inside, most, entered) = (
                sem.clone(),
                Arc::clone(&inside),
                Arc::clone(&most),
                Arc::clone(&entered),
            );
            threading::Thread::new(move || {
                let _permit = sem.guard();
                let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(now, Ordering::SeqCst);
                entered.fetch_add(1, Ordering::SeqCst);
                sleep(0.02);
                inside.fetch_sub(1, Ordering::SeqCst);
            })
        })
        .collect();
    for t in &threads {
        t.start().unwrap();
    }
    for t in &threads {
        t.join().unwrap();
    }
    assert_eq!(entered.load(Ordering::SeqCst), 6);
    let most = most.load(Ordering::SeqCst);
    assert!(
        (1..=2).contains(&most),
        "{most} threads held a Semaphore(2) at once"
    );
    assert_eq!(sem.value(), 2, "every permit came back");
}

#[wasm_bindgen_test]
async fn named_threads_are_enumerated_while_alive() {
    init().await;
    let go = threading::Event::new();
    let names: Vec<String> = (0..3).map(|i| format!("template-worker-{i}")).collect();
    let own_names = Arc::new(Mutex::new(Vec::new()));
    let threads: Vec<_> = names
        .iter()
        .map(|name| {
            let (go, own_names) = (go.clone(), Arc::clone(&own_names));
            threading::Thread::builder()
                .name(name.clone())
                .target(move || {
                    own_names
                        .lock()
                        .unwrap()
                        .push(threading::current_thread().name());
                    assert!(go.wait_timeout(30.0).unwrap());
                })
                .build()
        })
        .collect();
    for t in &threads {
        t.start().unwrap();
    }
    let listed: Vec<String> = threading::enumerate().iter().map(|t| t.name()).collect();
    for name in &names {
        assert!(
            listed.contains(name),
            "{name} not in enumerate(): {listed:?}"
        );
    }
    assert!(listed.contains(&"MainThread".to_string()), "{listed:?}");
    go.set();
    for t in &threads {
        t.join().unwrap();
        assert!(!t.is_alive());
    }
    let mut own = own_names.lock().unwrap().clone();
    own.sort();
    assert_eq!(own, names, "current_thread().name() inside each thread");
    let after: Vec<String> = threading::enumerate().iter().map(|t| t.name()).collect();
    for name in &names {
        assert!(
            !after.contains(name),
            "{name} still enumerated after join: {after:?}"
        );
    }
}
