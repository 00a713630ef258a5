//! The workloads of `benches/queue_futures.rs` (issue 12): `pythreading::queue::Queue` against
//! std's channels and crossbeam-channel, `pythreading::futures::ThreadPoolExecutor` against
//! rayon. A second table beside [`super::WORKLOADS`], with the same [`Workload`] rows, so that
//! every runtime's sample server (this bench built for wasmtime, the browser module
//! `www/bench`) answers `run KEY IMPL N` for both tables (see [`super::find`]), and the same
//! harness (`benches/harness/mod.rs`) samples them natively, under wasmtime and in browsers in
//! one run of interleaved rounds. The keys equal those of `benches/cpython_bench.py`, which
//! runs the same workloads with CPython's `queue.Queue` and `ThreadPoolExecutor`.
//!
//! - `queue_PxC_bounded` / `queue_PxC_unbounded` (P producers × C consumers, 1×1 and 4×4): N
//!   items in all go from the producers through one queue to the consumers, `put(i)` and
//!   `get()` per item (ns per item). Bounded is `maxsize` [`BOUND`]; std's peer is
//!   `sync_channel(BOUND)` bounded and `channel()` unbounded, its one `Receiver` shared by the
//!   consumers through a `Mutex` (std has no multi-consumer channel on stable); crossbeam's is
//!   `bounded(BOUND)` / `unbounded()`. The threads are pythreading's for every column (the one
//!   spawner of all three runtimes), started untimed by the harness's `gang`; the consumers'
//!   sum is checked afterwards, so a lossy queue fails the bench instead of timing it.
//! - `executor_round_trip`: `submit(f).result()` one after another, on a pool of [`WORKERS`]
//!   (ns per round trip); rayon's peer is `pool.spawn` sending the result through a
//!   `sync_channel(1)`, the caller blocking on `recv`.
//! - `executor_throughput`: tasks submitted in batches of up to [`TASKS`] (10,000), each
//!   batch awaited in full before the next (ns per task); rayon's peer spawns the batch with
//!   one `mpsc::Sender` clone per task and receives every result.
//!
//! Both pools live for the whole process, made (and warmed up) by the first sample that needs
//! them, as a program keeps its executor: the measurement is the steady state, not the workers'
//! start. rayon's pool is rayon's own (`ThreadPoolBuilder::build`, std threads) where std can
//! spawn threads (natively, under wasmtime); in browsers, where `std::thread::spawn` is
//! unsupported, its workers are pythreading `Thread`s given to rayon through `spawn_handler`
//! (what `pythreading::init_thread_pool` does for rayon's global pool, and wasm-bindgen-rayon
//! with Web Workers), so rayon's scheduling is what is measured there too.

use super::{now_ns, share, Goal, Impl, Variant, Workload};
use pythreading as threading;
use pythreading::futures::ThreadPoolExecutor;
use pythreading::queue::Queue;
use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Arc, Mutex, OnceLock};

/// `maxsize` of the bounded rows (and std's `sync_channel` and crossbeam's `bounded` capacity).
pub const BOUND: usize = 100;
/// Tasks per batch of `executor_throughput` (the 10,000-task throughput).
pub const TASKS: u64 = 10_000;
/// Workers of both pools.
pub const WORKERS: usize = 4;

