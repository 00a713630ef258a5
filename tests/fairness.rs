//! No thread starves on a contended `Lock` (issue 11): 4 threads hammer one `Lock` for 2 s
//! (acquire, record, release, again), and each must acquire it at least once in every 100 ms
//! window. A test, not a benchmark: it asserts a property and can fail (a lock that lets a
//! woken waiter lose every race to the threads that keep running fails it).
//!
//! # What "every 100 ms window" means here
//!
//! A thread acquires the lock in every 100 ms window of the run (a sliding window, not 20 fixed
//! slots) exactly when none of its *gaps* is 100 ms or longer: the time from the start to its
//! first acquisition, between two of its consecutive acquisitions, and from its last
//! acquisition to the end. The lock is to blame for a gap only while the thread was waiting for
//! it and could have run, so on a machine with 2 noisy cores each gap is *charged* its wall
//! time minus the spans the lock cannot help:
//!
//! 1. **Stalls of the whole lock**: spans of 10 ms or more in which *no* thread acquired the
//!    lock (the holder was descheduled while holding it, or the whole process was: then every
//!    thread waits alike, and nobody is being starved by the others). Every thread sees them:
//!    each acquisition compares its time with the previous acquisition by anyone (a word
//!    guarded by the lock itself) and logs a stall when the lock sat unclaimed that long.
//! 2. **Run-queue delay of the thread itself**, where the platform reports it (Linux:
//!    `/proc/thread-self/schedstat`, the time a thread spent runnable but waiting for a CPU):
//!    time the OS kept the thread off the CPUs, during which no lock could have served it.
//!    Each thread reads it every 5 ms or so (after its release), so a gap's delay is the
//!    difference between the read after the gap and the last read before it: it can include up
//!    to ~5 ms of delay just before the gap (never less than the delay in the gap). Under
//!    wasmtime and in browsers there is no such file: there 3 stands in for it.
//!
//! 3. **Late wake-ups of a probe**, on every platform: while the 4 threads run, the test's own
//!    thread waits 1 ms at a time, and a wake-up that comes 5 ms or more after it was due is
//!    the OS keeping runnable threads of this process off the CPUs (the other builds and
//!    tests on a shared machine); that span is excused for every thread. Under wasmtime and in
//!    browsers, which report no run-queue delay, this is what tells the OS's delays from the
//!    lock's (a lock that starves a thread does so while the probe wakes on time).
//!
//! A run passes if every thread's largest charged gap is under 100 ms. The excuses measure the
//! OS's delays only approximately (on a machine where other builds keep 4-5 threads runnable
//! per core, a thread can still be kept off the CPUs for 100 ms without the probe seeing it),
//! so a failed run is repeated: the test fails if each of 3 runs starves a thread. A lock that
//! lets a woken waiter lose every race starves threads in every run; noise that beats every
//! excuse rarely lasts three runs. The failure message lists, per run and thread, its
//! acquisitions and its largest raw and charged gaps.
//!
//! The second test is the other side of spinning: a waiter blocked for a second sleeps, so the
//! spinning before a sleep is bounded (its CPU time, where the platform reports it).

mod common;

use common::Instant;
use pythreading as threading;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const THREADS: usize = 4;
const RUN: Duration = Duration::from_secs(2);
const WINDOW: Duration = Duration::from_millis(100);
/// A span this long without any acquisition by anyone is a stall of the whole lock.
const STALL: Duration = Duration::from_millis(10);
/// Runs of 2 s before the test gives up (see the module docs).
const ATTEMPTS: usize = 3;
/// The probe's wait, and how late its wake-up must be to count as the OS's delay.
const PROBE_SLEEP: Duration = Duration::from_millis(1);
const PROBE_LATE: Duration = Duration::from_millis(5);
/// How often a thread reads its run-queue delay.
const DELAY_READ_EVERY: Duration = Duration::from_millis(5);

/// The calling thread's run-queue delay so far (ns), where the platform reports it.
fn run_queue_delay_ns() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    s.split_whitespace().nth(1)?.parse().ok()
}

