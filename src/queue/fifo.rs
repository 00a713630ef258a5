//! The core of `Queue` (FIFO), lock-free: the items in crossbeam's `SegQueue` (a lock-free
//! MPMC queue of segments, the same algorithm as crossbeam-channel's unbounded flavour and so
//! std's `mpsc::channel`), Python's bookkeeping in counters, and sleeping getters, putters and
//! joiners on futex words (an eventcount each), through the platform seam. `LifoQueue` and
//! `PriorityQueue` keep the lock-based [`Core`](super::base::Core): their containers are not
//! FIFO.
//!
//! The counters, each written by one side only so that a producer and a consumer do not share
//! a written cache line (64-bit everywhere, wasm32 included, so that they never wrap: a 32-bit
//! count of puts would wrap after 4.3 billion, minutes of traffic, and the differences below
//! would then be wrong):
//! * `pushed`: puts that reserved a slot, with the shutdown bit (`SHUT`, bit 63) in the same
//!   word. A put reserves with one compare-and-swap that fails on `SHUT` (and, bounded, while
//!   `pushed - popped >= maxsize`, so the queue never holds more than `maxsize`). A reserved
//!   put always finishes, so from its compare-and-swap on it is in `qsize()` and an unfinished
//!   task (a getter's `task_done` for its item always finds it counted, as Python counts it with
//!   the item under its lock). `shutdown` sets `SHUT` with one `fetch_or`: reservations are
//!   final from then on, and the count in the word is every item the queue will ever have had.
//! * `popped`: items taken (by `get`, or dropped by an immediate `shutdown`), with the same
//!   `SHUT` bit, set by `shutdown` after the one in `pushed` (see `Fifo::drained`).
//! * `done`: `task_done` calls (and items an immediate shutdown dropped). Python's
//!   `unfinished_tasks` is `pushed - done`.
//!
//! `qsize()` is `pushed - popped` (Python's is as stale once returned). A `get` that sees `SHUT`
//! in `popped`, and its count equal to the frozen count of `pushed`, may answer `ShutDown`:
//! every item is taken and none can arrive after it. `is_shutdown`, a flag of its own stored
//! before the `fetch_or`, answers `is_shutdown()` and the first check of `put` without reading
//! the putters' cache line.
//!
//! Before the shutdown bit (until 2b5be41), a put checked the flag, reserved with a
//! `fetch_add`, checked the flag again and gave its slot back if it had been set meanwhile, and
//! two more counters (unfinished tasks counted before the push, items landed after it) kept a
//! refused reservation out of `task_done`'s count and told a `get` whether puts were in flight:
//! three read-modify-writes per put on the putters' line where there is now one. Measured
//! natively, two runs each of `PYTHREADING_BENCH_ROUNDS=21 cargo bench --bench queue_futures --
//! --no-cpython queue_1x1_bounded queue_1x1_unbounded queue_4x4_bounded queue_4x4_unbounded`
//! (ours/std's channel): the 1×1 unbounded row 108-175 ns per item (1.55-2.36×) → 60.7-63.7 ns
//! (0.83-0.84×), the 4×4 unbounded one 104-131 ns (1.33-1.47×) → 47.6-61.2 ns (0.61-0.69×),
//! the 4×4 bounded one 164-174 → 144-148 ns. The 1×1 bounded row is bimodal either way: run
//! alone four times each, 352-398 ns in three runs of four before (75.2 in the fourth) and
//! 57.7-59.0 ns in all four after.
//!
//! Waiting (each side the same): spin boundedly ([`SpinWait::yielding`]) while the state that
//! blocks it holds, then count itself in `*_sleepers` (SeqCst), read the word's sequence number,
//! look again, and sleep on the word while the sequence is unchanged. The other side, after the
//! change, reads the sleepers count (with a SeqCst load for one sleeper, the change and the
//! sleeper's look being SeqCst operations on one location: see [`Sleepers::any_sleeper`];
//! after a SeqCst fence for all) and, if someone sleeps and no wake-up is in
//! flight, bumps the sequence and wakes one (or, for a shutdown, all). Either the sleeper's
//! second look sees the change or the waker sees the sleeper, and a change whose waker found a
//! wake-up in flight is passed on by the sleeper that runs next ([`Sleepers`]): no wake-up is
//! lost (the loom models in `tests/loom.rs`).
//!
//! Measured: a prototype of the same protocol first (natively, 15 interleaved rounds of
//! 200,000 items, medians): 1×1 bounded(100) 89 ns/item against crossbeam-channel 60.7 and std
//! 163; 1×1 unbounded 50.6 against 54.4 and 59.0; 4×4 bounded 99.1 against 72.8 and 196; 4×4
//! unbounded 31.8 against 29.7 and 71.3. Then this core in the bench (`PYTHREADING_BENCH_ROUNDS=31
//! bash scripts/bench.sh --browser --no-abort queue_...`, README "queue and futures on three
//! platforms", at 232d0d3): natively 1.06–1.79× crossbeam's time and 0.31–1.00× std's on
//! the four rows, where the lock-based core had been 2.04–4.12× and 0.41–1.74×.

