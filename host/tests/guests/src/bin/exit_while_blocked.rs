//! `proc_exit` from one thread while the others block: in a stdin read (a pipe the test keeps
//! open), in a one-minute poll_oneoff sleep, on a condition variable, and in a join on a
//! blocked thread. The whole program ends at once with the exit code.
use std::io::Read;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

static STARTED: AtomicU32 = AtomicU32::new(0);

fn main() {
    std::thread::spawn(|| {
        STARTED.fetch_add(1, Ordering::SeqCst);
        let mut byte = [0u8; 1];
        let _ = std::io::stdin().read(&mut byte);
        println!("not reached: stdin");
    });
    let sleeper = std::thread::spawn(|| {
        STARTED.fetch_add(1, Ordering::SeqCst);
        std::thread::sleep(Duration::from_secs(60));
        println!("not reached: sleep");
    });
    let pair = Arc::new((Mutex::new(false), Condvar::new()));
    let waiter = pair.clone();
    std::thread::spawn(move || {
        STARTED.fetch_add(1, Ordering::SeqCst);
        let (lock, cv) = &*waiter;
        let mut done = lock.lock().unwrap();
        while !*done {
            done = cv.wait(done).unwrap();
        }
        println!("not reached: condvar");
    });
    std::thread::spawn(move || {
        STARTED.fetch_add(1, Ordering::SeqCst);
        let _ = sleeper.join();
        println!("not reached: join");
    });
    assert!(pythreading_host_test_guests::wait_until(|| STARTED
        .load(Ordering::SeqCst)
        == 4));
    std::thread::sleep(Duration::from_millis(200));
    println!("all blocked");
    std::thread::spawn(|| std::process::exit(9));
    // Main blocks too (a minute), until the exit ends the process.
    std::thread::sleep(Duration::from_secs(60));
    println!("not reached: main");
}
