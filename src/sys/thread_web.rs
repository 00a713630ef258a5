//! Browsers: `wasm32-unknown-unknown` with atomics, threads on Web Workers sharing one
//! `WebAssembly.Memory`.
//!
//! # Design
//!
//! A new Worker does not start until the thread that created it returns to its event loop,
//! and a thread blocked in `join` never does; so `spawn` must never need a new Worker:
//!
//! * **A pool of workers started ahead of time.** Each pool worker (`worker.js`, role
//!   `pythreading-thread`) loads the same module and memory and runs [`worker_main`]: it waits on
//!   a job queue that lives in the shared memory (a Rust static behind a spin lock, plus a futex
//!   word), takes one job (a thread's boxed bootstrap closure) and runs it. `spawn` pushes the
//!   closure and wakes an idle worker: no JS, works from any thread.
//! * **A spawner worker** (role `pythreading-spawner`), created once by [`init`]
//!   (`initThreads(n)` in JS). It never blocks: it waits with `Atomics.waitAsync` on a word in the
//!   shared memory and creates pool workers when `spawn` asks for more. `initThreads(n)` starts
//!   `n` workers, so a start finds a worker ready; if a burst of starts drains the pool, the
//!   jobs wait in the queue until the spawner's new workers take them, and the pool keeps its
//!   new size. As long as some thread will take every queued job, start-then-join never
//!   deadlocks; the accounting keeps `queued jobs <= idle workers + workers starting`.
//! * **Workers are reused.** After its job a worker registers as idle again and takes the next
//!   job on the same stack and TLS: no new Worker, no new allocation per thread, so memory stays
//!   flat over any number of sequential threads. The crate's per-thread state (`current_thread()`'s
//!   slot, the exit flag) is reset by `thread.rs` when a thread starts and finishes.
//!   (`AfterJob::FreshTls`, fresh stack and TLS per thread on the same instance, and
//!   `AfterJob::Close`, one Worker per thread, are kept for diagnosis: both recycle 2 MiB stacks
//!   through the allocator, which fragments the heap.)
//! * **Panics trap** (panic=abort). The worker's JS catches the trap and calls
//!   [`worker_trapped`] on the same instance, which runs the trap handler the thread layer registered (`super::thread_trapped`): the
//!   excepthook reports, `Local` values are dropped, the thread is marked stopped and joiners
//!   return. The worker then closes like any other.
//! * **JS threads** (`src/js/thread.rs`): a job may go on in JS ([`defer_to_js`]): the worker
//!   loop returns to `worker.js`, which awaits the JS target in the worker's event loop and
//!   comes back through [`worker_continue`]; the worker counts as busy meanwhile.
//! * **Starting without `initThreads`.** `worker.js` creates a spawner as soon as the glue
//!   is imported on a thread outside the pool; the first `start()` hands it the module and memory
//!   ([`lazy_init`]) and waits until the pool runs. That works when the importing thread has
//!   returned to its event loop long enough for a worker script to load (the wasm-bindgen-test
//!   worker does); otherwise `start()` fails after 10 s with a message naming `initThreads`.
//! * **MainThread** is the first thread outside the pool that asks for its identity: the page,
//!   or the worker that runs the program (wasm-bindgen-test's dedicated worker in tests).
//!
//! The page's UI thread may not block (`memory.atomic.wait32` throws there): `spawn` itself never
//! blocks (spin lock, `Atomics.notify`), but `join` and contended waits do; see the README's
//! browser section for the policy.

#[cfg(not(target_feature = "atomics"))]
compile_error!(
    "pythreading on wasm32-unknown-unknown needs shared memory: build with nightly and \
     RUSTFLAGS='-Cpanic=unwind -Ctarget-feature=+atomics,+bulk-memory,+mutable-globals' and \
     -Zbuild-std=std,panic_unwind (the repository's .cargo/config.toml sets the flags; \
     -Cpanic=abort with -Zbuild-std=panic_abort,std also works)"
);

#[path = "web/glue.rs"]
mod glue;

#[path = "web/futex.rs"]
pub(super) mod futex;

use core::cell::{Cell, UnsafeCell};
use core::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering::*};
use std::collections::VecDeque;

