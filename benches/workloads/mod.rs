//! Benchmark workloads for pythreading and its peers, shared by every runtime.
//!
//! Each workload is a plain `fn(iters: u64) -> u64`: it sets up what it needs (untimed), runs
//! `iters` operations, and returns the elapsed nanoseconds of the timed part only. Nothing here
//! knows about a harness: `benches/primitives.rs` (native) includes this file with
//! `#[path = "workloads/mod.rs"] mod workloads;` (and so does its wasm32-wasip1-threads build,
//! the wasmtime guest), and the browser module `www/bench/src/lib.rs` includes the very same
//! file and drives [`WORKLOADS`] with its own loop.
//!
//! Portability rules kept by this file:
//! - Time comes from [`now_ns`]. It uses `std::time::Instant` unless a port installs another
//!   clock with [`set_clock`] first (needed on `wasm32-unknown-unknown`, where
//!   `Instant::now()` panics: pass a `performance.now()`-based function).
//! - Partner threads (the other side of a ping-pong or a barrier) are started with
//!   `pythreading::Thread` for ours and for the peers alike: it is the one spawner that works
//!   on all three runtimes (`std::thread::spawn` is `Unsupported` in browsers), and it is
//!   started and synchronised with before the clock starts, so spawning never enters a
//!   measurement except in `thread_start_join`, where it is the thing measured.
//! - Every [`Variant`] carries an [`Impl`] tag so a port can skip what its target lacks (for
//!   example the `std::thread::spawn` peer of `thread_start_join` in browsers).
//! - Workload keys equal the keys printed by `benches/cpython_bench.py`, which runs the same
//!   workloads with CPython's `threading` (and `queue`, `concurrent.futures`).
//! - Two tables: [`WORKLOADS`] (`benches/primitives.rs`) and [`queue_futures::QUEUE_FUTURES`]
//!   (`benches/queue_futures.rs`); [`find`] looks a key up in both.
//!
//! A port drives it like this (calibration, interleaving and medians are the harness's job;
//! see `benches/primitives.rs` for the native one):
//!
//! ```ignore
//! #[path = "../benches/workloads/mod.rs"] // path from the including file
//! mod workloads;
//!
//! for w in workloads::WORKLOADS {
//!     for v in w.variants {
//!         let iters = 1_000;
//!         let ns_per_op = (v.run)(iters) as f64 / iters as f64;
//!         println!("{} {:?} {ns_per_op:.1}", w.key, v.imp);
//!     }
//! }
//! ```

use pythreading as threading;
use std::hint::black_box;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, OnceLock};

/// Who implements a variant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Impl {
    Pythreading,
    Std,
    ParkingLot,
    /// crossbeam-channel (the queue rows of [`queue_futures`]).
    Crossbeam,
    /// A rayon `ThreadPool` (the executor rows of [`queue_futures`]).
    Rayon,
}

impl Impl {
    /// The name used in requests and tables: `pythreading`, `std`, `parking_lot`,
    /// `crossbeam`, `rayon`.
    pub fn name(self) -> &'static str {
        match self {
            Impl::Pythreading => "pythreading",
            Impl::Std => "std",
            Impl::ParkingLot => "parking_lot",
            Impl::Crossbeam => "crossbeam",
            Impl::Rayon => "rayon",
        }
    }
}

/// Why `imp`'s variant of workload `key` cannot run in browsers, if it cannot:
/// - parking_lot: its wasm parker needs parking_lot_core's `nightly` feature (without it,
///   parking panics), as under wasmtime;
/// - std's `thread::spawn` (the start+join peer): unsupported on wasm32-unknown-unknown (std
///   cannot create a Web Worker). Browsers have no std peer for start+join; the browser
///   figures set pythreading's pool workers against a fresh Worker per thread instead.
///
/// crossbeam-channel and rayon run there (see [`queue_futures`] for rayon's workers).
pub fn unsupported_in_browsers(key: &str, imp: Impl) -> Option<&'static str> {
    match (key, imp) {
        (_, Impl::ParkingLot) => Some("parking_lot's wasm parker needs its `nightly` feature"),
        ("thread_start_join", Impl::Std) => {
            Some("std::thread::spawn is unsupported on wasm32-unknown-unknown")
        }
        _ => None,
    }
}

/// One implementation of a workload.
pub struct Variant {
    pub imp: Impl,
    /// What the peer is, for table notes (e.g. "Mutex<bool>+Condvar").
    pub what: &'static str,
    /// Runs `iters` operations; returns the elapsed nanoseconds of the timed part.
    pub run: fn(u64) -> u64,
}

/// One workload: the same operation done by pythreading and by its peers.
pub struct Workload {
    /// Stable key, shared with `cpython_bench.py`'s JSON and the wasm ports.
    pub key: &'static str,
    /// Human-readable row title.
    pub title: &'static str,
    /// `variants[0]` is always pythreading.
    pub variants: &'static [Variant],
    /// Which of issue 11's goals the row answers to (see [`Goal`]).
    pub goal: Goal,
}

/// The goal a row is held to (issue 11), printed next to its ratio by the harness.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Goal {
    /// An uncontended call: at most 1.0× std natively, under wasmtime and in browsers.
    Uncontended,
    /// Several threads contending: at most 1.0× parking_lot natively (std where parking_lot
    /// has no such primitive), at most 1.0× std on both wasm platforms.
    Contended,
    /// Rows with goals of their own (ping-pong, start+join: issue 1's and issue 4's; the
    /// queue/futures rows: issue 12's, which `benches/queue_futures.rs` prints).
    Other,
}

/// One [`Workload`] row: `workload!(KEY, TITLE, GOAL, [(IMPL, WHAT, RUN), ...])`, pythreading's
/// variant first.
macro_rules! workload {
    ($key:literal, $title:literal, $goal:ident, [$(($imp:ident, $what:literal, $run:expr)),+ $(,)?]) => {
        Workload {
            key: $key,
            title: $title,
            variants: &[$(Variant {
                imp: Impl::$imp,
                what: $what,
                run: $run,
            }),+],
            goal: Goal::$goal,
        }
    };
}

/// The queue and executor rows of `benches/queue_futures.rs` (issue 12): a second table.
pub mod queue_futures;

