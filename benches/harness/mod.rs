//! The sampling harness shared by `benches/primitives.rs` and `benches/queue_futures.rs`: the
//! interleaved rounds ([`measure`]), the sample servers in child processes ([`Server`]: CPython's
//! `benches/cpython_bench.py --serve`, this bench built for wasm32-wasip1-threads under the
//! wasmtime host, the browser module in headless Chromium through
//! `scripts/browser/bench_browser.py --serve`; [`Remote`] for the wasm ones), the wasm side of
//! the `run KEY IMPL N` line protocol ([`serve`]) and the report's cell formatting. Both benches
//! include it with `#[path]`, beside `workloads/mod.rs` and `stats/mod.rs`; the method is the
//! one `benches/primitives.rs`'s module docs describe.
//!
//! One wasm module per runtime serves both benches: [`serve`] (and the browser module's
//! `request`) looks keys up in every table ([`workloads::find`]), so `cargo xtask build
//! bench-wasm` and `cargo xtask build bench-web` build nothing more for the queue/futures rows.

// Each bench uses a part of it (the queue/futures bench has no panic=abort tables, for one).
#![allow(dead_code)]

use crate::stats::{median, round_ratios, Quartiles};
use crate::workloads::{self, Impl, Variant, Workload};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

/// The variants the wasm modules run: every one but parking_lot's, whose parker on wasm needs
/// parking_lot_core's `nightly` feature; without it, parking panics ("Parking not supported on
/// this platform").
pub const WASM_IMPLS: &[Impl] = &[Impl::Pythreading, Impl::Std, Impl::Crossbeam, Impl::Rayon];

/// Whether this build can run variants of `imp` (all of them natively; see [`WASM_IMPLS`]).
pub fn runs_here(imp: Impl) -> bool {
    !cfg!(target_family = "wasm") || WASM_IMPLS.contains(&imp)
}

/// Whether the browser module (`www/bench`) runs `imp`'s variant of `key` (the same
/// [`WASM_IMPLS`], except std's `thread::spawn`; see
/// [`workloads::unsupported_in_browsers`]).
pub fn runs_in_browser(key: &str, imp: Impl) -> bool {
    workloads::unsupported_in_browsers(key, imp).is_none()
}

// ---------------------------------------------------------------------------------------------
// Serving samples (the wasm module's side of `--wasmtime`)

/// The command line both benches share: `--serve` (answer sample requests on stdin/stdout,
/// the wasm side of `--wasmtime`, and natively for debugging the protocol), flags such as
/// `--bench`, `--wasmtime`, `--browser` and `--no-cpython`, and workload keys that limit the
/// run.
pub struct Cli {
    /// The arguments after the program name.
    pub args: Vec<String>,
}

impl Cli {
    /// Reads the arguments. With `--serve` it serves sample requests until stdin ends and
    /// returns `None`: the caller has nothing left to do.
    pub fn parse() -> Option<Cli> {
        let cli = Cli {
            args: std::env::args().skip(1).collect(),
        };
        if cli.flag("--serve") {
            let stdin = std::io::stdin();
            serve(stdin.lock(), std::io::stdout().lock()).expect("serve: stdin/stdout failed");
            return None;
        }
        Some(cli)
    }

    /// True if `f` was given.
    pub fn flag(&self, f: &str) -> bool {
        self.args.iter().any(|a| a == f)
    }

