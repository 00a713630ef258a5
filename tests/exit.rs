//! Process-exit conformance checks, run as subprocesses: T-09, J-01, J-02, J-03 (program exit
//! waits for every non-daemon thread and for no daemon thread), X-06 and H-01 (a panic in a
//! thread is reported on stderr and the exit code stays 0), H-03 (`exit_thread()` is silent),
//! H-05 (a panicking hook), H-06 (custom hook output, then the restored default).
//!
//! The programs are the scenarios of tests/main_thread.rs: that test binary, given a scenario
//! name as its first argument, runs it in its real main thread and ends. This file finds that
//! binary next to its own (`target/<profile>/deps/main_thread-<hash>`, the newest one), which
//! `cargo test` builds before running any test. (`cargo test --test exit` alone does not build
//! it: run `cargo test --test exit --test main_thread`.)
//!
//! Native only: subprocesses do not exist under wasmtime or in browsers.
//!
//! Not applicable: J-04 (fork), T-18's finalizer output `GC: True True True` (PY; its portable
//! part is in tests/main_thread.rs), X-07/X-08 (`sys.stderr = None`: PY).

/// Shown as ignored, with the reason, when this file is built for wasm.
#[cfg(target_family = "wasm")]
#[test]
#[ignore = "needs subprocesses (native only): exit checks run natively, the examples under wasmtime"]
fn exit_checks_need_subprocesses() {}

#[cfg(not(target_family = "wasm"))]
mod native {