/// The workload `key` of either table ([`WORKLOADS`], [`queue_futures::QUEUE_FUTURES`]): each
/// sample server (the wasmtime module, the browser module) answers for both, so one build of
/// each serves both benches.
pub fn find(key: &str) -> Option<&'static Workload> {
    WORKLOADS
        .iter()
        .chain(queue_futures::QUEUE_FUTURES)
        .find(|w| w.key == key)
}

/// Every workload of `benches/primitives.rs`, in table order.
pub const WORKLOADS: &[Workload] = &[
    workload!(
        "lock",
        "Lock acquire+release (uncontended)",
        Uncontended,
        [
            (Pythreading, "Lock", lock_pythreading),
            (Std, "Mutex<()>", mutex_std),
            (ParkingLot, "Mutex<()>", mutex_parking_lot),
        ]
    ),
    workload!(
        "rlock",
        "RLock acquire+release (uncontended)",
        Uncontended,
        [
            (Pythreading, "RLock", rlock_pythreading),
            (Std, "Mutex<()>", mutex_std),
            (ParkingLot, "ReentrantMutex<()>", rlock_parking_lot),
        ]
    ),
    workload!(
        "event_pingpong",
        "Event ping-pong round trip (2 threads)",
        Other,
        [
            (Pythreading, "Event", event_pingpong::<threading::Event>),
            (Std, "Mutex<bool>+Condvar", event_pingpong::<StdEvent>),
            (ParkingLot, "Mutex<bool>+Condvar", event_pingpong::<PlEvent>),
        ]
    ),
    workload!(
        "condition_pingpong",
        "Condition notify/wait ping-pong (2 threads)",
        Other,
        [
            (Pythreading, "Condition", condition_pingpong_pythreading),
            (Std, "Mutex+Condvar", condition_pingpong_std),
            (ParkingLot, "Mutex+Condvar", condition_pingpong_parking_lot),
        ]
    ),
    workload!(
        "wake_latency",
        "Wake-up of a sleeping Event waiter, set() until it runs",
        Other,
        [
            (Pythreading, "Event", event_wake_latency::<threading::Event>),
            (Std, "Mutex<bool>+Condvar", event_wake_latency::<StdEvent>),
            (
                ParkingLot,
                "Mutex<bool>+Condvar",
                event_wake_latency::<PlEvent>
            ),
        ]
    ),
    workload!(
        "semaphore",
        "Semaphore acquire+release (uncontended)",
        Uncontended,
        [
            (
                Pythreading,
                "Semaphore",
                semaphore_uncontended::<threading::Semaphore>
            ),
            (
                Std,
                "Mutex<usize>+Condvar",
                semaphore_uncontended::<StdSemaphore>
            ),
            (
                ParkingLot,
                "Mutex<usize>+Condvar",
                semaphore_uncontended::<PlSemaphore>
            ),
        ]
    ),
    workload!(
        "barrier",
        "Barrier cycle (2 threads)",
        Other,
        [
            (Pythreading, "Barrier", barrier_pythreading),
            (Std, "Barrier", barrier_std),
        ]
    ),
    workload!(
        "thread_start_join",
        "Thread start+join",
        Other,
        [
            (Pythreading, "Thread", thread_start_join_pythreading),
            (Std, "thread::spawn+join", thread_start_join_std),
        ]
    ),
    workload!(
        "lock_contended_2",
        "Lock-protected increments, 2 threads",
        Contended,
        [
            (Pythreading, "Lock", increments::<threading::Lock, 2>),
            (Std, "Mutex<()>", increments::<std::sync::Mutex<()>, 2>),
            (
                ParkingLot,
                "Mutex<()>",
                increments::<parking_lot::Mutex<()>, 2>
            ),
        ]
    ),
    workload!(
        "lock_contended_4",
        "Lock-protected increments, 4 threads",
        Contended,
        [
            (Pythreading, "Lock", increments::<threading::Lock, 4>),
            (Std, "Mutex<()>", increments::<std::sync::Mutex<()>, 4>),
            (
                ParkingLot,
                "Mutex<()>",
                increments::<parking_lot::Mutex<()>, 4>
            ),
        ]
    ),
    workload!(
        "lock_contended_8",
        "Lock-protected increments, 8 threads",
        Contended,
        [
            (Pythreading, "Lock", increments::<threading::Lock, 8>),
            (Std, "Mutex<()>", increments::<std::sync::Mutex<()>, 8>),
            (
                ParkingLot,
                "Mutex<()>",
                increments::<parking_lot::Mutex<()>, 8>
            ),
        ]
    ),
    workload!(
        "rlock_contended_2",
        "RLock-protected increments, 2 threads",
        Contended,
        [
            (Pythreading, "RLock", increments::<threading::RLock, 2>),
            (Std, "Mutex<()>", increments::<std::sync::Mutex<()>, 2>),
            (
                ParkingLot,
                "ReentrantMutex<()>",
                increments::<parking_lot::ReentrantMutex<()>, 2>
            ),
        ]
    ),
    workload!(
        "rlock_contended_4",
        "RLock-protected increments, 4 threads",
        Contended,
        [
            (Pythreading, "RLock", increments::<threading::RLock, 4>),
            (Std, "Mutex<()>", increments::<std::sync::Mutex<()>, 4>),
            (
                ParkingLot,
                "ReentrantMutex<()>",
                increments::<parking_lot::ReentrantMutex<()>, 4>
            ),
        ]
    ),
    workload!(
        "rlock_contended_8",
        "RLock-protected increments, 8 threads",
        Contended,
        [
            (Pythreading, "RLock", increments::<threading::RLock, 8>),
            (Std, "Mutex<()>", increments::<std::sync::Mutex<()>, 8>),
            (
                ParkingLot,
                "ReentrantMutex<()>",
                increments::<parking_lot::ReentrantMutex<()>, 8>
            ),
        ]
    ),
    workload!(
        "condition_queue_1x1",
        "Condition queue, 1 producer × 1 consumer (per item)",
        Contended,
        [
            (
                Pythreading,
                "Condition(Lock)",
                condition_queue::<CondQueue, 1, 1>
            ),
            (Std, "Mutex+Condvar", condition_queue::<StdQueue, 1, 1>),
            (
                ParkingLot,
                "Mutex+Condvar",
                condition_queue::<PlQueue, 1, 1>
            ),
        ]
    ),
    workload!(
        "condition_queue_1x1_apart",
        "Condition queue 1×1, every peer's counts beside its lock as ours are (per item)",
        Contended,
        [
            (
                Pythreading,
                "Condition(Lock)",
                condition_queue::<CondQueue, 1, 1>
            ),
            (
                Std,
                "Box<(Mutex<()>, Condvar)>",
                condition_queue::<StdQueueApart, 1, 1>
            ),
            (
                ParkingLot,
                "Box<(Mutex<()>, Condvar)>",
                condition_queue::<PlQueueApart, 1, 1>
            ),
        ]
    ),
    workload!(
        "condition_queue_1x3",
        "Condition queue, 1 producer × 3 consumers (per item)",
        Contended,
        [
            (
                Pythreading,
                "Condition(Lock)",
                condition_queue::<CondQueue, 1, 3>
            ),
            (Std, "Mutex+Condvar", condition_queue::<StdQueue, 1, 3>),
            (
                ParkingLot,
                "Mutex+Condvar",
                condition_queue::<PlQueue, 1, 3>
            ),
        ]
    ),
    workload!(
        "condition_queue_3x3",
        "Condition queue, 3 producers × 3 consumers (per item)",
        Contended,
        [
            (
                Pythreading,
                "Condition(Lock)",
                condition_queue::<CondQueue, 3, 3>
            ),
            (Std, "Mutex+Condvar", condition_queue::<StdQueue, 3, 3>),
            (
                ParkingLot,
                "Mutex+Condvar",
                condition_queue::<PlQueue, 3, 3>
            ),
        ]
    ),
    workload!(
        "semaphore_contended",
        "Semaphore(2) acquire+release, 4 threads",
        Contended,
        [
            (
                Pythreading,
                "Semaphore",
                semaphore_contended::<threading::Semaphore>
            ),
            (
                Std,
                "Mutex<usize>+Condvar",
                semaphore_contended::<StdSemaphore>
            ),
            (
                ParkingLot,
                "Mutex<usize>+Condvar",
                semaphore_contended::<PlSemaphore>
            ),
        ]
    ),
    workload!(
        "event_broadcast",
        "Event set() to 4 waiters, until all run",
        Contended,
        [
            (Pythreading, "Event", event_broadcast::<threading::Event>),
            (Std, "Mutex<bool>+Condvar", event_broadcast::<StdEvent>),
            (
                ParkingLot,
                "Mutex<bool>+Condvar",
                event_broadcast::<PlEvent>
            ),
        ]
    ),
    workload!(
        "barrier_4",
        "Barrier cycle (4 threads)",
        Contended,
        [
            (
                Pythreading,
                "Barrier",
                barrier_cycle::<threading::Barrier, 4>
            ),
            (Std, "Barrier", barrier_cycle::<std::sync::Barrier, 4>),
        ]
    ),
    workload!(
        "condition_notify_all",
        "Condition notify_all to 8 waiters, until all run",
        Contended,
        [
            (Pythreading, "Condition", notify_all::<CondBroadcast>),
            (Std, "Mutex+Condvar", notify_all::<StdBroadcast>),
            (ParkingLot, "Mutex+Condvar", notify_all::<PlBroadcast>),
        ]
    ),
];

