//! Exports `__pythreading_thread_trapped`: a spawned thread panics (panic=abort traps), the
//! host calls the hook on that thread's own instance, and the program carries on.
use std::cell::Cell;
use std::sync::atomic::{AtomicU32, Ordering};

thread_local! {
    static LABEL: Cell<u32> = const { Cell::new(0) };
}

static HOOK_SAW: AtomicU32 = AtomicU32::new(0);

#[no_mangle]
pub extern "C" fn __pythreading_thread_trapped() {
    // Runs with the dead thread's TLS: its thread-local label is visible here.
    let label = LABEL.with(|l| l.get());
    eprintln!("hook: thread with label {label} trapped");
    HOOK_SAW.store(label, Ordering::SeqCst);
}

fn main() {
    let worker = std::thread::spawn(|| {
        LABEL.with(|l| l.set(42));
        panic!("boom in worker");
    });
    // Never joined: its pthread does not finish after a trap.
    drop(worker);
    let seen = pythreading_host_test_guests::wait_until(|| HOOK_SAW.load(Ordering::SeqCst) != 0);
    // Threads still work after a trap.
    let after = std::thread::spawn(|| 7).join().unwrap();
    println!(
        "main carries on: hook_ran={seen} label={} after={after}",
        HOOK_SAW.load(Ordering::SeqCst)
    );
}