    /// The workloads of `table` the keys name (all of them when no key is given).
    pub fn select(&self, table: &'static [Workload]) -> Vec<&'static Workload> {
        let keys: Vec<&str> = self
            .args
            .iter()
            .filter(|a| !a.starts_with("--"))
            .map(String::as_str)
            .collect();
        table
            .iter()
            .filter(|w| keys.is_empty() || keys.contains(&w.key))
            .collect()
    }
}

/// Prints `{"target": "ARCH-OS", "panic": "unwind", "toolchain": "nightly-..."}` (how this
/// build's panics end, `unwind` or `abort`, and the rustup toolchain that compiled it, when
/// rustup did), then answers each line `run KEY IMPL N` with the elapsed ns of one sample of N
/// iterations (or `error: ...`), until the input ends.
pub fn serve(input: impl BufRead, mut out: impl Write) -> std::io::Result<()> {
    // `consts::OS` is empty on wasm32-wasip1-threads.
    let os = if cfg!(target_os = "wasi") {
        "wasi"
    } else {
        std::env::consts::OS
    };
    let target = format!("{}-{os}", std::env::consts::ARCH);
    // rustup sets RUSTUP_TOOLCHAIN for the cargo it runs, and so for rustc (cargo rebuilds
    // when it changes, as for every `option_env!`).
    let greeting = serde_json::json!({
        "target": target,
        "panic": Panic::here().name(),
        "toolchain": option_env!("RUSTUP_TOOLCHAIN"),
    });
    writeln!(out, "{greeting}")?;
    out.flush()?;
    for line in input.lines() {
        let line = line?;
        let answer = match parse_request(&line) {
            Ok((v, n)) => (v.run)(n).to_string(),
            Err(why) => format!("error: {why}"),
        };
        writeln!(out, "{answer}")?;
        out.flush()?;
    }
    Ok(())
}

pub fn parse_request(line: &str) -> Result<(&'static Variant, u64), String> {
    let words: Vec<&str> = line.split_whitespace().collect();
    let ["run", key, imp, n] = words[..] else {
        return Err(format!("expected `run KEY IMPL N`, got {line:?}"));
    };
    let w = workloads::find(key).ok_or_else(|| format!("no workload {key:?}"))?;
    let v = w
        .variants
        .iter()
        .find(|v| v.imp.name() == imp)
        .ok_or_else(|| format!("workload {key:?} has no variant {imp:?}"))?;
    if !runs_here(v.imp) {
        return Err(format!("{imp} does not run on this target"));
    }
    let n = n.parse().map_err(|e| format!("bad N {n:?}: {e}"))?;
    Ok((v, n))
}

// ---------------------------------------------------------------------------------------------
// Measuring

/// A column of a row: one of the workload's Rust variants, CPython, a variant run by the
/// wasm module under wasmtime, or one run in headless Chromium; each wasm runtime with the
/// unwinding build (the project's) and with the panic=abort one.
#[derive(Clone, Copy, PartialEq)]
pub enum Col {
    Rust(usize),
    CPython,
    Wasm(Impl),
    WasmAbort(Impl),
    Browser(Impl),
    BrowserAbort(Impl),
}

/// One workload's samples (ns/op), one per round, per column; column 0 is pythreading.
pub struct Row {
    pub workload: &'static Workload,
    pub cols: Vec<Col>,
    pub samples: Vec<Vec<f64>>,
}

impl Row {
    pub fn column(&self, col: Col) -> Option<&[f64]> {
        let i = self.cols.iter().position(|&c| c == col)?;
        Some(&self.samples[i])
    }

    pub fn peer(&self, imp: Impl) -> Option<&[f64]> {
        let i = self.workload.variants.iter().position(|v| v.imp == imp)?;
        self.column(Col::Rust(i))
    }

    pub fn ours(&self) -> &[f64] {
        &self.samples[0]
    }

    /// `imp`'s samples natively (`place` is `None`) or at `place` (as for [`Row::at`]).
    pub fn of(&self, place: Option<fn(Impl) -> Col>, imp: Impl) -> Option<&[f64]> {
        match place {
            None => self.peer(imp),
            Some(place) => self.at(place, imp),
        }
    }

    /// A variant's samples where the bench also runs it: `place` is `Col::Wasm` (under
    /// wasmtime) or `Col::Browser` (in headless Chromium), or their panic=abort builds
    /// (`Col::WasmAbort`, `Col::BrowserAbort`).
    pub fn at(&self, place: fn(Impl) -> Col, imp: Impl) -> Option<&[f64]> {
        self.column(place(imp))
    }

    /// pythreading at `place` / pythreading native, over the rounds.
    pub fn over_native(&self, place: fn(Impl) -> Col) -> Option<Quartiles> {
        Some(round_ratios(
            self.at(place, Impl::Pythreading)?,
            self.ours(),
        ))
    }

