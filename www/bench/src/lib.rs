//! The benchmark workloads in the browser: `benches/workloads/mod.rs` built for
//! `wasm32-unknown-unknown`, driven by `www/bench-worker.js` (a dedicated worker, where
//! blocking is allowed; the workloads' "main thread" is that worker, their partner threads run
//! on pythreading's pool workers).
//!
//! Exports (all blocking: call them from the worker, never from the page):
//! - [`request`]: the sample protocol of `benches/harness/mod.rs` (`run KEY IMPL N` → elapsed
//!   ns, or `error: ...`), so the native benches (`benches/primitives.rs` and
//!   `benches/queue_futures.rs`, whose workloads this module includes too) sample the browser
//!   in their own interleaved rounds (`--browser`, through `scripts/browser/bench_browser.py`).
//! - [`live_row`]: one workload measured here alone (calibrated, interleaved rounds,
//!   medians), for the live view `www/bench.html`.
//! - [`start_join_figures`], [`memory_figures`], [`timer_resolution_ns`]: issue 4's start+join
//!   and memory figures and the clock's granularity.
//! - [`fresh_worker_body`], [`bench_module`], [`bench_memory`]: what `bench-worker.js` needs to
//!   time a fresh Worker per thread (it creates the Workers: only JS can).
//! - [`panic_strategy`]: `unwind` or `abort`, which build this is (the bench samples both).
//!
//! Results are one-line JSON strings (serde_json), which `bench-worker.js` parses.

#[path = "../../../benches/workloads/mod.rs"]
mod workloads;

#[path = "../../../benches/stats/mod.rs"]
mod stats;

use pythreading as threading;
use serde::Serialize;
use serde_json::json;
use stats::{calibrate, median, quartiles, round_ratios, sample_ns};
use std::collections::BTreeMap;
use wasm_bindgen::prelude::*;
use workloads::{unsupported_in_browsers, Goal, Impl, Variant, Workload, WORKLOADS};

#[wasm_bindgen]
extern "C" {
    /// `performance.now()` of the calling worker, in ms (coarsened by the browser: see
    /// [`timer_resolution_ns`]).
    #[wasm_bindgen(js_namespace = performance, js_name = now)]
    fn performance_now() -> f64;
    /// `performance.timeOrigin` of the calling worker, in ms since the epoch: when that
    /// worker started. Each Web Worker has its own, so `performance.now()` alone cannot
    /// compare the times of two threads.
    #[wasm_bindgen(thread_local_v2, js_namespace = performance, js_name = timeOrigin)]
    static TIME_ORIGIN: f64;
}

/// The first reading of the clock, in ms since the epoch, shared by every thread (the module's
/// memory is): readings are kept relative to it so that an f64 of milliseconds keeps its
/// sub-microsecond precision.
static EPOCH_MS: std::sync::OnceLock<f64> = std::sync::OnceLock::new();

/// One clock for every thread: `timeOrigin + now()`, the same instant in every worker (a
/// workload that compares two threads' readings, such as the wake-up latency, needs it; with
/// `performance.now()` alone, whose origin is each worker's own start, the partner's readings
/// came out earlier than the main thread's, the latencies summed to 0, and calibration doubled
/// the iterations, 100 µs each, without end).
fn now_ns() -> u64 {
    let ms = TIME_ORIGIN.with(|o| *o) + performance_now();
    let epoch = *EPOCH_MS.get_or_init(|| ms);
    ((ms - epoch).max(0.0) * 1e6) as u64
}

/// Installs `performance.now()` as the workloads' clock (`std::time::Instant` panics on this
/// target). Call once before anything else; later calls do nothing.
#[wasm_bindgen]
pub fn setup() {
    workloads::set_clock(now_ns);
}

/// A workload of either table (the primitives' and the queue/futures bench's: the `run`
/// requests of both benches come here; the live view and `workloads` list the primitives').
fn find(key: &str) -> Result<&'static Workload, String> {
    workloads::find(key).ok_or_else(|| format!("no workload {key:?}"))
}

fn variant(key: &str, imp: &str) -> Result<&'static Variant, String> {
    let v = find(key)?
        .variants
        .iter()
        .find(|v| v.imp.name() == imp)
        .ok_or_else(|| format!("workload {key:?} has no variant {imp:?}"))?;
    match unsupported_in_browsers(key, v.imp) {
        Some(why) => Err(format!("{imp} {key} does not run in browsers: {why}")),
        None => Ok(v),
    }
}

