//! pythreading vs std, parking_lot and CPython on the same workloads, as one Markdown table.
//!
//! Run: `cargo bench --bench primitives` (optionally `-- KEY...` to run only some workloads,
//! `-- --no-cpython` to skip CPython). Without `--bench` (as under `cargo test --all-targets`)
//! it only smoke-runs every workload a few iterations, so tests stay fast.
//!
//! Method (machines here are shared and noisy):
//! - Each variant is calibrated to about `SAMPLE_NS` per sample, then warmed up once.
//! - Samples are interleaved: every round runs each variant of a workload once, back to back,
//!   rotating the starting variant each round (ABC, BCA, CAB, ...), so ours and its peers see
//!   the same machine load and no variant always runs first.
//! - Each cell is the median ns/op over the rounds. Each ratio is the median of the per-round
//!   ratios (ours in round r / peer in round r), which cancels load that drifts between rounds;
//!   the bracket gives their 25th-75th percentiles.
//! - CPython (`python3 benches/cpython_bench.py`) runs first, alone, and reports its own
//!   medians as JSON; CPython/ours divides that by our median.
//!
//! The workloads themselves live in `workloads/mod.rs` so the wasm ports can reuse them.

#[path = "workloads/mod.rs"]
mod workloads;

use std::process::Command;
use workloads::{Impl, Variant, Workload, WORKLOADS};

/// Rounds (samples per variant); `PYTHREADING_BENCH_ROUNDS` overrides.
const ROUNDS: usize = 31;
/// Target duration of one sample.
const SAMPLE_NS: u64 = 20_000_000;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let bench_mode = args.iter().any(|a| a == "--bench");
    let no_cpython = args.iter().any(|a| a == "--no-cpython");
    let filters: Vec<&str> = args
        .iter()
        .filter(|a| !a.starts_with("--"))
        .map(|a| a.as_str())
        .collect();
    let selected: Vec<&Workload> = WORKLOADS
        .iter()
        .filter(|w| filters.is_empty() || filters.contains(&w.key))
        .collect();

    if !bench_mode {
        smoke(&selected);
        return;
    }

    let rounds = std::env::var("PYTHREADING_BENCH_ROUNDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .filter(|&n: &usize| n > 0)
        .unwrap_or(ROUNDS);

    let cpython = if no_cpython {
        CPython::Skipped("disabled with --no-cpython".into())
    } else {
        run_cpython(&selected)
    };

    let rows: Vec<Row> = selected
        .iter()
        .map(|w| {
            eprintln!("bench: {} ...", w.key);
            measure(w, rounds)
        })
        .collect();

    print_report(&rows, &cpython, rounds);
}

/// Under `cargo test`: run everything briefly to prove the workloads work, measure nothing.
fn smoke(selected: &[&Workload]) {
    let mut n = 0;
    for w in selected {
        for v in w.variants {
            (v.run)(3);
            n += 1;
        }
    }
    println!("primitives: smoke run of {n} variants ok (numbers: cargo bench --bench primitives)");
}

// ---------------------------------------------------------------------------------------------
// Measuring

/// Per-variant samples (ns/op), one per round, plus the per-round ratios against variant 0.
struct Row {
    workload: &'static Workload,
    samples: Vec<Vec<f64>>,
}

impl Row {
    fn variant(&self, imp: Impl) -> Option<(&'static Variant, &[f64])> {
        let i = self.workload.variants.iter().position(|v| v.imp == imp)?;
        Some((&self.workload.variants[i], &self.samples[i]))
    }

    fn ours_median(&self) -> f64 {
        median(&self.samples[0])
    }

    /// Median and quartiles of ours/peer over the rounds.
    fn ratio(&self, imp: Impl) -> Option<Quartiles> {
        let (_, peer) = self.variant(imp)?;
        let ratios: Vec<f64> = self.samples[0]
            .iter()
            .zip(peer)
            .map(|(o, p)| o / p)
            .collect();
        Some(quartiles(&ratios))
    }
}

/// Iterations for one sample of about `SAMPLE_NS`: double until a run takes 2 ms, then scale.
fn calibrate(v: &Variant) -> u64 {
    let mut iters = 1u64;
    loop {
        let t = (v.run)(iters).max(1);
        if t >= 2_000_000 || iters >= 1 << 40 {
            return ((iters as u128 * SAMPLE_NS as u128) / t as u128).max(1) as u64;
        }
        iters *= 2;
    }
}

