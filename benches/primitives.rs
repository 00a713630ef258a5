//! pythreading vs std, parking_lot and CPython on the same workloads, as one Markdown table.
//!
//! Run: `cargo bench --bench primitives` (optionally `-- KEY...` to run only some workloads,
//! `-- --no-cpython` to leave CPython out; `PYTHREADING_BENCH_ROUNDS=N` changes the number of
//! rounds). Without `--bench` (as under `cargo test --all-targets`) it only smoke-runs every
//! workload a few iterations, so test runs stay fast.
//!
//! Method (the machines here are shared and noisy):
//! - Every column of a row (pythreading, std, parking_lot, CPython) is calibrated to about
//!   `SAMPLE_NS` per sample, then warmed up once.
//! - Samples are interleaved: each round runs every column of the row once, back to back,
//!   rotating which column goes first (ABCD, BCDA, ...), so ours and its peers see the same
//!   machine load and none is always first. Samples are short (a few ms, under a scheduler
//!   time slice), so many of them run undisturbed, and there are many rounds.
//! - Each cell is the median ns/op over the rounds. Each ratio is the median of the per-round
//!   ratios (for ours/std: ours in round r divided by std in round r), which cancels load
//!   that drifts between rounds; the brackets give the 25th and 75th percentiles.
//! - CPython runs `benches/cpython_bench.py --serve`, a child process that runs one sample per
//!   request on stdin and answers with the elapsed ns, so its samples take part in the same
//!   rounds. Between requests it blocks on stdin and costs nothing. (Run alone, the script
//!   prints its own medians as JSON.)
//!
//! The workloads themselves live in `workloads/mod.rs` so the wasm ports can reuse them.

#[path = "workloads/mod.rs"]
mod workloads;

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use workloads::{Impl, Workload, WORKLOADS};

/// Rounds (samples per column); `PYTHREADING_BENCH_ROUNDS` overrides.
const ROUNDS: usize = 201;
/// Target duration of one sample.
const SAMPLE_NS: u64 = 2_000_000;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let bench_mode = args.iter().any(|a| a == "--bench");
    let no_cpython = args.iter().any(|a| a == "--no-cpython");
    let filters: Vec<&str> = args
        .iter()
        .filter(|a| !a.starts_with("--"))
        .map(|a| a.as_str())
        .collect();
    let selected: Vec<&'static Workload> = WORKLOADS
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

    let mut cpython = if no_cpython {
        CPython::Skipped("left out with --no-cpython".into())
    } else {
        CPython::start()
    };

    let rows: Vec<Row> = selected
        .iter()
        .map(|w| {
            eprintln!("bench: {} ...", w.key);
            measure(w, rounds, &mut cpython)
        })
        .collect();

    print_report(&rows, &cpython, rounds);
}

/// Under `cargo test`: run everything briefly to prove the workloads (and the CPython script,
/// when python3 is there) work; measure nothing.
fn smoke(selected: &[&Workload]) {
    let mut n = 0;
    for w in selected {
        for v in w.variants {
            (v.run)(3);
            n += 1;
        }
    }
    let mut cpython = CPython::start();
    for w in selected {
        cpython.run(w.key, 3);
    }
    let cpython = match &cpython {
        CPython::Running { .. } => "CPython script ok".to_string(),
        CPython::Skipped(why) => format!("CPython: skipped ({why})"),
    };
    println!(
        "primitives: smoke run of {n} variants ok, {cpython} (numbers: cargo bench --bench primitives)"
    );
}

// ---------------------------------------------------------------------------------------------
// Measuring

/// A column of a row: one of the workload's Rust variants, or CPython.
#[derive(Clone, Copy, PartialEq)]
enum Col {
    Rust(usize),
    CPython,
}

/// One workload's samples (ns/op), one per round, per column; column 0 is pythreading.
struct Row {
    workload: &'static Workload,
    cols: Vec<Col>,
    samples: Vec<Vec<f64>>,
}

impl Row {
    fn column(&self, col: Col) -> Option<&[f64]> {
        let i = self.cols.iter().position(|&c| c == col)?;
        Some(&self.samples[i])
    }

    fn peer(&self, imp: Impl) -> Option<&[f64]> {
        let i = self.workload.variants.iter().position(|v| v.imp == imp)?;
        self.column(Col::Rust(i))
    }