/// One request of the sample protocol: `run KEY IMPL N` → the elapsed ns of one sample of N
/// iterations; `workloads` → the keys, their titles and the variants that run here, as JSON;
/// anything else (or a variant that cannot run here) → `error: ...`.
#[wasm_bindgen]
pub fn request(line: &str) -> String {
    let words: Vec<&str> = line.split_whitespace().collect();
    let answer = match words[..] {
        ["run", key, imp, n] => variant(key, imp).and_then(|v| {
            let n: u64 = n.parse().map_err(|e| format!("bad N {n:?}: {e}"))?;
            if n == 0 {
                return Err("N must be at least 1".to_string());
            }
            Ok((v.run)(n).to_string())
        }),
        ["workloads"] => Ok(workloads_json()),
        _ => Err(format!(
            "expected `run KEY IMPL N` or `workloads`, got {line:?}"
        )),
    };
    answer.unwrap_or_else(|why| format!("error: {why}"))
}

/// `[{"key", "title", "impls": ["pythreading", "std"], "what": {IMPL: peer}}, ...]`: the
/// variants that run here, with what each one is.
fn workloads_json() -> String {
    let rows: Vec<serde_json::Value> = WORKLOADS
        .iter()
        .map(|w| {
            let here: Vec<&Variant> = w
                .variants
                .iter()
                .filter(|v| unsupported_in_browsers(w.key, v.imp).is_none())
                .collect();
            let impls: Vec<&str> = here.iter().map(|v| v.imp.name()).collect();
            let what: serde_json::Map<String, serde_json::Value> = here
                .iter()
                .map(|v| (v.imp.name().to_string(), json!(v.what)))
                .collect();
            json!({ "key": w.key, "title": w.title, "impls": impls, "what": what })
        })
        .collect();
    serde_json::to_string(&rows).expect("JSON")
}

/// One workload measured in this browser alone, the way the native bench does it: each
/// variant that runs here is calibrated to ~2 ms per sample (~20 ms for contended rows) and
/// warmed up, then `rounds`
/// rounds run every variant once, rotating which goes first. Returns
/// `{"key", "ns": {"pythreading": {p25, median, p75}, "std": ...}, "ours_over_std": ...}`
/// (ns per operation; the ratio is the median of the per-round ratios, `null` without std).
#[wasm_bindgen(js_name = liveRow)]
pub fn live_row(key: &str, rounds: u32) -> Result<String, JsError> {
    let w = find(key).map_err(|e| JsError::new(&e))?;
    let rounds = rounds.max(1) as usize;
    let vars: Vec<&Variant> = w
        .variants
        .iter()
        .filter(|v| unsupported_in_browsers(w.key, v.imp).is_none())
        .collect();
    let target = sample_ns(w.goal == Goal::Contended);
    let iters: Vec<u64> = vars
        .iter()
        .map(|v| calibrate(target, |n| Some((v.run)(n))).expect("Rust workloads always run"))
        .collect();
    for (v, &n) in vars.iter().zip(&iters) {
        (v.run)(n); // warm-up (V8 tiers the code up during the first samples)
    }
    let mut samples = vec![Vec::with_capacity(rounds); vars.len()];
    for r in 0..rounds {
        for k in 0..vars.len() {
            let i = (r + k) % vars.len();
            samples[i].push((vars[i].run)(iters[i]) as f64 / iters[i] as f64);
        }
    }
    let ns: BTreeMap<&str, _> = vars
        .iter()
        .zip(&samples)
        .map(|(v, s)| (v.imp.name(), quartiles(s)))
        .collect();
    let col = |imp| vars.iter().position(|v| v.imp == imp);
    let ours_over_std = match (col(Impl::Pythreading), col(Impl::Std)) {
        (Some(o), Some(s)) => Some(round_ratios(&samples[o], &samples[s])),
        _ => None,
    };
    #[derive(Serialize)]
    struct LiveRow<'a> {
        key: &'a str,
        rounds: usize,
        ns: BTreeMap<&'a str, stats::Quartiles>,
        ours_over_std: Option<stats::Quartiles>,
    }
    let row = LiveRow {
        key: w.key,
        rounds,
        ns,
        ours_over_std,
    };
    Ok(serde_json::to_string(&row).expect("JSON"))
}