    /// std at `place` / std native, over the rounds.
    pub fn std_over_native_std(&self, place: fn(Impl) -> Col) -> Option<Quartiles> {
        Some(round_ratios(
            self.at(place, Impl::Std)?,
            self.peer(Impl::Std)?,
        ))
    }

    /// ours/std, both at `place`, over the rounds.
    pub fn ours_over_std_at(&self, place: fn(Impl) -> Col) -> Option<Quartiles> {
        Some(round_ratios(
            self.at(place, Impl::Pythreading)?,
            self.at(place, Impl::Std)?,
        ))
    }

    /// ours/std (or ours/parking_lot) over the rounds.
    pub fn ours_over(&self, imp: Impl) -> Option<Quartiles> {
        let peer = self.peer(imp)?;
        Some(round_ratios(self.ours(), peer))
    }

    /// CPython/ours over the rounds.
    pub fn cpython_over_ours(&self) -> Option<Quartiles> {
        Some(round_ratios(self.column(Col::CPython)?, self.ours()))
    }

    /// `imp` in the unwinding build at `unwind` over `imp` in the panic=abort build at `abort`
    /// (the same runtime), over the rounds.
    pub fn unwind_over_abort(
        &self,
        unwind: fn(Impl) -> Col,
        abort: fn(Impl) -> Col,
        imp: Impl,
    ) -> Option<Quartiles> {
        Some(round_ratios(self.at(unwind, imp)?, self.at(abort, imp)?))
    }
}

/// [`crate::stats::calibrate`] twice, the larger count: a stall of the machine (a descheduled
/// thread, a sleeping worker woken late) only ever makes a calibration run slower, and so its
/// count smaller, which on a shared machine can leave a column sampling a handful of iterations
/// (the executor rows, with one task per iteration, showed it). `None` if either fails.
fn calibrate(target: u64, mut run: impl FnMut(u64) -> Option<u64>) -> Option<u64> {
    let a = crate::stats::calibrate(target, &mut run)?;
    let b = crate::stats::calibrate(target, &mut run)?;
    Some(a.max(b))
}

/// Samples every column of `w` (its Rust variants, CPython's when `cpython` runs, each remote's
/// variants) in `rounds` interleaved rounds, each sample calibrated to about `target` ns (see
/// `stats/mod.rs`).
pub fn measure(
    w: &'static Workload,
    target: u64,
    rounds: usize,
    cpython: &mut Server,
    remotes: &mut [Remote],
) -> Row {
    let mut cols: Vec<Col> = (0..w.variants.len()).map(Col::Rust).collect();
    let mut iters: Vec<u64> = w
        .variants
        .iter()
        .map(|v| calibrate(target, |n| Some((v.run)(n))).expect("Rust workloads always run"))
        .collect();
    if let Some(n) = calibrate(target, |n| cpython.run_cpython(w.key, n)) {
        cols.push(Col::CPython);
        iters.push(n);
    }
    for remote in remotes.iter_mut() {
        for imp in remote.impls(w) {
            if let Some(n) = calibrate(target, |n| remote.server.run_wasm(w.key, imp, n)) {
                cols.push((remote.col)(imp));
                iters.push(n);
            }
        }
    }

    let mut sample = |col: Col, n: u64| -> Option<f64> {
        let ns = match col {
            Col::Rust(i) => (w.variants[i].run)(n),
            Col::CPython => cpython.run_cpython(w.key, n)?,
            Col::Wasm(imp) | Col::WasmAbort(imp) | Col::Browser(imp) | Col::BrowserAbort(imp) => {
                let remote = remotes.iter_mut().find(|r| (r.col)(imp) == col)?;
                remote.server.run_wasm(w.key, imp, n)?
            }
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
                    // A child process died mid-row: keep the complete rounds only.
                    let complete = samples.iter().map(Vec::len).min().unwrap_or(0);
                    samples.iter_mut().for_each(|s| s.truncate(complete));
                    break 'rounds;
                }
            }
        }
    }
    if samples[0].is_empty() {
        // No complete round with the children: measure again without the one that died.
        return measure(w, target, rounds, cpython, remotes);
    }
    Row {
        workload: w,
        cols,
        samples,
    }
}