use super::base::{deadline, Mode};
use super::PutError;
use crate::error::{Error, Result};
use crate::sys::atomic::{
    fence, sleepers_after_change, AtomicBool, AtomicU32, AtomicU64, AtomicUsize, Ordering::*,
};
use crate::timeout::{Deadline, Next, SpinWait};

/// The items: crossbeam's `SegQueue`, or under loom (which cannot see inside it) a loom
/// `Mutex` over a `VecDeque`, which the models explore instead.
#[cfg(not(loom))]
type Items<T> = crossbeam_queue::SegQueue<T>;

#[cfg(loom)]
struct Items<T>(loom::sync::Mutex<std::collections::VecDeque<T>>);

#[cfg(loom)]
impl<T> Items<T> {
    fn new() -> Self {
        Items(loom::sync::Mutex::new(std::collections::VecDeque::new()))
    }
    fn push(&self, x: T) {
        self.0.lock().unwrap().push_back(x)
    }
    fn pop(&self) -> Option<T> {
        self.0.lock().unwrap().pop_front()
    }
    fn is_empty(&self) -> bool {
        self.0.lock().unwrap().is_empty()
    }
}

/// A cache line of its own for what one side writes (`crossbeam_utils::CachePadded`'s job;
/// 128 bytes as it uses on x86_64, where adjacent lines are fetched in pairs).
#[repr(align(128))]
struct Line<T>(T);

/// A futex word that sleepers wait on, the count of sleepers, and whether a `wake_one` is in
/// flight.
///
/// `signalled`: one wake-up at a time. A `wake_one` that finds sleepers sets it (a swap, so
/// one waker of many wins) and wakes one; the others, until a sleeper runs again, see it set
/// and do nothing. Before, every change while a woken sleeper was still on its way bumped the
/// word and called the platform's wake again: counted in a 400,000-item run, 50-80 wake calls
/// per sleep natively in the 4×4 bounded queue, and under wasmtime up to 62,000 for a single
/// sleep of the 1×1 unbounded one (a woken getter there takes ~15 µs to run). Now there is one
/// per sleep. What a skipping waker leaves behind is passed on:
/// * every sleeper clears the flag after it takes its snapshot of the word and when it leaves
///   (swaps, then a SeqCst fence) and only then looks at the state, so a waker that skipped saw
///   the flag before some sleeper's clear, and that sleeper's look sees the waker's change
///   (Dekker's pattern again);
/// * after a sleep, the caller wakes the next sleeper if what it waited for is still there on
///   its way out ([`Fifo::wait_for_item`]'s and [`Fifo::wait_for_room`]'s chain);
/// * a flag left set by a waker whose sleeper had already gone is cleared by the next sleeper
///   to count itself in. That clear comes after the snapshot: a waker whose swap follows it
///   bumps the word after the snapshot, so that sleeper's wait returns (or the wake-up reaches
///   an older sleeper, which clears the flag in turn). Cleared before the snapshot, the flag
///   could be set again by a waker whose bump the snapshot already held, and if another getter
///   then took that waker's item, stay set with the sleeper asleep: the loom model
///   `queue_wakes_are_passed_on_to_every_getter` found that order.
///
/// `wake_all` (shutdown, the last `task_done`, a new `maxsize`) ignores the flag. The loom
/// models in `tests/loom.rs` check two sleepers against two changes on each side.
///
/// Measured, the queue rows under wasmtime (`PYTHREADING_BENCH_ROUNDS=31 bash scripts/bench.sh
/// --no-cpython --no-abort queue_1x1_bounded queue_1x1_unbounded queue_4x4_bounded
/// queue_4x4_unbounded`, one run each, ours/std and ours/crossbeam): before 0.85×/1.16×,
/// 1.98×/2.66×, 0.36×/0.94×, 0.94×/1.68×; after 0.49×/0.89×, 1.78×/2.56×, 0.54×/0.95×,
/// 0.91×/1.51×, within the noise of these rows except the wake calls saved. A variant that
/// still bumped the word on every skipped wake (so that sleepers about to wait return at once)
/// measured no better (1.85×/2.54× on 1×1 unbounded, 1.13×/1.95× on 4×4 unbounded) and was
/// left out.
struct Sleepers {
    seq: AtomicU32,
    count: AtomicU32,
    signalled: AtomicBool,
}