/// How this build's panics end: `"unwind"` (`www/bench-pkg`, the project's build) or
/// `"abort"` (`www/bench-pkg-abort`, `cargo xtask build bench-web --panic abort`), so that the
/// bench can check it samples the module it means to.
#[wasm_bindgen(js_name = panicStrategy)]
pub fn panic_strategy() -> String {
    if cfg!(panic = "unwind") { "unwind" } else { "abort" }.to_string()
}

/// The smallest non-zero step of `performance.now()` seen in a short loop, in ns (Chromium
/// coarsens it to 5 µs in cross-origin isolated pages, 100 µs otherwise, plus jitter).
#[wasm_bindgen(js_name = timerResolutionNs)]
pub fn timer_resolution_ns() -> f64 {
    let mut best = f64::INFINITY;
    let mut steps = 0;
    let mut last = performance_now();
    let deadline = last + 50.0;
    while steps < 200 {
        let t = performance_now();
        if t != last {
            best = best.min(t - last);
            steps += 1;
            last = t;
        }
        if t > deadline {
            break;
        }
    }
    best * 1e6
}

fn start_join_once() {
    let t = threading::Thread::new(|| {});
    t.start().expect("start");
    t.join().expect("join");
}

/// Start+join of an empty thread, timed one by one, `count` times in a row after 100 warm-up
/// cycles: `{"count", "p25_ns", "median_ns", "p75_ns", "mean_ns"}`. The threads run on the
/// pool's reused workers. Each cycle is timed with the coarsened clock (5 µs steps), so the
/// median is good to about that; the mean (total / count) is not limited by it.
#[wasm_bindgen(js_name = startJoinFigures)]
pub fn start_join_figures(count: u32) -> String {
    for _ in 0..100 {
        start_join_once();
    }
    let count = count.max(1);
    let mut each = Vec::with_capacity(count as usize);
    let t0 = performance_now();
    for _ in 0..count {
        let t = performance_now();
        start_join_once();
        each.push((performance_now() - t) * 1e6);
    }
    let mean = (performance_now() - t0) * 1e6 / count as f64;
    let q = quartiles(&each);
    json!({
        "count": count,
        "p25_ns": q.p25.round(),
        "median_ns": q.median.round(),
        "p75_ns": q.p75.round(),
        "mean_ns": mean.round(),
    })
    .to_string()
}

/// Memory over `count` sequential start+join cycles (after 100 warm-up cycles): the size of
/// the shared `WebAssembly.Memory` before and after (it never shrinks, so any per-thread leak
/// shows as growth), and issue 4's limit, one thread's stack (wasm-bindgen's default, 2 MiB):
/// `{"count", "before", "after", "growth", "limit", "ms"}` (bytes; `ms` for the whole run).
#[wasm_bindgen(js_name = memoryFigures)]
pub fn memory_figures(count: u32) -> String {
    let bytes = || core::arch::wasm32::memory_size(0) * 65536;
    for _ in 0..100 {
        start_join_once();
    }
    let before = bytes();
    let t0 = performance_now();
    for _ in 0..count {
        start_join_once();
    }
    let ms = performance_now() - t0;
    let after = bytes();
    json!({
        "count": count,
        "before": before,
        "after": after,
        "growth": after - before,
        "limit": 2 << 20,
        "ms": (ms * 10.0).round() / 10.0,
    })
    .to_string()
}

/// The body a fresh Worker runs when `bench-worker.js` times one Worker per thread: an empty
/// thread body, as in the start+join workload (it returns a value only so that the call is not
/// optimised away).
#[wasm_bindgen(js_name = freshWorkerBody)]
pub fn fresh_worker_body() -> u32 {
    std::hint::black_box(1)
}

/// This module, for the fresh Workers (`initSync({ module, memory })` there).
#[wasm_bindgen(js_name = benchModule)]
pub fn bench_module() -> JsValue {
    wasm_bindgen::module()
}

/// The shared memory, for the fresh Workers.
#[wasm_bindgen(js_name = benchMemory)]
pub fn bench_memory() -> JsValue {
    wasm_bindgen::memory()
}

/// The median of `xs` (ms in, ms out), for the fresh-Worker times gathered in JS.
#[wasm_bindgen(js_name = medianOf)]
pub fn median_of(xs: Vec<f64>) -> f64 {
    if xs.is_empty() {
        f64::NAN
    } else {
        median(&xs)
    }
}
