//! `pythreading::queue` and `pythreading::futures` against their peers, natively, in one
//! interleaved run (each round runs every contender once, in turn, so a noisy machine slows
//! them alike; the figure is the median over the rounds):
//!
//! - queue put→get throughput, 1 producer × 1 consumer and 4 × 4, bounded (maxsize 100) and
//!   unbounded: `Queue` vs `std::sync::mpsc` (`sync_channel(100)` bounded, `channel()`
//!   unbounded; its one receiver shared by the 4 consumers through a `Mutex`, as std has no
//!   multi-consumer channel on stable), `crossbeam-channel` and CPython's `queue.Queue`;
//! - executor: `submit(f).result()` round trip, and 10,000 tasks submitted then all awaited,
//!   on 4 workers: `ThreadPoolExecutor` vs `rayon::spawn` on a 4-thread pool plus a channel for
//!   the result, and CPython's `ThreadPoolExecutor`.
//!
//! It prints ns per item and the goal ratios (Queue ≤ 1.0× sync_channel, ≤ 2.0× crossbeam,
//! ≥ 30× faster than CPython; executor throughput ≥ 0.8× rayon, i.e. time ≤ 1.25× rayon's).
//!
//! Run: `cargo bench --bench queue_futures` (`-- --rounds N`, `-- --no-python`).

