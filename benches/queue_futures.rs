//! `pythreading::queue` and `pythreading::futures` against their peers (issue 12), natively,
//! under wasmtime and in headless Chromium, all sampled in one run of interleaved rounds:
//!
//! - queue put→get throughput, 1 producer × 1 consumer and 4 × 4, bounded (maxsize 100) and
//!   unbounded: `Queue` vs `std::sync::mpsc` (`sync_channel(100)` bounded, `channel()`
//!   unbounded; its one receiver shared by the consumers through a `Mutex`, as std has no
//!   multi-consumer channel on stable), `crossbeam-channel` and CPython's `queue.Queue`;
//! - executor: `submit(f).result()` round trip, and tasks submitted in batches of 10,000 then
//!   all awaited (throughput), on 4 workers: `ThreadPoolExecutor` vs `rayon::ThreadPool::spawn`
//!   on 4 threads plus a channel for the result, and CPython's `ThreadPoolExecutor`.
//!
//! The workloads are `benches/workloads/queue_futures.rs` (a second table beside the
//! primitives' workloads); the harness is the primitives bench's, `benches/harness/mod.rs`, so
//! the method is the one `benches/primitives.rs` describes: every column calibrated to about
//! `CONTENDED_SAMPLE_NS` (~20 ms: every row hands work between threads, 8 of them on the 4×4
//! rows, so a sample spans several scheduler time slices), warmed up once, then each round runs
//! every column once, rotating which goes first; cells are the median ns per item over the
//! rounds, ratios the median of the per-round ratios [25th–75th percentile]. CPython answers
//! `run KEY N` from `python3 benches/cpython_bench.py --serve` (natively only).
//!
//! Platforms, each optional, with the primitives bench's flags and variables (`scripts/bench.sh`
//! builds what they name and sets them):
//! - `-- --wasmtime`: the wasmtime columns, from `$PYTHREADING_HOST $PYTHREADING_BENCH_WASM
//!   --serve` (the primitives bench built for wasm32-wasip1-threads, `cargo xtask build
//!   bench-wasm`: its sample server answers both tables' keys);
//! - `-- --browser`: the browser columns, from `scripts/browser/bench_browser.py --serve` running
//!   `$PYTHREADING_BENCH_WEB_DIR` (`www/bench-pkg`, `cargo xtask build bench-web`) in headless
//!   Chromium, each sample timed inside the page's bench worker.
//!
//! Only the unwinding builds (the project's) take part: the panic=abort comparison is the
//! primitives bench's. What runs where: std's channels and crossbeam-channel run on every
//! platform; rayon runs on every platform too: on its own std threads natively and under
//! wasmtime, on pythreading `Thread`s given to it through `spawn_handler` in browsers (where
//! `std::thread::spawn` is unsupported; see the workloads' docs). A column that does not run
//! somewhere shows a dash, and the report says why.
//!
//! The report prints, per platform, ns per item and issue 12's goals with PASS/MISS: Queue ≤
//! 1.0× std's channel (`sync_channel` for the bounded rows, `channel` for the unbounded ones),
//! ≤ 2.0× crossbeam, ≥ 30× faster than CPython (queue and executor rows, natively); executor
//! throughput ≥ 0.8× rayon's (rayon's time / ours ≥ 0.8); and each wasm platform's wasm/native
//! ratios. A `--bench` run adds its rows to `www/bench-results.json` (the primitives bench's
//! results file, under the key `queue_futures`; run after it, as `scripts/bench.sh` does).
//!
//! Run: `bash scripts/bench.sh [--browser]` (everything), or `cargo bench --bench queue_futures
//! [-- KEY... --no-cpython --wasmtime --browser]`; `PYTHREADING_BENCH_ROUNDS=N` sets the
//! rounds (101 by default). Without `--bench` (`cargo test --bench queue_futures`) it
//! smoke-runs every variant a few iterations and checks the sample protocol; `-- --wasmtime`
//! and `-- --browser` also send each column of that platform one request, and fail if its
//! server does not answer.

// The workloads' `goal` field (issue 11's goals) is the primitives bench's business.
#[allow(dead_code)]
#[path = "workloads/mod.rs"]
mod workloads;

#[path = "stats/mod.rs"]
mod stats;

#[path = "harness/mod.rs"]
mod harness;