fn measure(w: &'static Workload, rounds: usize) -> Row {
    let iters: Vec<u64> = w.variants.iter().map(calibrate).collect();
    for (v, &n) in w.variants.iter().zip(&iters) {
        (v.run)(n); // warm-up
    }
    let n = w.variants.len();
    let mut samples = vec![Vec::with_capacity(rounds); n];
    for r in 0..rounds {
        for k in 0..n {
            let i = (r + k) % n;
            let ns = (w.variants[i].run)(iters[i]);
            samples[i].push(ns as f64 / iters[i] as f64);
        }
    }
    Row {
        workload: w,
        samples,
    }
}

struct Quartiles {
    p25: f64,
    median: f64,
    p75: f64,
}

fn quartiles(xs: &[f64]) -> Quartiles {
    let mut v = xs.to_vec();
    v.sort_by(|a, b| a.total_cmp(b));
    let at = |q: f64| {
        // Linear interpolation between closest ranks.
        let pos = q * (v.len() - 1) as f64;
        let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
        v[lo] + (v[hi] - v[lo]) * (pos - lo as f64)
    };
    Quartiles {
        p25: at(0.25),
        median: at(0.5),
        p75: at(0.75),
    }
}

fn median(xs: &[f64]) -> f64 {
    quartiles(xs).median
}

// ---------------------------------------------------------------------------------------------
// CPython

enum CPython {
    Ran {
        version: String,
        ns_per_op: Vec<(String, f64)>,
    },
    Skipped(String),
}

impl CPython {
    fn get(&self, key: &str) -> Option<f64> {
        match self {
            CPython::Ran { ns_per_op, .. } => {
                ns_per_op.iter().find(|(k, _)| k == key).map(|&(_, v)| v)
            }
            CPython::Skipped(_) => None,
        }
    }
}

fn run_cpython(selected: &[&Workload]) -> CPython {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/cpython_bench.py");
    let keys: Vec<&str> = selected.iter().map(|w| w.key).collect();
    eprintln!("bench: CPython (python3 {script}) ...");
    let out = match Command::new("python3").arg(script).args(&keys).output() {
        Ok(out) => out,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return CPython::Skipped("python3 not found".into());
        }
        Err(e) => return CPython::Skipped(format!("python3 failed to start: {e}")),
    };
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        let last = err.lines().last().unwrap_or("").to_string();
        return CPython::Skipped(format!("python3 exited with {}: {last}", out.status));
    }
    let json = String::from_utf8_lossy(&out.stdout);
    match parse_cpython_json(&json) {
        Some(c) => c,
        None => CPython::Skipped(format!("unreadable output: {}", json.trim())),
    }
}

/// Reads `{"python": "3.x.y", ..., "ns_per_op": {"key": number, ...}}` (the script's fixed,
/// flat shape; a full JSON parser would be a new dependency for two fields).
fn parse_cpython_json(json: &str) -> Option<CPython> {
    let version = {
        let rest = &json[json.find("\"python\"")? + "\"python\"".len()..];
        let start = rest.find('"')? + 1;
        let end = start + rest[start..].find('"')?;
        rest[start..end].to_string()
    };
    let body = {
        let rest = &json[json.find("\"ns_per_op\"")?..];
        let start = rest.find('{')? + 1;
        &rest[start..start + rest[start..].find('}')?]
    };
    let mut ns_per_op = Vec::new();
    for pair in body.split(',').filter(|p| !p.trim().is_empty()) {
        let (k, v) = pair.split_once(':')?;
        ns_per_op.push((
            k.trim().trim_matches('"').to_string(),
            v.trim().parse().ok()?,
        ));
    }
    Some(CPython::Ran { version, ns_per_op })
}

// ---------------------------------------------------------------------------------------------
// Report

fn fmt_ns(ns: f64) -> String {
    if ns < 10.0 {
        format!("{ns:.2} ns")
    } else if ns < 100.0 {
        format!("{ns:.1} ns")
    } else if ns < 1_000.0 {
        format!("{ns:.0} ns")
    } else if ns < 10_000.0 {
        format!("{:.2} µs", ns / 1e3)
    } else if ns < 1_000_000.0 {
        format!("{:.1} µs", ns / 1e3)
    } else {
        format!("{:.2} ms", ns / 1e6)
    }
}

