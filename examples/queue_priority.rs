// queue_priority: PyMOTW 3's `queue_priority.py` ported line by line.
// Run: cargo run --example queue_priority
//
// The Python original, for comparison:
//
//     import functools
//     import queue
//     import threading
//
//
//     @functools.total_ordering
//     class Job:
//
//         def __init__(self, priority, description):
//             self.priority = priority
//             self.description = description
//             print('New job:', description)
//             return
//
//         def __eq__(self, other):
//             try:
//                 return self.priority == other.priority
//             except AttributeError:
//                 return NotImplemented
//
//         def __lt__(self, other):
//             try:
//                 return self.priority < other.priority
//             except AttributeError:
//                 return NotImplemented
//
//
//     q = queue.PriorityQueue()
//
//     q.put(Job(3, 'Mid-level job'))
//     q.put(Job(10, 'Low-level job'))
//     q.put(Job(1, 'Important job'))
//
//
//     def process_job(q):
//         while True:
//             next_job = q.get()
//             print('Processing job:', next_job.description)
//             q.task_done()
//
//
//     workers = [
//         threading.Thread(target=process_job, args=(q,)),
//         threading.Thread(target=process_job, args=(q,)),
//     ]
//     for w in workers:
//         w.daemon = True
//         w.start()
//
//     q.join()

use pythreading as threading;
use pythreading::queue::PriorityQueue;
use std::cmp::Ordering;

#[path = "common/mod.rs"]
pub mod common;
use common::println;

struct Job {
    priority: u32,
    description: &'static str,
}

impl Job {
    fn new(priority: u32, description: &'static str) -> Job {
        println!("New job: {description}");
        Job {
            priority,
            description,
        }
    }
}

// functools.total_ordering over the priority alone.
impl PartialEq for Job {
    fn eq(&self, other: &Self) -> bool {
        self.priority == other.priority
    }
}
impl Eq for Job {}
impl PartialOrd for Job {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Job {
    fn cmp(&self, other: &Self) -> Ordering {
        self.priority.cmp(&other.priority)
    }
}

fn process_job(q: PriorityQueue<Job>) {
    loop {
        let Ok(next_job) = q.get() else { return };
        println!("Processing job: {}", next_job.description);
        q.task_done().expect("one task_done per get");
    }
}

pub fn main() -> threading::Result<()> {
    let q = PriorityQueue::new(0);

    q.put(Job::new(3, "Mid-level job"))?;
    q.put(Job::new(10, "Low-level job"))?;
    q.put(Job::new(1, "Important job"))?;

    let workers: Vec<_> = (0..2)
        .map(|_| {
            let q = q.clone();
            threading::Thread::new(move || process_job(q))
        })
        .collect();
    for w in &workers {
        w.set_daemon(true)?;
        w.start()?;
    }

    q.join()
}