    fn ours(&self) -> &[f64] {
        &self.samples[0]
    }

    /// ours/std (or ours/parking_lot) over the rounds.
    fn ours_over(&self, imp: Impl) -> Option<Quartiles> {
        let peer = self.peer(imp)?;
        Some(round_ratios(self.ours(), peer))
    }

    /// CPython/ours over the rounds.
    fn cpython_over_ours(&self) -> Option<Quartiles> {
        Some(round_ratios(self.column(Col::CPython)?, self.ours()))
    }
}

fn round_ratios(num: &[f64], den: &[f64]) -> Quartiles {
    let ratios: Vec<f64> = num.iter().zip(den).map(|(n, d)| n / d).collect();
    quartiles(&ratios)
}

/// Iterations for one sample of about `SAMPLE_NS`: doubles until a run takes half of it, then
/// scales.
fn calibrate(mut run: impl FnMut(u64) -> Option<u64>) -> Option<u64> {
    let mut iters = 1u64;
    loop {
        let t = run(iters)?.max(1);
        if t >= SAMPLE_NS / 2 || iters >= 1 << 40 {
            return Some(((iters as u128 * SAMPLE_NS as u128) / t as u128).max(1) as u64);
        }
        iters *= 2;
    }
}

fn measure(w: &'static Workload, rounds: usize, cpython: &mut CPython) -> Row {
    let mut cols: Vec<Col> = (0..w.variants.len()).map(Col::Rust).collect();
    let mut iters: Vec<u64> = w
        .variants
        .iter()
        .map(|v| calibrate(|n| Some((v.run)(n))).expect("Rust workloads always run"))
        .collect();
    if let Some(n) = calibrate(|n| cpython.run(w.key, n)) {
        cols.push(Col::CPython);
        iters.push(n);
    }

    let mut sample = |col: Col, n: u64| -> Option<f64> {
        let ns = match col {
            Col::Rust(i) => (w.variants[i].run)(n),
            Col::CPython => cpython.run(w.key, n)?,
        };
        Some(ns as f64 / n as f64)
    };
    for (&col, &n) in cols.iter().zip(&iters) {
        sample(col, n); // warm-up
    }
    let mut samples = vec![Vec::with_capacity(rounds); cols.len()];
    'rounds: for r in 0..rounds {
        for k in 0..cols.len() {
            let i = (r + k) % cols.len();
            match sample(cols[i], iters[i]) {
                Some(ns) => samples[i].push(ns),
                None => {
                    // CPython died mid-row: keep the complete rounds only.
                    let complete = samples.iter().map(Vec::len).min().unwrap_or(0);
                    samples.iter_mut().for_each(|s| s.truncate(complete));
                    break 'rounds;
                }
            }
        }
    }
    if samples[0].is_empty() {
        // No complete round with CPython: measure again without it.
        return measure(w, rounds, cpython);
    }
    Row {
        workload: w,
        cols,
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
// CPython, as a child process serving samples

enum CPython {
    Running {
        version: String,
        child: Child,
        stdin: ChildStdin,
        stdout: BufReader<ChildStdout>,
    },
    Skipped(String),
}

impl CPython {
    /// Starts `python3 benches/cpython_bench.py --serve`; its first line is
    /// `{"python": "3.x.y"}`.
    fn start() -> CPython {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/cpython_bench.py");
        let spawned = Command::new("python3")
            .arg(script)
            .arg("--serve")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn();
        let mut child = match spawned {
            Ok(child) => child,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return CPython::Skipped("python3 not found".into());
            }
            Err(e) => return CPython::Skipped(format!("python3 did not start: {e}")),
        };
        let stdin = child.stdin.take().expect("piped stdin");
        let mut stdout = BufReader::new(child.stdout.take().expect("piped stdout"));
        let mut hello = String::new();
        let version = stdout
            .read_line(&mut hello)
            .ok()
            .and_then(|_| json_string_field(&hello, "python"));
        match version {
            Some(version) => CPython::Running {
                version,
                child,
                stdin,
                stdout,
            },
            None => {
                let _ = child.kill();
                let _ = child.wait();
                CPython::Skipped(format!("unexpected greeting {:?}", hello.trim()))
            }
        }
    }

    /// One sample: `n` iterations of workload `key`; the elapsed ns. `None` when CPython is
    /// not running; a failure stops it (and says why in the report).
    fn run(&mut self, key: &str, n: u64) -> Option<u64> {
        let CPython::Running { stdin, stdout, .. } = self else {
            return None;
        };
        let mut answer = String::new();
        let result = writeln!(stdin, "run {key} {n}")
            .and_then(|()| stdin.flush())
            .and_then(|()| stdout.read_line(&mut answer));
        match (result, answer.trim().parse()) {
            (Ok(_), Ok(ns)) => Some(ns),
            (result, _) => {
                let why = match result {
                    Err(e) => format!("failed during {key}: {e}"),
                    Ok(_) => format!("failed during {key}: {:?}", answer.trim()),
                };
                self.stop(why);
                None
            }
        }
    }

    fn stop(&mut self, why: String) {
        if let CPython::Running { child, .. } = self {
            let _ = child.kill();
            let _ = child.wait();
        }
        *self = CPython::Skipped(why);
    }
}

