//! Runs the built `pythreading-host` binary on bad input and on small guests.
//!
//! Rust guests live in `tests/guests/` (a standalone cargo project) and are compiled for
//! `wasm32-wasip1-threads` once per test run; hand-written modules for the bad-input cases are
//! assembled from WAT text. Every child process is bounded by a timeout.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// This crate's directory in the checkout being tested, read when the test runs: the compiled
/// test is cached outside the clone (scripts/wasi-runner.sh) and cargo reuses it for another
/// clone of the same sources, so a path baked in at compile time could name another checkout.
fn manifest_dir() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")))
}

const HOST: &str = env!("CARGO_BIN_EXE_pythreading-host");
const TMP: &str = env!("CARGO_TARGET_TMPDIR");
/// Generous bound for one guest run (the dev-built host compiles a few MB of wasm first).
const RUN_TIMEOUT: Duration = Duration::from_secs(120);

struct Run {
    status: ExitStatus,
    stdout: String,
    stderr: String,
}

impl Run {
    fn code(&self) -> i32 {
        self.status.code().expect("host ended by a signal")
    }

    /// The host's own diagnostic lines.
    fn host_lines(&self) -> Vec<&str> {
        self.stderr
            .lines()
            .filter(|l| l.starts_with("pythreading-host:"))
            .collect()
    }

    /// Asserts a non-zero exit with exactly one stderr line, which contains `needle`.
    fn assert_one_line_error(&self, needle: &str) {
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
fn assert_no_rust_panic(stderr: &str) {
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

/// Runs the host with `args`, bounded by [`RUN_TIMEOUT`].
fn host(args: &[&str]) -> Run {
    host_with(args, |_| {})
}

fn host_with(args: &[&str], configure: impl FnOnce(&mut Command)) -> Run {
    let mut cmd = Command::new(HOST);
    cmd.args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    configure(&mut cmd);
    let mut child = cmd.spawn().expect("start pythreading-host");
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
    let deadline = Instant::now() + RUN_TIMEOUT;
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
    Run {
        status,
        stdout: out.join().unwrap().expect("read stdout"),
        stderr: err.join().unwrap().expect("read stderr"),
    }
}

/// Builds the Rust guests once; returns the directory holding the `.wasm` files.
fn guests_dir() -> &'static Path {
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

fn guest(name: &str) -> String {
    let path = guests_dir().join(format!("{name}.wasm"));
    assert!(path.exists(), "guest {} was not built", path.display());
    path.to_str().unwrap().to_string()
}

/// Writes `bytes` to a fresh file under the test temp dir.
fn temp_file(name: &str, bytes: &[u8]) -> String {
    let dir = Path::new(TMP).join("cli-inputs");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path.to_str().unwrap().to_string()
}

fn wat_module(name: &str, text: &str) -> String {
    let bytes = wat::parse_str(text).expect("valid WAT");
    temp_file(name, &bytes)
}

// ---- bad input ------------------------------------------------------------------------------

#[test]
fn missing_file_is_one_line_error() {
    let missing = Path::new(TMP).join("no-such-module.wasm");
    let run = host(&[missing.to_str().unwrap()]);
    run.assert_one_line_error("cannot read");
    assert_eq!(run.code(), 1);
}

#[test]
fn text_file_is_not_wasm() {
    let path = temp_file("hello.txt", b"hello, this is not wasm\n");
    host(&[&path]).assert_one_line_error("is not a WebAssembly module");
}

#[test]
fn truncated_module_is_invalid() {
    let path = temp_file("truncated.wasm", b"\0asm\x01\0\0\0\x01\xff\xff");
    host(&[&path]).assert_one_line_error("is not a valid WebAssembly module");
}

#[test]
fn component_is_rejected() {
    let path = temp_file("component.wasm", b"\0asm\x0d\0\x01\0");
    host(&[&path]).assert_one_line_error("not a core module");
}

#[test]
fn module_without_shared_memory_is_rejected() {
    // What a wasm32-wasip1 (not -threads) build looks like: it defines its own memory.
    let path = wat_module(
        "own-memory.wasm",
        r#"(module
            (memory (export "memory") 1)
            (func (export "_start"))
            (func (export "wasi_thread_start") (param i32 i32)))"#,
    );
    host(&[&path]).assert_one_line_error("does not import a shared memory");
}

#[test]
fn imported_unshared_memory_is_rejected() {
    let path = wat_module(
        "unshared-import.wasm",
        r#"(module
            (import "env" "memory" (memory 1 2))
            (func (export "_start"))
            (func (export "wasi_thread_start") (param i32 i32)))"#,
    );
    host(&[&path]).assert_one_line_error("not shared");
}

#[test]
fn module_without_wasi_thread_start_is_rejected() {
    let path = wat_module(
        "no-thread-start.wasm",
        r#"(module
            (import "env" "memory" (memory 1 2 shared))
            (func (export "_start")))"#,
    );
    host(&[&path]).assert_one_line_error("does not export `wasi_thread_start`");
}

