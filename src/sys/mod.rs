//! The platform seam: everything the primitives need from the platform, and the only place in
//! the crate where the platform is chosen (no `cfg(target_…)` appears outside `src/sys/`).
//!
//! Like Rust std's `sys/sync`, every primitive in the crate is written once over this small
//! interface:
//!
//! * **wait/wake on an `AtomicU32`** (futex semantics): [`wait`] blocks while the word equals
//!   `expected` (until woken, a spurious wake-up, or the timeout); [`wake_one`] and [`wake_all`]
//!   wake threads blocked in [`wait`] on that word. Callers always re-check their condition in a
//!   loop, so spurious returns are allowed; a wake issued after the word changed is never lost
//!   (the backend re-checks the word atomically with respect to wakers).
//! * **spawn/identify a thread**: [`spawn`], [`JoinHandle::join`], [`native_id`],
//!   [`is_main_thread`], [`main_native_id`], plus [`at_exit`] (run shutdown when the process
//!   ends) and [`Instant`] (a monotonic clock that works on every platform).
//!
//! Backends:
//!
//! | platform | wait/wake | threads |
//! |---|---|---|
//! | Linux / Android | the `futex(2)` syscall (`FUTEX_WAIT/WAKE_PRIVATE`) | std threads, `gettid` |
//! | `wasm32-wasip1-threads` | parking queue over std `park`, which std lowers to `memory.atomic.wait32/notify` | std threads (wasi-threads) |
//! | `wasm32-unknown-unknown` + atomics | `Atomics.wait/notify` on the word; polling on the UI thread | a pool of Web Workers fed from a queue in shared memory, grown by a spawner worker (`initThreads`) |
//! | other unix | parking queue over std `park` | std threads |
//! | `cfg(loom)` | a loom `Mutex`+`Condvar` model of a futex | loom threads (models only) |

#[cfg(not(loom))]
#[allow(unused_imports)] // each backend uses its own subset
pub(crate) mod atomic {
    //! Atomics used by the lock-free cores; swapped for loom's under `cfg(loom)`.
    pub(crate) use core::sync::atomic::{
        fence, AtomicBool, AtomicU32, AtomicU64, AtomicUsize, Ordering,
    };

    /// Reads a count of sleepers after a change, on the waker's side of a Dekker pattern: a
    /// SeqCst load. It is enough when the waker's change is a SeqCst RMW and the sleeper
    /// counts itself in with a SeqCst RMW and then looks at the changed location with a SeqCst
    /// load: four SeqCst operations on two locations, whose single total order forbids both
    /// loads missing the other side's write (store buffering). If this load comes later in
    /// that order it sees the sleeper; if earlier, the change comes before the sleeper's count
    /// and so before its look, which sees it. (Hardware: on x86 and wasm an RMW is a full
    /// barrier before the load; on Arm a SeqCst load is not reordered before an earlier SeqCst
    /// RMW's store.) The callers (`Queue`'s `Sleepers`, `RawSemaphore::release`) name their
    /// pairs and what the load saved over a `fetch_add(0)`.
    ///
    /// Under loom, which treats SeqCst loads as AcqRel (its documented limitation: it would
    /// report the outcome the order rules out), this is `fetch_add(0)`, the other definition.
    /// An RMW is ordered with the sleeper's in the count's modification order, so it sees the
    /// sleeper or the sleeper's count synchronises with it and the change is visible to the
    /// look: a guarantee at least as strong, with which the models check the rest of each
    /// protocol.
    #[inline]
    pub(crate) fn sleepers_after_change(count: &AtomicU32) -> u32 {
        count.load(Ordering::SeqCst)
    }
}
#[cfg(loom)]
#[allow(unused_imports)]
pub(crate) mod atomic {
    pub(crate) use loom::sync::atomic::{
        fence, AtomicBool, AtomicU32, AtomicU64, AtomicUsize, Ordering,
    };

    /// Under loom: an RMW where the other definition loads (see there for why).
    #[inline]
    pub(crate) fn sleepers_after_change(count: &AtomicU32) -> u32 {
        count.fetch_add(0, Ordering::SeqCst)
    }
}

// ---- wait/wake --------------------------------------------------------------------------

#[cfg(loom)]
#[path = "loom_futex.rs"]
mod futex;

#[cfg(all(not(loom), any(target_os = "linux", target_os = "android")))]
#[path = "linux_futex.rs"]
mod futex;

#[cfg(all(
    not(loom),
    not(any(target_os = "linux", target_os = "android")),
    not(all(target_arch = "wasm32", target_os = "unknown"))
))]
#[path = "parking_futex.rs"]
mod futex;