// ---------------------------------------------------------------------------------------------
// Child processes serving samples: CPython, and this bench built for wasm under wasmtime

/// How a wasm build's panics end; the bench samples both builds of each wasm runtime.
#[derive(Clone, Copy, PartialEq, Debug)]
pub enum Panic {
    /// `-Cpanic=unwind`, std with `panic_unwind`: the project's wasm builds.
    Unwind,
    /// panic=abort: a panic is a trap.
    Abort,
}

impl Panic {
    /// The spelling of the servers' greetings (`"panic": "unwind"`).
    pub fn name(self) -> &'static str {
        match self {
            Panic::Unwind => "unwind",
            Panic::Abort => "abort",
        }
    }

    /// How this build's panics end.
    pub fn here() -> Panic {
        if cfg!(panic = "unwind") {
            Panic::Unwind
        } else {
            Panic::Abort
        }
    }
}

/// The module wasm-bindgen makes of `www/bench` in its output directory (`www/bench-pkg`,
/// `www/bench-pkg-abort`): the .wasm the browser runs, whose size the report gives.
pub const WEB_WASM: &str = "pythreading_bench_bg.wasm";

/// A wasm runtime that serves samples of the Rust variants in the native rounds: this bench
/// under wasmtime or the workloads in a headless browser, each as the unwinding build and as
/// the panic=abort build (four in all, each its own child process).
pub struct Remote {
    /// The columns it fills: `Col::Wasm`, `Col::WasmAbort`, `Col::Browser` or
    /// `Col::BrowserAbort`.
    pub col: fn(Impl) -> Col,
    pub panic: Panic,
    /// The environment variable that names what it runs (set by `scripts/bench.sh`).
    pub var: &'static str,
    /// The .wasm file it runs (when `var` names one), whose size the report gives.
    pub module: Option<PathBuf>,
    pub server: Server,
}

impl Remote {
    /// This bench built for wasm32-wasip1-threads under the host: `$PYTHREADING_BENCH_WASM`
    /// (unwinding, `cargo xtask build bench-wasm`) or `$PYTHREADING_BENCH_WASM_ABORT`
    /// (`cargo xtask build bench-wasm --panic abort`).
    pub fn wasmtime(panic: Panic) -> Remote {
        let (col, var): (fn(Impl) -> Col, _) = match panic {
            Panic::Unwind => (Col::Wasm, "PYTHREADING_BENCH_WASM"),
            Panic::Abort => (Col::WasmAbort, "PYTHREADING_BENCH_WASM_ABORT"),
        };
        Remote {
            col,
            panic,
            var,
            module: prebuilt(var).ok(),
            server: Server::wasmtime(var, panic),
        }
    }

    /// The workloads in a headless browser: `$PYTHREADING_BENCH_WEB_DIR` (`www/bench-pkg`,
    /// unwinding) or `$PYTHREADING_BENCH_WEB_ABORT_DIR` (`www/bench-pkg-abort`, `cargo xtask
    /// build bench-web --panic abort`), each in a browser of its own.
    pub fn browser(panic: Panic) -> Remote {
        let (col, var, pkg): (fn(Impl) -> Col, _, _) = match panic {
            Panic::Unwind => (Col::Browser, "PYTHREADING_BENCH_WEB_DIR", "bench-pkg"),
            Panic::Abort => (
                Col::BrowserAbort,
                "PYTHREADING_BENCH_WEB_ABORT_DIR",
                "bench-pkg-abort",
            ),
        };
        Remote {
            col,
            panic,
            var,
            module: prebuilt(var).ok().map(|dir| dir.join(WEB_WASM)),
            server: Server::browser(var, pkg, panic),
        }
    }

    pub fn in_browser(&self) -> bool {
        matches!(
            (self.col)(Impl::Std),
            Col::Browser(_) | Col::BrowserAbort(_)
        )
    }

