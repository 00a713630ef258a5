// queue_worker_pool: PyMOTW 3's `fetch_podcasts.py` (the queue chapter's worker pool), with the
// downloads simulated by a short random sleep, so it needs no network.
// Run: cargo run --example queue_worker_pool
//
// The Python program, for comparison:
//
//     import queue
//     import random
//     import threading
//     import time
//
//     num_fetch_threads = 2
//     enclosure_queue = queue.Queue()
//     feed = ['https://example.com/podcast/episode-{}.mp3'.format(i)
//             for i in range(1, 6)]
//
//
//     def download_enclosures(q):
//         while True:
//             print('{}: looking for the next enclosure'.format(
//                 threading.current_thread().name))
//             url = q.get()
//             filename = url.rpartition('/')[-1]
//             print('{}: downloading {}'.format(
//                 threading.current_thread().name, filename))
//             time.sleep(random.random() / 10)  # the simulated download
//             print('{}: writing {}'.format(
//                 threading.current_thread().name, filename))
//             q.task_done()
//
//
//     for i in range(num_fetch_threads):
//         worker = threading.Thread(
//             target=download_enclosures,
//             args=(enclosure_queue,),
//             name='worker-{}'.format(i),
//         )
//         worker.daemon = True
//         worker.start()
//
//     for url in feed:
//         print('queuing', url)
//         enclosure_queue.put(url)
//
//     print('*** main thread waiting')
//     enclosure_queue.join()
//     print('*** done')

use pythreading as threading;
use pythreading::queue::Queue;

#[path = "common/mod.rs"]
pub mod common;
use common::{println, random, time};

const NUM_FETCH_THREADS: usize = 2;

fn download_enclosures(q: Queue<String>) {
    let me = threading::current_thread().name();
    loop {
        println!("{me}: looking for the next enclosure");
        let Ok(url) = q.get() else { return };
        let filename = url.rsplit('/').next().unwrap_or_default();
        println!("{me}: downloading {filename}");
        time::sleep(random::random() / 10.0); // the simulated download
        println!("{me}: writing {filename}");
        q.task_done().expect("one task_done per get");
    }
}

pub fn main() -> threading::Result<()> {
    let enclosure_queue = Queue::new(0);
    let feed: Vec<String> = (1..=5)
        .map(|i| format!("https://example.com/podcast/episode-{i}.mp3"))
        .collect();

    for i in 0..NUM_FETCH_THREADS {
        let q = enclosure_queue.clone();
        let worker = threading::Thread::builder()
            .name(format!("worker-{i}"))
            .daemon(true)
            .target(move || download_enclosures(q))
            .build();
        worker.start()?;
    }

    for url in feed {
        println!("queuing {url}");
        enclosure_queue.put(url)?;
    }

    println!("*** main thread waiting");
    enclosure_queue.join()?;
    println!("*** done");
    Ok(())
}