/// One gap of a thread: `[from, to]` in ns since the start, and the run-queue delay accrued
/// over it (see the module docs), if known.
#[derive(Clone, Copy, Debug)]
struct Gap {
    from: u64,
    to: u64,
    delay: Option<u64>,
}

struct Report {
    acquisitions: u64,
    /// The gaps of at least `STALL` (shorter ones cannot matter).
    gaps: Vec<Gap>,
}

/// State shared by the hammering threads.
struct Shared {
    lock: threading::Lock,
    start: Instant,
    /// The time of the last acquisition by anyone, ns since `start`. Guarded by `lock` (an
    /// atomic with Relaxed accesses only so that it can be shared without `unsafe`).
    last_any: AtomicU64,
    /// Spans of at least `STALL` without any acquisition (ns since `start`).
    stalls: Mutex<Vec<(u64, u64)>>,
}

impl Shared {
    fn now(&self) -> u64 {
        self.start.elapsed().as_nanos() as u64
    }
}

/// Logs the gap `[from, to]` if it is long enough to matter, with the run-queue delay since
/// `before` (the last read before the gap began).
fn log_gap(from: u64, to: u64, before: (u64, Option<u64>), gaps: &mut Vec<Gap>) {
    if to.saturating_sub(from) >= STALL.as_nanos() as u64 {
        let delay = match (before.1, run_queue_delay_ns()) {
            (Some(a), Some(b)) => Some(b.saturating_sub(a)),
            _ => None,
        };
        gaps.push(Gap { from, to, delay });
    }
}

fn hammer(s: &Shared) -> Report {
    let end = RUN.as_nanos() as u64;
    let mut acquisitions = 0;
    let mut gaps = Vec::new();
    let mut last_mine = 0u64; // the start counts as the beginning of the first gap
    let mut delay_at = (0u64, run_queue_delay_ns()); // (time, delay) of the last read
    let mut delay_before_gap = delay_at;
    loop {
        s.lock.acquire();
        let now = s.now();
        let last_any = s.last_any.load(Ordering::Relaxed);
        if now.saturating_sub(last_any) >= STALL.as_nanos() as u64 {
            s.stalls.lock().unwrap().push((last_any, now));
        }
        s.last_any.store(now, Ordering::Relaxed);
        s.lock.release().unwrap();
        acquisitions += 1;
        log_gap(last_mine, now, delay_before_gap, &mut gaps);
        last_mine = now;
        if now - delay_at.0 >= DELAY_READ_EVERY.as_nanos() as u64 {
            delay_at = (now, run_queue_delay_ns());
        }
        delay_before_gap = delay_at;
        if now >= end {
            break;
        }
    }
    log_gap(last_mine, s.now().max(end), delay_before_gap, &mut gaps);
    Report { acquisitions, gaps }
}

/// The part of `[from, to]` covered by none of `stalls`, ns.
fn outside_stalls(from: u64, to: u64, stalls: &[(u64, u64)]) -> u64 {
    let mut covered: Vec<(u64, u64)> = stalls
        .iter()
        .map(|&(a, b)| (a.max(from), b.min(to)))
        .filter(|(a, b)| a < b)
        .collect();
    covered.sort_unstable();
    let (mut total, mut reach) = (0, from);
    for (a, b) in covered {
        let a = a.max(reach);
        if b > a {
            total += b - a;
            reach = b;
        }
    }
    (to - from) - total
}

#[crate::common::test]
fn four_threads_each_acquire_in_every_100ms_window() {
    let mut failures = Vec::new();
    for attempt in 1..=ATTEMPTS {
        match hammer_attempt() {
            Ok(report) => {
                // Shown with `--nocapture`: how close the run came.
                eprintln!("attempt {attempt}: every thread in every window\n{report}");
                return;
            }
            Err(report) => {
                eprintln!("attempt {attempt}: a thread starved\n{report}");
                failures.push(report);
            }
        }
    }
    panic!(
        "in each of {ATTEMPTS} runs a thread went 100 ms or more without the lock while the \
         others had it:\n{}",
        failures.join("\n")
    );
}