    /// `wasmtime` or `browser`.
    pub fn runtime(&self) -> &'static str {
        if self.in_browser() {
            "browser"
        } else {
            "wasmtime"
        }
    }

    /// Whether it runs `imp`'s variant of `key`.
    pub fn runs(&self, key: &str, imp: Impl) -> bool {
        if self.in_browser() {
            runs_in_browser(key, imp)
        } else {
            WASM_IMPLS.contains(&imp)
        }
    }

    /// The variants of `w` it runs, in the row's order.
    pub fn impls(&self, w: &Workload) -> Vec<Impl> {
        w.variants
            .iter()
            .map(|v| v.imp)
            .filter(|&imp| self.runs(w.key, imp))
            .collect()
    }

    /// The toolchain its module was built with, as its greeting says (the wasmtime module's).
    pub fn toolchain(&self) -> Option<&str> {
        match &self.server {
            Server::Running { hello, .. } => hello.get("toolchain")?.as_str(),
            Server::Skipped(_) => None,
        }
    }

    /// The size of its .wasm file in bytes.
    pub fn module_bytes(&self) -> Option<u64> {
        Some(std::fs::metadata(self.module.as_ref()?).ok()?.len())
    }
}

/// The remote that fills the columns `col` (`Col::Wasm`, ...), if the run has it.
pub fn remote(remotes: &[Remote], col: fn(Impl) -> Col) -> Option<&Remote> {
    remotes
        .iter()
        .find(|r| (r.col)(Impl::Std) == col(Impl::Std))
}

pub fn remote_mut(remotes: &mut [Remote], col: fn(Impl) -> Col) -> Option<&mut Remote> {
    remotes
        .iter_mut()
        .find(|r| (r.col)(Impl::Std) == col(Impl::Std))
}

pub enum Server {
    Running {
        /// CPython's version, or the wasm module's path.
        label: String,
        /// Its greeting line, parsed.
        hello: serde_json::Value,
        child: Child,
        /// `None` once closed, which asks the server to exit.
        stdin: Option<ChildStdin>,
        stdout: BufReader<ChildStdout>,
    },
    Skipped(String),
}