/// `std::time::Instant` panics on this target; `web-time` reads `performance.now()`.
pub(crate) use web_time::Instant;

/// How a pool worker goes on after a job (see the module docs).
#[allow(dead_code)]
#[derive(PartialEq, Eq)]
enum AfterJob {
    /// Take the next job right away, on the same stack and TLS (thread.rs resets the crate's
    /// per-thread state between threads).
    Continue,
    /// Return to JS, which frees this worker's stack and TLS (`__wbindgen_thread_destroy`) and
    /// allocates fresh ones on the same instance (`__wbindgen_start`), then comes back: every
    /// thread starts with pristine thread-locals, the worker (and its compiled module) is reused.
    FreshTls,
    /// Return to JS, which frees the stack and TLS and closes the worker.
    Close,
}

const AFTER_JOB: AfterJob = AfterJob::Continue;

/// Give up re-creating workers after this many failed to load (a broken deployment would
/// otherwise create workers forever).
const MAX_LOST: u32 = 16;

/// A started thread waiting for a worker: its bootstrap closure and the stack it needs.
struct Job {
    /// Bytes: a non-zero multiple of 64 KiB (what `__wbindgen_start` takes).
    stack: u32,
    run: Box<dyn FnOnce() + Send + 'static>,
}

/// wasm-bindgen's stack for a thread's worker when `stack_size()` is 0 (its transform's default).
const DEFAULT_STACK: u32 = 2 << 20;

/// Stacks are allocated in wasm pages.
const STACK_UNIT: usize = 64 * 1024;

/// Largest stack a thread may ask for: a quarter of the memory's 1 GiB maximum
/// (`--max-memory` in .cargo/config.toml), so that asking cannot exhaust it in one go.
const MAX_STACK: usize = 256 << 20;

/// The stack for a thread started with `threading.stack_size() == size` (0: the default).
fn job_stack(size: usize) -> std::io::Result<u32> {
    if size == 0 {
        return Ok(DEFAULT_STACK);
    }
    if size > MAX_STACK {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!("stack size {size} is over this platform's limit of {MAX_STACK} bytes"),
        ));
    }
    Ok(size.div_ceil(STACK_UNIT).saturating_mul(STACK_UNIT) as u32)
}

/// A lock for the pool's queue that never blocks (spins), so that `spawn` is safe on the UI
/// thread; its critical sections are a few instructions long.
struct SpinLock<T> {
    locked: AtomicBool,
    value: UnsafeCell<T>,
}

// SAFETY: the value is only reached through a guard, and guards are exclusive (`locked`).
unsafe impl<T: Send> Sync for SpinLock<T> {}

struct SpinGuard<'a, T>(&'a SpinLock<T>);

impl<T> SpinLock<T> {
    const fn new(value: T) -> Self {
        SpinLock {
            locked: AtomicBool::new(false),
            value: UnsafeCell::new(value),
        }
    }

    fn lock(&self) -> SpinGuard<'_, T> {
        // Acquire pairs with the Release in the guard's drop.
        while self
            .locked
            .compare_exchange_weak(false, true, Acquire, Relaxed)
            .is_err()
        {
            core::hint::spin_loop();
        }
        SpinGuard(self)
    }
}

impl<T> core::ops::Deref for SpinGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: the guard holds the lock.
        unsafe { &*self.0.value.get() }
    }
}

impl<T> core::ops::DerefMut for SpinGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: the guard holds the lock exclusively.
        unsafe { &mut *self.0.value.get() }
    }
}

impl<T> Drop for SpinGuard<'_, T> {
    fn drop(&mut self) {
        self.0.locked.store(false, Release);
    }
}

struct Pool {
    /// Bootstrap closures of started threads that no worker has taken yet.
    jobs: VecDeque<Job>,
    /// Workers waiting for a job.
    idle: usize,
    /// Workers asked of the spawner that have not reached `worker_main` yet.
    starting: usize,
    /// Workers started by `initThreads(n)` before any thread needs them.
    spares: usize,
    /// Workers whose thread has counted as stopped (its joiners may already run) and that are
    /// about to take the next job: available, as far as `deficit` is concerned.
    finishing: usize,
    /// Workers that failed to load.
    lost: u32,
}