/// The table: queue rows first, then the executor rows.
pub const QUEUE_FUTURES: &[Workload] = &[
    workload!(
        "queue_1x1_bounded",
        "Queue(100) put→get, 1 producer × 1 consumer (per item)",
        Other,
        [
            (Pythreading, "Queue(100)", mpmc::<Queue<u64>, 1, 1, true>),
            (
                Std,
                "mpsc::sync_channel(100)",
                mpmc::<StdChannel, 1, 1, true>
            ),
            (
                Crossbeam,
                "bounded(100)",
                mpmc::<CrossbeamChannel, 1, 1, true>
            ),
        ]
    ),
    workload!(
        "queue_1x1_unbounded",
        "Queue() put→get, 1 producer × 1 consumer (per item)",
        Other,
        [
            (Pythreading, "Queue()", mpmc::<Queue<u64>, 1, 1, false>),
            (Std, "mpsc::channel()", mpmc::<StdChannel, 1, 1, false>),
            (
                Crossbeam,
                "unbounded()",
                mpmc::<CrossbeamChannel, 1, 1, false>
            ),
        ]
    ),
    workload!(
        "queue_4x4_bounded",
        "Queue(100) put→get, 4 producers × 4 consumers (per item)",
        Other,
        [
            (Pythreading, "Queue(100)", mpmc::<Queue<u64>, 4, 4, true>),
            (
                Std,
                "mpsc::sync_channel(100), Receiver in a Mutex",
                mpmc::<StdChannel, 4, 4, true>
            ),
            (
                Crossbeam,
                "bounded(100)",
                mpmc::<CrossbeamChannel, 4, 4, true>
            ),
        ]
    ),
    workload!(
        "queue_4x4_unbounded",
        "Queue() put→get, 4 producers × 4 consumers (per item)",
        Other,
        [
            (Pythreading, "Queue()", mpmc::<Queue<u64>, 4, 4, false>),
            (
                Std,
                "mpsc::channel(), Receiver in a Mutex",
                mpmc::<StdChannel, 4, 4, false>
            ),
            (
                Crossbeam,
                "unbounded()",
                mpmc::<CrossbeamChannel, 4, 4, false>
            ),
        ]
    ),
    workload!(
        "executor_round_trip",
        "ThreadPoolExecutor(4) submit→result round trip",
        Other,
        [
            (Pythreading, "ThreadPoolExecutor(4)", executor_round_trip),
            (
                Rayon,
                "ThreadPool(4) spawn + mpsc::sync_channel(1)",
                rayon_round_trip
            ),
        ]
    ),
    workload!(
        "executor_throughput",
        "ThreadPoolExecutor(4), 10,000 tasks submitted then awaited (per task)",
        Other,
        [
            (Pythreading, "ThreadPoolExecutor(4)", executor_throughput),
            (
                Rayon,
                "ThreadPool(4) spawn + mpsc::channel()",
                rayon_throughput
            ),
        ]
    ),
];

// ---------------------------------------------------------------------------------------------
// Queues

/// A multi-producer multi-consumer queue of `u64`, shared by reference between the threads.
pub trait Channel: Send + Sync + 'static {
    /// Bounded to [`BOUND`] items when `bounded`, else unbounded.
    fn create(bounded: bool) -> Self;
    fn put(&self, item: u64);
    fn get(&self) -> u64;
}

impl Channel for Queue<u64> {
    fn create(bounded: bool) -> Self {
        Queue::new(if bounded { BOUND } else { 0 })
    }
    #[inline]
    fn put(&self, item: u64) {
        // A failed put hands the item back (ShutDown); nothing shuts this queue down.
        if Queue::put(self, item).is_err() {
            panic!("Queue::put failed");
        }
    }
    #[inline]
    fn get(&self) -> u64 {
        Queue::get(self).expect("Queue::get")
    }
}

/// std's channels: `sync_channel(BOUND)` or `channel()`; the `Receiver` (not `Sync`) behind a
/// `Mutex` so that several consumers can share it.
pub struct StdChannel {
    tx: StdSender,
    rx: Mutex<mpsc::Receiver<u64>>,
}

enum StdSender {
    Bounded(mpsc::SyncSender<u64>),
    Unbounded(mpsc::Sender<u64>),
}

impl Channel for StdChannel {
    fn create(bounded: bool) -> Self {
        let (tx, rx) = if bounded {
            let (tx, rx) = mpsc::sync_channel(BOUND);
            (StdSender::Bounded(tx), rx)
        } else {
            let (tx, rx) = mpsc::channel();
            (StdSender::Unbounded(tx), rx)
        };
        StdChannel {
            tx,
            rx: Mutex::new(rx),
        }
    }
    #[inline]
    fn put(&self, item: u64) {
        match &self.tx {
            StdSender::Bounded(tx) => tx.send(item),
            StdSender::Unbounded(tx) => tx.send(item),
        }
        .expect("send: the receiver lives as long as the sender");
    }
    #[inline]
    fn get(&self) -> u64 {
        self.rx
            .lock()
            .expect("lock")
            .recv()
            .expect("recv: the sender lives as long as the receiver")
    }
}

/// crossbeam-channel: `bounded(BOUND)` or `unbounded()`, multi-consumer by itself.
pub struct CrossbeamChannel {
    tx: crossbeam_channel::Sender<u64>,
    rx: crossbeam_channel::Receiver<u64>,
}

impl Channel for CrossbeamChannel {
    fn create(bounded: bool) -> Self {
        let (tx, rx) = if bounded {
            crossbeam_channel::bounded(BOUND)
        } else {
            crossbeam_channel::unbounded()
        };
        CrossbeamChannel { tx, rx }
    }
    #[inline]
    fn put(&self, item: u64) {
        self.tx.send(item).expect("send");
    }
    #[inline]
    fn get(&self) -> u64 {
        self.rx.recv().expect("recv")
    }
}