use pythreading::futures::ThreadPoolExecutor;
use pythreading::queue::Queue;
use std::process::Command;
use std::sync::{mpsc, Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

const ITEMS: usize = 200_000;
const BOUND: usize = 100;
const TASKS: usize = 10_000;
const ROUND_TRIPS: usize = 10_000;
const WORKERS: usize = 4;

/// Runs `producers` producers and `consumers` consumers moving `ITEMS` items through a queue
/// made by `make`: `put(i)` and `get()` per item. Returns the elapsed time.
fn mpmc<Tx, Rx>(
    producers: usize,
    consumers: usize,
    make: impl Fn() -> (Tx, Rx),
    put: fn(&Tx, usize),
    get: fn(&Rx) -> usize,
) -> Duration
where
    Tx: Clone + Send + 'static,
    Rx: Clone + Send + 'static,
{
    let (tx, rx) = make();
    let per_producer = ITEMS / producers;
    let per_consumer = ITEMS / consumers;
    let start = Instant::now();
    let mut hs = Vec::new();
    for _ in 0..consumers {
        let rx = rx.clone();
        hs.push(thread::spawn(move || {
            let mut sum = 0usize;
            for _ in 0..per_consumer {
                sum = sum.wrapping_add(get(&rx));
            }
            sum
        }));
    }
    for _ in 0..producers {
        let tx = tx.clone();
        hs.push(thread::spawn(move || {
            for i in 0..per_producer {
                put(&tx, i);
            }
            0
        }));
    }
    drop((tx, rx));
    for h in hs {
        std::hint::black_box(h.join().unwrap());
    }
    start.elapsed()
}

type StdRx = Arc<Mutex<mpsc::Receiver<usize>>>;

fn std_get(rx: &StdRx) -> usize {
    rx.lock().unwrap().recv().unwrap()
}

fn queue_case(name: &str, p: usize, c: usize, bounded: bool) -> Duration {
    let bound = if bounded { BOUND } else { 0 };
    match name {
        "Queue" => mpmc(
            p,
            c,
            || {
                let q = Queue::new(bound);
                (q.clone(), q)
            },
            |q, i| q.put(i).unwrap(),
            |q| q.get().unwrap(),
        ),
        "std" if bounded => mpmc(
            p,
            c,
            || {
                let (tx, rx) = mpsc::sync_channel(BOUND);
                (tx, Arc::new(Mutex::new(rx)))
            },
            |tx, i| tx.send(i).unwrap(),
            std_get,
        ),
        "std" => mpmc(
            p,
            c,
            || {
                let (tx, rx) = mpsc::channel();
                (tx, Arc::new(Mutex::new(rx)))
            },
            |tx, i| tx.send(i).unwrap(),
            std_get,
        ),
        "crossbeam" => mpmc(
            p,
            c,
            || {
                if bounded {
                    crossbeam_channel::bounded(BOUND)
                } else {
                    crossbeam_channel::unbounded()
                }
            },
            |tx, i| tx.send(i).unwrap(),
            |rx| rx.recv().unwrap(),
        ),
        _ => unreachable!(),
    }
}

fn executor_round_trip(ex: &ThreadPoolExecutor) -> Duration {
    let start = Instant::now();
    for i in 0..ROUND_TRIPS {
        std::hint::black_box(ex.submit(move || i).unwrap().result().unwrap());
    }
    start.elapsed()
}

fn executor_throughput(ex: &ThreadPoolExecutor) -> Duration {
    let start = Instant::now();
    let fs: Vec<_> = (0..TASKS).map(|i| ex.submit(move || i).unwrap()).collect();
    for f in fs {
        std::hint::black_box(f.result().unwrap());
    }
    start.elapsed()
}

fn rayon_round_trip(pool: &rayon::ThreadPool) -> Duration {
    let start = Instant::now();
    for i in 0..ROUND_TRIPS {
        let (tx, rx) = mpsc::sync_channel(1);
        pool.spawn(move || tx.send(i).unwrap());
        std::hint::black_box(rx.recv().unwrap());
    }
    start.elapsed()
}

fn rayon_throughput(pool: &rayon::ThreadPool) -> Duration {
    let start = Instant::now();
    let (tx, rx) = mpsc::channel();
    for i in 0..TASKS {
        let tx = tx.clone();
        pool.spawn(move || tx.send(i).unwrap());
    }
    drop(tx);
    let mut n = 0;
    for v in rx {
        std::hint::black_box(v);
        n += 1;
    }
    assert_eq!(n, TASKS);
    start.elapsed()
}

/// CPython's figures (ns per item), measured by the same workloads written in Python; `None`
/// where `python3` is missing or failed.
fn cpython() -> Option<Vec<(String, f64)>> {
    let script = r#"
import queue, threading, time, sys
from concurrent.futures import ThreadPoolExecutor
N = 20000
def mpmc(p, c, bound):
    q = queue.Queue(bound)
    per_p, per_c = N // p, N // c
    def prod():
        for i in range(per_p): q.put(i)
    def cons():
        for _ in range(per_c): q.get()
    ts = [threading.Thread(target=cons) for _ in range(c)] + [threading.Thread(target=prod) for _ in range(p)]
    t0 = time.perf_counter()
    for t in ts: t.start()
    for t in ts: t.join()
    return (time.perf_counter() - t0) / N * 1e9
for p, c in ((1, 1), (4, 4)):
    for bound, label in ((100, 'bounded'), (0, 'unbounded')):
        print(f"queue {p}x{c} {label} {min(mpmc(p, c, bound) for _ in range(3)):.1f}")
with ThreadPoolExecutor(4) as ex:
    M = 2000
    t0 = time.perf_counter()
    for i in range(M): ex.submit(int, i).result()
    print(f"executor round-trip {(time.perf_counter() - t0) / M * 1e9:.1f}")
    t0 = time.perf_counter()
    fs = [ex.submit(int, i) for i in range(10000)]
    for f in fs: f.result()
    print(f"executor throughput {(time.perf_counter() - t0) / 10000 * 1e9:.1f}")
"#;
    let out = Command::new("python3").args(["-c", script]).output().ok()?;
    if !out.status.success() {
        eprintln!("python3 failed: {}", String::from_utf8_lossy(&out.stderr));
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?;
    Some(
        text.lines()
            .filter_map(|l| {
                let (k, v) = l.rsplit_once(' ')?;
                Some((k.to_string(), v.parse().ok()?))
            })
            .collect(),
    )
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let rounds = args
        .iter()
        .position(|a| a == "--rounds")
        .and_then(|i| args.get(i + 1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(7usize);
    let python = !args.iter().any(|a| a == "--no-python");
    // `cargo bench` passes `--bench`; nothing else is expected.

    let queue_cases: Vec<(usize, usize, bool)> =
        vec![(1, 1, true), (1, 1, false), (4, 4, true), (4, 4, false)];
    let peers = ["Queue", "std", "crossbeam"];
    // samples[case][peer]: ns per item, one per round.
    let mut q_samples = vec![vec![Vec::new(); peers.len()]; queue_cases.len()];
    let ex = ThreadPoolExecutor::new(Some(WORKERS)).unwrap();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(WORKERS)
        .build()
        .unwrap();
    // [round trip, throughput] x [executor, rayon]
    let mut e_samples = vec![vec![Vec::new(); 2]; 2];
    // Warm up the pools.
    executor_throughput(&ex);
    rayon_throughput(&pool);

    for round in 0..rounds {
        for (ci, &(p, c, bounded)) in queue_cases.iter().enumerate() {
            for (pi, name) in peers.iter().enumerate() {
                let d = queue_case(name, p, c, bounded);
                q_samples[ci][pi].push(d.as_nanos() as f64 / ITEMS as f64);
            }
        }
        e_samples[0][0].push(executor_round_trip(&ex).as_nanos() as f64 / ROUND_TRIPS as f64);
        e_samples[0][1].push(rayon_round_trip(&pool).as_nanos() as f64 / ROUND_TRIPS as f64);
        e_samples[1][0].push(executor_throughput(&ex).as_nanos() as f64 / TASKS as f64);
        e_samples[1][1].push(rayon_throughput(&pool).as_nanos() as f64 / TASKS as f64);
        eprintln!("round {}/{rounds} done", round + 1);
    }
    let py = if python { cpython() } else { None };
    let py_get = |k: &str| {
        py.as_ref()
            .and_then(|v| v.iter().find(|(n, _)| n == k).map(|(_, x)| *x))
    };

    println!("queue put->get, ns per item (median of {rounds} interleaved rounds; {ITEMS} items)");
    println!(
        "{:<22} {:>9} {:>9} {:>9} {:>9}   {:>14} {:>14} {:>12}",
        "case",
        "Queue",
        "std",
        "crossbeam",
        "CPython",
        "Queue/std<=1.0",
        "Queue/cb<=2.0",
        "CPy/Q>=30"
    );
    for (ci, &(p, c, bounded)) in queue_cases.iter().enumerate() {
        let m: Vec<f64> = (0..peers.len())
            .map(|pi| median(&mut q_samples[ci][pi]))
            .collect();
        let label = format!("{p}x{c} {}", if bounded { "bounded" } else { "unbounded" });
        let cpy = py_get(&format!("queue {label}"));
        println!(
            "{:<22} {:>9.1} {:>9.1} {:>9.1} {:>9}   {:>14.2} {:>14.2} {:>12}",
            label,
            m[0],
            m[1],
            m[2],
            cpy.map_or("-".into(), |x| format!("{x:.1}")),
            m[0] / m[1],
            m[0] / m[2],
            cpy.map_or("-".into(), |x| format!("{:.1}", x / m[0])),
        );
    }
    println!();
    println!("executor, ns per task ({WORKERS} workers)");
    println!(
        "{:<22} {:>9} {:>9} {:>9}   {:>18} {:>12}",
        "case", "executor", "rayon", "CPython", "rayon/exec>=0.8", "CPy/exec>=30"
    );
    for (i, label) in ["round-trip", "throughput"].iter().enumerate() {
        let e = median(&mut e_samples[i][0]);
        let r = median(&mut e_samples[i][1]);
        let cpy = py_get(&format!("executor {label}"));
        println!(
            "{:<22} {:>9.1} {:>9.1} {:>9}   {:>18.2} {:>12}",
            label,
            e,
            r,
            cpy.map_or("-".into(), |x| format!("{x:.1}")),
            r / e,
            cpy.map_or("-".into(), |x| format!("{:.1}", x / e)),
        );
    }
}