// ---------------------------------------------------------------------------------------------
// Clock

static CLOCK: OnceLock<fn() -> u64> = OnceLock::new();

/// Installs the clock [`now_ns`] reads (monotonic nanoseconds from any fixed origin).
/// Call it once, before any workload runs; returns `false` if a clock was already in use.
/// The native bench keeps the default clock, so this is used by the ports only.
#[allow(dead_code)]
pub fn set_clock(clock: fn() -> u64) -> bool {
    CLOCK.set(clock).is_ok()
}

/// Monotonic nanoseconds: the clock installed by [`set_clock`], else `std::time::Instant`.
pub fn now_ns() -> u64 {
    (CLOCK.get_or_init(|| instant_ns))()
}

fn instant_ns() -> u64 {
    static ORIGIN: OnceLock<std::time::Instant> = OnceLock::new();
    ORIGIN
        .get_or_init(std::time::Instant::now)
        .elapsed()
        .as_nanos() as u64
}

/// Starts a partner thread (untimed setup) with pythreading, which every runtime supports.
fn spawn_partner(f: impl FnOnce() + Send + 'static) -> threading::Thread {
    let t = threading::Thread::new(f);
    t.start().expect("start partner thread");
    t
}

fn join_partner(t: threading::Thread) {
    t.join().expect("join partner thread");
}

// ---------------------------------------------------------------------------------------------
// Uncontended locks. `black_box(&lock)` keeps the compiler from hoisting or merging the
// operations across iterations.

pub fn lock_pythreading(iters: u64) -> u64 {
    let lock = threading::Lock::new();
    let t0 = now_ns();
    for _ in 0..iters {
        let l = black_box(&lock);
        l.acquire();
        l.release().expect("release");
    }
    now_ns() - t0
}

pub fn mutex_std(iters: u64) -> u64 {
    let m = std::sync::Mutex::new(());
    let t0 = now_ns();
    for _ in 0..iters {
        drop(black_box(&m).lock().expect("lock"));
    }
    now_ns() - t0
}

pub fn mutex_parking_lot(iters: u64) -> u64 {
    let m = parking_lot::Mutex::new(());
    let t0 = now_ns();
    for _ in 0..iters {
        drop(black_box(&m).lock());
    }
    now_ns() - t0
}

pub fn rlock_pythreading(iters: u64) -> u64 {
    let lock = threading::RLock::new();
    let t0 = now_ns();
    for _ in 0..iters {
        let l = black_box(&lock);
        l.acquire();
        l.release().expect("release");
    }
    now_ns() - t0
}

pub fn rlock_parking_lot(iters: u64) -> u64 {
    let m = parking_lot::ReentrantMutex::new(());
    let t0 = now_ns();
    for _ in 0..iters {
        drop(black_box(&m).lock());
    }
    now_ns() - t0
}

// ---------------------------------------------------------------------------------------------
// Event ping-pong: the main thread sets `ping` and waits for `pong`; the partner waits for
// `ping`, clears it and sets `pong`. One iteration is one round trip (two hand-offs). The
// peers are the textbook event, a flag in a mutex with a condition variable.

/// The three Event operations the ping-pong needs, on a cheaply clonable handle.
pub trait EventLike: Clone + Send + 'static {
    fn create() -> Self;
    fn set(&self);
    fn clear(&self);
    fn wait(&self);
}

