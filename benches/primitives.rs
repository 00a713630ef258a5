//! pythreading vs std, parking_lot and CPython on the same workloads, as one Markdown table
//! (plus wasmtime and browser tables on request).
//!
//! Run: `bash scripts/bench.sh [--browser]` for everything, or `cargo bench --bench primitives`
//! (optionally `-- KEY...` to run only some workloads, `-- --no-cpython` to leave CPython out;
//! `PYTHREADING_BENCH_ROUNDS=N` changes the number of rounds). Without `--bench` (as under
//! `cargo test --all-targets`) it only smoke-runs every workload a few iterations, so test runs
//! stay fast (`cargo test --bench primitives -- --browser` also sends the browser one request
//! per column: needs `PYTHREADING_BENCH_WEB_DIR`, below, and Chromium; `-- --wasmtime` does the
//! same under wasmtime, with `PYTHREADING_HOST` and `PYTHREADING_BENCH_WASM`; either also runs
//! the panic=abort build when its variable is set).
//!
//! The bench builds nothing: what it runs besides itself comes prebuilt, its path in an
//! environment variable, which `scripts/bench.sh` sets after building it with `cargo xtask
//! build ...`: `PYTHREADING_HOST` (the wasmtime host), `PYTHREADING_BENCH_WASM` (this bench
//! built for wasm32-wasip1-threads) and `PYTHREADING_BENCH_WASM_ABORT` (the same built with
//! panic=abort) for `--wasmtime`, `PYTHREADING_BENCH_WEB_DIR` (`www/bench-pkg`) and
//! `PYTHREADING_BENCH_WEB_ABORT_DIR` (`www/bench-pkg-abort`, panic=abort) for `--browser`.
//! Without one, that runtime's (or that build's) table says it was skipped and why.
//!
//! Method (the machines here are shared and noisy):
//! - Every column of a row (pythreading, std, parking_lot, CPython) is calibrated to about
//!   `SAMPLE_NS` per sample (`CONTENDED_SAMPLE_NS`, ten times longer, for the contended rows:
//!   see `stats/mod.rs`), then warmed up once.
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
//! - `-- --wasmtime` adds two columns sampled in the same rounds: pythreading and std built
//!   for `wasm32-wasip1-threads`, running under the project's wasmtime host, and prints a
//!   second table (native vs wasmtime, ours vs std on wasm) with the wasm goals. The bench
//!   starts `$PYTHREADING_HOST $PYTHREADING_BENCH_WASM --serve` (`cargo xtask build host` and
//!   `cargo xtask build bench-wasm`: `cargo build --release --target wasm32-wasip1-threads
//!   --bench primitives`). Under the
//!   host, this same binary with `--serve` prints a greeting line and then answers each stdin
//!   line `run KEY IMPL N` (IMPL: `pythreading`, `std`) with the elapsed ns of one sample, so
//!   the wasm samples take part in the native rounds like CPython's. `scripts/bench.sh` is the
//!   one command for everything.
//!
//! - Unwinding against panic=abort: with `--wasmtime` a second host process serves
//!   `$PYTHREADING_BENCH_WASM_ABORT`, and with `--browser` a second headless browser runs
//!   `$PYTHREADING_BENCH_WEB_ABORT_DIR` (`www/bench-pkg-abort`, which
//!   `bench.html?serve&pkg=bench-pkg-abort` loads); pythreading's and std's columns of each are
//!   sampled in the same interleaved rounds as everything else. `scripts/bench.sh` builds both
//!   so that they differ from the unwinding builds in the panic strategy only: the same
//!   nightly with `-Cpanic=abort` and std rebuilt with `panic_abort` (`cargo xtask build
//!   bench-wasm --panic abort-nightly`, `cargo xtask build bench-web --panic abort`). Any
//!   panic=abort module will do under wasmtime, such as stable Rust's (`--panic abort`), and the
//!   report names the toolchain each module's greeting gives. Each runtime's report ends with a
//!   table "Unwinding against panic=abort": both builds' medians, the per-round ratios
//!   unwind/abort with their quartiles, and both .wasm files' sizes (as built and run; for the
//!   browser, wasm-bindgen's output). Every wasm server's greeting says how its module's
//!   panics end (`"panic": "unwind"` or `"abort"`, from the module's own `cfg(panic)`; the
//!   wasmtime module's also its `"toolchain"`, rustup's `RUSTUP_TOOLCHAIN` at build time), and
//!   a server whose module is not the build its variable stands for is skipped with that
//!   reason, never sampled as the other build. The browser figures (`figures`, below) come
//!   from the unwinding build only.
//!
//! - `-- --browser` adds two more columns sampled in the same rounds: pythreading and std in
//!   headless Chromium (by default), and prints a third table (native vs browser, ours vs std
//!   in the browser) with issue 4's goals. The same workloads are built for `wasm32-unknown-unknown`
//!   into a small cdylib (`www/bench`, by `cargo xtask build bench-web`, into
//!   `www/bench-pkg`, which `PYTHREADING_BENCH_WEB_DIR` names); `www/bench.html?serve` runs
//!   them in a dedicated worker (blocking is
//!   allowed there; the page's UI thread may not block), which times each sample itself with
//!   `performance.now()`. The child process is `python3 scripts/browser/bench_browser.py --serve`: it
//!   serves `www/` with COOP/COEP (cross-origin isolation, for `SharedArrayBuffer`), starts
//!   headless Chromium (or the browser `PYTHREADING_BROWSER` names: `firefox`, `webkit`;
//!   `scripts/browser/headless.py`) and forwards each `run KEY IMPL N` line
//!   to the worker over WebDriver (the round trip, a few ms, is outside the measured time).
//!   - Clock: cross-origin isolated pages get `performance.now()` in 5 µs steps in Chromium
//!     (100 µs without isolation; 20 µs in Firefox); the table prints the step it saw. A ~2 ms
//!     sample is 400 steps (100 in Firefox), so
//!     the calibration to `SAMPLE_NS` covers it as it covers native noise.
//!   - Not run in browsers: std's `thread::spawn` (unsupported on wasm32-unknown-unknown: std
//!     cannot create a Web Worker), so start+join has no browser std column; parking_lot (its
//!     wasm parker needs parking_lot_core's `nightly` feature).
//!   - After the rounds, one `figures` request: start+join timed one thread at a time on the
//!     pool's reused workers (median of 10,000, the ≤ 200 µs goal), the same with a fresh
//!     Worker per thread (created by the worker's JS: new Worker, module instantiated on the
//!     shared memory, empty body, stack and TLS freed; the library's own one-Worker-per-thread
//!     mode, `AfterJob::Close` in `src/sys/thread_web.rs`, is a compile-time switch, so it would
//!     need a second build of the library), and the memory before and after 10,000 sequential
//!     start+join (limit: one thread's stack, 2 MiB).
//!
//! Every `--bench` run writes its medians, ratios, browser figures and module sizes to
//! `www/bench-results.json` (ignored by git), which the benchmark view `www/bench.html` shows
//! next to the browser figures it measures live. JSON is written and read with serde_json:
//! that file, the children's greetings and the browser's `figures` line.
//!
//! The workloads themselves live in `workloads/mod.rs` so the wasm ports can reuse them;
//! `stats/mod.rs` holds the sampling arithmetic shared with the browser module, and
//! `harness/mod.rs` the rounds, the sample servers and the `run KEY IMPL N` protocol, shared
//! with `benches/queue_futures.rs` (issue 12's rows, a second table of workloads that the same
//! wasm modules serve: their servers answer the keys of both tables).