impl Server {
    /// Starts `cmd` with piped stdio; its first line must be a one-line JSON object with the
    /// string field `field`, whose value becomes the label, and, when `panic` is given, the
    /// field `"panic"` saying so (see [`check_greeting`]).
    pub fn start(mut cmd: Command, what: &str, field: &str, panic: Option<Panic>) -> Server {
        let spawned = cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).spawn();
        let mut child = match spawned {
            Ok(child) => child,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Server::Skipped(format!("{what} not found"));
            }
            Err(e) => return Server::Skipped(format!("{what} did not start: {e}")),
        };
        let stdin = child.stdin.take().expect("piped stdin");
        let mut stdout = BufReader::new(child.stdout.take().expect("piped stdout"));
        let mut hello = String::new();
        let label = match stdout.read_line(&mut hello) {
            Ok(_) => check_greeting(&hello, field, panic),
            Err(e) => Err(format!("no greeting: {e}")),
        };
        match label {
            Ok(label) => Server::Running {
                label,
                hello: serde_json::from_str(&hello).unwrap_or_default(),
                child,
                stdin: Some(stdin),
                stdout,
            },
            Err(why) => {
                end(&mut child, Some(stdin));
                Server::Skipped(format!("{what}: {why}"))
            }
        }
    }

    /// `python3 benches/cpython_bench.py --serve`; its first line is `{"python": "3.x.y"}`.
    pub fn cpython() -> Server {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/cpython_bench.py");
        let mut cmd = Command::new("python3");
        cmd.arg(script).arg("--serve");
        Server::start(cmd, "python3", "python", None)
    }

    /// This bench built for wasm32-wasip1-threads (the module the variable `var` names, whose
    /// panics must end as `panic`), `--serve`d under the project's wasmtime host
    /// (`$PYTHREADING_HOST`). The label is the module's path.
    pub fn wasmtime(var: &str, panic: Panic) -> Server {
        let (module, host) = match (prebuilt(var), prebuilt("PYTHREADING_HOST")) {
            (Ok(module), Ok(host)) => (module, host),
            (Err(why), _) | (_, Err(why)) => return Server::Skipped(why),
        };
        let mut cmd = Command::new(&host);
        cmd.arg(&module)
            .arg("--serve")
            .current_dir(env!("CARGO_MANIFEST_DIR"));
        let mut server = Server::start(cmd, "the wasmtime host", "target", Some(panic));
        if let Server::Running { label, .. } = &mut server {
            *label = module.display().to_string();
        }
        server
    }

    /// A headless browser (Chromium unless `PYTHREADING_BROWSER` names another) running the
    /// directory the variable `var` names (this bench's workloads built for
    /// wasm32-unknown-unknown by `cargo xtask build bench-web [--panic abort]` into
    /// `www/PKG`, `www/bench-pkg` or `www/bench-pkg-abort`, where the page loads them from with
    /// `?pkg=PKG`), driven by `python3 scripts/browser/bench_browser.py --serve --pkg PKG`,
    /// which answers the same `run KEY IMPL N` requests as the wasmtime module; its first line
    /// is `{"browser": "Chromium 156... (headless)", "pkg": PKG, "panic": "unwind"}`, and its
    /// panics must end as `panic`.
    pub fn browser(var: &str, pkg: &str, panic: Panic) -> Server {
        let dir = match prebuilt(var) {
            Ok(dir) => dir,
            Err(why) => return Server::Skipped(why),
        };
        let served = Path::new(env!("CARGO_MANIFEST_DIR")).join("www").join(pkg);
        if dir.canonicalize().ok() != served.canonicalize().ok() {
            return Server::Skipped(format!(
                "{var} is {}, but www/bench.html?pkg={pkg} loads the workloads from {}",
                dir.display(),
                served.display()
            ));
        }
        let script = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/scripts/browser/bench_browser.py"
        );
        let mut cmd = Command::new("python3");
        cmd.arg(script).args(["--serve", "--pkg", pkg]);
        Server::start(
            cmd,
            "python3 scripts/browser/bench_browser.py",
            "browser",
            Some(panic),
        )
    }

    /// One CPython sample: `n` iterations of workload `key`; the elapsed ns.
    pub fn run_cpython(&mut self, key: &str, n: u64) -> Option<u64> {
        self.request(&format!("run {key} {n}"))
    }

    /// One wasm sample: `n` iterations of `imp`'s variant of workload `key`; the elapsed ns.
    pub fn run_wasm(&mut self, key: &str, imp: Impl, n: u64) -> Option<u64> {
        self.request(&format!("run {key} {} {n}", imp.name()))
    }

    /// Sends one request line; the answer line, trimmed. `None` when the server is not running;
    /// no answer or an `error: ...` answer stops it (and says why in the report).
    pub fn request_line(&mut self, line: &str) -> Option<String> {
        let Server::Running {
            stdin: Some(stdin),
            stdout,
            ..
        } = self
        else {
            return None;
        };
        let mut answer = String::new();
        let result = writeln!(stdin, "{line}")
            .and_then(|()| stdin.flush())
            .and_then(|()| stdout.read_line(&mut answer));
        match result {
            Ok(n) if n > 0 && !answer.starts_with("error: ") => Some(answer.trim().to_string()),
            Ok(_) => {
                self.stop(format!("failed during `{line}`: {:?}", answer.trim()));
                None
            }
            Err(e) => {
                self.stop(format!("failed during `{line}`: {e}"));
                None
            }
        }
    }

    /// Sends one request line; the answer as a number. `None` when the server is not running;
    /// a failure stops it (and says why in the report).
    pub fn request(&mut self, line: &str) -> Option<u64> {
        let answer = self.request_line(line)?;
        let ns = answer.parse().ok();
        if ns.is_none() {
            self.stop(format!("failed during `{line}`: {answer:?}"));
        }
        ns
    }

    pub fn stop(&mut self, why: String) {
        if let Server::Running { child, stdin, .. } = self {
            end(child, stdin.take());
        }
        *self = Server::Skipped(why);
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Server::Running { child, stdin, .. } = self {
            end(child, stdin.take()); // at once when `stop` ended it already
        }
    }
}