impl Sleepers {
    fn new() -> Self {
        Sleepers {
            seq: AtomicU32::new(0),
            count: AtomicU32::new(0),
            signalled: AtomicBool::new(false),
        }
    }

    /// Whether a thread sleeps here, or is on its way to sleep: [`wake_one`](Self::wake_one)'s
    /// check, made after the caller's change, with [`sleepers_after_change`] (a SeqCst load;
    /// its docs give the ordering argument). A sleeper counts itself in with a SeqCst RMW
    /// before its look. The pairs of change and look:
    /// * a put wakes a getter: the change is the items' push, whose compare-and-swap of its
    ///   tail index is SeqCst, and the getter's look is `items.is_empty()`, whose loads of the
    ///   head and tail indices are SeqCst (crossbeam-queue's `SegQueue::push` and
    ///   `SegQueue::is_empty`, read in its 0.3.14 source: `Cargo.toml` asks for at least that
    ///   version and says why). A look that sees the tail moved finds the queue not empty, and
    ///   the getter then pops and waits in `SegQueue::pop` for the slot's value, written after
    ///   that compare-and-swap;
    /// * a get wakes a putter: the change is `popped`'s `fetch_add` in [`Fifo::take`], and the
    ///   putter's look is [`Fifo::full`], whose `qsize` loads `popped` SeqCst;
    /// * a sleeper passes a wake-up on (see the type's docs): its own look saw the change (a
    ///   SeqCst load that read a SeqCst RMW), which puts the change before this load in the
    ///   order too.
    ///
    /// Why not an RMW (`fetch_add(0)`, as until the load): every put (and every get from a
    /// bounded queue) makes this check, and a put that costs more than a get lets a lone getter
    /// catch up with the putter, after which the two write the same cache lines of the queue
    /// for every item. Until 6af5447 the check read the count after a SeqCst fence, dearer
    /// still on wasm. Measured in a scratch 1×1 unbounded queue (400,000 items, 21 runs, stable
    /// Rust's panic=abort module under the host), medians: with `fetch_add(0)` 130-146 ns per
    /// item in two runs, with the load 52.6-57.9 ns; temporary counters showed the getter
    /// finding the queue empty 26,000-66,000 times per run in the slow runs and 3,500-5,500 in
    /// the fast ones.
    #[inline]
    fn any_sleeper(&self) -> bool {
        sleepers_after_change(&self.count) > 0
    }