#[path = "workloads/mod.rs"]
mod workloads;

#[path = "stats/mod.rs"]
mod stats;

#[path = "harness/mod.rs"]
mod harness;

use harness::{
    cell_ratio, cell_time, check_greeting, fmt_ns, goal, info, measure, remote, remote_mut,
    runs_here, runs_in_browser, serve, verdict, Cli, Col, Panic, Remote, Row, Server,
};
use serde::{Deserialize, Serialize};
use stats::{median, quartiles, sample_ns, Quartiles, SAMPLE_NS};
use std::process::{Command, Stdio};
use workloads::{Goal, Impl, Workload, WORKLOADS};

/// Rounds (samples per column); `PYTHREADING_BENCH_ROUNDS` overrides.
const ROUNDS: usize = 201;

fn main() {
    let Some(cli) = Cli::parse() else {
        return; // --serve: the wasm side of `--wasmtime`
    };
    let bench_mode = cli.flag("--bench");
    let no_cpython = cli.flag("--no-cpython");
    let wasmtime = cli.flag("--wasmtime");
    let browser = cli.flag("--browser");
    let selected = cli.select(WORKLOADS);

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
        Server::Skipped("left out with --no-cpython".into())
    } else {
        Server::cpython()
    };
    let mut remotes: Vec<Remote> = Vec::new();
    if wasmtime {
        remotes.push(Remote::wasmtime(Panic::Unwind));
        remotes.push(Remote::wasmtime(Panic::Abort));
    }
    if browser {
        remotes.push(Remote::browser(Panic::Unwind));
        remotes.push(Remote::browser(Panic::Abort));
    }

    let rows: Vec<Row> = selected
        .iter()
        .map(|w| {
            eprintln!("bench: {} ...", w.key);
            measure(
                w,
                sample_ns(w.goal == Goal::Contended),
                rounds,
                &mut cpython,
                &mut remotes,
            )
        })
        .collect();
    let figures: Option<serde_json::Value> =
        remote_mut(&mut remotes, Col::Browser).and_then(|web| {
            eprintln!("bench: browser figures (start+join, memory, fresh Workers) ...");
            let line = web.server.request_line("figures")?;
            match serde_json::from_str(&line) {
                Ok(figures) => Some(figures),
                Err(e) => {
                    eprintln!("bench: the browser's figures are not JSON ({e}): {line}");
                    None
                }
            }
        });

    print_report(&rows, &cpython, rounds);
    if let Some(wasm) = remote(&remotes, Col::Wasm) {
        println!();
        print_wasm_report(&rows, &wasm.server);
        if let Some(abort) = remote(&remotes, Col::WasmAbort) {
            println!();
            print_unwind_report(&rows, wasm, abort);
        }
    }
    if let Some(web) = remote(&remotes, Col::Browser) {
        println!();
        let parsed = figures
            .clone()
            .and_then(|f| serde_json::from_value(f).ok())
            .unwrap_or_default();
        print_browser_report(&rows, &web.server, &parsed);
        if let Some(abort) = remote(&remotes, Col::BrowserAbort) {
            println!();
            print_unwind_report(&rows, web, abort);
        }
    }
    let results = results_json(&rows, rounds, &cli.args, &remotes, figures);
    match std::fs::write(RESULTS, results) {
        Ok(()) => eprintln!("bench: wrote {RESULTS} (for www/bench.html)"),
        Err(e) => eprintln!("bench: could not write {RESULTS}: {e}"),
    }
}