    use std::io::Read;
    use std::path::PathBuf;
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant, SystemTime};

    /// The newest `main_thread-<hash>` executable in the directory of this test binary.
    fn main_thread_bin() -> PathBuf {
        let me = std::env::current_exe().expect("current_exe");
        let dir = me.parent().expect("test binary directory");
        let mut best: Option<(SystemTime, PathBuf)> = None;
        for entry in std::fs::read_dir(dir).expect("read deps dir").flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let Some(rest) = name.strip_prefix("main_thread-") else {
                continue;
            };
            let hash = rest.strip_suffix(".exe").unwrap_or(rest);
            if hash.is_empty() || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
                continue; // .d, .rmeta, .pdb, ...
            }
            let Ok(meta) = entry.metadata() else { continue };
            if !meta.is_file() {
                continue;
            }
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                if meta.permissions().mode() & 0o111 == 0 {
                    continue;
                }
            }
            let mtime = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
            if best.as_ref().is_none_or(|(t, _)| mtime > *t) {
                best = Some((mtime, entry.path()));
            }
        }
        best.map(|(_, p)| p).unwrap_or_else(|| {
            panic!(
                "no main_thread test binary in {}: build it with `cargo test --test main_thread` \
             (plain `cargo test` builds every test binary first)",
                dir.display()
            )
        })
    }

    struct Output {
        code: Option<i32>,
        stdout: String,
        stderr: String,
    }

    impl std::fmt::Debug for Output {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(
                f,
                "exit code {:?}\n--- stdout\n{}--- stderr\n{}---",
                self.code, self.stdout, self.stderr
            )
        }
    }

    /// Run one scenario with a 30 s cap (killed and failed past it).
    fn run(scenario: &str) -> Output {
        let bin = main_thread_bin();
        let mut child = Command::new(&bin)
            .arg(scenario)
            .env_remove("RUST_BACKTRACE")
            .env_remove("RUST_LIB_BACKTRACE")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("spawn {}: {e}", bin.display()));
        let mut out = child.stdout.take().unwrap();
        let mut err = child.stderr.take().unwrap();
        let out_t = std::thread::spawn(move || {
            let mut s = String::new();
            let _ = out.read_to_string(&mut s);
            s
        });
        let err_t = std::thread::spawn(move || {
            let mut s = String::new();
            let _ = err.read_to_string(&mut s);
            s
        });
        let deadline = Instant::now() + Duration::from_secs(30);
        let status = loop {
            if let Some(st) = child.try_wait().expect("try_wait") {
                break Some(st);
            }
            if Instant::now() >= deadline {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            std::thread::sleep(Duration::from_millis(10));
        };
        let o = Output {
            code: status.and_then(|s| s.code()),
            stdout: out_t.join().unwrap(),
            stderr: err_t.join().unwrap(),
        };
        assert!(
            status.is_some(),
            "scenario {scenario} hung (killed after 30 s):\n{o:?}"
        );
        o
    }

    #[test]
    fn t09_exit_waits_for_non_daemon_thread() {
        let o = run("exit-nondaemon-return");
        assert_eq!(o.stdout, "main done\nWoke up\n", "{o:?}");
        assert_eq!(o.stderr, "", "{o:?}");
        assert_eq!(o.code, Some(0), "{o:?}");
    }

    #[test]
    fn t09_process_exit_waits_for_non_daemon_thread() {
        // Python's SystemExit in the main code still joins non-daemon threads; the Rust analogue
        // is std::process::exit (which runs the C exit handlers).
        let o = run("exit-nondaemon-process-exit");
        assert_eq!(o.stdout, "main done\nWoke up\n", "{o:?}");
        assert_eq!(o.stderr, "", "{o:?}");
        assert_eq!(o.code, Some(0), "{o:?}");
    }

    #[test]
    fn t09_exit_thread_in_main_waits_for_non_daemon_thread() {
        let o = run("exit-thread-in-main");
        assert_eq!(o.stdout, "main done\nWoke up\n", "{o:?}");
        assert_eq!(o.stderr, "", "{o:?}");
        assert_eq!(o.code, Some(0), "{o:?}");
    }

    #[test]
    fn j01_worker_join_of_main_returns_after_main_ends() {
        let o = run("exit-main-join");
        assert_eq!(o.stdout, "end of main\nend of thread\n", "{o:?}");
        assert_eq!(o.stderr, "", "{o:?}");
        assert_eq!(o.code, Some(0), "{o:?}");
    }

    #[test]
    fn j02_exit_does_not_wait_for_daemon_threads() {
        let o = run("exit-daemon-io");
        assert_eq!(o.stdout, "all daemon threads ran\n", "{o:?}");
        assert_eq!(o.stderr, "", "{o:?}");
        assert_eq!(o.code, Some(0), "{o:?}");
    }

    #[test]
    fn j03_exit_waits_for_thread_started_by_thread() {
        let o = run("exit-thread-from-thread");
        assert_eq!(o.stdout, "OK\n", "{o:?}");
        assert_eq!(o.stderr, "", "{o:?}");
        assert_eq!(o.code, Some(0), "{o:?}");
    }

    #[test]
    fn x06_h01_panic_in_thread_is_reported_and_exit_code_is_0() {
        let o = run("panic-in-thread");
        assert_eq!(
            o.code,
            Some(0),
            "X-06: a panic in a thread must not fail the process\n{o:?}"
        );
        assert_eq!(o.stdout, "", "{o:?}");
        for needle in [
            "Exception in thread excepthook thread:\n",
            "Traceback (most recent call last):\n",
            "Panic: division by zero\n",
        ] {
            assert!(o.stderr.contains(needle), "stderr lacks {needle:?}\n{o:?}");
        }
        assert!(!o.stderr.contains("Unhandled exception"), "{o:?}");
        let header = o.stderr.find("Exception in thread").unwrap();
        let tb = o.stderr.find("Traceback (most recent call last):").unwrap();
        let msg = o.stderr.find("Panic: division by zero").unwrap();
        assert!(header < tb && tb < msg, "report out of order\n{o:?}");
    }

    #[test]
    fn h03_exit_thread_is_silent() {
        let o = run("exit-thread-silent");
        assert_eq!(o.stdout, "done\n", "{o:?}");
        assert_eq!(
            o.stderr, "",
            "H-03: exit_thread() must print nothing\n{o:?}"
        );
        assert_eq!(o.code, Some(0), "{o:?}");
    }

    #[test]
    fn h05_failing_hook_reports_hook_panic() {
        let o = run("hook-panics");
        assert_eq!(o.code, Some(0), "{o:?}");
        let head = o
            .stderr
            .find("Exception in threading.excepthook:\n")
            .unwrap_or_else(|| panic!("H-05 header missing\n{o:?}"));
        let report = o
            .stderr
            .find("Panic: threading_hook failed")
            .unwrap_or_else(|| {
                panic!("the hook's panic is not reported by the default hook\n{o:?}")
            });
        assert!(head < report, "{o:?}");
        // As in CPython, only the hook's failure is reported, not the original exception.
        assert!(!o.stderr.contains("Panic: run failed"), "{o:?}");
    }

    #[test]
    fn h06_custom_hook_output_then_default_after_restore() {
        let o = run("hook-restore");
        assert_eq!(o.code, Some(0), "{o:?}");
        let (before, after) = o
            .stderr
            .split_once("--- restored\n")
            .unwrap_or_else(|| panic!("marker missing\n{o:?}"));
        assert!(before.contains("Running a thread failed\n"), "{o:?}");
        assert!(
            !before.contains("Exception in thread"),
            "custom hook must replace the report\n{o:?}"
        );
        assert!(after.contains("Exception in thread t2:\n"), "{o:?}");
        assert!(after.contains("Panic: second\n"), "{o:?}");
        assert!(!after.contains("Running a thread failed"), "{o:?}");
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn local_get_does_not_grow_memory() {
        // 3*10^5 reads of one thread's value: any per-call bookkeeping that is never freed shows up
        // as megabytes (16 bytes a call is 4.8 MB). The threshold leaves room for allocator noise.
        let o = run("local-get-memory");
        assert_eq!(o.code, Some(0), "{o:?}");
        let kb: u64 = o
            .stdout
            .trim()
            .strip_prefix("growth_kb=")
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("unexpected output\n{o:?}"));
        assert!(
            kb < 2048,
            "Local::get() leaked: RSS grew by {kb} kB over 3*10^5 calls"
        );
    }
}