impl EventLike for threading::Event {
    fn create() -> Self {
        threading::Event::new()
    }
    fn set(&self) {
        threading::Event::set(self)
    }
    fn clear(&self) {
        threading::Event::clear(self)
    }
    fn wait(&self) {
        threading::Event::wait(self);
    }
}

/// `Mutex<bool>` + `Condvar` event (std). `set` notifies after unlocking.
#[derive(Clone, Default)]
pub struct StdEvent(Arc<StdEventState>);

#[derive(Default)]
pub struct StdEventState {
    flag: std::sync::Mutex<bool>,
    cv: std::sync::Condvar,
}

impl EventLike for StdEvent {
    fn create() -> Self {
        StdEvent::default()
    }
    fn set(&self) {
        *self.0.flag.lock().expect("lock") = true;
        self.0.cv.notify_all();
    }
    fn clear(&self) {
        *self.0.flag.lock().expect("lock") = false;
    }
    fn wait(&self) {
        let mut flag = self.0.flag.lock().expect("lock");
        while !*flag {
            flag = self.0.cv.wait(flag).expect("wait");
        }
    }
}

/// `Mutex<bool>` + `Condvar` event (parking_lot). `set` notifies after unlocking.
#[derive(Clone, Default)]
pub struct PlEvent(Arc<PlEventState>);

#[derive(Default)]
pub struct PlEventState {
    flag: parking_lot::Mutex<bool>,
    cv: parking_lot::Condvar,
}

impl EventLike for PlEvent {
    fn create() -> Self {
        PlEvent::default()
    }
    fn set(&self) {
        *self.0.flag.lock() = true;
        self.0.cv.notify_all();
    }
    fn clear(&self) {
        *self.0.flag.lock() = false;
    }
    fn wait(&self) {
        let mut flag = self.0.flag.lock();
        while !*flag {
            self.0.cv.wait(&mut flag);
        }
    }
}

pub fn event_pingpong<E: EventLike>(iters: u64) -> u64 {
    let (ping, pong) = (E::create(), E::create());
    let partner = {
        let (ping, pong) = (ping.clone(), pong.clone());
        spawn_partner(move || {
            for _ in 0..=iters {
                ping.wait();
                ping.clear();
                pong.set();
            }
        })
    };
    let round_trip = || {
        ping.set();
        pong.wait();
        pong.clear();
    };
    round_trip(); // untimed: the partner is running and waiting
    let t0 = now_ns();
    for _ in 0..iters {
        round_trip();
    }
    let elapsed = now_ns() - t0;
    join_partner(partner);
    elapsed
}

// ---------------------------------------------------------------------------------------------
// Wake-up latency: what a sleep costs the thread that is woken, the price spinning avoids (see
// `sys::SPIN_YIELD_ROUNDS` in the crate). The partner announces that it is about to wait,
// then waits; the main thread lets `ASLEEP_NS` pass, busy (longer than any bounded spin, so
// the partner is asleep in the platform's wait), stamps the time and sets the event; the
// partner adds the time from the stamp until its wait returned. Returns that sum (not the
// elapsed time, which is mostly the main thread's delay).

/// How long the main thread lets the partner wait before setting the event: beyond the
/// crate's spin (40 yields under wasmtime, about 25 µs, the longest) and std's and
/// parking_lot's (none). The partner's wake-up is the main thread's stamp subtracted from its
/// own reading, so the runtime's clock must be one clock for every thread (in browsers,
/// `www/bench/src/lib.rs` adds each worker's `performance.timeOrigin`).
const ASLEEP_NS: u64 = 100_000;

pub fn event_wake_latency<E: EventLike>(iters: u64) -> u64 {
    use std::sync::atomic::AtomicU64;
    let ev = E::create();
    // `ready` = the round the partner is about to wait in; `stamp` = when `set()` was called;
    // `total` = the partner's sum of latencies. Release/Acquire: the stamp is written before
    // `set()`, whose own Release/Acquire (the event's lock or word) orders it for the partner.
    let (ready, stamp, total) = (
        Arc::new(AtomicU64::new(0)),
        Arc::new(AtomicU64::new(0)),
        Arc::new(AtomicU64::new(0)),
    );
    let partner = {
        let (ev, ready, stamp, total) = (ev.clone(), ready.clone(), stamp.clone(), total.clone());
        spawn_partner(move || {
            for round in 1..=iters {
                ready.store(round, Ordering::Release);
                ev.wait();
                let woke = now_ns();
                total.fetch_add(
                    woke.saturating_sub(stamp.load(Ordering::Relaxed)),
                    Ordering::Relaxed,
                );
                ev.clear();
            }
        })
    };
    for round in 1..=iters {
        while ready.load(Ordering::Acquire) != round {
            std::hint::spin_loop();
        }
        let t = now_ns();
        while now_ns() - t < ASLEEP_NS {
            std::hint::spin_loop();
        }
        stamp.store(now_ns(), Ordering::Relaxed);
        ev.set();
    }
    join_partner(partner);
    total.load(Ordering::Relaxed)
}

// ---------------------------------------------------------------------------------------------
// Condition ping-pong: both threads hold the condition's lock except while waiting; `turn`
// (guarded by that lock) says whose move it is. The main thread sets turn = 1 and notifies,
// then waits for turn = 0; the partner does the reverse. One iteration is one round trip.
// pythreading uses `Condition::new()`, an RLock underneath, like Python's default.

pub fn condition_pingpong_pythreading(iters: u64) -> u64 {
    let cond = threading::Condition::new();
    // Guarded by `cond`'s lock; atomic only so that it can be shared without unsafe.
    let turn = Arc::new(AtomicU32::new(0));
    let partner = {
        let (cond, turn) = (cond.clone(), turn.clone());
        spawn_partner(move || {
            cond.acquire();
            for _ in 0..=iters {
                while turn.load(Ordering::Relaxed) != 1 {
                    cond.wait().expect("wait");
                }
                turn.store(0, Ordering::Relaxed);
                cond.notify(1).expect("notify");
            }
            cond.release().expect("release");
        })
    };
    cond.acquire();
    let round_trip = || {
        turn.store(1, Ordering::Relaxed);
        cond.notify(1).expect("notify");
        while turn.load(Ordering::Relaxed) != 0 {
            cond.wait().expect("wait");
        }
    };
    round_trip(); // untimed: the partner is running and waiting
    let t0 = now_ns();
    for _ in 0..iters {
        round_trip();
    }
    let elapsed = now_ns() - t0;
    cond.release().expect("release");
    join_partner(partner);
    elapsed
}

