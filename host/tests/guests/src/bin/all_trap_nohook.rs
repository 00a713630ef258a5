//! Many threads trap at the same moment, in a module without `__pythreading_thread_trapped`:
//! the first trap ends the process with 134 and exactly one line from the host, however many
//! threads trap meanwhile.
use std::sync::{Arc, Barrier};

const THREADS: usize = 16;

fn main() {
    let barrier = Arc::new(Barrier::new(THREADS + 1));
    for i in 1..=THREADS {
        let barrier = barrier.clone();
        std::thread::spawn(move || {
            barrier.wait();
            panic!("thread {i} fails with the others");
        });
    }
    barrier.wait();
    std::thread::sleep(std::time::Duration::from_secs(60));
    println!("not reached");
}
