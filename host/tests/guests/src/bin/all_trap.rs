//! Many threads trap at the same moment (they meet at a barrier, then panic; panic=abort
//! traps): the module's `__pythreading_thread_trapped` export records each dead thread, with
//! that thread's own TLS, and the program carries on. (`all_trap_nohook` is the same program
//! without the export.)
use std::cell::Cell;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Barrier};

const THREADS: u32 = 16;

thread_local! {
    static LABEL: Cell<u32> = const { Cell::new(0) };
}

static TRAPPED: AtomicU32 = AtomicU32::new(0);
static LABEL_SUM: AtomicU32 = AtomicU32::new(0);

#[no_mangle]
pub extern "C" fn __pythreading_thread_trapped() {
    LABEL_SUM.fetch_add(LABEL.with(|l| l.get()), Ordering::SeqCst);
    TRAPPED.fetch_add(1, Ordering::SeqCst);
}

fn main() {
    let barrier = Arc::new(Barrier::new(THREADS as usize));
    for i in 1..=THREADS {
        let barrier = barrier.clone();
        std::thread::spawn(move || {
            LABEL.with(|l| l.set(i));
            barrier.wait();
            panic!("thread {i} fails with the others");
        });
    }
    let all =
        pythreading_host_test_guests::wait_until(|| TRAPPED.load(Ordering::SeqCst) == THREADS);
    let after = std::thread::spawn(|| 5).join().unwrap();
    println!(
        "all trapped: {all}, hooks ran {} times, label sum {}, a new thread returned {after}",
        TRAPPED.load(Ordering::SeqCst),
        LABEL_SUM.load(Ordering::SeqCst)
    );
}