/// `P` producers put `iters` items in all (their shares of `0..iters`), `C` consumers get
/// them; the elapsed ns from the start gate until every item is taken. The items' sum is
/// checked, so a queue that loses or duplicates items fails instead of being timed.
pub fn mpmc<Q: Channel, const P: usize, const C: usize, const BOUNDED: bool>(iters: u64) -> u64 {
    let q = Arc::new(Q::create(BOUNDED));
    let sum = Arc::new(AtomicU64::new(0));
    let (q2, s2) = (q.clone(), sum.clone());
    let elapsed = super::gang(P + C, move |i| {
        if i < P {
            // Producer i puts the items congruent to i modulo P: `share(iters, P, i)` of them.
            for k in 0..share(iters, P, i) {
                q2.put(k * P as u64 + i as u64);
            }
        } else {
            let mut local = 0u64;
            for _ in 0..share(iters, C, i - P) {
                local = local.wrapping_add(black_box(q2.get()));
            }
            // Relaxed: read after the gang's end gate (a Barrier), which orders it.
            s2.fetch_add(local, Ordering::Relaxed);
        }
    });
    let want = iters.wrapping_mul(iters.wrapping_sub(1)) / 2;
    assert_eq!(
        sum.load(Ordering::Relaxed),
        want,
        "items lost or duplicated"
    );
    elapsed
}

// ---------------------------------------------------------------------------------------------
// Executors

/// The process's executor, made and warmed up once (every worker started).
fn executor() -> &'static ThreadPoolExecutor {
    static EX: OnceLock<ThreadPoolExecutor> = OnceLock::new();
    EX.get_or_init(|| {
        let ex = ThreadPoolExecutor::new(Some(WORKERS)).expect("ThreadPoolExecutor");
        let fs: Vec<_> = (0..(WORKERS as u64) * 64)
            .map(|i| ex.submit(move || i).expect("submit"))
            .collect();
        fs.iter().for_each(|f| {
            f.result().expect("result");
        });
        ex
    })
}

/// The process's rayon pool of [`WORKERS`] threads: rayon's own spawner where std can spawn
/// threads, else (browsers) pythreading `Thread`s through `spawn_handler`.
fn rayon_pool() -> &'static rayon::ThreadPool {
    static POOL: OnceLock<rayon::ThreadPool> = OnceLock::new();
    POOL.get_or_init(|| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(WORKERS)
            .build()
            .or_else(|_| {
                rayon::ThreadPoolBuilder::new()
                    .num_threads(WORKERS)
                    .spawn_handler(|worker| {
                        let t = threading::Thread::builder()
                            .daemon(true)
                            .target(move || worker.run())
                            .build();
                        t.start().map_err(|e| std::io::Error::other(e.to_string()))
                    })
                    .build()
            })
            .expect("a rayon pool");
        let (tx, rx) = mpsc::channel();
        for i in 0..(WORKERS as u64) * 64 {
            let tx = tx.clone();
            pool.spawn(move || tx.send(i).expect("send"));
        }
        drop(tx);
        assert_eq!(rx.iter().count(), WORKERS * 64);
        pool
    })
}

pub fn executor_round_trip(iters: u64) -> u64 {
    let ex = executor();
    let t0 = now_ns();
    for i in 0..iters {
        black_box(
            ex.submit(move || i)
                .expect("submit")
                .result()
                .expect("result"),
        );
    }
    now_ns() - t0
}

pub fn rayon_round_trip(iters: u64) -> u64 {
    let pool = rayon_pool();
    let t0 = now_ns();
    for i in 0..iters {
        let (tx, rx) = mpsc::sync_channel(1);
        pool.spawn(move || tx.send(i).expect("send"));
        black_box(rx.recv().expect("recv"));
    }
    now_ns() - t0
}

pub fn executor_throughput(iters: u64) -> u64 {
    let ex = executor();
    let mut fs = Vec::with_capacity(iters.min(TASKS) as usize);
    let t0 = now_ns();
    let mut left = iters;
    while left > 0 {
        let batch = left.min(TASKS);
        fs.extend((0..batch).map(|i| ex.submit(move || i).expect("submit")));
        for f in fs.drain(..) {
            black_box(f.result().expect("result"));
        }
        left -= batch;
    }
    now_ns() - t0
}

pub fn rayon_throughput(iters: u64) -> u64 {
    let pool = rayon_pool();
    let t0 = now_ns();
    let mut left = iters;
    while left > 0 {
        let batch = left.min(TASKS);
        let (tx, rx) = mpsc::channel();
        for i in 0..batch {
            let tx = tx.clone();
            pool.spawn(move || tx.send(i).expect("send"));
        }
        drop(tx);
        let mut n = 0;
        for v in rx {
            black_box(v);
            n += 1;
        }
        assert_eq!(n, batch, "rayon lost tasks");
        left -= batch;
    }
    now_ns() - t0
}