#[test]
fn wrong_thread_start_signature_is_rejected() {
    let path = wat_module(
        "bad-thread-start.wasm",
        r#"(module
            (import "env" "memory" (memory 1 2 shared))
            (func (export "_start"))
            (func (export "wasi_thread_start") (param i32)))"#,
    );
    host(&[&path]).assert_one_line_error("(i32, i32) -> ()");
}

#[test]
fn reactor_module_is_rejected() {
    let path = wat_module(
        "reactor.wasm",
        r#"(module
            (import "env" "memory" (memory 1 2 shared))
            (func (export "_initialize"))
            (func (export "wasi_thread_start") (param i32 i32)))"#,
    );
    host(&[&path]).assert_one_line_error("is a reactor module");
}

#[test]
fn module_without_start_is_rejected() {
    let path = wat_module(
        "no-start.wasm",
        r#"(module
            (import "env" "memory" (memory 1 2 shared))
            (func (export "wasi_thread_start") (param i32 i32)))"#,
    );
    host(&[&path]).assert_one_line_error("does not export `_start`");
}

#[test]
fn unknown_import_is_one_line_error() {
    let path = wat_module(
        "unknown-import.wasm",
        r#"(module
            (import "env" "memory" (memory 1 2 shared))
            (import "nowhere" "nothing" (func))
            (func (export "_start"))
            (func (export "wasi_thread_start") (param i32 i32)))"#,
    );
    host(&[&path]).assert_one_line_error("nowhere");
}

#[test]
fn no_arguments_prints_usage() {
    let run = host(&[]);
    assert_eq!(run.code(), 2);
    assert!(
        run.stderr.contains("usage: pythreading-host"),
        "{}",
        run.stderr
    );
    assert_no_rust_panic(&run.stderr);
}

#[test]
fn unknown_option_is_usage_error() {
    let run = host(&["--frobnicate", "x.wasm"]);
    assert_eq!(run.code(), 2);
    assert!(
        run.stderr.contains("unknown option --frobnicate"),
        "{}",
        run.stderr
    );
}

#[test]
fn missing_dir_is_one_line_error() {
    let path = guest("args_env");
    let missing = Path::new(TMP).join("no-such-dir");
    host(&["--dir", missing.to_str().unwrap(), &path]).assert_one_line_error("cannot open --dir");
}

// ---- traps and exits in hand-written modules ------------------------------------------------

#[test]
fn trap_in_main_thread_is_one_line_and_134() {
    let path = wat_module(
        "main-trap.wasm",
        r#"(module
            (import "env" "memory" (memory 1 2 shared))
            (func (export "_start") unreachable)
            (func (export "wasi_thread_start") (param i32 i32)))"#,
    );
    let run = host(&[&path]);
    run.assert_one_line_error("main thread trapped: wasm trap: wasm `unreachable`");
    assert_eq!(run.code(), 134);
}

#[test]
fn thread_ids_are_positive_and_unique() {
    // `_start` spawns 50 threads (each returns at once) and traps unless every id is in
    // 1..=0x1FFFFFFF and larger than the one before.
    let path = wat_module(
        "tids.wasm",
        r#"(module
            (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
            (import "env" "memory" (memory 1 2 shared))
            (func (export "_start")
              (local $i i32) (local $tid i32) (local $last i32)
              (loop $again
                (local.set $tid (call $spawn (i32.const 0)))
                (if (i32.le_s (local.get $tid) (local.get $last)) (then unreachable))
                (if (i32.gt_s (local.get $tid) (i32.const 0x1FFFFFFF)) (then unreachable))
                (local.set $last (local.get $tid))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br_if $again (i32.lt_u (local.get $i) (i32.const 50)))))
            (func (export "wasi_thread_start") (param i32 i32)))"#,
    );
    let run = host(&[&path]);
    assert_eq!(run.code(), 0, "stderr: {}", run.stderr);
}

// ---- Rust guests ----------------------------------------------------------------------------

#[test]
fn std_threads_join_and_exit_code_passes_through() {
    let path = guest("threads");
    let run = host(&[&path, "5"]);
    assert_eq!(
        run.stdout, "sum=36 returned=360 threads=8\n",
        "stderr: {}",
        run.stderr
    );
    assert_eq!(run.code(), 5);
    let run = host(&[&path]);
    assert_eq!(
        run.stdout, "sum=36 returned=360 threads=8\n",
        "stderr: {}",
        run.stderr
    );
    assert_eq!(run.code(), 0);
    assert_eq!(run.stderr, "");
}