    /// Wakes one sleeper if [`any_sleeper`](Self::any_sleeper) finds one and no wake-up is in
    /// flight, after a change its docs name. The swap makes one waker of many the one that
    /// wakes.
    #[inline]
    fn wake_one(&self) {
        if self.any_sleeper() && !self.signalled.swap(true, SeqCst) {
            self.seq.fetch_add(1, SeqCst);
            crate::sys::wake_one(&self.seq);
        }
    }

    /// After a change that lets every sleeper go on (shutdown, the last task done): wakes them
    /// all if any sleeps.
    #[inline]
    fn wake_all(&self) {
        fence(SeqCst);
        if self.count.load(Relaxed) > 0 {
            self.seq.fetch_add(1, SeqCst);
            crate::sys::wake_all(&self.seq);
        }
    }

    /// Sleeps until woken or `deadline` while `blocked()` holds, after one more look:
    /// `Ok(true)` if woken (or the look found it unblocked), `Ok(false)` once the deadline
    /// passed, `Err(Runtime)` where the thread may not block. Either way the flag is clear and
    /// fenced when it returns, so that the caller's next look sees every change whose waker
    /// skipped (see the type's docs); the caller then passes on what it does not take.
    fn sleep(&self, deadline: &mut Deadline, blocked: impl Fn() -> bool) -> Result<bool> {
        self.count.fetch_add(1, SeqCst);
        fence(SeqCst);
        let seq = self.seq.load(SeqCst);
        // After the snapshot, never before it (see the type's docs).
        self.signalled.swap(false, SeqCst);
        fence(SeqCst);
        let r = if !blocked() {
            Ok(true)
        } else {
            match deadline.next_wait() {
                Ok(Next::Wait(t)) => {
                    crate::sys::wait(&self.seq, seq, t);
                    Ok(true)
                }
                Ok(Next::TimedOut) => Ok(false),
                Err(e) => Err(e),
            }
        };
        self.count.fetch_sub(1, SeqCst);
        self.signalled.swap(false, SeqCst);
        fence(SeqCst);
        r
    }
}

pub(crate) struct Fifo<T> {
    items: Items<T>,
    /// `pushed` with the `SHUT` bit, written by putters (and once by `shutdown`).
    put_side: Line<AtomicU64>,
    /// Written by getters: `popped`.
    get_side: Line<AtomicU64>,
    /// `done`, written by `task_done`.
    done: Line<AtomicU64>,
    maxsize: AtomicUsize,
    /// Set by `shutdown` before it sets `SHUT` (see the module docs).
    is_shutdown: AtomicBool,
    getters: Line<Sleepers>,
    putters: Line<Sleepers>,
    joiners: Line<Sleepers>,
}

/// The shutdown bit of `pushed` and `popped` (see the module docs).
const SHUT: u64 = 1 << 63;

/// The count of a `pushed` or `popped` word, without the shutdown bit.
#[inline]
fn count(word: u64) -> u64 {
    word & !SHUT
}

/// The deadline of a blocking call in `mode` (`NoWait` never waits).
fn deadline_of(mode: Mode) -> Result<Deadline> {
    Ok(match mode {
        // `deadline` checks the timeout with Python's queue rules; `for_wait` is its length.
        Mode::Timeout(t) => {
            deadline(t)?;
            Deadline::after(Some(t.for_wait()?))
        }
        _ => Deadline::after(None),
    })
}

impl<T> Fifo<T> {
    pub(crate) fn new(maxsize: usize) -> Self {
        Fifo {
            items: Items::new(),
            put_side: Line(AtomicU64::new(0)),
            get_side: Line(AtomicU64::new(0)),
            done: Line(AtomicU64::new(0)),
            maxsize: AtomicUsize::new(maxsize),
            is_shutdown: AtomicBool::new(false),
            getters: Line(Sleepers::new()),
            putters: Line(Sleepers::new()),
            joiners: Line(Sleepers::new()),
        }
    }

