//! Helpers shared by the host's integration tests: running the built `pythreading-host`
//! binary with a timeout, building the Rust guests in `tests/guests/`, assembling WAT modules.
#![allow(dead_code)] // each test binary uses a different subset

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// This crate's directory in the checkout being tested, read when the test runs: the compiled
/// test is cached outside the clone (scripts/wasi-runner.sh) and cargo reuses it for another
/// clone of the same sources, so a path baked in at compile time could name another checkout.
pub fn manifest_dir() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")))
}

pub const HOST: &str = env!("CARGO_BIN_EXE_pythreading-host");
pub const TMP: &str = env!("CARGO_TARGET_TMPDIR");
/// Generous bound for one guest run (the dev-built host compiles a few MB of wasm first).
pub const RUN_TIMEOUT: Duration = Duration::from_secs(120);

pub struct Run {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
    /// From spawning the host to its exit.
    pub elapsed: Duration,
}

impl Run {
    pub fn code(&self) -> i32 {
        self.status.code().expect("host ended by a signal")
    }

    /// The host's own diagnostic lines.
    pub fn host_lines(&self) -> Vec<&str> {
        self.stderr
            .lines()
            .filter(|l| l.starts_with("pythreading-host:"))
            .collect()
    }

    /// Asserts a non-zero exit with exactly one stderr line, which contains `needle`.
    pub fn assert_one_line_error(&self, needle: &str) {
        assert_ne!(self.code(), 0, "stderr: {}", self.stderr);
        let lines: Vec<&str> = self.stderr.lines().collect();
        assert_eq!(
            lines.len(),
            1,
            "expected one stderr line, got: {:?}",
            self.stderr
        );
        assert!(
            lines[0].starts_with("pythreading-host: ") && lines[0].contains(needle),
            "line {:?} lacks {needle:?}",
            lines[0]
        );
        assert_no_rust_panic(&self.stderr);
    }
}

/// The host itself must not panic or print a Rust backtrace; guests' own panic messages (from
/// `src/bin/`, with at most a frameless "stack backtrace:" note) are fine.
pub fn assert_no_rust_panic(stderr: &str) {
    for line in stderr.lines() {
        if line.contains("panicked at") {
            assert!(line.contains("src/bin/"), "host panicked: {stderr}");
        }
        let frame = line.trim_start();
        let is_frame = frame
            .split_once(": ")
            .is_some_and(|(n, _)| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
        assert!(!is_frame, "backtrace frame in stderr: {stderr}");
    }
}

/// What the host's stdin is.
pub enum Stdin {
    /// `/dev/null`.
    Null,
    /// A pipe that stays open (nothing is written) until the host has exited.
    OpenPipe,
}

/// Runs the host with `args`, bounded by [`RUN_TIMEOUT`].
pub fn host(args: &[&str]) -> Run {
    host_with(args, |_| {})
}

pub fn host_with(args: &[&str], configure: impl FnOnce(&mut Command)) -> Run {
    host_full(args, Stdin::Null, configure)
}

pub fn host_full(args: &[&str], stdin: Stdin, configure: impl FnOnce(&mut Command)) -> Run {
    let mut cmd = Command::new(HOST);
    cmd.args(args)
        .stdin(match stdin {
            Stdin::Null => Stdio::null(),
            Stdin::OpenPipe => Stdio::piped(),
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    configure(&mut cmd);
    let started = Instant::now();
    let mut child = cmd.spawn().expect("start pythreading-host");
    // Held (never written) until the host has exited.
    let stdin_pipe = child.stdin.take();
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        out.read_to_string(&mut s).map(|_| s)
    });
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        err.read_to_string(&mut s).map(|_| s)
    });
    let deadline = started + RUN_TIMEOUT;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for host") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("pythreading-host {args:?} did not finish within {RUN_TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let elapsed = started.elapsed();
    drop(stdin_pipe);
    Run {
        status,
        stdout: out.join().unwrap().expect("read stdout"),
        stderr: err.join().unwrap().expect("read stderr"),
        elapsed,
    }
}

/// Builds the Rust guests once; returns the directory holding the `.wasm` files.
pub fn guests_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let manifest = manifest_dir().join("tests/guests/Cargo.toml");
        let target_dir = Path::new(TMP).join("guests");
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let status = Command::new(cargo)
            .args(["build", "--quiet", "--target", "wasm32-wasip1-threads"])
            .arg("--manifest-path")
            .arg(&manifest)
            .arg("--target-dir")
            .arg(&target_dir)
            // Flags meant for the host build must not leak into the guests'.
            .env_remove("RUSTFLAGS")
            .env_remove("CARGO_ENCODED_RUSTFLAGS")
            .env_remove("CARGO_BUILD_RUSTFLAGS")
            .env_remove("CARGO_BUILD_TARGET")
            .status()
            .expect("run cargo to build the test guests");
        assert!(
            status.success(),
            "building the test guests failed (is the wasm32-wasip1-threads target installed? \
             `rustup target add wasm32-wasip1-threads`)"
        );
        target_dir.join("wasm32-wasip1-threads/debug")
    })
}

pub fn guest(name: &str) -> String {
    let path = guests_dir().join(format!("{name}.wasm"));
    assert!(path.exists(), "guest {} was not built", path.display());
    path.to_str().unwrap().to_string()
}

/// Writes `bytes` to a fresh file under the test temp dir.
pub fn temp_file(name: &str, bytes: &[u8]) -> String {
    let dir = Path::new(TMP).join("cli-inputs");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path.to_str().unwrap().to_string()
}

pub fn wat_module(name: &str, text: &str) -> String {
    let bytes = wat::parse_str(text).expect("valid WAT");
    temp_file(name, &bytes)
}