// Browsers: `Atomics.wait/notify` on the word itself, polling on the page's UI thread, which may
// not block (src/sys/web/futex.rs, declared in thread_web.rs next to the JS glue it calls).
#[cfg(all(not(loom), target_arch = "wasm32", target_os = "unknown"))]
use thread::futex;

pub(crate) use futex::{wait, wake_all, wake_one};

// ---- threads that may not block ------------------------------------------------------------
//
// The page's UI thread in browsers may not block (`Atomics.wait` throws there). The primitives
// ask [`can_block`] on their slow paths, right before a wait, and follow the crate's policy
// (written above the seam, in the primitives' deadline): calls that return `Result` refuse to wait there, calls that
// cannot fail wait a bounded time and then [`throw`]. Everywhere else `can_block` is the
// constant `true`, so the check compiles away.

#[cfg(all(not(loom), target_arch = "wasm32", target_os = "unknown"))]
pub(crate) use futex::{can_block, throw};

/// Whether the calling thread may block: always, except on the page's UI thread in browsers.
#[cfg(not(all(not(loom), target_arch = "wasm32", target_os = "unknown")))]
#[inline(always)]
pub(crate) fn can_block() -> bool {
    true
}

/// Gives up a call that cannot fail on a thread that may not block. Unreachable here (every
/// thread may block); in browsers it throws a JS exception.
#[cfg(not(all(not(loom), target_arch = "wasm32", target_os = "unknown")))]
#[cold]
pub(crate) fn throw(msg: &str) -> ! {
    panic!("{msg}")
}

// ---- spinning -------------------------------------------------------------------------------

/// How many times a bounded spin (`SpinWait`, above the seam) re-checks its word in place of
/// one `core::hint::spin_loop()`, so that a spin lasts about as long on every platform. 1
/// where the hint is a pause instruction (x86's `pause`: about 30 ns on this project's
/// machines). wasm has none: `spin_loop` compiles to nothing there, and a spin round of 2, 4
/// or 8 hints would end within nanoseconds, before a running holder could release (a woken
/// Condition waiter then went to sleep on the lock it was about to get). A check of the word
/// costs about 0.9 ns under wasmtime, so 32 of them stand for one pause.
#[cfg(target_arch = "wasm32")]
pub(crate) const SPIN_CHECKS_PER_HINT: u32 = 32;
/// See the wasm definition: one check per pause instruction.
#[cfg(not(target_arch = "wasm32"))]
pub(crate) const SPIN_CHECKS_PER_HINT: u32 = 1;

/// How many rounds a yielding spin (`SpinWait::yielding`, above the seam: a `Condition`,
/// `Event`, `Barrier` or `Queue` waiter) yields the CPU after its busy rounds, before it sleeps.
/// Under wasmtime a sleep's wake-up takes 15-18 µs (`memory.atomic.wait32`/`notify` go through
/// wasmtime's parking table; natively 6.6-7.8 µs, issue 9's probe), longer than 7 yields (a
/// `sched_yield` costs ~0.6 µs there, through WASI): a ping-pong whose waiter went to sleep
/// once then stayed asleep on every round trip, as each side's spin ended before the other's
/// wake-up arrived. 40 yields (~25 µs) outlast the wake-up, so a round trip that fell asleep
/// falls back to spinning. Measured (`PYTHREADING_BENCH_ROUNDS=61 cargo bench --bench
/// primitives -- --wasmtime --no-cpython lock event_pingpong condition_pingpong
/// thread_start_join`, one run each, wasm/native): with 7, Event ping-pong 7.22 µs (1.61×)
/// and Condition 6.36 µs (1.39×); with 40, in three runs, Event 109-138 ns (0.03-0.04×) and
/// Condition 1.73-6.36 µs (0.43-1.36×): the Event round trip now stays in the spin, the
/// Condition one (a notify, then the lock to take back) only sometimes. The contended rows
/// under wasmtime (21 rounds, ours): the 1×1 condition queue 152 → 124-134 ns, `set()` to 4
/// waiters 11.3 → 9.9-10.5 µs, `notify_all` to 8 waiters 22.0 → 21.6-22.6 µs, the 3×3
/// condition queue 238 → 289-292 ns (six threads on two cores, the one row that lost).
/// Browsers keep 7: a yield is a no-op there.
#[cfg(all(target_arch = "wasm32", target_os = "wasi"))]
pub(crate) const SPIN_YIELD_ROUNDS: u32 = 40;
/// See the wasi definition: 7 rounds, as parking_lot's `SpinWait`.
#[cfg(not(all(target_arch = "wasm32", target_os = "wasi")))]
pub(crate) const SPIN_YIELD_ROUNDS: u32 = 7;