/// Ends a server: closes its stdin, on which every server exits by itself (the browser
/// driver first closes its Chromium session and chromedriver, which a kill would orphan);
/// kills it if it has not exited after 20 s.
pub fn end(child: &mut Child, stdin: Option<ChildStdin>) {
    // Closes the pipe natively; wasm's std has no processes, and there its ChildStdin has no Drop.
    #[allow(clippy::drop_non_drop)]
    drop(stdin);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while std::time::Instant::now() < deadline {
        match child.try_wait() {
            Ok(Some(_)) | Err(_) => return,
            Ok(None) => std::thread::sleep(std::time::Duration::from_millis(20)),
        }
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// A prebuilt artifact's path from the environment variable `var` (set by `scripts/bench.sh`
/// after `cargo xtask build ...`), or why there is none: the bench builds nothing itself.
pub fn prebuilt(var: &str) -> Result<PathBuf, String> {
    match std::env::var_os(var).filter(|v| !v.is_empty()) {
        Some(path) if Path::new(&path).exists() => Ok(path.into()),
        Some(path) => Err(format!(
            "{var}={}: no such file",
            Path::new(&path).display()
        )),
        None => Err(format!(
            "{var} is not set: `bash scripts/bench.sh` builds what it names (`cargo xtask \
             build ...`) and sets it"
        )),
    }
}

/// The string field `field` of a greeting, a one-line JSON object (`{"python": "3.11.2"}`),
/// after checking, when `panic` is given, that the server's module says its panics end so
/// (`"panic": "abort"`): a variable pointing at the other build is an error, not a silently
/// wrong column.
pub fn check_greeting(line: &str, field: &str, panic: Option<Panic>) -> Result<String, String> {
    let unexpected = || format!("unexpected greeting {:?}", line.trim());
    let value: serde_json::Value = serde_json::from_str(line).map_err(|_| unexpected())?;
    let label = value
        .get(field)
        .and_then(|v| v.as_str())
        .ok_or_else(unexpected)?;
    if let Some(want) = panic {
        let have = value.get("panic").and_then(|v| v.as_str());
        if have != Some(want.name()) {
            return Err(format!(
                "expected a module whose panics {}, the greeting says {:?}",
                want.name(),
                line.trim()
            ));
        }
    }
    Ok(label.to_string())
}

// ---------------------------------------------------------------------------------------------
// Report helpers

pub fn fmt_ns(ns: f64) -> String {
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

pub fn fmt_ratio(q: &Quartiles) -> String {
    let digits = if q.median >= 10.0 { 1 } else { 2 };
    format!(
        "{:.d$}× [{:.d$}–{:.d$}]",
        q.median,
        q.p25,
        q.p75,
        d = digits
    )
}

/// A table cell: the median time of a column's samples, or a dash when the column did not run.
pub fn cell_time(samples: Option<&[f64]>) -> String {
    samples.map_or_else(|| "—".to_string(), |s| fmt_ns(median(s)))
}

/// A table cell: a ratio with its quartiles, or a dash when a side did not run.
pub fn cell_ratio(q: Option<Quartiles>) -> String {
    q.map_or_else(|| "—".to_string(), |q| fmt_ratio(&q))
}

/// `TITLE 1.234× [p25–p75]`, or `TITLE n/a`.
pub fn info(q: Option<Quartiles>, title: &str) -> String {
    match q {
        Some(q) => format!("{title} {:.3}× [{:.3}–{:.3}]", q.median, q.p25, q.p75),
        None => format!("{title} n/a"),
    }
}

/// `TITLE 1.234× [p25–p75] PASS` when the median ratio is at most `max`, else MISS; n/a when
/// the ratio could not be measured.
pub fn goal(q: Option<Quartiles>, title: &str, max: f64) -> String {
    match q {
        Some(q) => format!(
            "{title} {:.3}× [{:.3}–{:.3}] {}",
            q.median,
            q.p25,
            q.p75,
            verdict(q.median <= max)
        ),
        None => format!("{title} n/a"),
    }
}

pub fn verdict(pass: bool) -> &'static str {
    if pass {
        "PASS"
    } else {
        "MISS"
    }
}
