// threading_barrier: PyMOTW 3's `threading_barrier.py` ported line by line.
// Run: cargo run --example threading_barrier
//
// The Python original, for comparison:
//
//     import threading
//     import time
//
//
//     def worker(barrier):
//         print(threading.current_thread().name,
//               'waiting for barrier with {} others'.format(
//                   barrier.n_waiting))
//         worker_id = barrier.wait()
//         print(threading.current_thread().name, 'after barrier',
//               worker_id)
//
//
//     NUM_THREADS = 3
//
//     barrier = threading.Barrier(NUM_THREADS)
//
//     threads = [
//         threading.Thread(
//             name='worker-%s' % i,
//             target=worker,
//             args=(barrier,),
//         )
//         for i in range(NUM_THREADS)
//     ]
//
//     for t in threads:
//         print(t.name, 'starting')
//         t.start()
//         time.sleep(0.1)
//
//     for t in threads:
//         t.join()

use pythreading as threading;

#[path = "common/mod.rs"]
pub mod common;
use common::{println, time};

fn worker(barrier: threading::Barrier) {
    println!(
        "{} waiting for barrier with {} others",
        threading::current_thread().name(),
        barrier.n_waiting()
    );
    let worker_id = barrier.wait().expect("the barrier is not broken");
    println!(
        "{} after barrier {}",
        threading::current_thread().name(),
        worker_id
    );
}

const NUM_THREADS: usize = 3;

pub fn main() -> threading::Result<()> {
    let barrier = threading::Barrier::new(NUM_THREADS)?;

    let threads: Vec<threading::Thread> = (0..NUM_THREADS)
        .map(|i| {
            threading::Thread::builder()
                .name(format!("worker-{i}"))
                .target({
                    let barrier = barrier.clone();
                    move || worker(barrier)
                })
                .build()
        })
        .collect();

    for t in &threads {
        println!("{} starting", t.name());
        t.start()?;
        time::sleep(0.1);
    }

    for t in &threads {
        t.join()?;
    }
    Ok(())
}
