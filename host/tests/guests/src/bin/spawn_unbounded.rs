//! Spawns threads without limit (each blocks until released): beyond the host's
//! `--max-threads` std's spawn returns an error and pythreading's `Thread::start` returns
//! `Err(Runtime)`; the host keeps running, and once the threads end, spawning works again.
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

fn main() {
    let release = Arc::new(AtomicBool::new(false));
    let mut handles = Vec::new();
    let error = loop {
        let release = release.clone();
        let spawned = std::thread::Builder::new()
            .stack_size(64 << 10)
            .spawn(move || {
                while !release.load(Ordering::SeqCst) {
                    std::thread::sleep(Duration::from_millis(5));
                }
            });
        match spawned {
            Ok(h) => handles.push(h),
            Err(e) => break e,
        }
        if handles.len() > 100_000 {
            println!("no limit after {} threads", handles.len());
            std::process::exit(1);
        }
    };
    println!(
        "std spawned {} threads, then: {:?}",
        handles.len(),
        error.kind()
    );
    // Still refused while they are alive.
    for _ in 0..100 {
        assert!(std::thread::Builder::new().spawn(|| ()).is_err());
    }
    let t = pythreading::Thread::new(|| ());
    match t.start() {
        Err(e @ pythreading::Error::Runtime(_)) => println!("pythreading start: {e}"),
        other => println!("pythreading start: unexpected {other:?}"),
    }
    release.store(true, Ordering::SeqCst);
    for h in handles {
        h.join().unwrap();
    }
    // A joined thread may still be leaving the host for a moment: retry for a while.
    let again = pythreading_host_test_guests::wait_until(|| {
        std::thread::Builder::new()
            .spawn(|| ())
            .map(|h| h.join())
            .is_ok()
    });
    let t = pythreading::Thread::new(|| ());
    let started = t.start().is_ok() && t.join().is_ok();
    println!("after the threads ended: std spawn ok {again}, pythreading start ok {started}");
}