/// How many rounds a *lock's* waiter (`SpinWait::locking`, above the seam: `Lock`, `RLock`,
/// `Semaphore`) yields the CPU after its busy rounds, before it sleeps. Natively 7, as
/// parking_lot's `SpinWait`: a waiter that yields reads the lock's word once per
/// `sched_yield` instead of once per few pauses, so the holder keeps the cache line and runs
/// many critical sections in a row, and a waiter that would have slept (the lock's word then
/// stays "contended", and every release makes a wake call) mostly catches a release while it
/// yields. Measured (`PYTHREADING_BENCH_ROUNDS=21 cargo bench --bench primitives -- --no-cpython
/// KEY...`, one run each, natively on 2 cores, ours/parking_lot, busy rounds only → with the
/// yields): lock-protected increments with 2, 4 and 8 threads 2.03/2.30/2.39× →
/// 1.29/1.13/1.06×, the same on an RLock (2, 4, 8 threads) 2.0-2.7× (README run) →
/// 1.66/1.52/1.43×, the 1×1 condition queue (its `Lock`) 4.2× → 2.16×.
/// On wasm 0, busy rounds only: under wasmtime, on a loaded machine (load average 10-13 on 2
/// cores), `tests/fairness.rs` with yields in `Lock` left a thread 70-250 ms without the lock
/// (charged gaps), and 18-37 ms with busy spinning only, in the same minutes; in browsers a
/// yield is a no-op.
#[cfg(target_arch = "wasm32")]
pub(crate) const LOCK_YIELD_ROUNDS: u32 = 0;
/// See the wasm definition: 7 rounds natively, as parking_lot's `SpinWait`.
#[cfg(not(target_arch = "wasm32"))]
pub(crate) const LOCK_YIELD_ROUNDS: u32 = 7;

/// How often an event waiter that finds its CPU shared with the thread it waits for sleeps to
/// move off it (`timeout::spin_for_event`, above the seam): every 16th such wait natively. 0
/// (never: the plain yielding spin, with no clock read per yield) on wasm. Under wasmtime, in
/// the same scratch ping-pong, 6-8 runs each: with the plain spin 4 of 6 runs at 0.8 µs per
/// round trip and 2 at 3.5 µs (a shared CPU); with every 16th wait sleeping to move, 5 of 6 at
/// 0.75 µs and one at 5.6 µs; every 64th, 5 of 8 ending at 0.75 µs and the others 4.8-5 µs:
/// a sleep and its wake-up cost 15-18 µs there and a WASI clock read 0.2 µs, so a shared CPU
/// got dearer than the moves won. In browsers a yield is a no-op: no yield is ever long.
#[cfg(target_arch = "wasm32")]
pub(crate) const SHARED_CPU_ESCAPE_EVERY: u16 = 0;
/// See the wasm definition: every 16th shared-CPU wait natively.
#[cfg(not(target_arch = "wasm32"))]
pub(crate) const SHARED_CPU_ESCAPE_EVERY: u16 = 16;

// ---- threads ------------------------------------------------------------------------------

#[cfg(any(target_os = "linux", target_os = "android"))]
#[path = "thread_linux.rs"]
mod thread;

#[cfg(all(target_arch = "wasm32", target_os = "wasi"))]
#[path = "thread_wasi.rs"]
mod thread;

#[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
#[path = "thread_web.rs"]
mod thread;

#[cfg(not(any(
    target_os = "linux",
    target_os = "android",
    all(target_arch = "wasm32", any(target_os = "wasi", target_os = "unknown"))
)))]
#[path = "thread_generic.rs"]
mod thread;

/// What to run on the instance of a crate thread that trapped (wasm: a panic under panic=abort,
/// or an abort): the layer above registers it ([`set_trap_handler`]) before it starts a thread,
/// so the seam calls up without depending on what is above it.
static TRAP_HANDLER: std::sync::OnceLock<fn()> = std::sync::OnceLock::new();

/// Registers the trap handler (the first registration wins; later calls do nothing).
pub(crate) fn set_trap_handler(f: fn()) {
    let _ = TRAP_HANDLER.set(f);
}

/// Runs the registered trap handler, if any (the wasm backends call it after a trap).
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
pub(crate) fn thread_trapped() {
    if let Some(f) = TRAP_HANDLER.get() {
        f();
    }
}

/// The smallest stack `stack_size()` accepts, on every platform (CPython's `THREAD_STACK_MIN`
/// on POSIX).
pub(crate) const MIN_STACK_SIZE: usize = 32 * 1024;

/// Starts what the platform needs before threads can start without waiting (browsers: the
/// spawner and `workers` pool workers); elsewhere there is nothing to start.
#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
pub(crate) fn init_threads(
    _workers: u32,
) -> impl std::future::Future<Output = std::io::Result<()>> {
    std::future::ready(Ok(()))
}