pub fn condition_pingpong_std(iters: u64) -> u64 {
    let pair = Arc::new((std::sync::Mutex::new(0u32), std::sync::Condvar::new()));
    let partner = {
        let pair = pair.clone();
        spawn_partner(move || {
            let (m, cv) = &*pair;
            let mut turn = m.lock().expect("lock");
            for _ in 0..=iters {
                while *turn != 1 {
                    turn = cv.wait(turn).expect("wait");
                }
                *turn = 0;
                cv.notify_one();
            }
        })
    };
    let (m, cv) = &*pair;
    // std's guard moves through `wait`, so a round trip takes and gives back the guard.
    fn round_trip_with<'a>(
        cv: &std::sync::Condvar,
        mut turn: std::sync::MutexGuard<'a, u32>,
    ) -> std::sync::MutexGuard<'a, u32> {
        *turn = 1;
        cv.notify_one();
        while *turn != 0 {
            turn = cv.wait(turn).expect("wait");
        }
        turn
    }
    let round_trip = |turn| round_trip_with(cv, turn);
    let mut turn = round_trip(m.lock().expect("lock"));
    let t0 = now_ns();
    for _ in 0..iters {
        turn = round_trip(turn);
    }
    let elapsed = now_ns() - t0;
    drop(turn);
    join_partner(partner);
    elapsed
}

pub fn condition_pingpong_parking_lot(iters: u64) -> u64 {
    let pair = Arc::new((parking_lot::Mutex::new(0u32), parking_lot::Condvar::new()));
    let partner = {
        let pair = pair.clone();
        spawn_partner(move || {
            let (m, cv) = &*pair;
            let mut turn = m.lock();
            for _ in 0..=iters {
                while *turn != 1 {
                    cv.wait(&mut turn);
                }
                *turn = 0;
                cv.notify_one();
            }
        })
    };
    let (m, cv) = &*pair;
    let mut turn = m.lock();
    let mut round_trip = || {
        *turn = 1;
        cv.notify_one();
        while *turn != 0 {
            cv.wait(&mut turn);
        }
    };
    round_trip();
    let t0 = now_ns();
    for _ in 0..iters {
        round_trip();
    }
    let elapsed = now_ns() - t0;
    drop(turn);
    join_partner(partner);
    elapsed
}

// ---------------------------------------------------------------------------------------------
// Semaphore(1) acquire+release, uncontended. The peers are the classic counting semaphore, a
// counter in a mutex with a condition variable; like CPython's Semaphore they only notify
// when someone waits (an unconditional `notify_one` would cost a syscall per release and make
// the peer a straw man).

/// The two Semaphore operations the workload needs.
pub trait SemaphoreLike {
    fn create(value: usize) -> Self;
    fn acquire(&self);
    fn release(&self);
}

impl SemaphoreLike for threading::Semaphore {
    fn create(value: usize) -> Self {
        threading::Semaphore::new(value)
    }
    fn acquire(&self) {
        threading::Semaphore::acquire(self);
    }
    fn release(&self) {
        threading::Semaphore::release(self, 1).expect("release");
    }
}

/// Counting semaphore over std's `Mutex<(count, waiters)>` + `Condvar`.
pub struct StdSemaphore {
    state: std::sync::Mutex<(usize, usize)>,
    cv: std::sync::Condvar,
}

impl SemaphoreLike for StdSemaphore {
    fn create(value: usize) -> Self {
        StdSemaphore {
            state: std::sync::Mutex::new((value, 0)),
            cv: std::sync::Condvar::new(),
        }
    }
    fn acquire(&self) {
        let mut s = self.state.lock().expect("lock");
        while s.0 == 0 {
            s.1 += 1;
            s = self.cv.wait(s).expect("wait");
            s.1 -= 1;
        }
        s.0 -= 1;
    }
    fn release(&self) {
        let mut s = self.state.lock().expect("lock");
        s.0 += 1;
        let waiters = s.1;
        drop(s);
        if waiters > 0 {
            self.cv.notify_one();
        }
    }
}

/// Counting semaphore over parking_lot's `Mutex<usize>` + `Condvar` (its `notify_one` is
/// already free when nobody waits).
pub struct PlSemaphore {
    count: parking_lot::Mutex<usize>,
    cv: parking_lot::Condvar,
}

impl SemaphoreLike for PlSemaphore {
    fn create(value: usize) -> Self {
        PlSemaphore {
            count: parking_lot::Mutex::new(value),
            cv: parking_lot::Condvar::new(),
        }
    }
    fn acquire(&self) {
        let mut c = self.count.lock();
        while *c == 0 {
            self.cv.wait(&mut c);
        }
        *c -= 1;
    }
    fn release(&self) {
        *self.count.lock() += 1;
        self.cv.notify_one();
    }
}

pub fn semaphore_uncontended<S: SemaphoreLike>(iters: u64) -> u64 {
    let sem = S::create(1);
    let t0 = now_ns();
    for _ in 0..iters {
        let s = black_box(&sem);
        s.acquire();
        s.release();
    }
    now_ns() - t0
}

// ---------------------------------------------------------------------------------------------
// Barrier(2): the main thread and a partner both call `wait` `iters` times; one iteration is
// one barrier cycle.

pub fn barrier_pythreading(iters: u64) -> u64 {
    let barrier = threading::Barrier::new(2).expect("Barrier::new");
    let partner = {
        let barrier = barrier.clone();
        spawn_partner(move || {
            for _ in 0..=iters {
                barrier.wait().expect("wait");
            }
        })
    };
    barrier.wait().expect("wait"); // untimed: the partner is running
    let t0 = now_ns();
    for _ in 0..iters {
        barrier.wait().expect("wait");
    }
    let elapsed = now_ns() - t0;
    join_partner(partner);
    elapsed
}

pub fn barrier_std(iters: u64) -> u64 {
    let barrier = Arc::new(std::sync::Barrier::new(2));
    let partner = {
        let barrier = barrier.clone();
        spawn_partner(move || {
            for _ in 0..=iters {
                barrier.wait();
            }
        })
    };
    barrier.wait();
    let t0 = now_ns();
    for _ in 0..iters {
        barrier.wait();
    }
    let elapsed = now_ns() - t0;
    join_partner(partner);
    elapsed
}

