//! The demo page's programs: each one uses pythreading the way the PyMOTW threading examples
//! use Python's `threading`, and reports its lines (with the thread's name) to the page.
use pythreading as threading;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use threading::{Barrier, Condition, Event, Lock, Semaphore, Thread};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/emit.js")]
extern "C" {
    fn emit(example: &str, thread: &str, line: &str);
}

/// Reports `line` from the calling thread, tagged with the thread's name.
fn say(example: &str, line: impl AsRef<str>) {
    emit(example, &threading::current_thread().name(), line.as_ref());
}

fn sleep_ms(ms: u64) {
    std::thread::sleep(Duration::from_millis(ms));
}

/// The programs, in the order the page runs them.
#[wasm_bindgen(js_name = exampleNames)]
pub fn example_names() -> Vec<String> {
    [
        "simple",
        "lock",
        "event",
        "condition",
        "semaphore",
        "barrier",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

/// Runs one program to the end (blocking: call it from a worker, not from the page).
#[wasm_bindgen(js_name = runExample)]
pub fn run_example(name: &str) -> Result<(), JsError> {
    let ex: &'static str = match name {
        "simple" => "simple",
        "lock" => "lock",
        "event" => "event",
        "condition" => "condition",
        "semaphore" => "semaphore",
        "barrier" => "barrier",
        _ => return Err(JsError::new(&format!("no example {name:?}"))),
    };
    match ex {
        "simple" => simple(ex),
        "lock" => lock(ex),
        "event" => event(ex),
        "condition" => condition(ex),
        "semaphore" => semaphore(ex),
        _ => barrier(ex),
    }
    .map_err(|e| JsError::new(&e.to_string()))
}

fn join_all(threads: &[Thread]) -> threading::Result<()> {
    for t in threads {
        t.join()?;
    }
    Ok(())
}

/// threading_simpleargs: five workers, each reports its number.
fn simple(ex: &'static str) -> threading::Result<()> {
    let threads: Vec<Thread> = (0..5)
        .map(|i| {
            Thread::builder()
                .name(format!("worker-{i}"))
                .target(move || say(ex, format!("Worker: {i}")))
                .build()
        })
        .collect();
    for t in &threads {
        t.start()?;
    }
    join_all(&threads)?;
    say(ex, "all workers done");
    Ok(())
}

/// threading_lock: two workers increment a counter under a Lock.
fn lock(ex: &'static str) -> threading::Result<()> {
    let lock = Lock::new();
    let counter = Arc::new(Mutex::new(0u32));
    let threads: Vec<Thread> = (0..2)
        .map(|i| {
            let (lock, counter) = (lock.clone(), counter.clone());
            Thread::builder()
                .name(format!("adder-{i}"))
                .target(move || {
                    for _ in 0..3 {
                        let _g = lock.guard();
                        let mut c = counter.lock().unwrap();
                        *c += 1;
                        say(ex, format!("Acquired lock, counter = {c}"));
                        drop(c);
                        sleep_ms(5);
                    }
                })
                .build()
        })
        .collect();
    for t in &threads {
        t.start()?;
    }
    join_all(&threads)?;
    say(ex, format!("Counter: {}", counter.lock().unwrap()));
    Ok(())
}

/// threading_event: one thread blocks on the event, one polls it with a timeout.
fn event(ex: &'static str) -> threading::Result<()> {
    let e = Event::new();
    let e1 = e.clone();
    let blocking = Thread::builder()
        .name("block")
        .target(move || {
            say(ex, "wait_for_event starting");
            let set = e1.wait();
            say(ex, format!("event set: {set}"));
        })
        .build();
    let e2 = e.clone();
    let polling = Thread::builder()
        .name("nonblock")
        .target(move || loop {
            say(ex, "wait_for_event_timeout starting");
            let set = e2.wait_timeout(0.02).unwrap();
            say(ex, format!("event set: {set}"));
            if set {
                say(ex, "processing event");
                break;
            }
            say(ex, "doing other work");
        })
        .build();
    blocking.start()?;
    polling.start()?;
    sleep_ms(50);
    say(ex, "Event is set");
    e.set();
    join_all(&[blocking, polling])
}

/// threading_condition: a producer makes a resource available to two consumers.
fn condition(ex: &'static str) -> threading::Result<()> {
    let cond = Condition::new();
    let ready = Arc::new(AtomicUsize::new(0));
    let consumers: Vec<Thread> = (1..=2)
        .map(|i| {
            let (cond, ready) = (cond.clone(), ready.clone());
            Thread::builder()
                .name(format!("c{i}"))
                .target(move || {
                    say(ex, "Starting consumer thread");
                    let _g = cond.guard();
                    cond.wait_for(|| ready.load(Ordering::SeqCst) == 1).unwrap();
                    say(ex, "Resource is available to consumer");
                })
                .build()
        })
        .collect();
    for c in &consumers {
        c.start()?;
    }
    sleep_ms(20);
    let (c2, r2) = (cond.clone(), ready.clone());
    let producer = Thread::builder()
        .name("p")
        .target(move || {
            say(ex, "Starting producer thread");
            let _g = c2.guard();
            r2.store(1, Ordering::SeqCst);
            say(ex, "Making resource available");
            c2.notify_all().unwrap();
        })
        .build();
    producer.start()?;
    join_all(&consumers)?;
    producer.join()
}

/// threading_semaphore: at most two of four workers are active at a time.
fn semaphore(ex: &'static str) -> threading::Result<()> {
    let sem = Semaphore::new(2);
    let active = Arc::new(Mutex::new(Vec::<String>::new()));
    let max_seen = Arc::new(AtomicUsize::new(0));
    let threads: Vec<Thread> = (0..4)
        .map(|i| {
            let (sem, active, max_seen) = (sem.clone(), active.clone(), max_seen.clone());
            Thread::builder()
                .name(format!("{i}"))
                .target(move || {
                    say(ex, "Waiting to join the pool");
                    let _g = sem.guard();
                    let me = threading::current_thread().name();
                    {
                        let mut a = active.lock().unwrap();
                        a.push(me.clone());
                        max_seen.fetch_max(a.len(), Ordering::SeqCst);
                        say(ex, format!("Running: {a:?}"));
                    }
                    sleep_ms(20);
                    active.lock().unwrap().retain(|n| n != &me);
                })
                .build()
        })
        .collect();
    for t in &threads {
        t.start()?;
    }
    join_all(&threads)?;
    say(
        ex,
        format!("at most {} active at once", max_seen.load(Ordering::SeqCst)),
    );
    Ok(())
}

/// threading_barrier: three workers meet at a barrier.
fn barrier(ex: &'static str) -> threading::Result<()> {
    let b = Barrier::new(3)?;
    let threads: Vec<Thread> = (0..3)
        .map(|i| {
            let b = b.clone();
            Thread::builder()
                .name(format!("worker-{i}"))
                .target(move || {
                    say(
                        ex,
                        format!("waiting for barrier with {} others", b.n_waiting()),
                    );
                    let worker_id = b.wait().unwrap();
                    say(ex, format!("after barrier {worker_id}"));
                })
                .build()
        })
        .collect();
    for t in &threads {
        t.start()?;
    }
    join_all(&threads)
}