/// One 2 s run: `Ok` if every thread acquired the lock in every window, `Err` if one starved;
/// either way the per-thread figures.
fn hammer_attempt() -> Result<String, String> {
    let shared = Arc::new(Shared {
        lock: threading::Lock::new(),
        start: Instant::now(),
        last_any: AtomicU64::new(0),
        stalls: Mutex::new(Vec::new()),
    });
    let reports = Arc::new(Mutex::new(Vec::new()));
    // The threads start at once: the lock is held until all of them run, so the first
    // acquisitions race like all the others (and the start counts from the release).
    shared.lock.acquire();
    let ready = Arc::new(AtomicU64::new(0));
    let threads: Vec<threading::Thread> = (0..THREADS)
        .map(|_| {
            let (s, r, ready) = (shared.clone(), reports.clone(), ready.clone());
            let t = threading::Thread::new(move || {
                ready.fetch_add(1, Ordering::SeqCst);
                let report = hammer(&s);
                r.lock().unwrap().push(report);
            });
            t.start().unwrap();
            t
        })
        .collect();
    common::wait_until("the threads started", || {
        ready.load(Ordering::SeqCst) == THREADS as u64
    });
    // Time 0 is the release: (re)start the clock under the lock, then let them in.
    let start_offset = shared.now();
    shared.last_any.store(start_offset, Ordering::Relaxed);
    shared.lock.release().unwrap();
    // Meanwhile this thread is the probe of 3 (see the module docs): it waits 1 ms at a time
    // and logs every wake-up that came 5 ms late or more.
    let mut late = Vec::new();
    let pause = threading::Event::new();
    let end = RUN.as_nanos() as u64 + start_offset;
    while shared.now() < end {
        let asleep = shared.now();
        pause.wait_timeout(PROBE_SLEEP).unwrap();
        let due = asleep + PROBE_SLEEP.as_nanos() as u64;
        let woke = shared.now();
        if woke >= due + PROBE_LATE.as_nanos() as u64 {
            late.push((due, woke));
        }
    }
    for t in &threads {
        common::join_bounded(t);
    }
    let mut stalls = shared.stalls.lock().unwrap().clone();
    let lock_stalls = stalls.len();
    let probe_late: u64 = late.iter().map(|(a, b)| b - a).sum();
    let probe_spans = late.len();
    stalls.extend(late);
    let reports = reports.lock().unwrap();
    assert_eq!(reports.len(), THREADS);

    let window = WINDOW.as_nanos() as u64;
    let mut lines = Vec::new();
    let mut starved = false;
    for (i, r) in reports.iter().enumerate() {
        let (mut raw, mut charged) = (0u64, 0u64);
        for g in &r.gaps {
            // The first gap of each thread began at time 0 of the clock, before the release.
            let from = g.from.max(start_offset);
            if g.to <= from {
                continue;
            }
            raw = raw.max(g.to - from);
            let not_stalled = outside_stalls(from, g.to, &stalls);
            charged = charged.max(not_stalled.saturating_sub(g.delay.unwrap_or(0)));
        }
        starved |= charged >= window;
        lines.push(format!(
            "thread {i}: {} acquisitions, largest gap {:.1} ms, charged {:.1} ms",
            r.acquisitions,
            raw as f64 / 1e6,
            charged as f64 / 1e6
        ));
    }
    let stalled: u64 = stalls.iter().map(|(a, b)| b - a).sum::<u64>() - probe_late;
    let excused = format!(
        "excused: {lock_stalls} whole-lock stalls ({:.1} ms), {probe_spans} late wake-ups of \
         the probe ({:.1} ms)",
        stalled as f64 / 1e6,
        probe_late as f64 / 1e6
    );
    let report = format!("{}\n{excused}", lines.join("\n"));
    if starved {
        Err(report)
    } else {
        Ok(report)
    }
}