#[test]
fn args_and_env_pass_through() {
    let path = guest("args_env");
    let run = host_with(&[&path, "one", "two words", "--three"], |cmd| {
        cmd.env("GUEST_VAR", "hello guest");
    });
    assert_eq!(run.code(), 0, "stderr: {}", run.stderr);
    assert_eq!(
        run.stdout,
        "args=[\"one\", \"two words\", \"--three\"]\nGUEST_VAR=hello guest\nargv0_is_wasm=true\n"
    );
}

#[test]
fn dir_preopen_lets_main_and_threads_read_files() {
    let dir = Path::new(TMP).join("preopen");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("hello.txt"), "hello from the host\n").unwrap();
    let dir = dir.to_str().unwrap();
    let path = guest("read_file");

    let file = format!("{dir}/hello.txt");
    let run = host(&["--dir", dir, &path, &file]);
    assert_eq!(run.code(), 0, "stderr: {}", run.stderr);
    assert_eq!(
        run.stdout,
        "main read: hello from the host\nthread read: hello from the host\n"
    );

    // HOST::GUEST maps the directory to another guest path.
    let mapped = format!("--dir={dir}::/data");
    let run = host(&[&mapped, &path, "/data/hello.txt"]);
    assert_eq!(run.code(), 0, "stderr: {}", run.stderr);
    assert!(run.stdout.starts_with("main read: hello from the host\n"));

    // Without a preopen the guest sees no files.
    let run = host(&[&path, &file]);
    assert_eq!(run.code(), 3, "stdout: {}", run.stdout);
}

#[test]
fn thread_trap_with_hook_carries_on() {
    let run = host(&[&guest("trap_hook")]);
    assert_eq!(run.code(), 0, "stderr: {}", run.stderr);
    assert_eq!(
        run.stdout, "main carries on: hook_ran=true label=42 after=7\n",
        "stderr: {}",
        run.stderr
    );
    // The guest's panic message, then the hook, which saw the dead thread's TLS.
    assert!(run.stderr.contains("boom in worker"), "{}", run.stderr);
    assert!(
        run.stderr.contains("hook: thread with label 42 trapped"),
        "{}",
        run.stderr
    );
    assert!(run.host_lines().is_empty(), "host spoke: {}", run.stderr);
}

#[test]
fn thread_trap_without_hook_exits_134() {
    let run = host(&[&guest("trap_nohook")]);
    assert_eq!(run.code(), 134, "stderr: {}", run.stderr);
    assert!(run.stderr.contains("boom without hook"), "{}", run.stderr);
    let lines = run.host_lines();
    assert_eq!(lines.len(), 1, "{}", run.stderr);
    assert!(
        lines[0].starts_with("pythreading-host: thread 1 trapped: wasm trap: "),
        "{}",
        lines[0]
    );
    assert!(!run.stdout.contains("not reached"));
    assert_no_rust_panic(&run.stderr);
}

#[test]
fn proc_exit_in_thread_ends_program_with_its_code() {
    let run = host(&[&guest("exit_in_thread")]);
    assert_eq!(run.code(), 7, "stderr: {}", run.stderr);
    assert!(!run.stdout.contains("not reached"));
    assert_eq!(run.stderr, "");
}

#[test]
fn panic_in_main_thread_exits_134() {
    let run = host(&[&guest("main_panic")]);
    assert_eq!(run.code(), 134, "stderr: {}", run.stderr);
    assert!(run.stderr.contains("main thread fails"), "{}", run.stderr);
    let lines = run.host_lines();
    assert_eq!(lines.len(), 1, "{}", run.stderr);
    assert!(
        lines[0].starts_with("pythreading-host: main thread trapped: wasm trap: "),
        "{}",
        lines[0]
    );
    assert_no_rust_panic(&run.stderr);
}

#[test]
fn sequential_and_batched_threads_get_fresh_state() {
    let path = guest("many_threads");
    let expected = "threads=300 distinct_ids=300 stale_tls=0\n";
    let run = host(&[&path]);
    assert_eq!(run.code(), 0, "stderr: {}", run.stderr);
    assert_eq!(run.stdout, expected);
    // Same result with host-thread reuse turned off.
    let run = host_with(&[&path], |cmd| {
        cmd.env("PYTHREADING_HOST_THREAD_POOL", "0");
    });
    assert_eq!(run.code(), 0, "stderr: {}", run.stderr);
    assert_eq!(run.stdout, expected);
}