static POOL: SpinLock<Pool> = SpinLock::new(Pool {
    jobs: VecDeque::new(),
    idle: 0,
    starting: 0,
    spares: 0,
    finishing: 0,
    lost: 0,
});

/// Futex word of idle workers: bumped (under the pool lock) on every push.
static JOB_SEQ: AtomicU32 = AtomicU32::new(0);
/// The spawner's wake word (`Atomics.waitAsync` in JS; JS bumps it in `notifySpawner`).
static SPAWNER_CTL: AtomicU32 = AtomicU32::new(0);
/// Workers the spawner should create next time it runs.
static NEED: AtomicU32 = AtomicU32::new(0);
/// The pool's state: 0 starting (or not started), [`READY_OK`] once the spawner and the first
/// `spares` workers run (set by the spawner), [`READY_FAILED`] once it cannot start (set with
/// [`FAILURE`], see [`fail_pool`]). Futex word: `initThreads` and a lazy first `start()` wait on
/// it.
static READY: AtomicU32 = AtomicU32::new(0);
const READY_OK: u32 = 1;
const READY_FAILED: u32 = 2;
/// Why the pool could not start (written once, before `READY` becomes [`READY_FAILED`]).
static FAILURE: SpinLock<Option<String>> = SpinLock::new(None);

/// How long the pool may take to start, in milliseconds (`u64::MAX`: no bound); see
/// [`set_start_timeout`].
static START_TIMEOUT_MS: AtomicU64 = AtomicU64::new(10_000);

/// `setStartTimeout`: the bound on waiting for the pool (`None`: no bound).
pub(crate) fn set_start_timeout(t: Option<std::time::Duration>) {
    let ms = t.map_or(u64::MAX, |d| d.as_millis().min(u64::MAX as u128 - 1) as u64);
    START_TIMEOUT_MS.store(ms, Relaxed);
}

fn start_timeout() -> Option<std::time::Duration> {
    match START_TIMEOUT_MS.load(Relaxed) {
        u64::MAX => None,
        ms => Some(std::time::Duration::from_millis(ms)),
    }
}

/// The pool cannot start: keep the reason and wake every thread waiting for the pool. Only the
/// first failure counts, and none once the pool runs.
fn fail_pool(reason: String) {
    let mut f = FAILURE.lock();
    // The lock is held across the state change and the write of the reason, so a thread that
    // sees READY_FAILED (its Acquire load pairs with this AcqRel CAS) and then takes the lock
    // finds the reason in. A CAS from 0, because the spawner's JS marks the pool ready with a
    // CAS from 0 too: exactly one of "ready" and "failed" wins, and a failed pool stays failed.
    if READY
        .compare_exchange(0, READY_FAILED, AcqRel, Acquire)
        .is_ok()
    {
        *f = Some(reason);
        drop(f);
        super::wake_all(&READY);
    }
}

/// The pool's failure as an error (after `READY` was seen [`READY_FAILED`]).
fn pool_error() -> std::io::Error {
    let reason = FAILURE.lock().clone().unwrap_or_default();
    std::io::Error::other(reason)
}
/// Whether `init` ran (0/1).
static INITIALISED: AtomicU32 = AtomicU32::new(0);

/// The index of a word in the memory seen as an `Int32Array`.
pub(crate) fn word_index(w: &AtomicU32) -> u32 {
    (w as *const AtomicU32 as usize / 4) as u32
}

/// Workers to ask for so that every queued job finds a worker; counted as starting. Called
/// with the pool locked. Only real need counts (not `spares`), and a worker whose thread is
/// finishing counts as available: its joiner may start the next thread before the worker is
/// back in its loop, and asking for a worker then would grow the pool (and the memory: a stack
/// per worker) on such races.
fn deficit(p: &mut Pool) -> usize {
    let available = p.idle + p.starting + p.finishing;
    let need = p.jobs.len().saturating_sub(available);
    p.starting += need;
    need
}

fn ask_spawner(n: usize) {
    if n > 0 {
        NEED.fetch_add(n as u32, SeqCst);
        glue::notify_spawner(wasm_bindgen::memory(), word_index(&SPAWNER_CTL));
    }
}