/// The calling thread's CPU time so far (ns), where the platform reports it (Linux:
/// `/proc/thread-self/schedstat`, its first field).
fn thread_cpu_ns() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    s.split_whitespace().next()?.parse().ok()
}

/// Spinning before sleeping is bounded (the `SpinWait` of `src/timeout.rs`): a thread blocked
/// for 1 s on an `RLock` and on a `Lock` held by another thread, then in a `Condition` wait and
/// an `Event` wait that each time out after 1 s, gets the lock (or times out) as it should, and where the platform
/// reports per-thread CPU time (natively on Linux; not under wasmtime or in browsers, where
/// only the waits themselves are checked) burns under 50 ms of CPU in each 1 s wait (a waiter
/// that spun instead of sleeping would burn about 1 s).
#[crate::common::test]
fn a_long_wait_sleeps_instead_of_spinning() {
    const HOLD: Duration = Duration::from_secs(1);
    const CPU_LIMIT_NS: u64 = 50_000_000;
    let lock = threading::Lock::new();
    let rlock = threading::RLock::new();
    let cond = threading::Condition::new();
    let held = Arc::new(AtomicU64::new(0));
    lock.acquire(); // released by the holder (a Lock is not owned)
    let (l, r, h) = (lock.clone(), rlock.clone(), held.clone());
    let holder = threading::Thread::new(move || {
        r.acquire();
        h.store(1, Ordering::SeqCst);
        let pause = threading::Event::new();
        pause.wait_timeout(HOLD).unwrap(); // the waiter waits for the RLock meanwhile
        r.release().unwrap();
        pause.wait_timeout(HOLD).unwrap(); // ... then for the Lock
        l.release().unwrap();
    });
    holder.start().unwrap();
    common::wait_until("the holder owns the RLock", || {
        held.load(Ordering::SeqCst) == 1
    });
    // (what, wall time, CPU time if known, the call's result as expected)
    type Record = (&'static str, Duration, Option<u64>, bool);
    let records: Arc<Mutex<Vec<Record>>> = Arc::new(Mutex::new(Vec::new()));
    let (l, r, c, out) = (lock.clone(), rlock.clone(), cond.clone(), records.clone());
    let waiter = threading::Thread::new(move || {
        let measure = |what: &'static str, f: &dyn Fn() -> bool| {
            let (cpu0, t0) = (thread_cpu_ns(), Instant::now());
            let ok = f();
            let cpu = thread_cpu_ns().zip(cpu0).map(|(b, a)| b.saturating_sub(a));
            out.lock().unwrap().push((what, t0.elapsed(), cpu, ok));
        };
        measure("RLock.acquire", &|| {
            let ok = r.acquire();
            r.release().is_ok() && ok
        });
        measure("Lock.acquire", &|| {
            let ok = l.acquire();
            l.release().is_ok() && ok
        });
        measure("Condition.wait_timeout(1 s)", &|| {
            let _g = c.guard();
            c.wait_timeout(HOLD) == Ok(false)
        });
        measure("Event.wait_timeout(1 s)", &|| {
            threading::Event::new().wait_timeout(HOLD) == Ok(false)
        });
    });
    waiter.start().unwrap();
    common::join_bounded(&waiter);
    common::join_bounded(&holder);
    let records = records.lock().unwrap();
    eprintln!("{records:?}");
    assert_eq!(records.len(), 4, "the waiter did not finish: {records:?}");
    for &(what, wall, cpu, ok) in records.iter() {
        assert!(ok, "{what}: unexpected result");
        // Each wait lasts about a second (the holder's pause); half of it is a generous floor.
        assert!(wall >= HOLD / 2, "{what}: returned after {wall:?}");
        if let Some(cpu) = cpu {
            assert!(
                cpu < CPU_LIMIT_NS,
                "{what}: {:.1} ms of CPU during a {wall:?} wait: it spins",
                cpu as f64 / 1e6
            );
        }
    }
}
