//! The wasmtime host beside stock wasmtime 36 LTS, running the same module: start-up, and
//! thread start+join inside the guest.
//!
//! Run: `bash scripts/bench.sh` (which runs it after `benches/primitives.rs`), or `cargo bench
//! --bench runtimes` with the three paths below in the environment. Without `--bench` (as under
//! `cargo test --all-targets`) it runs one round of each row, so test runs stay fast, and
//! checks that both runtimes answered.
//!
//! The module is `benches/primitives.rs` built for wasm32-wasip1-threads in release with
//! stable Rust (panic=abort), the one module both runtimes can run: under `--serve` it prints a
//! greeting line, then answers each stdin line `run KEY IMPL N` with the elapsed ns of one
//! sample, timed inside the guest. The bench builds nothing; `scripts/bench.sh` passes
//! - `PYTHREADING_HOST`: pythreading-host (`cargo xtask build host`);
//! - `PYTHREADING_BENCH_WASM`: the module (`cargo xtask build bench-wasm --panic abort`);
//! - `PYTHREADING_STOCK_WASMTIME`: the stock CLI (`scripts/stock-wasmtime.sh --install`), run as
//!   `wasmtime run -W threads=y -S threads=y MODULE --serve`.
//!
//! Rows (each cell the median over the rounds; the ratio the median of per-round ratios, host
//! over stock, with the 25th and 75th percentiles):
//! - start-up, each runtime as a user runs it: spawning the runtime until the module's
//!   greeting line arrives, then closing its stdin and waiting for it to exit. Both runtimes
//!   keep compiled code in wasmtime's compilation cache by default (each its own entry: the
//!   cache key includes the engine's version), so this is a cached start;
//! - start-up with the cache off (`-C cache=n` for both): compiling the module with Cranelift;
//! - thread start+join, `pythreading::Thread` and `std::thread::spawn`, per thread, from the
//!   guest's own clock: each runtime's `thread-spawn` (pythreading-host reuses a finished
//!   thread's host thread and store; the stock runtime creates both anew each time).
//!
//! Rounds interleave the runtimes and alternate which goes first, as in `benches/primitives.rs`.
//! `PYTHREADING_BENCH_ROUNDS=N` sets the rounds of the cached rows (21 by default; the
//! uncached start-up gets a quarter of them, at least 3, since each run compiles for seconds).

#[path = "stats/mod.rs"]
mod stats;

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::Instant;

/// The stock runtime's version, as `scripts/stock-wasmtime.sh` pins it.
const STOCK_VERSION: &str = "36.0.9";

/// One runtime: how to start the module under it.
struct Runtime {
    name: String,
    program: PathBuf,
    /// Options before the module (the stock CLI needs `run` and the threads flags).
    options: Vec<String>,
}

impl Runtime {
    fn command(&self, module: &PathBuf, cache: bool) -> Command {
        let mut cmd = Command::new(&self.program);
        cmd.args(&self.options);
        if !cache {
            cmd.args(["-C", "cache=n"]);
        }
        cmd.arg(module).arg("--serve");
        cmd.stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        cmd
    }
}

/// A module being served under one runtime.
struct Server {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: BufReader<ChildStdout>,
}

impl Server {
    /// Starts the module; returns it once the greeting line arrived, with the time that took.
    fn start(rt: &Runtime, module: &PathBuf, cache: bool) -> Result<(Server, f64), String> {
        let started = Instant::now();
        let mut child = rt
            .command(module, cache)
            .spawn()
            .map_err(|e| format!("{}: cannot start {}: {e}", rt.name, rt.program.display()))?;
        let stdin = child.stdin.take();
        let mut stdout = BufReader::new(child.stdout.take().expect("piped"));
        let mut greeting = String::new();
        stdout
            .read_line(&mut greeting)
            .map_err(|e| format!("{}: reading the greeting: {e}", rt.name))?;
        let ns = started.elapsed().as_nanos() as f64;
        if !greeting.contains("\"target\"") {
            let _ = child.kill();
            return Err(format!("{}: unexpected greeting {greeting:?}", rt.name));
        }
        Ok((
            Server {
                child,
                stdin,
                stdout,
            },
            ns,
        ))
    }

    /// One sample: `run KEY IMPL N`, answered with the elapsed ns inside the guest.
    fn sample(&mut self, key: &str, imp: &str, n: u64) -> Result<u64, String> {
        let stdin = self.stdin.as_mut().expect("open until finish");
        writeln!(stdin, "run {key} {imp} {n}").map_err(|e| e.to_string())?;
        stdin.flush().map_err(|e| e.to_string())?;
        let mut line = String::new();
        self.stdout
            .read_line(&mut line)
            .map_err(|e| e.to_string())?;
        line.trim()
            .parse()
            .map_err(|_| format!("answer {:?} to run {key} {imp} {n}", line.trim()))
    }

    /// Closes stdin, on which the module returns from `_start`; waits for the exit.
    fn finish(mut self) -> Result<(), String> {
        self.stdin = None;
        let status = self.child.wait().map_err(|e| e.to_string())?;
        if status.success() {
            Ok(())
        } else {
            Err(format!("the module exited with {status}"))
        }
    }
}

