//! Spawns threads one after another and a few at a time: every thread starts with fresh
//! thread-local state and a distinct std thread id, also when the host reuses an instance.
use std::cell::Cell;
use std::collections::HashSet;

thread_local! {
    static TOUCHED: Cell<u32> = const { Cell::new(0) };
}

fn body(i: u32) -> (u32, std::thread::ThreadId) {
    let before = TOUCHED.with(|t| t.replace(i + 1));
    (before, std::thread::current().id())
}

fn main() {
    let mut ids = HashSet::new();
    let mut stale = 0;
    for i in 0..200 {
        let (before, id) = std::thread::spawn(move || body(i)).join().unwrap();
        stale += u32::from(before != 0);
        ids.insert(id);
    }
    for round in 0..20 {
        let handles: Vec<_> = (0..5)
            .map(|k| std::thread::spawn(move || body(round * 5 + k)))
            .collect();
        for h in handles {
            let (before, id) = h.join().unwrap();
            stale += u32::from(before != 0);
            ids.insert(id);
        }
    }
    println!(
        "threads={} distinct_ids={} stale_tls={stale}",
        300,
        ids.len()
    );
}