// ---------------------------------------------------------------------------------------------
// Thread start+join of an empty body, one after another (creation included).

pub fn thread_start_join_pythreading(iters: u64) -> u64 {
    let t0 = now_ns();
    for _ in 0..iters {
        let t = threading::Thread::new(|| {});
        t.start().expect("start");
        t.join().expect("join");
    }
    now_ns() - t0
}

pub fn thread_start_join_std(iters: u64) -> u64 {
    let t0 = now_ns();
    for _ in 0..iters {
        std::thread::spawn(|| {}).join().expect("join");
    }
    now_ns() - t0
}

// ---------------------------------------------------------------------------------------------
// Contended workloads (issue 11). `gang` runs `body(i)` on `n` threads at once: the calling
// thread is `i = 0`, the others are partners started (untimed) with pythreading. Every thread
// waits at a start gate, the clock starts when the calling thread passes it, and stops when
// every thread has reached the end gate, so the time is "until all of them are done". The
// gates are std `Barrier`s for every column alike (they are not what is measured; their cost
// is the same in each column of a row).

/// Runs `body(0..n)` on `n` threads at once; the elapsed ns from the start gate until all are
/// done.
fn gang(n: usize, body: impl Fn(usize) + Send + Sync + 'static) -> u64 {
    use std::sync::Barrier;
    let body = Arc::new(body);
    let gates = Arc::new((Barrier::new(n), Barrier::new(n)));
    let partners: Vec<threading::Thread> = (1..n)
        .map(|i| {
            let (body, gates) = (body.clone(), gates.clone());
            spawn_partner(move || {
                gates.0.wait();
                body(i);
                gates.1.wait();
            })
        })
        .collect();
    gates.0.wait();
    let t0 = now_ns();
    body(0);
    gates.1.wait();
    let elapsed = now_ns() - t0;
    partners.into_iter().for_each(join_partner);
    elapsed
}

/// Thread `i`'s share of `total` operations split over `n` threads (the shares add up to
/// `total`; each is at least `total / n`).
fn share(total: u64, n: usize, i: usize) -> u64 {
    let n = n as u64;
    total / n + u64::from((i as u64) < total % n)
}

/// A lock around a critical section, for the increment workloads.
pub trait LockLike: Send + Sync + 'static {
    fn create() -> Self;
    fn locked(&self, f: impl FnOnce());
}

impl LockLike for threading::Lock {
    fn create() -> Self {
        threading::Lock::new()
    }
    #[inline]
    fn locked(&self, f: impl FnOnce()) {
        self.acquire();
        f();
        self.release().expect("release");
    }
}

impl LockLike for threading::RLock {
    fn create() -> Self {
        threading::RLock::new()
    }
    #[inline]
    fn locked(&self, f: impl FnOnce()) {
        self.acquire();
        f();
        self.release().expect("release");
    }
}

impl LockLike for std::sync::Mutex<()> {
    fn create() -> Self {
        std::sync::Mutex::new(())
    }
    #[inline]
    fn locked(&self, f: impl FnOnce()) {
        let _g = self.lock().expect("lock");
        f();
    }
}

impl LockLike for parking_lot::Mutex<()> {
    fn create() -> Self {
        parking_lot::Mutex::new(())
    }
    #[inline]
    fn locked(&self, f: impl FnOnce()) {
        let _g = self.lock();
        f();
    }
}

impl LockLike for parking_lot::ReentrantMutex<()> {
    fn create() -> Self {
        parking_lot::ReentrantMutex::new(())
    }
    #[inline]
    fn locked(&self, f: impl FnOnce()) {
        let _g = self.lock();
        f();
    }
}

/// `N` threads increment one counter under one lock, `iters` increments in all (ns per
/// increment). The counter is guarded by the lock; it is an atomic with Relaxed loads and
/// stores only so that it can be shared without `unsafe` (no RMW: the lock does the work).
/// The total is checked afterwards, so a broken lock fails the bench instead of timing it.
pub fn increments<L: LockLike, const N: usize>(iters: u64) -> u64 {
    let lock = Arc::new(L::create());
    let counter = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let (l, c) = (lock.clone(), counter.clone());
    let elapsed = gang(N, move |i| {
        for _ in 0..share(iters, N, i) {
            l.locked(|| c.store(c.load(Ordering::Relaxed) + 1, Ordering::Relaxed));
        }
    });
    lock.locked(|| assert_eq!(counter.load(Ordering::Relaxed), iters, "lost increments"));
    elapsed
}

/// A queue of indistinguishable items on a condition variable, as `queue.Queue` builds one
/// (a `Condition` over a plain `Lock`, `notify(1)` per item put, consumers waiting while it is
/// empty). Items are counted, not stored: the condition variable is what is measured.
pub trait QueueLike: Send + Sync + 'static {
    fn create(total: u64) -> Self;
    /// Puts one item and notifies one consumer.
    fn put(&self);
    /// Takes one item, waiting while the queue is empty; `false` once all `total` items were
    /// taken (by anyone).
    fn take(&self) -> bool;
}

/// The counts of a queue whose caller keeps them apart from its lock, as a `Condition` user
/// must: guarded by the lock, Relaxed atomics only to share them without `unsafe`.
pub struct Counts {
    total: u64,
    queued: std::sync::atomic::AtomicU64,
    taken: std::sync::atomic::AtomicU64,
}

impl Counts {
    fn new(total: u64) -> Self {
        Counts {
            total,
            queued: Default::default(),
            taken: Default::default(),
        }
    }
    /// One more item queued (the lock held).
    fn put(&self) {
        self.queued
            .store(self.queued.load(Ordering::Relaxed) + 1, Ordering::Relaxed);
    }
    /// A consumer's take (the lock held): one item, calling `wait` (which releases the lock
    /// while it waits) as long as none is queued, and `notify_all` after taking the last one
    /// so that the other consumers stop; false once every item was taken.
    #[inline]
    fn take_or_wait(&self, notify_all: impl FnOnce(), mut wait: impl FnMut()) -> bool {
        loop {
            let taken = self.taken.load(Ordering::Relaxed);
            if taken == self.total {
                return false;
            }
            let queued = self.queued.load(Ordering::Relaxed);
            if queued > 0 {
                self.queued.store(queued - 1, Ordering::Relaxed);
                self.taken.store(taken + 1, Ordering::Relaxed);
                if taken + 1 == self.total {
                    notify_all();
                }
                return true;
            }
            wait();
        }
    }
}