use harness::{
    cell_ratio, cell_time, fmt_ratio, measure, remote, runs_here, serve, verdict, Cli, Col, Panic,
    Remote, Row, Server,
};
use stats::{round_ratios, sample_ns, Quartiles, CONTENDED_SAMPLE_NS};
use workloads::queue_futures::{BOUND, QUEUE_FUTURES, TASKS, WORKERS};
use workloads::{Impl, Workload};

/// Rounds (samples per column); `PYTHREADING_BENCH_ROUNDS` overrides.
const ROUNDS: usize = 101;

/// The goal against CPython: at least this many times faster.
const CPYTHON_GOAL: f64 = 30.0;

fn main() {
    let Some(cli) = Cli::parse() else {
        return; // --serve: the same sample server as the primitives bench's (both tables)
    };
    let bench_mode = cli.flag("--bench");
    let flag = |f: &str| cli.flag(f);
    let selected = cli.select(QUEUE_FUTURES);
    let mut remotes: Vec<Remote> = Vec::new();
    if flag("--wasmtime") {
        remotes.push(Remote::wasmtime(Panic::Unwind));
    }
    if flag("--browser") {
        remotes.push(Remote::browser(Panic::Unwind));
    }

    if !bench_mode {
        smoke(&selected, &mut remotes);
        return;
    }

    let rounds = std::env::var("PYTHREADING_BENCH_ROUNDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .filter(|&n: &usize| n > 0)
        .unwrap_or(ROUNDS);
    let mut cpython = if flag("--no-cpython") {
        Server::Skipped("left out with --no-cpython".into())
    } else {
        Server::cpython()
    };
    let rows: Vec<Row> = selected
        .iter()
        .map(|w| {
            eprintln!("bench: {} ...", w.key);
            // Every row hands work between threads: the contended rows' sample length.
            measure(w, sample_ns(true), rounds, &mut cpython, &mut remotes)
        })
        .collect();

    print_report(&rows, &cpython, &remotes, rounds);
    let flags: Vec<&str> = cli
        .args
        .iter()
        .map(String::as_str)
        .filter(|a| *a != "--bench")
        .collect();
    match add_results(&rows, rounds, &flags) {
        Ok(()) => eprintln!("bench: added the queue/futures rows to {RESULTS}"),
        Err(e) => eprintln!("bench: could not add the rows to {RESULTS}: {e}"),
    }
}

/// Under `cargo test`: every variant a few iterations (the pools are made then, too), the
/// sample protocol in memory for both tables, CPython's script on these keys (when python3 is
/// there), and with `--wasmtime` / `--browser` one request per column of that platform, which
/// must be answered.
fn smoke(selected: &[&'static Workload], remotes: &mut [Remote]) {
    let mut n = 0;
    for w in selected {
        for v in w.variants.iter().filter(|v| runs_here(v.imp)) {
            (v.run)(3);
            n += 1;
        }
    }

    let mut out = Vec::new();
    let requests = b"run queue_4x4_bounded crossbeam 8\nrun executor_throughput rayon 3\nrun lock std 3\nrun queue_1x1_bounded parking_lot 3\n";
    serve(&requests[..], &mut out).expect("serve");
    let out = String::from_utf8(out).expect("utf-8");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 5, "serve answered {out:?}");
    assert!(
        lines[1..4].iter().all(|l| l.parse::<u64>().is_ok()),
        "{out:?}"
    );
    assert!(lines[4].starts_with("error: "), "{out:?}");

    let mut cpython = if cfg!(target_family = "wasm") {
        Server::Skipped("no child processes on wasm".into())
    } else {
        Server::cpython()
    };
    let cpython_ran = matches!(cpython, Server::Running { .. });
    for w in selected {
        cpython.run_cpython(w.key, 3);
    }
    let cpython = match &cpython {
        Server::Running { .. } => "CPython script ok".to_string(),
        // It started but failed a request: the script does not know these workloads.
        Server::Skipped(why) if cpython_ran => panic!("CPython failed: {why}"),
        Server::Skipped(why) => format!("CPython: skipped ({why})"),
    };

    let mut platforms = String::new();
    for r in remotes.iter_mut() {
        let mut requests = 0;
        for w in selected {
            for imp in r.impls(w) {
                r.server.run_wasm(w.key, imp, 3);
                requests += 1;
            }
        }
        match &r.server {
            Server::Running { label, .. } => {
                platforms += &format!(", {} ok ({requests} columns; {label})", r.runtime())
            }
            Server::Skipped(why) => panic!("{} smoke failed: {why}", r.runtime()),
        }
    }
    println!(
        "queue_futures: smoke run of {n} variants ok, --serve ok, {cpython}{platforms} \
         (numbers: cargo bench --bench queue_futures)"
    );
}

// ---------------------------------------------------------------------------------------------
// Report

/// Where a column runs: `Col::Wasm`, `Col::Browser` (the remote platforms).
type Place = fn(Impl) -> Col;

/// A platform of the report: its name and where (`None`: natively).
type Platform = (&'static str, Option<Place>);

/// The platforms of the report: natively, and each remote that sampled anything (one that
/// was skipped from the start has its reason in the report's header instead).
fn platforms(rows: &[Row], remotes: &[Remote]) -> Vec<Platform> {
    let mut v: Vec<Platform> = vec![("native", None)];
    let sampled = |place: Place| {
        remote(remotes, place).is_some()
            && rows
                .iter()
                .any(|r| r.cols.iter().any(|&c| c == place(Impl::Pythreading)))
    };
    if sampled(Col::Wasm) {
        v.push(("wasmtime", Some(Col::Wasm)));
    }
    if sampled(Col::Browser) {
        v.push(("browser", Some(Col::Browser)));
    }
    v
}

fn is_queue(row: &Row) -> bool {
    row.workload.key.starts_with("queue_")
}

fn print_report(rows: &[Row], cpython: &Server, remotes: &[Remote], rounds: usize) {
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!("## pythreading::queue and pythreading::futures on three platforms");
    println!();
    println!(
        "Command: `cargo bench --bench queue_futures` ({} {}, {cpus} CPUs; `bash scripts/bench.sh \
         [--browser]` builds the wasm modules first). Cells: median time per item (queue rows) or \
         per task (executor rows) over {rounds} rounds; each round runs every column once, \
         interleaved, natively and on the wasm platforms alike, for ~{} ms each. Ratios: median \
         of the per-round ratios [25th–75th percentile]. Bounded queue rows: maxsize {BOUND}; \
         executor rows: {WORKERS} workers, batches of up to {TASKS} tasks.",
        std::env::consts::OS,
        std::env::consts::ARCH,
        CONTENDED_SAMPLE_NS as f64 / 1e6
    );
    match cpython {
        Server::Running { label, .. } => {
            println!("- CPython {label} (`python3 benches/cpython_bench.py --serve`), natively.")
        }
        Server::Skipped(why) => println!("- CPython: skipped ({why})."),
    }
    for r in remotes {
        match &r.server {
            Server::Running { label, .. } if r.in_browser() => println!(
                "- browser: {label}, `www/bench-pkg` (wasm32-unknown-unknown, atomics) in a \
                 dedicated worker of `www/bench.html`, timed with `performance.now()`."
            ),
            Server::Running { label, .. } => println!(
                "- wasmtime: `{label}` (wasm32-wasip1-threads, release) under pythreading-host."
            ),
            Server::Skipped(why) => println!("- {}: skipped ({why}).", r.runtime()),
        }
    }
    println!(
        "- Peers: std, crossbeam-channel and rayon run on every platform; in browsers rayon's \
         {WORKERS} workers are pythreading Threads (its `spawn_handler`), as std cannot spawn \
         there; natively and under wasmtime they are rayon's own std threads. CPython runs \
         natively only."
    );
    for row in rows {
        let peers: Vec<String> = row.workload.variants[1..]
            .iter()
            .map(|v| format!("{} {}", v.imp.name(), v.what))
            .collect();
        println!(
            "- {}: pythreading {}; {}.",
            row.workload.title,
            row.workload.variants[0].what,
            peers.join(", ")
        );
    }
    for r in remotes {
        for row in rows {
            for v in row.workload.variants {
                if !r.runs(row.workload.key, v.imp) {
                    println!(
                        "- not run on {}: {} of {} ({})",
                        r.runtime(),
                        v.imp.name(),
                        row.workload.key,
                        workloads::unsupported_in_browsers(row.workload.key, v.imp)
                            .unwrap_or("not built for wasm")
                    );
                }
            }
        }
    }
    let platforms = platforms(rows, remotes);
    for &(name, place) in &platforms {
        println!();
        print_platform(rows, name, place);
    }
    if platforms.len() > 1 {
        println!();
        print_over_native(rows, &platforms);
    }
}

/// One platform's table (ns per item, ours over each peer) and its goals.
fn print_platform(rows: &[Row], name: &str, place: Option<Place>) {
    let native = place.is_none();
    println!("### {name}");
    println!();
    print!("| workload | pythreading | std | crossbeam | rayon |");
    if native {
        print!(" CPython |");
    }
    print!(" ours/std | ours/crossbeam | rayon/ours |");
    if native {
        print!(" CPython/ours |");
    }
    println!();
    println!(
        "|---|---|---|---|---|{}---|---|---|",
        if native { "---|---|" } else { "" }
    );
    for row in rows {
        let of = |imp| row.of(place, imp);
        let ratio = |a: Option<&[f64]>, b: Option<&[f64]>| Some(round_ratios(a?, b?));
        let ours = of(Impl::Pythreading);
        print!(
            "| {} | {} | {} | {} | {} |",
            row.workload.title,
            cell_time(ours),
            cell_time(of(Impl::Std)),
            cell_time(of(Impl::Crossbeam)),
            cell_time(of(Impl::Rayon)),
        );
        if native {
            print!(" {} |", cell_time(row.column(Col::CPython)));
        }
        print!(
            " {} | {} | {} |",
            cell_ratio(ratio(ours, of(Impl::Std))),
            cell_ratio(ratio(ours, of(Impl::Crossbeam))),
            cell_ratio(ratio(of(Impl::Rayon), ours)),
        );
        if native {
            print!(" {} |", cell_ratio(row.cpython_over_ours()));
        }
        println!();
    }
    println!();
    println!("Goals ({name}):");
    let queue_goal = |peer: Impl, max: f64| -> String {
        let cells: Vec<String> = rows
            .iter()
            .filter(|r| is_queue(r))
            .map(|r| {
                let q = match (r.of(place, Impl::Pythreading), r.of(place, peer)) {
                    (Some(a), Some(b)) => Some(round_ratios(a, b)),
                    _ => None,
                };
                verdict_cell(&short(r), q, |m| m <= max)
            })
            .collect();
        list(cells)
    };
    println!(
        "- Queue ≤ 1.0× std's channel (sync_channel bounded, channel unbounded): {}",
        queue_goal(Impl::Std, 1.0)
    );
    println!(
        "- Queue ≤ 2.0× crossbeam-channel: {}",
        queue_goal(Impl::Crossbeam, 2.0)
    );
    let rayon_goal: Vec<String> = rows
        .iter()
        .filter(|r| r.workload.key == "executor_throughput")
        .map(|r| {
            let q = match (r.of(place, Impl::Rayon), r.of(place, Impl::Pythreading)) {
                (Some(rayon), Some(ours)) => Some(round_ratios(rayon, ours)),
                _ => None,
            };
            verdict_cell("rayon/ours", q, |m| m >= 0.8)
        })
        .collect();
    println!(
        "- executor throughput ≥ 0.8× rayon's (rayon's time / ours): {}",
        list(rayon_goal)
    );
    if native {
        let cells: Vec<String> = rows
            .iter()
            .map(|r| verdict_cell(&short(r), r.cpython_over_ours(), |m| m >= CPYTHON_GOAL))
            .collect();
        println!(
            "- ≥ {CPYTHON_GOAL}× faster than CPython (CPython/ours): {}",
            list(cells)
        );
    }
}

/// Each platform's time over native, per implementation (ours and the peers), over the rounds.
fn print_over_native(rows: &[Row], platforms: &[Platform]) {
    let places: Vec<(&str, Place)> = platforms
        .iter()
        .filter_map(|&(name, place)| Some((name, place?)))
        .collect();
    println!("### wasm/native and browser/native (each implementation against itself natively)");
    println!();
    let mut head = String::from("| workload |");
    let mut rule = String::from("|---|");
    for (name, _) in &places {
        for imp in ["ours", "std", "crossbeam", "rayon"] {
            head += &format!(" {imp} {name}/native |");
            rule += "---|";
        }
    }
    println!("{head}");
    println!("{rule}");
    for row in rows {
        let mut line = format!("| {} |", row.workload.title);
        for (_, place) in &places {
            for imp in [Impl::Pythreading, Impl::Std, Impl::Crossbeam, Impl::Rayon] {
                let q = match (row.at(*place, imp), row.peer(imp)) {
                    (Some(there), Some(native)) => Some(round_ratios(there, native)),
                    _ => None,
                };
                line += &format!(" {} |", cell_ratio(q));
            }
        }
        println!("{line}");
    }
}

/// `1x1 bounded`, `4x4 unbounded`, `round trip`, `throughput`: a row's name in goal lines.
fn short(row: &Row) -> String {
    let key = row.workload.key;
    key.strip_prefix("queue_")
        .or_else(|| key.strip_prefix("executor_"))
        .unwrap_or(key)
        .replace('_', " ")
}

/// `NAME 0.93× [0.90–0.97] PASS` (the median ratio decides), or `NAME n/a`.
fn verdict_cell(name: &str, q: Option<Quartiles>, pass: impl Fn(f64) -> bool) -> String {
    match q {
        Some(q) => format!("{name} {} {}", fmt_ratio(&q), verdict(pass(q.median))),
        None => format!("{name} n/a"),
    }
}

fn list(cells: Vec<String>) -> String {
    if cells.is_empty() {
        "n/a (row not run)".to_string()
    } else {
        cells.join("; ")
    }
}

// ---------------------------------------------------------------------------------------------
// Results file

/// The primitives bench's results file (`www/bench-results.json`, ignored by git), to which a
/// run adds its rows under `queue_futures`.
const RESULTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/www/bench-results.json");

/// Adds `{"queue_futures": {command, date, rounds, rows: [{key, title, native, wasmtime,
/// browser: {IMPL: {p25, median, p75}}, cpython, ratios: {...}}]}}` to the results file (made
/// if missing), keeping what the primitives bench wrote there.
fn add_results(rows: &[Row], rounds: usize, flags: &[&str]) -> Result<(), String> {
    use serde_json::{json, Map, Value};
    let mut results: Map<String, Value> = match std::fs::read_to_string(RESULTS) {
        Ok(text) => serde_json::from_str(&text).map_err(|e| format!("not a JSON object: {e}"))?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Map::new(),
        Err(e) => return Err(e.to_string()),
    };
    let q = |s: Option<&[f64]>| s.map(stats::quartiles);
    let ratio = |a: Option<&[f64]>, b: Option<&[f64]>| Some(round_ratios(a?, b?));
    let impls = [Impl::Pythreading, Impl::Std, Impl::Crossbeam, Impl::Rayon];
    let rows: Vec<Value> = rows
        .iter()
        .map(|r| {
            let columns = |place: Option<Place>| {
                let m: Map<String, Value> = impls
                    .iter()
                    .filter_map(|&imp| Some((imp.name().to_string(), json!(q(r.of(place, imp))?))))
                    .collect();
                Value::Object(m)
            };
            let ours = |place| r.of(place, Impl::Pythreading);
            let over = |place: Option<Place>, peer| ratio(ours(place), r.of(place, peer));
            json!({
                "key": r.workload.key,
                "title": r.workload.title,
                "native": columns(None),
                "wasmtime": columns(Some(Col::Wasm)),
                "browser": columns(Some(Col::Browser)),
                "cpython": q(r.column(Col::CPython)),
                "ratios": {
                    "ours_over_std": over(None, Impl::Std),
                    "ours_over_crossbeam": over(None, Impl::Crossbeam),
                    "rayon_over_ours": ratio(r.peer(Impl::Rayon), ours(None)),
                    "cpython_over_ours": r.cpython_over_ours(),
                    "wasm_ours_over_std": over(Some(Col::Wasm), Impl::Std),
                    "wasm_ours_over_crossbeam": over(Some(Col::Wasm), Impl::Crossbeam),
                    "wasm_rayon_over_ours": ratio(r.at(Col::Wasm, Impl::Rayon), ours(Some(Col::Wasm))),
                    "wasm_over_native": r.over_native(Col::Wasm),
                    "browser_ours_over_std": over(Some(Col::Browser), Impl::Std),
                    "browser_ours_over_crossbeam": over(Some(Col::Browser), Impl::Crossbeam),
                    "browser_rayon_over_ours": ratio(r.at(Col::Browser, Impl::Rayon), ours(Some(Col::Browser))),
                    "browser_over_native": r.over_native(Col::Browser),
                },
            })
        })
        .collect();
    let date = std::process::Command::new("date")
        .args(["-u", "+%Y-%m-%d %H:%M UTC"])
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    results.insert(
        "queue_futures".into(),
        json!({
            "command": format!("cargo bench --bench queue_futures -- {}", flags.join(" ")),
            "date": date,
            "rounds": rounds,
            "rows": rows,
        }),
    );
    let text = serde_json::to_string_pretty(&results).map_err(|e| e.to_string())? + "\n";
    std::fs::write(RESULTS, text).map_err(|e| e.to_string())
}