/// Starts the spawner and `spares` pool workers, once (later calls do nothing).
fn start_pool(spares: u32) {
    if INITIALISED.compare_exchange(0, 1, AcqRel, Acquire).is_err() {
        return;
    }
    if let Some(problem) = glue::isolation_problem() {
        fail_pool(format!("the browser thread pool did not start: {problem}"));
        return;
    }
    let need = {
        let mut p = POOL.lock();
        p.spares = spares as usize;
        p.starting += p.spares;
        p.spares + deficit(&mut p)
    };
    NEED.fetch_add(need as u32, SeqCst);
    let timeout_ms = start_timeout().map_or(f64::INFINITY, |d| d.as_millis() as f64);
    let fail = wasm_bindgen::closure::Closure::once_into_js(fail_pool);
    glue::start_spawner(
        &js_channel(),
        &glue::glue_url(),
        wasm_bindgen::module(),
        wasm_bindgen::memory(),
        word_index(&SPAWNER_CTL),
        word_index(&READY),
        timeout_ms,
        fail,
    );
}

/// Starts the pool (once), at the call, and returns a future that resolves when it runs, or
/// fails naming the cause when it cannot start (see `worker.js`: every way of failing is bounded
/// by the start timeout). Backs the crate's `init_threads` and JS's `initThreads`.
pub(crate) fn init_threads(spares: u32) -> impl std::future::Future<Output = std::io::Result<()>> {
    start_pool(spares);
    let ready = glue::when_set(wasm_bindgen::memory(), word_index(&READY));
    async move {
        wasm_bindgen_futures::JsFuture::from(ready)
            .await
            .map_err(|e| std::io::Error::other(format!("{e:?}")))?;
        match READY.load(Acquire) {
            READY_OK => Ok(()),
            _ => Err(pool_error()),
        }
    }
}

thread_local! {
    /// Set by [`thread_finishing`] on a pool worker whose thread is ending.
    static FINISHING: Cell<bool> = const { Cell::new(false) };
}

/// The crate thread running on this pool worker is about to count as stopped: its joiner may
/// start the next thread before this worker is back in its loop, and must not ask for a new
/// Worker for it (10,000 sequential start+join cycles keep the pool's size). Only when the
/// worker goes on to the next job ([`AfterJob::Continue`]).
pub(crate) fn thread_finishing() {
    if AFTER_JOB == AfterJob::Continue
        && IN_POOL.with(Cell::get)
        && !FINISHING.with(|f| f.replace(true))
    {
        POOL.lock().finishing += 1;
    }
}

/// Back in the worker loop (or trapped): no longer counted as finishing.
fn done_finishing(p: &mut Pool) {
    if FINISHING.with(|f| f.replace(false)) {
        p.finishing -= 1;
    }
}

thread_local! {
    /// True on the pool's workers and the spawner.
    static IN_POOL: Cell<bool> = const { Cell::new(false) };
}

/// The spawner asks how many workers to create now.
pub(crate) fn spawner_take() -> u32 {
    IN_POOL.with(|c| c.set(true));
    NEED.swap(0, SeqCst)
}

/// A pool worker's life: wait for a job, run it, repeat. Returns what JS should do next:
/// 0 close the worker, 1 give it fresh TLS and call again ([`AfterJob::FreshTls`]), or else the
/// address of a job that needs a stack of another size than this worker's: JS reads the size
/// ([`job_stack_of`]), frees this stack and TLS, allocates the new ones
/// (`__wbindgen_start(size)`), and calls [`worker_resume`] with the address.
pub(crate) fn worker_main() -> u32 {
    IN_POOL.with(|c| c.set(true));
    WORKER_STACK.with(|c| c.set(DEFAULT_STACK));
    let mut p = POOL.lock();
    p.starting = p.starting.saturating_sub(1);
    p.idle += 1;
    drop(p);
    worker_loop(None)
}

thread_local! {
    /// The size of this worker's current stack.
    static WORKER_STACK: Cell<u32> = const { Cell::new(DEFAULT_STACK) };
}

/// The stack size a job handed to JS by [`worker_main`] needs.
pub(crate) fn job_stack_of(job: u32) -> u32 {
    // SAFETY: `job` is the address `worker_loop` returned; JS passes it back unchanged and the
    // job is not taken before `worker_resume`.
    unsafe { (*(job as usize as *const Job)).stack }
}