/// pythreading: a `Condition` over a `Lock`, the counts beside it.
pub struct CondQueue {
    cond: threading::Condition,
    counts: Counts,
}

impl QueueLike for CondQueue {
    fn create(total: u64) -> Self {
        CondQueue {
            cond: threading::Condition::with_lock(threading::Lock::new()),
            counts: Counts::new(total),
        }
    }
    fn put(&self) {
        let _g = self.cond.guard();
        self.counts.put();
        self.cond.notify(1).expect("notify");
    }
    fn take(&self) -> bool {
        let _g = self.cond.guard();
        self.counts.take_or_wait(
            || self.cond.notify_all().expect("notify_all"),
            || {
                self.cond.wait().expect("wait");
            },
        )
    }
}

/// (queued, taken) in a mutex, with its condition variable.
pub struct StdQueue {
    state: std::sync::Mutex<(u64, u64)>,
    cv: std::sync::Condvar,
    total: u64,
}

impl QueueLike for StdQueue {
    fn create(total: u64) -> Self {
        StdQueue {
            state: std::sync::Mutex::new((0, 0)),
            cv: std::sync::Condvar::new(),
            total,
        }
    }
    fn put(&self) {
        let mut s = self.state.lock().expect("lock");
        s.0 += 1;
        self.cv.notify_one();
    }
    fn take(&self) -> bool {
        let mut s = self.state.lock().expect("lock");
        loop {
            if s.1 == self.total {
                return false;
            }
            if s.0 > 0 {
                s.0 -= 1;
                s.1 += 1;
                if s.1 == self.total {
                    self.cv.notify_all();
                }
                return true;
            }
            s = self.cv.wait(s).expect("wait");
        }
    }
}

/// The same over parking_lot.
pub struct PlQueue {
    state: parking_lot::Mutex<(u64, u64)>,
    cv: parking_lot::Condvar,
    total: u64,
}

impl QueueLike for PlQueue {
    fn create(total: u64) -> Self {
        PlQueue {
            state: parking_lot::Mutex::new((0, 0)),
            cv: parking_lot::Condvar::new(),
            total,
        }
    }
    fn put(&self) {
        let mut s = self.state.lock();
        s.0 += 1;
        self.cv.notify_one();
    }
    fn take(&self) -> bool {
        let mut s = self.state.lock();
        loop {
            if s.1 == self.total {
                return false;
            }
            if s.0 > 0 {
                s.0 -= 1;
                s.1 += 1;
                if s.1 == self.total {
                    self.cv.notify_all();
                }
                return true;
            }
            self.cv.wait(&mut s);
        }
    }
}

/// std's `Mutex<()>` + `Condvar` behind a pointer, with the counts beside the pointer as
/// [`CondQueue`] keeps them: the layout a `Condition` handle imposes (its lock word is in an
/// allocation of its own, the caller's data elsewhere), for the `condition_queue_1x1_apart`
/// row. [`StdQueue`] and [`PlQueue`] keep the counts inside the mutex, on the lock word's
/// cache line, so that a thread that takes the lock has the data too.
pub struct StdQueueApart {
    lock: Box<(std::sync::Mutex<()>, std::sync::Condvar)>,
    counts: Counts,
}

impl QueueLike for StdQueueApart {
    fn create(total: u64) -> Self {
        StdQueueApart {
            lock: Box::new((std::sync::Mutex::new(()), std::sync::Condvar::new())),
            counts: Counts::new(total),
        }
    }
    fn put(&self) {
        let _g = self.lock.0.lock().expect("lock");
        self.counts.put();
        self.lock.1.notify_one();
    }
    fn take(&self) -> bool {
        let (mutex, cv) = &*self.lock;
        let mut g = Some(mutex.lock().expect("lock"));
        self.counts.take_or_wait(
            || cv.notify_all(),
            || g = Some(cv.wait(g.take().expect("held")).expect("wait")),
        )
    }
}

/// [`StdQueueApart`] over parking_lot.
pub struct PlQueueApart {
    lock: Box<(parking_lot::Mutex<()>, parking_lot::Condvar)>,
    counts: Counts,
}

impl QueueLike for PlQueueApart {
    fn create(total: u64) -> Self {
        PlQueueApart {
            lock: Box::new((parking_lot::Mutex::new(()), parking_lot::Condvar::new())),
            counts: Counts::new(total),
        }
    }
    fn put(&self) {
        let _g = self.lock.0.lock();
        self.counts.put();
        self.lock.1.notify_one();
    }
    fn take(&self) -> bool {
        let (mutex, cv) = &*self.lock;
        let mut g = mutex.lock();
        self.counts
            .take_or_wait(|| _ = cv.notify_all(), || cv.wait(&mut g))
    }
}

/// `P` producers put `iters` items in all, `C` consumers take them (ns per item, from the
/// first put until the last item is taken and every consumer has stopped).
pub fn condition_queue<Q: QueueLike, const P: usize, const C: usize>(iters: u64) -> u64 {
    let q = Arc::new(Q::create(iters));
    gang(P + C, move |i| {
        if i < P {
            for _ in 0..share(iters, P, i) {
                q.put();
            }
        } else {
            while q.take() {}
        }
    })
}

/// 4 threads share a `Semaphore(2)`: `iters` acquire+release pairs in all (ns per pair).
pub fn semaphore_contended<S: SemaphoreLike + Send + Sync + 'static>(iters: u64) -> u64 {
    const THREADS: usize = 4;
    let sem = Arc::new(S::create(2));
    gang(THREADS, move |i| {
        for _ in 0..share(iters, THREADS, i) {
            let s = black_box(&*sem);
            s.acquire();
            s.release();
        }
    })
}

