//! A blocking call in one thread never blocks the others: one thread blocks reading stdin (a
//! pipe the test keeps open and never writes), one sleeps for a minute in poll_oneoff, one
//! waits on a condition variable (memory.atomic.wait32); meanwhile main opens, writes, reads
//! and removes a file, sleeps, spawns and joins threads, and then returns, which ends the
//! program. The first argument is a directory under a --dir preopen.
use std::io::Read;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

static STARTED: AtomicU32 = AtomicU32::new(0);

fn main() {
    let dir = std::env::args().nth(1).expect("directory argument");
    std::thread::spawn(|| {
        STARTED.fetch_add(1, Ordering::SeqCst);
        let mut byte = [0u8; 1];
        let n = std::io::stdin().read(&mut byte);
        println!("stdin read returned {n:?}: not expected while the pipe is open");
    });
    std::thread::spawn(|| {
        STARTED.fetch_add(1, Ordering::SeqCst);
        std::thread::sleep(Duration::from_secs(60));
        println!("slept a minute: not expected");
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
    });
    assert!(pythreading_host_test_guests::wait_until(|| STARTED
        .load(Ordering::SeqCst)
        == 3));
    // Give the three time to enter their blocking calls.
    for _ in 0..20 {
        std::thread::sleep(Duration::from_millis(10));
    }
    let path = format!("{dir}/while-blocked.txt");
    std::fs::write(&path, "file work while others block\n").unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    let from_thread = std::thread::spawn(|| 6 * 7).join().unwrap();
    print!("main: {text}");
    println!("main: a new thread returned {from_thread}");
}