/// Back from JS with a stack of the size `job` needs (fresh TLS): run it, then go on as a
/// pool worker. Returns as [`worker_main`] does.
pub(crate) fn worker_resume(job: u32) -> u32 {
    IN_POOL.with(|c| c.set(true));
    // SAFETY: `job` is the address of a `Box<Job>` leaked by `worker_loop`, handed back once.
    let job = unsafe { Box::from_raw(job as usize as *mut Job) };
    WORKER_STACK.with(|c| c.set(job.stack));
    worker_loop(Some(*job))
}

/// Runs `first` (already taken from the queue by this worker), then takes jobs until one needs
/// another stack or the worker should return to JS (see [`worker_main`]).
fn worker_loop(mut first: Option<Job>) -> u32 {
    loop {
        let job = match first.take() {
            Some(job) => job,
            None => {
                let mut p = POOL.lock();
                let job = loop {
                    if let Some(job) = p.jobs.pop_front() {
                        p.idle -= 1;
                        break job;
                    }
                    // Read under the lock: a push after this changes the word, so the wait
                    // returns.
                    let seq = JOB_SEQ.load(SeqCst);
                    drop(p);
                    super::wait(&JOB_SEQ, seq, None);
                    p = POOL.lock();
                };
                let more = !p.jobs.is_empty();
                drop(p);
                if more {
                    // Pass the baton: a wake may have reached this worker for another job.
                    super::wake_one(&JOB_SEQ);
                }
                if job.stack != WORKER_STACK.with(Cell::get) {
                    // `threading.stack_size()`: this worker's stack is the wrong size; JS
                    // swaps it (the worker stays counted as busy) and comes back.
                    return Box::into_raw(Box::new(job)) as usize as u32;
                }
                job
            }
        };
        (job.run)();
        if JS_JOB.with(|j| j.replace(false)) {
            // The thread goes on in JS ([`defer_to_js`]): the worker stays busy until JS
            // comes back through [`worker_continue`].
            return JS_JOB_CODE;
        }
        let mut p = POOL.lock();
        done_finishing(&mut p);
        match AFTER_JOB {
            AfterJob::Continue => p.idle += 1,
            AfterJob::FreshTls => {
                // Counted as starting until it is back in `worker_main`.
                p.starting += 1;
                return 1;
            }
            AfterJob::Close => return 0,
        }
    }
}

thread_local! {
    /// Set by [`defer_to_js`] during a job.
    static JS_JOB: Cell<bool> = const { Cell::new(false) };
}

/// What [`worker_main`] returns when the job went on in JS: never the address of a job (those
/// are aligned) nor 0 or 1.
const JS_JOB_CODE: u32 = 2;

/// Called by a job that goes on in JS once its worker is back in its event loop (a JS
/// thread's target: its module is imported and its export called there): the worker loop
/// returns [`JS_JOB_CODE`] to `worker.js`, which awaits the JS side's promise and then calls
/// [`worker_continue`]. The thread itself stays alive until the JS layer ends it.
pub(crate) fn defer_to_js() {
    JS_JOB.with(|j| j.set(true));
}

/// Back from a JS job ([`defer_to_js`]): the worker is idle again and takes the next job.
/// Returns as [`worker_main`] does.
pub(crate) fn worker_continue() -> u32 {
    let mut p = POOL.lock();
    p.idle += 1;
    drop(p);
    worker_loop(None)
}

/// True once the pool runs (JS threads need it: their arguments go through the spawner).
pub(crate) fn pool_ready() -> bool {
    READY.load(Acquire) == READY_OK
}

/// A name for this module instance's `BroadcastChannel` of JS thread arguments: random per
/// instance, so that two pages of one origin do not read each other's.
pub(crate) fn js_channel() -> String {
    static TOKEN: AtomicU64 = AtomicU64::new(0);
    let mut t = TOKEN.load(Acquire);
    if t == 0 {
        let fresh = (js_sys::Math::random() * 9.0e15) as u64 + 1;
        t = match TOKEN.compare_exchange(0, fresh, AcqRel, Acquire) {
            Ok(_) => fresh,
            Err(existing) => existing,
        };
    }
    format!("pythreading-js-threads-{t}")
}