/// Where every run writes its medians and ratios as JSON, for the benchmark view
/// `www/bench.html` (ignored by git).
const RESULTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/www/bench-results.json");

/// Under `cargo test`: run everything briefly to prove the workloads, the `--serve` protocol
/// and the CPython script (when python3 is there) work; measure nothing.
fn smoke(selected: &[&Workload]) {
    let mut n = 0;
    for w in selected {
        for v in w.variants.iter().filter(|v| runs_here(v.imp)) {
            (v.run)(3);
            n += 1;
        }
    }

    // The protocol `--wasmtime` speaks to the wasm module, in memory.
    let mut out = Vec::new();
    serve(&b"run lock pythreading 3\nrun lock nope 3\n"[..], &mut out).expect("serve");
    let out = String::from_utf8(out).expect("utf-8");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3, "serve answered {out:?}");
    // The greeting says how this build's panics end, and the bench holds each wasm server to
    // the build it expects (a variable naming the other build fails the column).
    assert!(
        check_greeting(lines[0], "target", Some(Panic::here())).is_ok(),
        "{out:?}"
    );
    let other = match Panic::here() {
        Panic::Unwind => Panic::Abort,
        Panic::Abort => Panic::Unwind,
    };
    assert!(
        check_greeting(lines[0], "target", Some(other)).is_err(),
        "{out:?}"
    );
    assert!(check_greeting(r#"{"target": "x"}"#, "target", Some(Panic::Abort)).is_err());
    assert!(check_greeting(r#"{"python": "3.11.2"}"#, "python", None).is_ok());
    assert!(check_greeting("not json", "python", None).is_err());
    assert!(lines[1].parse::<u64>().is_ok(), "{out:?}");
    assert!(lines[2].starts_with("error: "), "{out:?}");

    let mut cpython = if cfg!(target_family = "wasm") {
        Server::Skipped("no child processes on wasm".into())
    } else {
        Server::cpython()
    };
    for w in selected {
        cpython.run_cpython(w.key, 3);
    }
    let cpython = match &cpython {
        Server::Running { .. } => "CPython script ok".to_string(),
        Server::Skipped(why) => format!("CPython: skipped ({why})"),
    };

    // How the browser's `figures` line is read (the shape www/bench-worker.js sends; a field
    // it leaves out reads as missing).
    let figures = r#"{"timer_ns": 5000, "start_join": {"count": 10000, "median_ns": 15000, "p25_ns": 1e4}, "memory": {"count": 10000, "before": 14221312, "after": 14221312, "growth": 0}, "fresh_worker": {"count": 10, "median_ms": 31.5}}"#;
    let figures: Figures = serde_json::from_str(figures).expect("figures");
    assert_eq!(figures.timer_ns, Some(5000.0));
    assert_eq!(figures.start_join.count, Some(10000.0));
    assert_eq!(figures.start_join.p25_ns, Some(10000.0));
    assert_eq!(figures.start_join.p75_ns, None);
    assert_eq!(figures.memory.growth, Some(0.0));
    assert_eq!(figures.memory.limit, None);
    assert_eq!(figures.fresh_worker.median_ms, Some(31.5));
    assert!(!runs_in_browser("thread_start_join", Impl::Std));
    assert!(runs_in_browser("lock", Impl::Std) && !runs_in_browser("lock", Impl::ParkingLot));

    // `cargo test --bench primitives -- --wasmtime` and/or `-- --browser`: one request of each
    // column of that runtime's servers (needs what they run, named as for the bench: not part of
    // the default smoke run). The unwinding build must run; the panic=abort one runs when its
    // variable is set (PYTHREADING_BENCH_WASM_ABORT, PYTHREADING_BENCH_WEB_ABORT_DIR).
    let mut remotes = String::new();
    type Make = fn(Panic) -> Remote;
    let runtimes: [(&str, Make); 2] = [
        ("--wasmtime", Remote::wasmtime),
        ("--browser", Remote::browser),
    ];
    for (flag, make) in runtimes {
        if !std::env::args().any(|a| a == flag) {
            continue;
        }
        for panic in [Panic::Unwind, Panic::Abort] {
            let mut r = make(panic);
            let what = format!("{} ({})", r.runtime(), panic.name());
            if panic == Panic::Abort && std::env::var_os(r.var).is_none() {
                remotes += &format!(", {what}: skipped ({} not set)", r.var);
                continue;
            }
            for w in selected {
                for imp in r.impls(w) {
                    r.server.run_wasm(w.key, imp, 3);
                }
            }
            match &r.server {
                Server::Running { label, .. } => {
                    let bytes = r.module_bytes().map_or("?".into(), |b| b.to_string());
                    remotes += &format!(", {what} ok ({label}; {bytes} bytes)");
                }
                Server::Skipped(why) => panic!("{what} smoke failed: {why}"),
            }
        }
    }
    println!(
        "primitives: smoke run of {n} variants ok, --serve ok, {cpython}{remotes} (numbers: \
         cargo bench --bench primitives)"
    );
}

// ---------------------------------------------------------------------------------------------
// Report

fn print_report(rows: &[Row], cpython: &Server, rounds: usize) {
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
         once, interleaved, for ~{} ms each (~{} ms for the contended rows). Ratios: median \
         of the per-round ratios [25th–75th percentile]; ours/peer below 1 means pythreading \
         is faster.",
        SAMPLE_NS as f64 / 1e6,
        stats::CONTENDED_SAMPLE_NS as f64 / 1e6
    );
    match cpython {
        Server::Running { label, .. } => {
            println!("CPython: {label} (`python3 benches/cpython_bench.py --serve`).")
        }
        Server::Skipped(why) => println!("CPython: skipped ({why})"),
    }
    println!();
    println!(
        "| workload | pythreading | std | parking_lot | CPython | ours/std | ours/parking_lot | CPython/ours |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    for row in rows {
        println!(
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            row.workload.title,
            fmt_ns(median(row.ours())),
            cell_time(row.peer(Impl::Std)),
            cell_time(row.peer(Impl::ParkingLot)),
            cell_time(row.column(Col::CPython)),
            cell_ratio(row.ours_over(Impl::Std)),
            cell_ratio(row.ours_over(Impl::ParkingLot)),
            cell_ratio(row.cpython_over_ours()),
        );
    }
    println!();
    println!("Peers:");
    for row in rows {
        let peers: Vec<String> = row.workload.variants[1..]
            .iter()
            .map(|v| format!("{} {}", v.imp.name(), v.what))
            .collect();
        println!("- {}: {}.", row.workload.title, peers.join(", "));
    }
    println!();
    print_goals(rows);
    println!();
    print_contention_goals(rows, None);
}

/// The second table of `--wasmtime`: pythreading native vs wasmtime, and ours vs std on wasm,
/// from the same rounds as the first table, with the wasm goals.
fn print_wasm_report(rows: &[Row], wasm: &Server) {
    println!("## pythreading under wasmtime");
    println!();
    println!(
        "Command: `cargo bench --bench primitives -- --wasmtime` (or `scripts/bench.sh`, which \
         builds the module and the host first: `cargo xtask build bench-wasm`, `cargo xtask \
         build host`). The wasm columns were sampled in the same interleaved rounds as the \
         table above, by this bench built for wasm32-wasip1-threads (release) and run with \
         `--serve` under pythreading-host (wasmtime 48 LTS, wasi-threads)."
    );
    match wasm {
        Server::Running { label, .. } => println!("Module: `{label}`."),
        Server::Skipped(why) => println!("wasmtime: skipped ({why})"),
    }
    println!();
    println!(
        "| workload | native pythreading | wasmtime pythreading | wasmtime std | wasm/native | \
         ours/std on wasm | std wasm/native |"
    );
    println!("|---|---|---|---|---|---|---|");
    for row in rows {
        println!(
            "| {} | {} | {} | {} | {} | {} | {} |",
            row.workload.title,
            fmt_ns(median(row.ours())),
            cell_time(row.at(Col::Wasm, Impl::Pythreading)),
            cell_time(row.at(Col::Wasm, Impl::Std)),
            cell_ratio(row.over_native(Col::Wasm)),
            cell_ratio(row.ours_over_std_at(Col::Wasm)),
            cell_ratio(row.std_over_native_std(Col::Wasm)),
        );
    }
    println!();
    println!(
        "The std column on wasm is each row's std peer from the table above (parking_lot does not \
         run there: its wasm parker needs parking_lot_core's `nightly` feature)."
    );
    println!();
    let find = |key: &str| rows.iter().find(|r| r.workload.key == key);
    let vs_native = |key: &str, title: &str, max: f64| {
        goal(find(key).and_then(|r| r.over_native(Col::Wasm)), title, max)
    };
    println!("Goals (wasmtime):");
    println!(
        "- uncontended lock ≤ 1.2× native: {} (for information, no goal: {})",
        vs_native("lock", "Lock", 1.2),
        info(
            find("rlock").and_then(|r| r.over_native(Col::Wasm)),
            "RLock"
        )
    );
    println!(
        "- ping-pong ≤ 1.5× native: {}; {}",
        vs_native("event_pingpong", "Event", 1.5),
        vs_native("condition_pingpong", "Condition", 1.5)
    );
    println!(
        "- start+join ≤ 2× native: {}",
        vs_native("thread_start_join", "Thread", 2.0)
    );
    let vs_std: Vec<String> = rows
        .iter()
        .filter(|r| r.at(Col::Wasm, Impl::Std).is_some())
        .map(|r| goal(r.ours_over_std_at(Col::Wasm), r.workload.key, 1.0))
        .collect();
    println!(
        "- no slower than std on wasm (ours/std ≤ 1.0×): {}",
        if vs_std.is_empty() {
            "n/a".to_string()
        } else {
            vs_std.join("; ")
        }
    );
    println!();
    print_contention_goals(rows, Some(Col::Wasm));
}

/// `--wasmtime` and `--browser` each end with this table: the runtime's unwinding build against
/// its panic=abort build, both sampled in the same rounds as the tables above, the per-round
/// ratios unwind/abort (pythreading's and std's), and both modules' sizes.
fn print_unwind_report(rows: &[Row], unwind: &Remote, abort: &Remote) {
    let rt = unwind.runtime();
    println!("## Unwinding against panic=abort ({rt})");
    println!();
    if unwind.in_browser() {
        println!(
            "The browser workloads built twice (`www/bench`, release, atomics, the pinned \
             nightly, std rebuilt): with unwinding (`cargo xtask build bench-web`, into \
             `www/bench-pkg`: `-Cpanic=unwind`, `-Zbuild-std=std,panic_unwind`) and with \
             panic=abort (`cargo xtask build bench-web --panic abort`, into \
             `www/bench-pkg-abort`: `-Cpanic=abort`, `-Zbuild-std=panic_abort,std`), so the two \
             differ in the panic strategy only. Each ran in a browser of its own \
             (`scripts/browser/bench_browser.py --serve --pkg ...`), sampled in the same \
             interleaved rounds as the tables above."
        );
    } else {
        println!(
            "This bench built twice for wasm32-wasip1-threads (release), each `--serve`d by a \
             host process of its own in the same interleaved rounds as the tables above: with \
             unwinding (`cargo xtask build bench-wasm`: the pinned nightly, `-Cpanic=unwind`, \
             `-Zbuild-std=std,panic_unwind`; the project's build) and with panic=abort \
             (`scripts/bench.sh` builds it with `cargo xtask build bench-wasm --panic \
             abort-nightly`: the same nightly, `-Cpanic=abort`, `-Zbuild-std=panic_abort,std`, \
             so that the two differ in the panic strategy only; stable Rust's panic=abort build, \
             `--panic abort`, also differs in the compiler and in how std was built). The \
             toolchain below is the one each module says it was built with."
        );
    }
    println!();
    for r in [unwind, abort] {
        let size = match (r.module_bytes(), &r.module) {
            (Some(bytes), Some(path)) => format!(
                "`{}`, {bytes} bytes ({:.1} KiB)",
                path.display(),
                bytes as f64 / 1024.0
            ),
            _ => format!("size n/a ({} is not set to a built module)", r.var),
        };
        match &r.server {
            Server::Running { label, .. } if r.in_browser() => {
                println!("- {}: {size}; {label}.", r.panic.name())
            }
            Server::Running { .. } => println!(
                "- {}: {size}; built with {}.",
                r.panic.name(),
                r.toolchain()
                    .unwrap_or("an unknown toolchain (not rustup's)")
            ),
            Server::Skipped(why) => println!("- {}: {size}; skipped ({why}).", r.panic.name()),
        }
    }
    if let (Some(u), Some(a)) = (unwind.module_bytes(), abort.module_bytes()) {
        println!(
            "- size unwind/abort: {:.3}× ({:+} bytes)",
            u as f64 / a as f64,
            u as i64 - a as i64
        );
    }
    println!();
    println!(
        "| workload | {rt} pythreading (unwind) | {rt} pythreading (abort) | {rt} std (unwind) | \
         {rt} std (abort) | ours unwind/abort | std unwind/abort |"
    );
    println!("|---|---|---|---|---|---|---|");
    for row in rows {
        println!(
            "| {} | {} | {} | {} | {} | {} | {} |",
            row.workload.title,
            cell_time(row.at(unwind.col, Impl::Pythreading)),
            cell_time(row.at(abort.col, Impl::Pythreading)),
            cell_time(row.at(unwind.col, Impl::Std)),
            cell_time(row.at(abort.col, Impl::Std)),
            cell_ratio(row.unwind_over_abort(unwind.col, abort.col, Impl::Pythreading)),
            cell_ratio(row.unwind_over_abort(unwind.col, abort.col, Impl::Std)),
        );
    }
    println!();
    println!(
        "unwind/abort: the median of the per-round ratios [25th–75th percentile]; above 1 means \
         the unwinding build is slower. No panic happens in any workload: this is the cost of \
         being able to unwind."
    );
}

/// The third table of `--browser`: pythreading and std in a headless browser against native,
/// from the same rounds as the first table, the browser's own figures (`figures`: start+join
/// one by one, a fresh Worker per thread, memory over 10,000 threads) and issue 4's goals.
fn print_browser_report(rows: &[Row], web: &Server, f: &Figures) {
    println!("## pythreading in the browser");
    println!();
    println!(
        "Command: `cargo bench --bench primitives -- --browser` (or `bash scripts/bench.sh \
         --browser`, which builds `www/bench-pkg` first: `cargo xtask build bench-web`). The \
         browser columns were sampled in \
         the same interleaved rounds as the first table, by the same workloads built for \
         wasm32-unknown-unknown (`www/bench`, release, atomics) and run in a dedicated worker \
         of `www/bench.html` in the headless browser below, driven over WebDriver by \
         `scripts/browser/bench_browser.py --serve`; the worker times each sample itself with \
         `performance.now()`."
    );
    match web {
        Server::Running { label, .. } => println!("Browser: {label}."),
        Server::Skipped(why) => println!("Browser: skipped ({why})"),
    }
    if let Some(step) = f.timer_ns {
        println!(
            "Clock: `performance.now()` advances in steps of {} here (cross-origin isolated), \
             under 0.5% of a ~{} ms sample.",
            fmt_ns(step),
            SAMPLE_NS as f64 / 1e6
        );
    }
    println!();
    println!(
        "| workload | native pythreading | browser pythreading | native std | browser std | \
         browser/native | std browser/native | ours/std in browser |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    for row in rows {
        println!(
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            row.workload.title,
            fmt_ns(median(row.ours())),
            cell_time(row.at(Col::Browser, Impl::Pythreading)),
            cell_time(row.peer(Impl::Std)),
            cell_time(row.at(Col::Browser, Impl::Std)),
            cell_ratio(row.over_native(Col::Browser)),
            cell_ratio(row.std_over_native_std(Col::Browser)),
            cell_ratio(row.ours_over_std_at(Col::Browser)),
        );
    }
    println!();
    println!(
        "No browser std column for start+join: `std::thread::spawn` is unsupported on \
         wasm32-unknown-unknown (std cannot create a Web Worker). parking_lot does not run there \
         either (its wasm parker needs parking_lot_core's `nightly` feature). Start+join is \
         different work on each side: natively every start creates an OS thread; in the browser \
         it hands the body to an idle pool worker that already runs (creating a Worker per \
         thread is the fresh-Worker figure below)."
    );
    println!();
    let (sj, mem, fresh) = (&f.start_join, &f.memory, &f.fresh_worker);
    println!("Browser figures (`figures`, after the rounds):");
    match (sj.median_ns, sj.count) {
        (Some(m), Some(n)) => println!(
            "- start+join on reused pool workers, each timed alone: median {} [{}–{}], mean {}, \
             over {n} sequential threads",
            fmt_ns(m),
            fmt_ns(sj.p25_ns.unwrap_or(f64::NAN)),
            fmt_ns(sj.p75_ns.unwrap_or(f64::NAN)),
            fmt_ns(sj.mean_ns.unwrap_or(f64::NAN)),
        ),
        _ => println!("- start+join: n/a"),
    }
    match (fresh.median_ms, fresh.count) {
        (Some(ms), Some(n)) => println!(
            "- start+join with a fresh Worker per thread (new Worker, the module instantiated on \
             the shared memory, an empty body, stack and TLS freed; what pythreading's pool \
             avoids): median {} over {n}",
            fmt_ns(ms * 1e6)
        ),
        _ => println!("- fresh Worker per thread: n/a"),
    }
    let growth = mem.growth;
    match (mem.before, mem.after, growth, mem.count) {
        (Some(b), Some(a), Some(g), Some(n)) => {
            println!("- memory over {n} sequential start+join: {b} → {a} bytes (+{g})")
        }
        _ => println!("- memory: n/a"),
    }
    println!();
    let find = |key: &str| rows.iter().find(|r| r.workload.key == key);
    println!("Goals (browser):");
    println!(
        "- uncontended lock ≤ 1.5× native: {} (for information, no goal: {})",
        goal(
            find("lock").and_then(|r| r.over_native(Col::Browser)),
            "Lock",
            1.5
        ),
        info(
            find("rlock").and_then(|r| r.over_native(Col::Browser)),
            "RLock"
        )
    );
    match sj.median_ns {
        Some(m) => println!(
            "- start+join median ≤ 200 µs: {} {} (the start+join row's samples: {} per thread)",
            fmt_ns(m),
            verdict(m <= 200e3),
            cell_time(
                find("thread_start_join").and_then(|r| r.at(Col::Browser, Impl::Pythreading))
            )
        ),
        None => println!("- start+join median ≤ 200 µs: n/a"),
    }
    match (growth, mem.limit, mem.count) {
        (Some(g), Some(limit), Some(n)) => println!(
            "- {n} sequential start+join grow memory ≤ one thread's stack ({} MiB): +{g} bytes {}",
            limit / (1 << 20) as f64,
            verdict(g <= limit)
        ),
        _ => println!("- memory over 10,000 threads: n/a"),
    }
    println!();
    print_contention_goals(rows, Some(Col::Browser));
}

/// The browser's `figures` answer (`www/bench-worker.js`, from `www/bench/src/lib.rs`'s
/// `startJoinFigures`, `memoryFigures` and its own fresh-Worker timing): every number may be
/// missing (or `null`, as JS writes NaN), and reads as n/a then.
#[derive(Deserialize, Default)]
#[serde(default)]
struct Figures {
    /// The step of `performance.now()`, ns.
    timer_ns: Option<f64>,
    start_join: StartJoinFigures,
    memory: MemoryFigures,
    fresh_worker: FreshWorkerFigures,
}

/// Start+join on the pool's reused workers, each timed alone.
#[derive(Deserialize, Default)]
#[serde(default)]
struct StartJoinFigures {
    count: Option<f64>,
    p25_ns: Option<f64>,
    median_ns: Option<f64>,
    p75_ns: Option<f64>,
    mean_ns: Option<f64>,
}

/// The shared memory's size (bytes) before and after `count` sequential start+join, and the
/// goal's limit.
#[derive(Deserialize, Default)]
#[serde(default)]
struct MemoryFigures {
    count: Option<f64>,
    before: Option<f64>,
    after: Option<f64>,
    growth: Option<f64>,
    limit: Option<f64>,
}

/// Start+join with a fresh Worker per thread.
#[derive(Deserialize, Default)]
#[serde(default)]
struct FreshWorkerFigures {
    count: Option<f64>,
    median_ms: Option<f64>,
}

/// `www/bench-results.json`: everything a run measured, for `www/bench.html`.
#[derive(Serialize)]
struct Results {
    /// The command that produced it.
    command: String,
    /// `git rev-parse --short HEAD`, with `-dirty` for uncommitted changes.
    commit: Option<String>,
    date: Option<String>,
    rounds: usize,
    /// `OS ARCH, N CPUs`.
    host: String,
    /// The browser's label, when `--browser` ran.
    browser: Option<String>,
    /// The browser's `figures`, as it sent them.
    browser_figures: Option<serde_json::Value>,
    /// The wasm modules the run had (each runtime's unwinding and panic=abort builds) and
    /// their sizes.
    modules: Vec<ModuleSize>,
    rows: Vec<ResultRow>,
}

/// One wasm module of the run: its runtime (`wasmtime`, `browser`), how its panics end
/// (`unwind`, `abort`), its path and size (`null` when the variable naming it was not set).
#[derive(Serialize)]
struct ModuleSize {
    runtime: &'static str,
    panic: &'static str,
    path: Option<String>,
    bytes: Option<u64>,
    /// The rustup toolchain it was built with, as its greeting says (wasmtime modules).
    toolchain: Option<String>,
    /// Whether its columns were sampled (its server started and answered).
    sampled: bool,
}

/// One workload: each column's quartiles (ns per operation; `null` when it did not run) and
/// the per-round ratios.
#[derive(Serialize)]
struct ResultRow {
    key: &'static str,
    title: &'static str,
    native: NativeColumns,
    browser: WasmColumns,
    wasmtime: WasmColumns,
    /// The panic=abort builds' columns.
    browser_abort: WasmColumns,
    wasmtime_abort: WasmColumns,
    ratios: Ratios,
}

#[derive(Serialize)]
struct NativeColumns {
    pythreading: Option<Quartiles>,
    std: Option<Quartiles>,
    parking_lot: Option<Quartiles>,
    cpython: Option<Quartiles>,
}

#[derive(Serialize)]
struct WasmColumns {
    pythreading: Option<Quartiles>,
    std: Option<Quartiles>,
}

#[derive(Serialize)]
struct Ratios {
    ours_over_std: Option<Quartiles>,
    ours_over_parking_lot: Option<Quartiles>,
    cpython_over_ours: Option<Quartiles>,
    browser_over_native: Option<Quartiles>,
    std_browser_over_native: Option<Quartiles>,
    browser_ours_over_std: Option<Quartiles>,
    wasm_over_native: Option<Quartiles>,
    wasm_ours_over_std: Option<Quartiles>,
    /// The unwinding build over the panic=abort build, pythreading's and std's.
    wasm_unwind_over_abort: Option<Quartiles>,
    wasm_std_unwind_over_abort: Option<Quartiles>,
    browser_unwind_over_abort: Option<Quartiles>,
    browser_std_unwind_over_abort: Option<Quartiles>,
}

/// Everything a run measured, as JSON for `www/bench.html`: the medians of every column
/// (`{p25, median, p75}` ns per operation), the per-round ratios, the browser figures as the
/// browser reported them, the wasm modules' sizes, and where the numbers come from (commit,
/// date, command, machine).
fn results_json(
    rows: &[Row],
    rounds: usize,
    args: &[String],
    remotes: &[Remote],
    figures: Option<serde_json::Value>,
) -> String {
    let col = |s: Option<&[f64]>| s.map(quartiles);
    let wasm = |r: &Row, place: fn(Impl) -> Col| WasmColumns {
        pythreading: col(r.at(place, Impl::Pythreading)),
        std: col(r.at(place, Impl::Std)),
    };
    let rows = rows
        .iter()
        .map(|r| ResultRow {
            key: r.workload.key,
            title: r.workload.title,
            native: NativeColumns {
                pythreading: col(Some(r.ours())),
                std: col(r.peer(Impl::Std)),
                parking_lot: col(r.peer(Impl::ParkingLot)),
                cpython: col(r.column(Col::CPython)),
            },
            browser: wasm(r, Col::Browser),
            wasmtime: wasm(r, Col::Wasm),
            browser_abort: wasm(r, Col::BrowserAbort),
            wasmtime_abort: wasm(r, Col::WasmAbort),
            ratios: Ratios {
                ours_over_std: r.ours_over(Impl::Std),
                ours_over_parking_lot: r.ours_over(Impl::ParkingLot),
                cpython_over_ours: r.cpython_over_ours(),
                browser_over_native: r.over_native(Col::Browser),
                std_browser_over_native: r.std_over_native_std(Col::Browser),
                browser_ours_over_std: r.ours_over_std_at(Col::Browser),
                wasm_over_native: r.over_native(Col::Wasm),
                wasm_ours_over_std: r.ours_over_std_at(Col::Wasm),
                wasm_unwind_over_abort: r.unwind_over_abort(
                    Col::Wasm,
                    Col::WasmAbort,
                    Impl::Pythreading,
                ),
                wasm_std_unwind_over_abort: r.unwind_over_abort(
                    Col::Wasm,
                    Col::WasmAbort,
                    Impl::Std,
                ),
                browser_unwind_over_abort: r.unwind_over_abort(
                    Col::Browser,
                    Col::BrowserAbort,
                    Impl::Pythreading,
                ),
                browser_std_unwind_over_abort: r.unwind_over_abort(
                    Col::Browser,
                    Col::BrowserAbort,
                    Impl::Std,
                ),
            },
        })
        .collect();
    let text = |cmd: &mut Command| {
        cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
            .stderr(Stdio::null())
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
    };
    let commit = text(Command::new("git").args(["rev-parse", "--short", "HEAD"])).map(|c| {
        let dirty =
            text(Command::new("git").args(["status", "--porcelain", "--untracked-files=no"]))
                .is_some_and(|s| !s.is_empty());
        if dirty {
            format!("{c}-dirty")
        } else {
            c
        }
    });
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    let flags: Vec<&str> = args
        .iter()
        .map(String::as_str)
        .filter(|a| *a != "--bench")
        .collect();
    let results = Results {
        command: format!("cargo bench --bench primitives -- {}", flags.join(" ")),
        commit,
        date: text(Command::new("date").args(["-u", "+%Y-%m-%d %H:%M UTC"])),
        rounds,
        host: format!(
            "{} {}, {cpus} CPUs",
            std::env::consts::OS,
            std::env::consts::ARCH
        ),
        browser: match remote(remotes, Col::Browser).map(|r| &r.server) {
            Some(Server::Running { label, .. }) => Some(label.clone()),
            _ => None,
        },
        browser_figures: figures,
        modules: remotes
            .iter()
            .map(|r| ModuleSize {
                runtime: r.runtime(),
                panic: r.panic.name(),
                path: r.module.as_ref().map(|p| p.display().to_string()),
                bytes: r.module_bytes(),
                toolchain: r.toolchain().map(str::to_string),
                sampled: matches!(r.server, Server::Running { .. }),
            })
            .collect(),
        rows,
    };
    serde_json::to_string_pretty(&results).expect("the results serialize") + "\n"
}

/// The goals of the core issue, each PASS or MISS on the median ratio, with its quartiles so
/// that a tie within noise reads as one (n/a when its workload or CPython did not run).
fn print_goals(rows: &[Row]) {
    let find = |key: &str| rows.iter().find(|r| r.workload.key == key);
    let vs_std = |key: &str, title: &str, max: f64| {
        goal(find(key).and_then(|r| r.ours_over(Impl::Std)), title, max)
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

/// Issue 11's goals, one line per row that has one: natively, contended rows against
/// parking_lot (std where parking_lot has no such primitive, as for the barrier) and
/// uncontended rows against std; at `place` (`Col::Wasm`, `Col::Browser`) every such row
/// against std there. Each line gives the row's median ratio [quartiles], the goal and PASS or
/// MISS (n/a when a side did not run).
fn print_contention_goals(rows: &[Row], place: Option<fn(Impl) -> Col>) {
    let label = match place {
        None => "native",
        Some(p) if p(Impl::Std) == Col::Wasm(Impl::Std) => "wasmtime",
        Some(_) => "browser",
    };
    println!(
        "Goals (issue 11, {label}; uncontended rows ≤ 1.0× std, contended rows ≤ 1.0× {}):",
        if place.is_none() {
            "parking_lot"
        } else {
            "std"
        }
    );
    for row in rows.iter().filter(|r| r.workload.goal != Goal::Other) {
        let (peer, q) = match (place, row.workload.goal) {
            (Some(p), _) => ("std", row.ours_over_std_at(p)),
            (None, Goal::Contended) if row.peer(Impl::ParkingLot).is_some() => {
                ("parking_lot", row.ours_over(Impl::ParkingLot))
            }
            (None, _) => ("std", row.ours_over(Impl::Std)),
        };
        println!(
            "- {}: ours/{peer} {}",
            row.workload.title,
            goal(q, "", 1.0).trim_start()
        );
    }
}