    fn pushed(&self) -> &AtomicU64 {
        &self.put_side.0
    }
    /// The count of `pushed`, without the shutdown bit.
    fn pushed_count(&self) -> u64 {
        count(self.pushed().load(SeqCst))
    }
    fn popped(&self) -> &AtomicU64 {
        &self.get_side.0
    }
    #[cfg(all(test, not(loom)))]
    fn done(&self) -> &AtomicU64 {
        &self.done.0
    }

    /// Reserves a slot: `Err(ShutDown)` once the queue is shut down, `Err(Full)` while it is
    /// full.
    ///
    /// Orderings: the compare-and-swap on `pushed` is SeqCst, as is `shutdown`'s `fetch_or`:
    /// one word, so each reservation is before the shutdown (and its put finishes) or fails on
    /// `SHUT`. `maxsize` and `popped` are read Relaxed: a stale `popped` is smaller, which only
    /// makes the queue look fuller (the putter then waits, and the getter's `take` wakes it); a
    /// new `maxsize` is followed by a wake of every putter, whose next look reads it. The items
    /// themselves travel through `items`, whose push and pop order them. Occupancy is `pushed -
    /// popped` as seen here, so a reservation never takes the queue beyond `maxsize`: the
    /// `popped` it compares with is at most the current one.
    #[inline]
    fn reserve(&self) -> Result<()> {
        let max = self.maxsize.load(Relaxed) as u64;
        let mut p = self.pushed().load(Relaxed);
        loop {
            if p & SHUT != 0 {
                return Err(Error::ShutDown);
            }
            // Saturating: `popped`, read after `p`, may exceed a stale `p`; then there is room.
            if max > 0 && p.saturating_sub(count(self.popped().load(Relaxed))) >= max {
                return Err(Error::Full);
            }
            match self
                .pushed()
                .compare_exchange_weak(p, p + 1, SeqCst, Relaxed)
            {
                Ok(_) => return Ok(()),
                Err(now) => p = now,
            }
        }
    }

    pub(crate) fn full(&self) -> bool {
        let max = self.maxsize.load(Relaxed);
        max > 0 && self.qsize() >= max
    }

    pub(crate) fn put(&self, item: T, mode: Mode) -> std::result::Result<(), PutError<T>> {
        if self.is_shutdown.load(SeqCst) {
            return Err(PutError::new(Error::ShutDown, item));
        }
        // Python checks a bounded put's timeout whether or not it has to wait (QU-04); an
        // unbounded put never waits and does not look at it.
        if let Mode::Timeout(t) = mode {
            if self.maxsize.load(Relaxed) > 0 {
                if let Err(e) = deadline(t) {
                    return Err(PutError::new(e, item));
                }
            }
        }
        let reserved = match self.reserve() {
            Err(Error::Full) => self.wait_for_room(mode),
            r => r,
        };
        if let Err(e) = reserved {
            return Err(PutError::new(e, item));
        }
        // Reserved: counted in `qsize()` and as an unfinished task, and no shutdown can refuse
        // it any more (see the module docs).
        self.items.push(item);
        // One getter for the item; after a shutdown every getter, since once this item is
        // taken the queue may be drained and the others answer ShutDown (the getter that takes
        // it wakes them all again once it has counted it: see `take`).
        if self.is_shutdown.load(SeqCst) {
            self.getters.0.wake_all();
        } else {
            self.getters.0.wake_one();
        }
        Ok(())
    }

    /// A put found the queue full: waits until a slot is reserved (`Ok`), or `Full` (no wait,
    /// or the timeout passed), `ShutDown`, or the UI thread's `Runtime`. After a sleep, a slot
    /// still free on the way out is passed on to the next sleeping putter (see [`Sleepers`]).
    #[cold]
    fn wait_for_room(&self, mode: Mode) -> Result<()> {
        if matches!(mode, Mode::NoWait) {
            return Err(Error::Full);
        }
        let mut dl = deadline_of(mode)?;
        let mut spun = !crate::sys::can_block();
        let mut slept = false;
        let r = loop {
            match self.reserve() {
                Err(Error::Full) => {}
                r => break r,
            }
            if !spun {
                spun = true;
                SpinWait::yielding().spin_while(|| self.full() && !self.is_shutdown.load(Relaxed));
                continue;
            }
            let blocked = || self.full() && !self.is_shutdown.load(SeqCst);
            slept = true;
            match self.putters.0.sleep(&mut dl, blocked) {
                Ok(true) => {}
                Ok(false) => break self.reserve(),
                Err(e) => break Err(e),
            }
        };
        if slept && !self.full() {
            self.putters.0.wake_one();
        }
        r
    }