/// The job of this worker trapped (a panic aborts on this target). The worker then closes: if
/// its thread counted it as finishing, a job queued meanwhile may need another worker.
pub(crate) fn worker_trapped() {
    super::thread_trapped();
    let need = {
        let mut p = POOL.lock();
        done_finishing(&mut p);
        deficit(&mut p)
    };
    ask_spawner(need);
}

/// A worker the spawner created failed to load: ask for another (a bounded number of times).
pub(crate) fn worker_lost() {
    let need = {
        let mut p = POOL.lock();
        p.starting = p.starting.saturating_sub(1);
        p.lost += 1;
        if p.lost > MAX_LOST {
            0
        } else {
            deficit(&mut p)
        }
    };
    ask_spawner(need);
}

/// Workers the pool starts with when the first `start()` initialises it (no `initThreads`).
const LAZY_SPARES: u32 = 4;
/// A `start()` before the pool runs (no `await initThreads(n)`): hand the module and memory to the
/// spawner that `worker.js` started when the glue was imported on this thread (its script
/// loaded while this thread still ran its event loop), and wait until it and the first workers
/// run, at most the start timeout. If the spawner could not load meanwhile (this thread never
/// yielded since it imported the glue), or the pool failed, fail with a clear error instead of
/// hanging.
fn lazy_init() -> std::io::Result<()> {
    // Idempotent: only the first call starts the spawner.
    start_pool(LAZY_SPARES);
    if !can_block() {
        // The UI thread returns to its event loop anyway; queued threads start when it does.
        return match READY.load(Acquire) {
            READY_FAILED => Err(pool_error()),
            _ => Ok(()),
        };
    }
    let deadline = start_timeout().map(|t| Instant::now() + t);
    loop {
        match READY.load(Acquire) {
            READY_OK => return Ok(()),
            READY_FAILED => return Err(pool_error()),
            _ => {}
        }
        let left = match deadline {
            Some(d) => {
                let now = Instant::now();
                if now >= d {
                    return Err(std::io::Error::new(
                        std::io::ErrorKind::TimedOut,
                        "the browser worker pool did not start: await initThreads(n) (JS) once, \
                         on a thread that returns to its event loop, before starting threads",
                    ));
                }
                Some(d - now)
            }
            None => None,
        };
        super::wait(&READY, 0, left);
    }
}

/// Threads on this target are detached workers: the crate's own "stopped" state (set by the
/// thread, or by [`worker_trapped`]) is what `Thread::join` waits on.
pub(crate) struct JoinHandle;

impl JoinHandle {
    pub(crate) fn join(self) {}
}

pub(crate) fn spawn(
    _name: &str,
    stack_size: usize,
    f: Box<dyn FnOnce() + Send + 'static>,
) -> std::io::Result<JoinHandle> {
    let job = Job {
        stack: job_stack(stack_size)?,
        run: f,
    };
    if READY.load(Acquire) != READY_OK {
        lazy_init()?;
    }
    let need = {
        let mut p = POOL.lock();
        p.jobs.push_back(job);
        JOB_SEQ.fetch_add(1, SeqCst);
        deficit(&mut p)
    };
    super::wake_one(&JOB_SEQ);
    ask_spawner(need);
    Ok(JoinHandle)
}

pub(crate) fn native_id() -> u64 {
    super::counter_native_id()
}

static MAIN_NATIVE_ID: AtomicU64 = AtomicU64::new(0);

pub(crate) fn is_main_thread() -> bool {
    if IN_POOL.with(Cell::get) {
        return false;
    }
    let me = native_id();
    match MAIN_NATIVE_ID.compare_exchange(0, me, AcqRel, Acquire) {
        Ok(_) => true,
        Err(main) => main == me,
    }
}

/// Whether the calling thread may block (false on the page's UI thread).
#[allow(unused_imports)]
pub(crate) use futex::can_block;

pub(crate) fn main_native_id() -> Option<u64> {
    None
}

pub(crate) fn at_exit(_f: extern "C" fn()) -> bool {
    false
}