fn env_path(var: &str, how: &str) -> Result<PathBuf, String> {
    let path = std::env::var_os(var)
        .map(PathBuf::from)
        .ok_or_else(|| format!("${var} is not set ({how} provides it)"))?;
    if path.is_file() {
        Ok(path)
    } else {
        Err(format!("${var}: no file at {} ({how})", path.display()))
    }
}

fn rounds() -> usize {
    std::env::var("PYTHREADING_BENCH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or(21)
}

/// Per-round values of `[host, stock]` for one row.
type Row = [Vec<f64>; 2];

fn start_up(
    rts: &[Runtime; 2],
    module: &PathBuf,
    cache: bool,
    rounds: usize,
) -> Result<Row, String> {
    let mut row: Row = [Vec::new(), Vec::new()];
    if cache {
        // Fill each runtime's cache first, so every measured start is a cached one.
        for rt in rts {
            Server::start(rt, module, true)?.0.finish()?;
        }
    }
    for round in 0..rounds {
        for i in [round % 2, 1 - round % 2] {
            let (server, ns) = Server::start(&rts[i], module, cache)?;
            server.finish()?;
            row[i].push(ns);
        }
    }
    Ok(row)
}

/// Thread start+join per thread under both runtimes, for `imp` (`pythreading`, `std`).
fn start_join(servers: &mut [Server; 2], imp: &str, rounds: usize) -> Result<Row, String> {
    let key = "thread_start_join";
    let mut iters = [0u64; 2];
    for (i, server) in servers.iter_mut().enumerate() {
        iters[i] = stats::calibrate(stats::sample_ns(false), |n| server.sample(key, imp, n).ok())
            .ok_or_else(|| format!("{key} {imp} did not run"))?;
        server.sample(key, imp, iters[i])?; // warm-up
    }
    let mut row: Row = [Vec::new(), Vec::new()];
    for round in 0..rounds {
        for i in [round % 2, 1 - round % 2] {
            let ns = servers[i].sample(key, imp, iters[i])?;
            row[i].push(ns as f64 / iters[i] as f64);
        }
    }
    Ok(row)
}

fn print_row(what: &str, unit: &str, scale: f64, row: &Row) {
    let [host, stock] = row;
    let q = stats::round_ratios(host, stock);
    println!(
        "| {what} | {:.2} {unit} | {:.2} {unit} | {:.2}× [{:.2}–{:.2}] |",
        stats::median(host) / scale,
        stats::median(stock) / scale,
        q.median,
        q.p25,
        q.p75
    );
}

fn main() -> Result<(), String> {
    let bench = std::env::args().any(|a| a == "--bench");
    let paths = (|| {
        Ok::<_, String>((
            env_path("PYTHREADING_HOST", "`cargo xtask build host`")?,
            env_path(
                "PYTHREADING_BENCH_WASM",
                "`cargo xtask build bench-wasm --panic abort`",
            )?,
            env_path(
                "PYTHREADING_STOCK_WASMTIME",
                "`scripts/stock-wasmtime.sh --install`",
            )?,
        ))
    })();
    let (host, module, stock) = match paths {
        Ok(paths) => paths,
        Err(why) => {
            // Under `cargo test` (no artifacts given) there is nothing to compare; say why.
            println!("runtimes: skipped: {why}");
            return if bench { Err(why) } else { Ok(()) };
        }
    };
    let rts = [
        Runtime {
            name: "pythreading-host".into(),
            program: host,
            options: Vec::new(),
        },
        Runtime {
            name: format!("stock wasmtime {STOCK_VERSION}"),
            program: stock,
            options: ["run", "-W", "threads=y", "-S", "threads=y"]
                .map(String::from)
                .to_vec(),
        },
    ];
    let rounds = if bench { rounds() } else { 1 };
    let cold_rounds = if bench { (rounds / 4).max(3) } else { 1 };

    let warm = start_up(&rts, &module, true, rounds)?;
    let cold = start_up(&rts, &module, false, cold_rounds)?;
    let mut servers = [
        Server::start(&rts[0], &module, true)?.0,
        Server::start(&rts[1], &module, true)?.0,
    ];
    let ours = start_join(&mut servers, "pythreading", rounds)?;
    let std = start_join(&mut servers, "std", rounds)?;
    let [a, b] = servers;
    a.finish()?;
    b.finish()?;

    let size = std::fs::metadata(&module).map(|m| m.len()).unwrap_or(0);
    println!();
    println!(
        "### The wasmtime host beside stock wasmtime {STOCK_VERSION} (same module: the bench, \
         release, {} KiB; {rounds} rounds, {cold_rounds} uncached)",
        size / 1024
    );
    println!();
    println!("| row | pythreading-host | stock wasmtime {STOCK_VERSION} | host/stock |");
    println!("|---|---|---|---|");
    print_row("start-up (cached compile)", "ms", 1e6, &warm);
    print_row(
        "start-up (`-C cache=n`: Cranelift compiles)",
        "ms",
        1e6,
        &cold,
    );
    print_row("Thread start+join, per thread", "µs", 1e3, &ours);
    print_row("std::thread::spawn+join, per thread", "µs", 1e3, &std);
    if !bench {
        println!(
            "runtimes: smoke run ok (one round per row; numbers: cargo bench --bench runtimes)"
        );
    }
    Ok(())
}
