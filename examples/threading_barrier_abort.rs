// threading_barrier_abort: PyMOTW 3's `threading_barrier_abort.py` ported line by line.
// Run: cargo run --example threading_barrier_abort
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
//         try:
//             worker_id = barrier.wait()
//         except threading.BrokenBarrierError:
//             print(threading.current_thread().name, 'aborting')
//         else:
//             print(threading.current_thread().name, 'after barrier',
//                   worker_id)
//
//
//     NUM_THREADS = 3
//
//     barrier = threading.Barrier(NUM_THREADS + 1)
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
//     barrier.abort()
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
    match barrier.wait() {
        Err(threading::Error::BrokenBarrier) => {
            println!("{} aborting", threading::current_thread().name());
        }
        Err(other) => panic!("{other}"), // any other error propagates, as in Python
        Ok(worker_id) => {
            println!(
                "{} after barrier {}",
                threading::current_thread().name(),
                worker_id
            );
        }
    }
}

const NUM_THREADS: usize = 3;

pub fn main() -> threading::Result<()> {
    let barrier = threading::Barrier::new(NUM_THREADS + 1)?;

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

    barrier.abort();

    for t in &threads {
        t.join()?;
    }
    Ok(())
}
