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
//!   workloads with CPython's `threading`.
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
}

impl Impl {
    /// The name used in requests and tables: `pythreading`, `std`, `parking_lot`.
    pub fn name(self) -> &'static str {
        match self {
            Impl::Pythreading => "pythreading",
            Impl::Std => "std",
            Impl::ParkingLot => "parking_lot",
        }
    }
}

/// Why `imp`'s variant of workload `key` cannot run in browsers, if it cannot:
/// - parking_lot: its wasm parker needs parking_lot_core's `nightly` feature (without it,
///   parking panics), as under wasmtime;
/// - std's `thread::spawn` (the start+join peer): unsupported on wasm32-unknown-unknown (std
///   cannot create a Web Worker). Browsers have no std peer for start+join; the browser
///   figures set pythreading's pool workers against a fresh Worker per thread instead.
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
}

/// Every workload, in table order.
pub const WORKLOADS: &[Workload] = &[
    Workload {
        key: "lock",
        title: "Lock acquire+release (uncontended)",
        variants: &[
            Variant {
                imp: Impl::Pythreading,
                what: "Lock",
                run: lock_pythreading,
            },
            Variant {
                imp: Impl::Std,
                what: "Mutex<()>",
                run: mutex_std,
            },
            Variant {
                imp: Impl::ParkingLot,
                what: "Mutex<()>",
                run: mutex_parking_lot,
            },
        ],
    },
    Workload {
        key: "rlock",
        title: "RLock acquire+release (uncontended)",
        variants: &[
            Variant {
                imp: Impl::Pythreading,
                what: "RLock",
                run: rlock_pythreading,
            },
            Variant {
                imp: Impl::Std,
                what: "Mutex<()>",
                run: mutex_std,
            },
            Variant {
                imp: Impl::ParkingLot,
                what: "ReentrantMutex<()>",
                run: rlock_parking_lot,
            },
        ],
    },
    Workload {
        key: "event_pingpong",
        title: "Event ping-pong round trip (2 threads)",
        variants: &[
            Variant {
                imp: Impl::Pythreading,
                what: "Event",
                run: event_pingpong::<threading::Event>,
            },
            Variant {
                imp: Impl::Std,
                what: "Mutex<bool>+Condvar",
                run: event_pingpong::<StdEvent>,
            },
            Variant {
                imp: Impl::ParkingLot,
                what: "Mutex<bool>+Condvar",
                run: event_pingpong::<PlEvent>,
            },
        ],
    },
    Workload {
        key: "condition_pingpong",
        title: "Condition notify/wait ping-pong (2 threads)",
        variants: &[
            Variant {
                imp: Impl::Pythreading,
                what: "Condition",
                run: condition_pingpong_pythreading,
            },
            Variant {
                imp: Impl::Std,
                what: "Mutex+Condvar",
                run: condition_pingpong_std,
            },
            Variant {
                imp: Impl::ParkingLot,
                what: "Mutex+Condvar",
                run: condition_pingpong_parking_lot,
            },
        ],
    },
    Workload {
        key: "semaphore",
        title: "Semaphore acquire+release (uncontended)",
        variants: &[
            Variant {
                imp: Impl::Pythreading,
                what: "Semaphore",
                run: semaphore_uncontended::<threading::Semaphore>,
            },
            Variant {
                imp: Impl::Std,
                what: "Mutex<usize>+Condvar",
                run: semaphore_uncontended::<StdSemaphore>,
            },
            Variant {
                imp: Impl::ParkingLot,
                what: "Mutex<usize>+Condvar",
                run: semaphore_uncontended::<PlSemaphore>,
            },
        ],
    },
    Workload {
        key: "barrier",
        title: "Barrier cycle (2 threads)",
        variants: &[
            Variant {
                imp: Impl::Pythreading,
                what: "Barrier",
                run: barrier_pythreading,
            },
            Variant {
                imp: Impl::Std,
                what: "Barrier",
                run: barrier_std,
            },
        ],
    },
    Workload {
        key: "thread_start_join",
        title: "Thread start+join",
        variants: &[
            Variant {
                imp: Impl::Pythreading,
                what: "Thread",
                run: thread_start_join_pythreading,
            },
            Variant {
                imp: Impl::Std,
                what: "thread::spawn+join",
                run: thread_start_join_std,
            },
        ],
    },
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