/// One broadcast per iteration: the calling thread `set()`s an event that 4 waiters wait on,
/// and the iteration ends when all 4 have returned from `wait()` (the last one sets `done`,
/// which the setter waits on). Two events alternate so that each can be cleared while nobody
/// waits on it: when iteration `k` starts, every waiter has passed event `(k + 1) % 2` (in
/// iteration `k - 1`), and none reaches it again before event `k % 2` is set.
pub fn event_broadcast<E: EventLike + Sync>(iters: u64) -> u64 {
    const WAITERS: u64 = 4;
    let evs = [E::create(), E::create()];
    let done = E::create();
    let ran = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let shared = Arc::new((evs, done));
    gang(1 + WAITERS as usize, move |i| {
        let ([a, b], done) = &*shared;
        let ev = |k: u64| if k % 2 == 0 { a } else { b };
        if i == 0 {
            for k in 0..iters {
                ev(k + 1).clear();
                ev(k).set();
                done.wait();
                done.clear();
            }
        } else {
            for k in 0..iters {
                ev(k).wait();
                // AcqRel: the last of the 4 sees the others' increments.
                if ran.fetch_add(1, Ordering::AcqRel) % WAITERS == WAITERS - 1 {
                    done.set();
                }
            }
        }
    })
}

/// The barrier operation the cycle workload needs.
pub trait BarrierLike: Send + Sync + 'static {
    fn create(parties: usize) -> Self;
    fn wait(&self);
}

impl BarrierLike for threading::Barrier {
    fn create(parties: usize) -> Self {
        threading::Barrier::new(parties).expect("Barrier::new")
    }
    fn wait(&self) {
        threading::Barrier::wait(self).expect("wait");
    }
}

impl BarrierLike for std::sync::Barrier {
    fn create(parties: usize) -> Self {
        std::sync::Barrier::new(parties)
    }
    fn wait(&self) {
        std::sync::Barrier::wait(self);
    }
}

/// `N` threads pass a barrier of `N` parties `iters` times (ns per cycle).
pub fn barrier_cycle<B: BarrierLike, const N: usize>(iters: u64) -> u64 {
    let b = Arc::new(B::create(N));
    gang(N, move |_| {
        for _ in 0..iters {
            b.wait();
        }
    })
}

/// A condition's `notify_all` to 8 waiters, timed until all of them ran: per iteration the
/// calling thread bumps a generation number and notifies all; each waiter, woken, counts
/// itself, and the last one notifies the caller on a second condition over the same lock.
pub trait BroadcastLike: Send + Sync + 'static {
    fn create() -> Self;
    /// The notifier's side of one iteration: generation `gen`, `n` waiters.
    fn broadcast(&self, gen: u64, n: u64);
    /// A waiter's side: waits for generation `gen`, then counts itself (the `n`th wakes the
    /// notifier).
    fn receive(&self, gen: u64, n: u64);
}

/// pythreading: two `Condition`s over one RLock (Python's default `Condition()`); the counts
/// are guarded by that lock.
pub struct CondBroadcast {
    cond: threading::Condition,
    back: threading::Condition,
    gen: std::sync::atomic::AtomicU64,
    ran: std::sync::atomic::AtomicU64,
}

impl BroadcastLike for CondBroadcast {
    fn create() -> Self {
        let cond = threading::Condition::new();
        let back = threading::Condition::with_lock(cond.lock().clone());
        CondBroadcast {
            cond,
            back,
            gen: Default::default(),
            ran: Default::default(),
        }
    }
    fn broadcast(&self, gen: u64, n: u64) {
        let _g = self.cond.guard();
        self.ran.store(0, Ordering::Relaxed);
        self.gen.store(gen, Ordering::Relaxed);
        self.cond.notify_all().expect("notify_all");
        while self.ran.load(Ordering::Relaxed) != n {
            self.back.wait().expect("wait");
        }
    }
    fn receive(&self, gen: u64, n: u64) {
        let _g = self.cond.guard();
        while self.gen.load(Ordering::Relaxed) != gen {
            self.cond.wait().expect("wait");
        }
        let ran = self.ran.load(Ordering::Relaxed) + 1;
        self.ran.store(ran, Ordering::Relaxed);
        if ran == n {
            self.back.notify(1).expect("notify");
        }
    }
}

/// (generation, ran) in a mutex, with two condition variables.
pub struct StdBroadcast {
    state: std::sync::Mutex<(u64, u64)>,
    cond: std::sync::Condvar,
    back: std::sync::Condvar,
}

impl BroadcastLike for StdBroadcast {
    fn create() -> Self {
        StdBroadcast {
            state: std::sync::Mutex::new((0, 0)),
            cond: std::sync::Condvar::new(),
            back: std::sync::Condvar::new(),
        }
    }
    fn broadcast(&self, gen: u64, n: u64) {
        let mut s = self.state.lock().expect("lock");
        *s = (gen, 0);
        self.cond.notify_all();
        while s.1 != n {
            s = self.back.wait(s).expect("wait");
        }
    }
    fn receive(&self, gen: u64, n: u64) {
        let mut s = self.state.lock().expect("lock");
        while s.0 != gen {
            s = self.cond.wait(s).expect("wait");
        }
        s.1 += 1;
        if s.1 == n {
            self.back.notify_one();
        }
    }
}

/// The same over parking_lot.
pub struct PlBroadcast {
    state: parking_lot::Mutex<(u64, u64)>,
    cond: parking_lot::Condvar,
    back: parking_lot::Condvar,
}

impl BroadcastLike for PlBroadcast {
    fn create() -> Self {
        PlBroadcast {
            state: parking_lot::Mutex::new((0, 0)),
            cond: parking_lot::Condvar::new(),
            back: parking_lot::Condvar::new(),
        }
    }
    fn broadcast(&self, gen: u64, n: u64) {
        let mut s = self.state.lock();
        *s = (gen, 0);
        self.cond.notify_all();
        while s.1 != n {
            self.back.wait(&mut s);
        }
    }
    fn receive(&self, gen: u64, n: u64) {
        let mut s = self.state.lock();
        while s.0 != gen {
            self.cond.wait(&mut s);
        }
        s.1 += 1;
        if s.1 == n {
            self.back.notify_one();
        }
    }
}

/// One `notify_all` to 8 waiters per iteration, until all 8 ran (ns per broadcast).
pub fn notify_all<B: BroadcastLike>(iters: u64) -> u64 {
    const WAITERS: u64 = 8;
    let b = Arc::new(B::create());
    gang(1 + WAITERS as usize, move |i| {
        for k in 1..=iters {
            if i == 0 {
                b.broadcast(k, WAITERS);
            } else {
                b.receive(k, WAITERS);
            }
        }
    })
}