    /// Takes an item if there is one, counting it. SeqCst on `popped`, as on every counter a
    /// sleeper's second look reads (`full`, `drained`): with the protocol of
    /// `Sleepers` either side sees the other (see [`Sleepers::any_sleeper`]).
    ///
    /// After a shutdown (`popped` has the `SHUT` bit too, see [`Fifo::drained`]), this count
    /// may have drained the queue: another getter that looked between this pop and this count
    /// saw an item gone but not yet counted, and may sleep, so wake every getter. The count's
    /// own result says whether the bit was set, so a get before any shutdown pays nothing for
    /// this; a count that came before the bit is seen by the sleeper's look or by the wake-up
    /// that ends `shutdown` (the SeqCst fences of `Sleepers::sleep` and `Sleepers::wake_all`).
    #[inline]
    fn take(&self) -> Option<T> {
        let item = self.items.pop()?;
        let before = self.popped().fetch_add(1, SeqCst);
        if self.maxsize.load(Relaxed) > 0 {
            self.putters.0.wake_one();
        }
        if before & SHUT != 0 {
            self.getters.0.wake_all();
        }
        Some(item)
    }

    /// Shut down and every item ever reserved taken: `get` answers `ShutDown`. `shutdown` sets
    /// `SHUT` in `pushed`, then in `popped` (both SeqCst RMWs): a `popped` with the bit
    /// therefore comes with the final count of `pushed` (read after it), and `popped`'s count
    /// never exceeds that.
    fn drained(&self) -> bool {
        let c = self.popped().load(SeqCst);
        c & SHUT != 0 && count(c) == self.pushed_count()
    }

    pub(crate) fn get(&self, mode: Mode) -> Result<T> {
        // Python checks the timeout whether or not the call has to wait (QU-04).
        if let Mode::Timeout(t) = mode {
            deadline(t)?;
        }
        if let Some(item) = self.take() {
            return Ok(item);
        }
        self.wait_for_item(mode)
    }

    /// A get found the queue empty: waits for an item, or `Empty` (no wait, or the timeout
    /// passed), `ShutDown`, or the UI thread's `Runtime`. After a sleep, an item still there on
    /// the way out is passed on to the next sleeping getter (see [`Sleepers`]).
    #[cold]
    fn wait_for_item(&self, mode: Mode) -> Result<T> {
        if self.drained() {
            return Err(Error::ShutDown);
        }
        if matches!(mode, Mode::NoWait) {
            return Err(Error::Empty);
        }
        let mut dl = deadline_of(mode)?;
        let mut spun = !crate::sys::can_block();
        let mut slept = false;
        let r = loop {
            if let Some(item) = self.take() {
                break Ok(item);
            }
            if self.drained() {
                break Err(Error::ShutDown);
            }
            if !spun {
                spun = true;
                SpinWait::yielding()
                    .spin_while(|| self.items.is_empty() && !self.is_shutdown.load(Relaxed));
                continue;
            }
            let blocked = || self.items.is_empty() && !self.drained();
            slept = true;
            match self.getters.0.sleep(&mut dl, blocked) {
                Ok(true) => {}
                Ok(false) => break self.take().ok_or(Error::Empty),
                Err(e) => break Err(e),
            }
        };
        if slept && !self.items.is_empty() {
            self.getters.0.wake_one();
        }
        r
    }