impl Drop for CPython {
    fn drop(&mut self) {
        if let CPython::Running { child, .. } = self {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// The string value of `"field": "..."` in a one-line JSON object (the script's greeting).
fn json_string_field(json: &str, field: &str) -> Option<String> {
    let key = format!("\"{field}\"");
    let rest = &json[json.find(&key)? + key.len()..];
    let rest = rest
        .trim_start()
        .strip_prefix(':')?
        .trim_start()
        .strip_prefix('"')?;
    Some(rest[..rest.find('"')?].to_string())
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
    let digits = if q.median >= 10.0 { 1 } else { 2 };
    format!(
        "{:.d$}× [{:.d$}–{:.d$}]",
        q.median,
        q.p25,
        q.p75,
        d = digits
    )
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
        "Cells: median time per operation over {rounds} rounds; each round runs every column \
         once, interleaved, for ~{} ms each. Ratios: median of the per-round ratios \
         [25th–75th percentile]; ours/peer below 1 means pythreading is faster.",
        SAMPLE_NS as f64 / 1e6
    );
    match cpython {
        CPython::Running { version, .. } => {
            println!("CPython: {version} (`python3 benches/cpython_bench.py --serve`).")
        }
        CPython::Skipped(why) => println!("CPython: skipped ({why})"),
    }
    println!();
    println!(
        "| workload | pythreading | std | parking_lot | CPython | ours/std | ours/parking_lot | CPython/ours |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    let dash = || "—".to_string();
    for row in rows {
        let time = |s: Option<&[f64]>| s.map(|s| fmt_ns(median(s))).unwrap_or_else(dash);
        let ratio = |q: Option<Quartiles>| q.map(|q| fmt_ratio(&q)).unwrap_or_else(dash);
        println!(
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            row.workload.title,
            fmt_ns(median(row.ours())),
            time(row.peer(Impl::Std)),
            time(row.peer(Impl::ParkingLot)),
            time(row.column(Col::CPython)),
            ratio(row.ours_over(Impl::Std)),
            ratio(row.ours_over(Impl::ParkingLot)),
            ratio(row.cpython_over_ours()),
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
    print_goals(rows);
}

/// The goals of the core issue, each PASS or MISS on the median ratio, with its quartiles so
/// that a tie within noise reads as one (n/a when its workload or CPython did not run).
fn print_goals(rows: &[Row]) {
    let find = |key: &str| rows.iter().find(|r| r.workload.key == key);
    let vs_std =
        |key: &str, title: &str, max: f64| match find(key).and_then(|r| r.ours_over(Impl::Std)) {
            Some(q) => format!(
                "{title} {:.3}× [{:.3}–{:.3}] {}",
                q.median,
                q.p25,
                q.p75,
                verdict(q.median <= max)
            ),
            None => format!("{title} n/a"),
        };
    let vs_cpython = |key: &str, title: &str| match find(key).and_then(Row::cpython_over_ours) {
        Some(q) => format!(
            "{title} {:.1}× [{:.1}–{:.1}] {}",
            q.median,
            q.p25,
            q.p75,
            verdict(q.median >= 20.0)
        ),
        None => format!("{title} n/a"),
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