#[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
pub(crate) use thread::init_threads;

/// The bound on waiting for the platform's threads to become startable (browsers: the pool);
/// nothing waits elsewhere.
#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
pub(crate) fn set_start_timeout(_t: Option<std::time::Duration>) {}

#[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
pub(crate) use thread::set_start_timeout;

/// Called by a crate thread just before it counts as stopped (its joiners may then start the
/// next thread at once): a browser pool worker counts as available from here on, so that such
/// a start does not ask for a new Worker. Nothing to do elsewhere.
#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
pub(crate) fn thread_finishing() {}

#[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
pub(crate) use thread::thread_finishing;

pub(crate) use thread::{
    at_exit, is_main_thread, main_native_id, native_id, spawn, Instant, JoinHandle,
};

/// Lets another thread run: `std::thread::yield_now` (a no-op in browsers), or under loom
/// loom's own yield, so that a model whose thread waits for another's progress in a loop
/// (`Queue`'s immediate shutdown) lets the scheduler run that thread.
#[inline]
pub(crate) fn yield_now() {
    #[cfg(loom)]
    loom::thread::yield_now();
    #[cfg(not(loom))]
    std::thread::yield_now();
}

// ---- the layers above that exist only in browsers -----------------------------------------

/// Expands its items only when building for browsers (`wasm32-unknown-unknown` with atomics),
/// and to nothing elsewhere: how the JS binding layer (`src/js/`) is compiled only there while
/// the platform is still chosen here alone.
#[cfg(all(not(loom), target_arch = "wasm32", target_os = "unknown"))]
macro_rules! on_web {
    ($($item:item)*) => { $($item)* };
}
#[cfg(not(all(not(loom), target_arch = "wasm32", target_os = "unknown")))]
macro_rules! on_web {
    ($($item:item)*) => {};
}
pub(crate) use on_web;

/// The index of a futex word in the memory seen as an `Int32Array` (for `Atomics.waitAsync`).
#[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
pub(crate) use thread::word_index;

/// JS threads in browsers (src/js/thread.rs): a job that goes on in JS, the pool's readiness
/// and the channel of their arguments.
#[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
pub(crate) use thread::{defer_to_js, js_channel, pool_ready};

// ---- diagnostics -------------------------------------------------------------------------

/// Writes a report (the excepthook's) where the platform shows errors, in one piece so that
/// concurrent reports do not interleave.
#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
pub(crate) fn write_stderr(s: &str) {
    use std::io::Write;
    let _ = std::io::stderr().lock().write_all(s.as_bytes());
}

#[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
#[path = "web_console.rs"]
mod web_console;
#[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
pub(crate) use web_console::write_stderr;

/// A process-wide counter for platforms without OS thread ids: unique, never 0, never reused.
#[cfg(not(any(target_os = "linux", target_os = "android")))]
pub(crate) fn counter_native_id() -> u64 {
    use std::cell::Cell;
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(1);
    thread_local!(static ID: Cell<u64> = const { Cell::new(0) });
    ID.with(|id| {
        if id.get() == 0 {
            // Relaxed: only uniqueness matters, and fetch_add is a single atomic RMW.
            id.set(NEXT.fetch_add(1, Ordering::Relaxed));
        }
        id.get()
    })
}

/// A thread spawned through std (every backend but the browser's). `REAP`: whether `join`
/// waits for the OS thread to be gone (natively), or only detaches it (wasi, where a thread
/// that trapped never finishes its pthread, so `pthread_join` would block forever; the crate's
/// own stopped state is what `Thread::join` waits on there). A detached thread that returns,
/// as an unwinding panic does, has its stack freed by wasi-libc when it exits.
#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
pub(crate) struct StdJoinHandle<const REAP: bool>(std::thread::JoinHandle<()>);

#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
impl<const REAP: bool> StdJoinHandle<REAP> {
    pub(crate) fn join(self) {
        if REAP {
            // The crate's bootstrap catches every panic of the thread body, so this is Ok.
            let _ = self.0.join();
        }
    }
}

/// Spawns through `std::thread::Builder` (shared by every backend whose std can spawn).
#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
pub(crate) fn std_spawn<const REAP: bool>(
    name: &str,
    stack_size: usize,
    f: Box<dyn FnOnce() + Send + 'static>,
) -> std::io::Result<StdJoinHandle<REAP>> {
    // An OS thread name may not contain NUL: Python cuts the name at the first NUL (M-02).
    let os_name: String = name.split('\0').next().unwrap_or("").to_owned();
    let mut b = std::thread::Builder::new().name(os_name);
    if stack_size != 0 {
        b = b.stack_size(stack_size);
    }
    b.spawn(f).map(StdJoinHandle)
}