    pub(crate) fn task_done(&self) -> Result<()> {
        let done = &self.done.0;
        let mut d = done.load(SeqCst);
        loop {
            if d >= self.pushed_count() {
                return Err(Error::value("task_done() called too many times"));
            }
            match done.compare_exchange_weak(d, d + 1, SeqCst, SeqCst) {
                Ok(_) => break,
                Err(now) => d = now,
            }
        }
        if self.unfinished_tasks() == 0 {
            self.joiners.0.wake_all();
        }
        Ok(())
    }

    pub(crate) fn join(&self) -> Result<()> {
        let mut dl = Deadline::after(None);
        while self.unfinished_tasks() > 0 {
            self.joiners
                .0
                .sleep(&mut dl, || self.unfinished_tasks() > 0)?;
        }
        Ok(())
    }

    pub(crate) fn shutdown(&self, immediate: bool) {
        self.is_shutdown.store(true, SeqCst);
        // From here on no put reserves; `total` is every item the queue will have had. Then the
        // bit in `popped`, for `drained` and `take`.
        let total = count(self.pushed().fetch_or(SHUT, SeqCst));
        self.popped().fetch_or(SHUT, SeqCst);
        if immediate {
            // Drop what is there until every item is taken: the puts that reserved before the
            // shutdown land theirs, and getters that popped one before the drain count it. Then
            // `qsize()` is 0, as in Python after it returns.
            let mut dropped = Vec::new();
            loop {
                while let Some(item) = self.items.pop() {
                    self.popped().fetch_add(1, SeqCst);
                    dropped.push(item);
                }
                if count(self.popped().load(SeqCst)) == total {
                    break;
                }
                crate::sys::yield_now();
            }
            // Python's `unfinished_tasks -= 1` per dropped item, never below zero.
            let n = dropped.len() as u64;
            let _ = self
                .done
                .0
                .fetch_update(SeqCst, SeqCst, |d| Some((d + n).min(total)));
            drop(dropped);
            self.joiners.0.wake_all();
        }
        self.getters.0.wake_all();
        self.putters.0.wake_all();
    }

    pub(crate) fn qsize(&self) -> usize {
        // Read `popped` first: a stale `pushed` can only make the difference smaller, never
        // wrap below zero.
        let popped = count(self.popped().load(SeqCst));
        self.pushed_count().saturating_sub(popped) as usize
    }

    pub(crate) fn maxsize(&self) -> usize {
        self.maxsize.load(Relaxed)
    }

    pub(crate) fn set_maxsize(&self, n: usize) {
        self.maxsize.store(n, SeqCst);
        self.putters.0.wake_all();
    }

    pub(crate) fn unfinished_tasks(&self) -> usize {
        let done = self.done.0.load(SeqCst);
        self.pushed_count().saturating_sub(done) as usize
    }

    pub(crate) fn is_shutdown(&self) -> bool {
        self.is_shutdown.load(SeqCst)
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    /// The counters carry on past 2^32 (on wasm32 too, where `usize` would wrap there): a
    /// queue whose counts start just below it still bounds, counts and tracks tasks exactly.
    #[test]
    fn counts_past_u32_max() {
        let q = Fifo::new(2);
        let start = u64::from(u32::MAX) - 1;
        for c in [q.pushed(), q.popped(), q.done()] {
            c.store(start, SeqCst);
        }
        for round in 0..4 {
            q.put(round, Mode::NoWait).unwrap();
            q.put(round + 10, Mode::NoWait).unwrap();
            assert_eq!(q.qsize(), 2);
            assert!(q.full());
            assert!(matches!(q.put(99, Mode::NoWait), Err(e) if e.error == Error::Full));
            assert_eq!(q.unfinished_tasks(), 2);
            assert_eq!(q.get(Mode::NoWait).unwrap(), round);
            assert_eq!(q.get(Mode::NoWait).unwrap(), round + 10);
            assert_eq!(q.qsize(), 0);
            q.task_done().unwrap();
            q.task_done().unwrap();
            assert!(q.task_done().is_err());
            assert_eq!(q.unfinished_tasks(), 0);
        }
        assert!(q.pushed().load(SeqCst) > u64::from(u32::MAX));
    }
}