fn fmt_ratio(q: &Quartiles) -> String {
    format!("{:.2}× [{:.2}–{:.2}]", q.median, q.p25, q.p75)
}

fn print_report(rows: &[Row], cpython: &CPython, rounds: usize) {
    let cpus = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    println!("## pythreading benchmarks");
    println!();
    println!(
        "Command: `cargo bench --bench primitives` ({} {}, {cpus} CPUs).",
        std::env::consts::OS,
        std::env::consts::ARCH
    );
    println!(
        "Cells: median time per operation over {rounds} interleaved samples of ~{} ms each. \
         Ratios: median of per-sample-round ratios [25th–75th percentile]; below 1 means \
         pythreading is faster.",
        SAMPLE_NS / 1_000_000
    );
    match cpython {
        CPython::Ran { version, .. } => {
            println!("CPython: {version} (`python3 benches/cpython_bench.py`).")
        }
        CPython::Skipped(why) => println!("CPython: skipped ({why})"),
    }
    println!();
    println!("| workload | pythreading | std | parking_lot | CPython | ours/std | ours/parking_lot | CPython/ours |");
    println!("|---|---|---|---|---|---|---|---|");
    for row in rows {
        let peer_cell = |imp| match row.variant(imp) {
            Some((_, s)) => fmt_ns(median(s)),
            None => "—".to_string(),
        };
        let ratio_cell = |imp| {
            row.ratio(imp)
                .map(|q| fmt_ratio(&q))
                .unwrap_or_else(|| "—".into())
        };
        let py = cpython.get(row.workload.key);
        println!(
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            row.workload.title,
            fmt_ns(row.ours_median()),
            peer_cell(Impl::Std),
            peer_cell(Impl::ParkingLot),
            py.map(fmt_ns).unwrap_or_else(|| "—".into()),
            ratio_cell(Impl::Std),
            ratio_cell(Impl::ParkingLot),
            py.map(|p| format!("{:.1}×", p / row.ours_median()))
                .unwrap_or_else(|| "—".into()),
        );
    }
    println!();
    println!("Peers:");
    for row in rows {
        let peers: Vec<String> = row.workload.variants[1..]
            .iter()
            .map(|v| format!("{} {}", imp_name(v.imp), v.what))
            .collect();
        println!("- {}: {}.", row.workload.title, peers.join(", "));
    }
    println!();
    print_goals(rows, cpython);
}

/// The goals of the core issue, each PASS or MISS (or n/a when its workload did not run).
fn print_goals(rows: &[Row], cpython: &CPython) {
    let find = |key: &str| rows.iter().find(|r| r.workload.key == key);
    let vs_std = |key: &str, title: &str, max: f64| match find(key).and_then(|r| r.ratio(Impl::Std))
    {
        Some(q) => format!("{title} {:.2}× {}", q.median, verdict(q.median <= max)),
        None => format!("{title} n/a"),
    };
    let vs_cpython = |key: &str, title: &str| match (find(key), cpython.get(key)) {
        (Some(r), Some(py)) => {
            let x = py / r.ours_median();
            format!("{title} {x:.1}× {}", verdict(x >= 20.0))
        }
        _ => format!("{title} n/a"),
    };
    println!("Goals:");
    println!(
        "- uncontended Lock ≤ 1.0× std Mutex: {}",
        vs_std("lock", "Lock", 1.0)
    );
    println!(
        "- ping-pong ≤ 1.1× std Condvar: {}; {}",
        vs_std("event_pingpong", "Event", 1.1),
        vs_std("condition_pingpong", "Condition", 1.1)
    );
    println!(
        "- start+join ≤ 1.2× std: {}",
        vs_std("thread_start_join", "Thread", 1.2)
    );
    println!(
        "- ≥ 20× faster than CPython on lock operations: {}; {}",
        vs_cpython("lock", "Lock"),
        vs_cpython("rlock", "RLock")
    );
}

fn imp_name(imp: Impl) -> &'static str {
    match imp {
        Impl::Pythreading => "pythreading",
        Impl::Std => "std",
        Impl::ParkingLot => "parking_lot",
    }
}

fn verdict(pass: bool) -> &'static str {
    if pass {
        "PASS"
    } else {
        "MISS"
    }
}
