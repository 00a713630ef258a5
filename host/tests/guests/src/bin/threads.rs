//! Spawns threads with std, joins them, prints a result and exits with the code given as
//! the first argument.
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

fn main() {
    let code: i32 = std::env::args()
        .nth(1)
        .map(|a| a.parse().expect("exit code"))
        .unwrap_or(0);
    let total = Arc::new(AtomicUsize::new(0));
    let names = Arc::new(Mutex::new(Vec::new()));
    let handles: Vec<_> = (1..=8)
        .map(|i| {
            let total = total.clone();
            let names = names.clone();
            std::thread::Builder::new()
                .name(format!("worker-{i}"))
                .spawn(move || {
                    total.fetch_add(i, Ordering::SeqCst);
                    let name = std::thread::current().name().unwrap().to_string();
                    names.lock().unwrap().push(name);
                    i * 10
                })
                .expect("spawn")
        })
        .collect();
    let returned: usize = handles.into_iter().map(|h| h.join().unwrap()).sum();
    let mut names = names.lock().unwrap().clone();
    names.sort();
    println!(
        "sum={} returned={} threads={}",
        total.load(Ordering::SeqCst),
        returned,
        names.len()
    );
    if code != 0 {
        std::process::exit(code);
    }
}
