//! Runs every seed example (`examples/*.rs`, PyMOTW 3's chapters on threading, queue and
//! concurrent.futures) as a subprocess and checks what its output guarantees whatever the scheduling: the set of lines,
//! per-thread order, counts, and the orderings the program enforces (joins, events, barriers,
//! locks).
//!
//! The examples are the one list `seed_examples!` (`xtask/src/examples.rs`, included below):
//! each gets a test of its name, which checks its output with the function of that name in
//! `mod checks`; one more test checks that the list names every `examples/*.rs`.
//!
//! Builds whose panics abort: the examples listed in `NEEDS_UNWINDING` (same file, each with its
//! reason: a task that panics, caught by the executor) cannot run there. Under wasmtime the test
//! reads from the example's module whether it can unwind (see `not_runnable`); where it cannot,
//! that example's test does not run it and writes `NAME: NOT RUN in this build: REASON` on the
//! terminal (past the test harness's capture), and every other example runs as usual.
//!
//! Platforms, chosen by the environment variable `PYTHREADING_EXAMPLES_PLATFORM`. This test
//! builds nothing: it runs what was built for it, found where cargo puts it (native) or at the
//! paths in environment variables that `cargo xtask test-examples PLATFORM` sets after
//! building; without them it fails, naming that command.
//! - unset or `native`: the native example binaries, as cargo builds them
//!   (`target/<profile>/examples/NAME`, next to this test's directory): a plain `cargo test`
//!   builds them before the integration tests, but `cargo test --test examples` does not, and
//!   `cargo test --all-targets` builds the examples as test harnesses instead of these
//!   programs; so a binary that is missing or older than a source file cargo lists for it (its
//!   dep-info, `NAME.d`) fails the test, naming `cargo build --examples` (or `cargo xtask
//!   test-examples native`, which builds them and runs this test);
//! - `wasmtime`: the wasm32-wasip1-threads examples, `$PYTHREADING_WASI_EXAMPLES_DIR/NAME.wasm`,
//!   under the project's wasmtime host, `$PYTHREADING_HOST`: `cargo xtask test-examples
//!   wasmtime`;
//! - `browser`: the www/ demo page in a headless browser, where each example runs as its own
//!   "process" (a fresh program worker and wasm instance), its module in
//!   `$PYTHREADING_DEMO_DIR` (`www/pkg`, where the page loads it from); `scripts/browser/test_demo.py
//!   --records` runs all of them once and returns each one's stdout and stderr, rebuilt in the
//!   order the lines were written: `cargo xtask test-examples browser`. The browser is Chromium
//!   unless `PYTHREADING_BROWSER` says `firefox` (or `webkit`), which the script reads
//!   (`scripts/browser/headless.py`).
//!
//! The checks are the same on every platform. This test binary itself runs natively: built for
//! a wasm target (where a guest cannot spawn processes) it holds one ignored test that says so.
//!
//! Expected lines were taken from CPython 3.11 running the Python originals (quoted at the top
//! of each example); where Rust names differ from 3.11 (a closure target has no `(func)`
//! suffix) the examples keep PyMOTW's own `Thread-N`.
//!
//! As in Python, `print` goes to stdout and `logging` to stderr, so each stream is checked on
//! its own and the one an example does not write must stay empty (no panic, no excepthook).
//!
//! Every run has a timeout: a hang fails the test (and kills the child) instead of hanging.

/// Shown as ignored, with the reason, when this file is built for wasm.
#[cfg(target_family = "wasm")]
#[test]
#[ignore = "a wasm guest cannot spawn processes; PYTHREADING_EXAMPLES_PLATFORM=wasmtime runs these under the host"]
fn examples_run_as_native_subprocesses() {}

#[cfg(not(target_family = "wasm"))]
mod native {
    use std::io::Read;
    use std::path::{Path, PathBuf};
    use std::process::{Child, Command, ExitStatus, Stdio};
    use std::time::{Duration, Instant};

    /// Generous: the whole set runs in about 10 s natively and under a minute under wasmtime (each
    /// run compiles its module); a loaded machine may be much slower.
    const TIMEOUT: Duration = Duration::from_secs(90);

    // ---------------------------------------------------------------------------------------------
    // The examples: one test each, from the one list.

    include!("../xtask/src/examples.rs");

    macro_rules! example_tests {
        ($($name:ident,)*) => {
            /// The seed examples, in the demo's order.
            const SEED_EXAMPLES: &[&str] = &[$(stringify!($name)),*];
            $(
                #[test]
                fn $name() {
                    check(stringify!($name), checks::$name);
                }
            )*
        };
    }
    seed_examples!(example_tests);

    /// The list names every `examples/*.rs`, once each, and nothing else.
    #[test]
    fn the_list_names_every_example_file() {
        let mut files: Vec<String> = std::fs::read_dir(root().join("examples"))
            .expect("examples/")
            .map(|entry| entry.expect("an entry of examples/").path())
            .filter(|path| path.extension().is_some_and(|e| e == "rs"))
            .map(|path| path.file_stem().unwrap().to_string_lossy().into_owned())
            .collect();
        files.sort_unstable();
        let mut listed = SEED_EXAMPLES.to_vec();
        listed.sort_unstable();
        listed.dedup();
        assert_eq!(listed.len(), SEED_EXAMPLES.len(), "a name listed twice");
        assert_eq!(
            listed, files,
            "xtask/src/examples.rs vs the files examples/*.rs"
        );
    }

    // ---------------------------------------------------------------------------------------------
    // Running the example binaries.

    /// Where the examples run, from `PYTHREADING_EXAMPLES_PLATFORM`.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    enum Platform {
        Native,
        Wasmtime,
        Browser,
    }

    const PLATFORM_VAR: &str = "PYTHREADING_EXAMPLES_PLATFORM";

    fn platform() -> Platform {
        let value = std::env::var_os(PLATFORM_VAR).unwrap_or_default();
        match value.to_str() {
            Some("" | "native") => Platform::Native,
            Some("wasmtime") => Platform::Wasmtime,
            Some("browser") => Platform::Browser,
            _ => panic!("{PLATFORM_VAR}={value:?}: expected `native`, `wasmtime` or `browser`"),
        }
    }

    /// The path in the environment variable `var`, which `cargo xtask test-examples PLATFORM`
    /// sets after building what it names. Unset, the test fails with that command: it does not
    /// build anything itself.
    fn artifact(var: &str, platform: &str) -> PathBuf {
        match std::env::var_os(var).filter(|v| !v.is_empty()) {
            Some(path) => PathBuf::from(path),
            None => panic!(
                "{PLATFORM_VAR}={platform} runs what {var} names, and it is not set; this test \
                 builds nothing: `cargo xtask test-examples {platform}` builds it and runs this \
                 test with its path"
            ),
        }
    }

    /// The repository (this crate's directory).
    fn root() -> &'static Path {
        Path::new(env!("CARGO_MANIFEST_DIR"))
    }

    /// `target/<profile>/`, the directory of this test binary's parent (`.../deps/`).
    fn profile_dir() -> PathBuf {
        let exe = std::env::current_exe().expect("current_exe");
        exe.parent()
            .and_then(Path::parent)
            .expect("the test binary lives in target/<profile>/deps/")
            .to_path_buf()
    }

    /// The source files cargo lists for a binary in its dep-info file (`NAME.d` next to it,
    /// Makefile syntax: `BINARY: SOURCE SOURCE ...`, spaces in paths escaped as `\ `), or
    /// `None` without one.
    fn dep_info_sources(binary: &Path) -> Option<Vec<PathBuf>> {
        let text = std::fs::read_to_string(binary.with_extension("d")).ok()?;
        let line = text.lines().next()?;
        let (_, deps) = line.split_once(": ")?;
        let mut sources = Vec::new();
        let mut current = String::new();
        let mut chars = deps.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' => current.extend(chars.next()),
                ' ' => sources.extend((!current.is_empty()).then(|| std::mem::take(&mut current))),
                c => current.push(c),
            }
        }
        sources.extend((!current.is_empty()).then_some(current));
        Some(sources.into_iter().map(PathBuf::from).collect())
    }

    /// `binary`, after checking that it exists and is not older than any source file cargo
    /// lists for it (so a test never runs a stale build); `build` says how to build it.
    fn built(binary: PathBuf, build: &str) -> PathBuf {
        let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
        let Some(built_at) = modified(&binary) else {
            panic!("{} is missing: {build}", binary.display());
        };
        for source in dep_info_sources(&binary).unwrap_or_default() {
            if modified(&source).is_some_and(|m| m > built_at) {
                panic!(
                    "{} is older than {}: {build}",
                    binary.display(),
                    source.display()
                );
            }
        }
        binary
    }

    /// The native example binary, where cargo puts it (`target/<profile>/examples/`).
    fn native_example(name: &str) -> PathBuf {
        let binary = profile_dir()
            .join("examples")
            .join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
        built(
            binary,
            "a plain `cargo test` builds the examples, but `--test examples` does not and \
             `--all-targets` builds them as test harnesses: run `cargo build --examples` first, \
             or `cargo xtask test-examples native`",
        )
    }

    /// The wasm32-wasip1-threads example module: `$PYTHREADING_WASI_EXAMPLES_DIR/NAME.wasm`.
    fn wasi_example(name: &str) -> PathBuf {
        let dir = artifact("PYTHREADING_WASI_EXAMPLES_DIR", "wasmtime");
        built(
            dir.join(format!("{name}.wasm")),
            "`cargo xtask test-examples wasmtime` builds it",
        )
    }

    /// The wasmtime host: `$PYTHREADING_HOST`.
    fn host() -> PathBuf {
        let host = artifact("PYTHREADING_HOST", "wasmtime");
        assert!(host.is_file(), "no wasmtime host at {}", host.display());
        host
    }

    #[derive(Clone)]
    struct Output {
        stdout: String,
        stderr: String,
    }

    impl Output {
        fn out(&self) -> Vec<&str> {
            self.stdout.lines().collect()
        }

        fn err(&self) -> Vec<&str> {
            self.stderr.lines().collect()
        }

        /// The example only prints (stdout); stderr must be empty.
        fn printed(&self) -> Vec<&str> {
            assert_eq!(self.stderr, "", "unexpected stderr");
            self.out()
        }

        /// The example only logs (stderr, like Python's logging); stdout must be empty.
        fn logged(&self) -> Vec<&str> {
            assert_eq!(self.stdout, "", "unexpected stdout");
            self.err()
        }
    }

    fn read_all(mut pipe: impl Read + Send + 'static) -> std::thread::JoinHandle<String> {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            String::from_utf8_lossy(&bytes).into_owned()
        })
    }

    fn kill(child: &mut Child) {
        let _ = child.kill();
        let _ = child.wait();
    }

    /// Runs `command` with its output captured: `None` for a hang (killed after `timeout`).
    fn run_command(command: &mut Command, timeout: Duration) -> (Option<ExitStatus>, Output) {
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("spawn {command:?}: {e}"));
        let stdout = read_all(child.stdout.take().expect("stdout pipe"));
        let stderr = read_all(child.stderr.take().expect("stderr pipe"));
        let started = Instant::now();
        let status = loop {
            match child.try_wait() {
                Ok(Some(status)) => break Some(status),
                Ok(None) if started.elapsed() < timeout => {
                    std::thread::sleep(Duration::from_millis(20))
                }
                Ok(None) => {
                    kill(&mut child);
                    break None;
                }
                Err(e) => {
                    kill(&mut child);
                    panic!("waiting for {command:?}: {e}");
                }
            }
        };
        let output = Output {
            stdout: stdout.join().expect("stdout reader"),
            stderr: stderr.join().expect("stderr reader"),
        };
        (status, output)
    }

    /// Runs the example, fails on a hang (after `TIMEOUT`) or a non-zero exit status.
    fn run(name: &str) -> Output {
        let platform = platform();
        let mut command = match platform {
            Platform::Native => Command::new(native_example(name)),
            Platform::Wasmtime => {
                let mut command = Command::new(host());
                command.arg(wasi_example(name));
                command
            }
            Platform::Browser => return browser::run(name),
        };
        let (status, output) = run_command(&mut command, TIMEOUT);
        match status {
            None => panic!(
            "{name} ({platform:?}) hung: killed after {TIMEOUT:?}\n--- stdout:\n{}--- stderr:\n{}",
            output.stdout, output.stderr
        ),
            Some(status) => assert!(
                status.success(),
                "{name} ({platform:?}) exited with {status}\n--- stdout:\n{}--- stderr:\n{}",
                output.stdout,
                output.stderr
            ),
        }
        output
    }

    /// Why the example cannot run in the build under test, or `None` if it can: only the
    /// examples listed in `NEEDS_UNWINDING` (xtask/src/examples.rs, with the reason), and only
    /// where the build's panics abort, which is read from the build itself:
    /// - natively, panics unwind (cargo's dev profile; the project's profiles set no `panic`);
    /// - in the browser demo too (`cargo xtask build demo`: the nightly with `-Cpanic=unwind`,
    ///   .cargo/config.toml);
    /// - under wasmtime, the modules are either the unwinding build (the default of `cargo xtask
    ///   build wasi-examples`) or stable Rust's panic=abort one (`--panic abort`, which
    ///   scripts/test.sh also runs under stock wasmtime): a module that can unwind defines an
    ///   exception tag (the one a panic is thrown with), a panic=abort module defines none.
    ///   The example's module is read, and the first example's too: the two must agree, so a
    ///   directory mixing two builds fails rather than skipping.
    fn not_runnable(name: &str) -> Option<String> {
        let (_, reason) = NEEDS_UNWINDING.iter().find(|(n, _)| *n == name)?;
        if platform() != Platform::Wasmtime {
            return None;
        }
        let module = wasi_example(name);
        let unwinds = defines_exception_tag(&module);
        let first = wasi_example(SEED_EXAMPLES[0]);
        assert_eq!(
            unwinds,
            defines_exception_tag(&first),
            "{} and {} disagree on whether panics unwind: two builds mixed in one directory",
            module.display(),
            first.display()
        );
        (!unwinds).then(|| {
            format!(
                "its panics abort ({} defines no exception tag: it cannot unwind), and {reason}",
                module.display()
            )
        })
    }

    /// Whether the wasm module at `path` has a tag section (section id 13, the exception
    /// handling proposal's): what a module that unwinds has, the tag its panics are thrown with.
    /// A walk over the section headers (each an id byte and a LEB128 size), a few lines where a
    /// wasm parser would be a new dependency; a malformed module fails the test.
    fn defines_exception_tag(path: &Path) -> bool {
        const TAG_SECTION: u8 = 13;
        let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let malformed = |why: &str| -> ! { panic!("{}: not a wasm module: {why}", path.display()) };
        if bytes.get(..4) != Some(b"\0asm".as_slice()) {
            malformed("no magic number");
        }
        let mut at = 8; // the magic and the version
        while at < bytes.len() {
            let id = bytes[at];
            at += 1;
            let (mut size, mut shift) = (0usize, 0);
            loop {
                let Some(&byte) = bytes.get(at) else {
                    malformed("a section size runs past the end")
                };
                at += 1;
                size |= usize::from(byte & 0x7f) << shift;
                shift += 7;
                if byte & 0x80 == 0 {
                    break;
                }
            }
            if id == TAG_SECTION {
                return true;
            }
            at += size;
        }
        false
    }

    /// The browser platform: the examples in the www/ demo page, driven by `scripts/browser/test_demo.py`.
    mod browser {
        use super::{artifact, root, run_command, Output};
        use std::collections::{HashMap, HashSet};
        use std::process::Command;
        use std::sync::{Mutex, OnceLock};
        use std::time::Duration;

        /// The whole set takes about 20 s (a fresh worker and instance per example); generous,
        /// as everywhere here.
        const TIMEOUT: Duration = Duration::from_secs(900);

        /// One example's run in the page: `ok` is false if its `main` failed or trapped, or it
        /// never exited (`error` says which).
        struct PageRun {
            ok: bool,
            error: String,
            output: Output,
        }

        /// The first run of each example comes from one page load that runs all of them (and
        /// saves `target/www-demo-BROWSER.png`); a retry (see `check`) loads the page for that
        /// example alone.
        pub(super) fn run(name: &str) -> Output {
            static ALL: OnceLock<Result<HashMap<String, PageRun>, String>> = OnceLock::new();
            static SERVED: Mutex<Option<HashSet<String>>> = Mutex::new(None);
            ensure_built();
            let first = SERVED
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .get_or_insert_with(HashSet::new)
                .insert(name.to_string());
            let retry;
            let runs = if first {
                ALL.get_or_init(|| drive(&[]))
            } else {
                retry = drive(&[name]);
                &retry
            };
            let runs = runs.as_ref().unwrap_or_else(|e| panic!("{e}"));
            let run = runs
                .get(name)
                .unwrap_or_else(|| panic!("the page did not run {name}"));
            assert!(
                run.ok,
                "{name} (Browser) failed: {}\n--- stdout:\n{}--- stderr:\n{}",
                run.error, run.output.stdout, run.output.stderr
            );
            run.output.clone()
        }

        /// The demo's module: `$PYTHREADING_DEMO_DIR`, which must be `www/pkg`, where the page
        /// (`www/demo-worker.js`) loads it from (`cargo xtask test-examples browser` builds it
        /// there).
        fn ensure_built() {
            let dir = artifact("PYTHREADING_DEMO_DIR", "browser");
            let wasm = dir.join("pythreading_demo_bg.wasm");
            assert!(wasm.is_file(), "{} is missing", wasm.display());
            let served = root().join("www/pkg");
            assert_eq!(
                dir.canonicalize().ok(),
                served.canonicalize().ok(),
                "PYTHREADING_DEMO_DIR is {}, but the page loads its module from {}",
                dir.display(),
                served.display()
            );
        }

        /// Runs `scripts/browser/test_demo.py --records` for these examples (all if empty).
        fn drive(examples: &[&str]) -> Result<HashMap<String, PageRun>, String> {
            let mut command = Command::new("python3");
            command
                .arg(root().join("scripts/browser/test_demo.py"))
                .arg("--records")
                .current_dir(root());
            if !examples.is_empty() {
                // A retry: keep the screenshot of the whole set.
                command.arg(format!("--examples={}", examples.join(",")));
                command.arg("--screenshot=");
            }
            let (status, output) = run_command(&mut command, TIMEOUT);
            eprint!("{}", output.stderr);
            let Some(status) = status else {
                return Err(format!("{command:?} hung: killed after {TIMEOUT:?}"));
            };
            let runs = parse(&output.stdout)?;
            // The driver's own checks (lines lost or late, workers left alive) fail every test;
            // an example that failed fails its own.
            if !status.success() && runs.values().all(|r| r.ok) {
                return Err(format!("{command:?} failed ({status}):\n{}", output.stderr));
            }
            Ok(runs)
        }

        /// `scripts/browser/test_demo.py --records`: per example `name N`, `status ok|failed`, `error TEXT`,
        /// then `stdout LEN` and `stderr LEN`, each followed by LEN bytes.
        fn parse(mut rest: &str) -> Result<HashMap<String, PageRun>, String> {
            fn field<'a>(rest: &mut &'a str, key: &str) -> Result<&'a str, String> {
                let (line, tail) = rest.split_once('\n').unwrap_or((rest, ""));
                let value = line
                    .strip_prefix(key)
                    .and_then(|v| v.strip_prefix(' '))
                    .ok_or_else(|| {
                        format!("expected `{key} ...` in the driver's output, got {line:?}")
                    })?;
                *rest = tail;
                Ok(value)
            }
            fn text(rest: &mut &str, key: &str) -> Result<String, String> {
                let len = field(rest, key)?;
                let len: usize = len.parse().map_err(|_| format!("bad length {len:?}"))?;
                let (text, tail) = rest
                    .split_at_checked(len)
                    .ok_or_else(|| format!("{key}: {len} bytes expected"))?;
                *rest = tail;
                Ok(text.to_string())
            }
            let mut runs = HashMap::new();
            while !rest.is_empty() {
                let name = field(&mut rest, "name")?.to_string();
                let ok = match field(&mut rest, "status")? {
                    "ok" => true,
                    "failed" => false,
                    other => return Err(format!("bad status {other:?}")),
                };
                let error = field(&mut rest, "error")?.to_string();
                let stdout = text(&mut rest, "stdout")?;
                let stderr = text(&mut rest, "stderr")?;
                let output = Output { stdout, stderr };
                runs.insert(name, PageRun { ok, error, output });
            }
            Ok(runs)
        }
    }

    /// Runs the example and checks its output. A hang or a failed exit fails at once. The checks
    /// follow the programs' own sleeps (0.1-0.3 s margins, as in PyMOTW: a timer canceled 0.1 s
    /// before it fires, a barrier's arrivals 0.1 s apart), which a badly overloaded machine can
    /// overrun, so a run whose output fails the checks is retried, up to `ATTEMPTS` runs in all:
    /// a real bug fails every run.
    fn check(name: &str, checks: impl Fn(&Output)) {
        const ATTEMPTS: usize = 3;
        if let Some(why) = not_runnable(name) {
            // On the terminal, not through the test's captured output (which a passing test
            // hides): every run that leaves an example out says so, and why.
            use std::io::Write;
            let _ = writeln!(std::io::stderr(), "\n{name}: NOT RUN in this build: {why}");
            return;
        }
        for attempt in 1..=ATTEMPTS {
            let out = run(name);
            match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| checks(&out))) {
                Ok(()) => return,
                Err(failure) if attempt == ATTEMPTS => std::panic::resume_unwind(failure),
                Err(_) => eprintln!(
                "{name}: run {attempt} failed its checks, retrying\n--- stdout:\n{}--- stderr:\n{}",
                out.stdout, out.stderr
            ),
            }
        }
    }

    /// Each seed example's checks: a function named after the example, which the test generated
    /// for it from the list (`seed_examples!`) calls with the example's output.
    mod checks {
        use super::Output;
        // ---------------------------------------------------------------------------------------------
        // Checking lines.

        /// `(%(threadName)-10s)`: the thread column of most examples.
        fn col(name: &str) -> String {
            format!("({name:<10})")
        }

        /// `(%(threadName)-10s) message`.
        fn log_line(thread: &str, message: &str) -> String {
            format!("{} {message}", col(thread))
        }

        /// The same lines, in any order (threads race to print them).
        fn assert_same_lines<S: AsRef<str>>(actual: &[&str], expected: &[S]) {
            let mut actual: Vec<&str> = actual.to_vec();
            let mut expected: Vec<&str> = expected.iter().map(AsRef::as_ref).collect();
            actual.sort_unstable();
            expected.sort_unstable();
            assert_eq!(actual, expected, "lines differ (order ignored)");
        }

        /// The messages of one thread's lines, in order, for lines starting with `prefix`.
        fn messages<'a>(lines: &[&'a str], prefix: &str) -> Vec<&'a str> {
            lines
                .iter()
                .filter_map(|line| line.strip_prefix(prefix))
                .map(str::trim_start)
                .collect()
        }

        fn index_of(lines: &[&str], line: &str) -> usize {
            lines
                .iter()
                .position(|l| *l == line)
                .unwrap_or_else(|| panic!("line {line:?} missing from {lines:#?}"))
        }

        fn assert_before(lines: &[&str], first: &str, then: &str) {
            assert!(
                index_of(lines, first) < index_of(lines, then),
                "{first:?} should come before {then:?} in {lines:#?}"
            );
        }

        /// Parses `sleeping 0.30`-style numbers printed with `%0.2f`.
        fn two_decimals(text: &str) -> f64 {
            let (whole, frac) = text.split_once('.').expect("a decimal point");
            assert_eq!(frac.len(), 2, "two decimals in {text:?}");
            assert!(whole
                .bytes()
                .chain(frac.bytes())
                .all(|b| b.is_ascii_digit()));
            text.parse().expect("a number")
        }

        /// Strips `%(asctime)s ` (`2016-07-10 10:45:28,170 `) after checking its shape.
        fn strip_asctime(line: &str) -> &str {
            let (stamp, rest) = line.split_at(24.min(line.len()));
            let shape = stamp
                .bytes()
                .map(|b| if b.is_ascii_digit() { b'9' } else { b })
                .collect::<Vec<u8>>();
            assert_eq!(
                shape,
                b"9999-99-99 99:99:99,999 ".to_vec(),
                "asctime prefix of {line:?}"
            );
            rest
        }

        // ---------------------------------------------------------------------------------------------
        // Thread objects.

        pub(super) fn threading_simple(out: &Output) {
            assert_eq!(out.printed(), ["Worker"; 5]);
        }

        pub(super) fn threading_simpleargs(out: &Output) {
            let expected: Vec<String> = (0..5).map(|i| format!("Worker: {i}")).collect();
            assert_same_lines(&out.printed(), &expected);
        }

        // ---------------------------------------------------------------------------------------------
        // Determining the current thread.

        /// The three threads' names: explicit names, and `Thread-1 (worker)` for the unnamed one whose
        /// target is the fn `worker` (CPython 3.10+ naming). Each thread starts before it exits.
        fn check_names(lines: &[&str], prefix: &str, column: fn(&str) -> String) {
            let names = ["worker", "Thread-1 (worker)", "my_service"];
            let line = |name: &str, what: &str| format!("{prefix}{} {what}", column(name));
            let expected: Vec<String> = names
                .iter()
                .flat_map(|n| [line(n, "Starting"), line(n, "Exiting")])
                .collect();
            assert_same_lines(lines, &expected);
            for name in names {
                assert_before(lines, &line(name, "Starting"), &line(name, "Exiting"));
            }
        }

        pub(super) fn threading_names(out: &Output) {
            check_names(&out.printed(), "", str::to_string);
        }

        pub(super) fn threading_names_log(out: &Output) {
            check_names(&out.logged(), "[DEBUG] ", col);
        }

        // ---------------------------------------------------------------------------------------------
        // Daemon vs. non-daemon threads.

        /// The daemon's `Starting`: printed in every PyMOTW transcript, but nothing makes the program
        /// wait for it, so an overloaded machine may end the process before the daemon ran at all.
        fn without_daemon_starting<'a>(lines: &[&'a str]) -> Vec<&'a str> {
            let starting = log_line("daemon", "Starting");
            let others: Vec<&str> = lines.iter().copied().filter(|l| *l != starting).collect();
            assert!(lines.len() - others.len() <= 1, "{lines:#?}");
            others
        }

        /// The exit does not wait for the daemon.
        pub(super) fn threading_daemon(out: &Output) {
            // The non-daemon thread is joined at exit; the daemon is still sleeping and is not:
            // its "Exiting" never prints.
            let lines = without_daemon_starting(&out.logged());
            assert_eq!(
                lines,
                [
                    log_line("non-daemon", "Starting"),
                    log_line("non-daemon", "Exiting"),
                ]
            );
        }

        /// `join()` waits for the daemon.
        pub(super) fn threading_daemon_join(out: &Output) {
            let lines = out.logged();
            let expected = [
                log_line("daemon", "Starting"),
                log_line("non-daemon", "Starting"),
                log_line("non-daemon", "Exiting"),
                log_line("daemon", "Exiting"),
            ];
            assert_same_lines(&lines, &expected);
            assert_before(&lines, &expected[0], &expected[3]);
            assert_before(&lines, &expected[1], &expected[2]);
        }

        /// `join(0.1)` leaves the daemon alive.
        pub(super) fn threading_daemon_join_timeout(out: &Output) {
            // join(0.1) returns while the daemon sleeps 0.2 s; the program then ends without it.
            assert_eq!(out.out(), ["d.is_alive() True"]);
            assert_eq!(
                without_daemon_starting(&out.err()),
                [
                    log_line("non-daemon", "Starting"),
                    log_line("non-daemon", "Exiting"),
                ]
            );
        }

        // ---------------------------------------------------------------------------------------------
        // Enumerating all threads.

        /// Main joins every worker it finds with `enumerate()`.
        pub(super) fn threading_enumerate(out: &Output) {
            let lines = out.logged();
            assert_eq!(
                lines.len(),
                9,
                "3 x (sleeping, ending, joining): {lines:#?}"
            );
            let mut joined = messages(&lines, &col("MainThread"));
            joined.sort_unstable();
            let names: Vec<String> = (1..=3).map(|n| format!("Thread-{n} (worker)")).collect();
            let expected_joins: Vec<String> =
                names.iter().map(|n| format!("joining {n}")).collect();
            assert_eq!(joined, expected_joins, "main joins each worker once");
            for name in &names {
                let own = messages(&lines, &col(name));
                assert_eq!(own.len(), 2, "{name}: {own:?}");
                let pause = two_decimals(own[0].strip_prefix("sleeping ").expect("sleeping first"));
                assert!(
                    [0.1, 0.2, 0.3, 0.4, 0.5].contains(&pause),
                    "randint(1, 5) / 10: {pause}"
                );
                assert_eq!(own[1], "ending");
            }
        }

        // ---------------------------------------------------------------------------------------------
        // Subclassing Thread.

        pub(super) fn threading_subclass(out: &Output) {
            let expected: Vec<String> = (1..=5)
                .map(|n| log_line(&format!("Thread-{n}"), "running"))
                .collect();
            assert_same_lines(&out.logged(), &expected);
        }

        pub(super) fn threading_subclass_args(out: &Output) {
            // Names are given at construction, in loop order: Thread-(i+1) got args (i,).
            let expected: Vec<String> = (0..5)
                .map(|i| {
                    log_line(
                        &format!("Thread-{}", i + 1),
                        &format!("running with ({i},) and {{'a': 'A', 'b': 'B'}}"),
                    )
                })
                .collect();
            assert_same_lines(&out.logged(), &expected);
        }

        // ---------------------------------------------------------------------------------------------
        // Timer threads.

        /// The timer runs after `done`; `cancel()` holds.
        pub(super) fn threading_timer(out: &Output) {
            // t2 is canceled; t1 is a non-daemon thread joined at exit, so it prints after "done".
            assert_eq!(
                out.logged(),
                [
                    "(MainThread) starting timers",
                    "(MainThread) waiting before canceling t2",
                    "(MainThread) canceling t2",
                    "(MainThread) done",
                    "(t1        ) worker running",
                ]
            );
        }

        // ---------------------------------------------------------------------------------------------
        // Signaling between threads.

        pub(super) fn threading_event(out: &Output) {
            let lines = out.logged();
            let block = ["wait_for_event starting", "event set: True"];
            // The 2 s timed wait is cut short by set() after 0.3 s.
            let nonblock = [
                "wait_for_event_timeout starting",
                "event set: True",
                "processing event",
            ];
            let main = ["Waiting before calling Event.set()", "Event is set"];
            assert_eq!(messages(&lines, &col("block")), block);
            assert_eq!(messages(&lines, &col("nonblock")), nonblock);
            assert_eq!(messages(&lines, &col("MainThread")), main);
            assert_eq!(lines.len(), 7, "{lines:#?}");
        }

        // ---------------------------------------------------------------------------------------------
        // Controlling access to resources.

        /// The counter counts every increment.
        pub(super) fn threading_lock(out: &Output) {
            let lines = out.logged();
            for name in ["Thread-1", "Thread-2"] {
                let own = messages(&lines, &col(name));
                assert_eq!(own.len(), 7, "{name}: {own:?}");
                for i in [0, 3] {
                    let pause = two_decimals(own[i].strip_prefix("Sleeping ").expect("Sleeping"));
                    assert!((0.0..=1.0).contains(&pause), "random.random(): {pause}");
                    assert_eq!(own[i + 1..i + 3], ["Waiting for lock", "Acquired lock"]);
                }
                assert_eq!(own[6], "Done");
            }
            assert_eq!(
                messages(&lines, &col("MainThread")),
                ["Waiting for worker threads", "Counter: 4"]
            );
            // Main joined both workers (found via enumerate()) before printing the count.
            assert_eq!(lines.last(), Some(&"(MainThread) Counter: 4"));
            assert_eq!(lines.len(), 16);
        }

        pub(super) fn threading_lock_noblock(out: &Output) {
            let lines = out.logged();
            let worker = messages(&lines, &col("Worker"));
            let holder = messages(&lines, &col("LockHolder"));
            assert_eq!(worker.len() + holder.len(), lines.len(), "{lines:#?}");

            // Worker: Starting, (Trying to acquire, Iteration k: ...) for k = 1..=n, Done after n.
            assert_eq!(worker[0], "Starting");
            assert_eq!(worker.len() % 2, 0, "{worker:#?}");
            let tries = (worker.len() - 2) / 2;
            assert!(tries >= 3, "{worker:#?}");
            let mut acquired = 0;
            for k in 1..=tries {
                assert_eq!(worker[2 * k - 1], "Trying to acquire");
                let result = worker[2 * k];
                if result == format!("Iteration {k}: Acquired") {
                    acquired += 1;
                } else {
                    assert_eq!(result, format!("Iteration {k}: Not acquired"));
                }
            }
            assert_eq!(acquired, 3, "stops after the third acquire: {worker:#?}");
            assert!(worker[2 * tries].ends_with(": Acquired"));
            assert_eq!(
                worker[2 * tries + 1],
                format!("Done after {tries} iterations")
            );

            // LockHolder: Starting, then Holding / Not holding alternately (a daemon: cut off at exit).
            assert_eq!(holder[0], "Starting");
            for (i, message) in holder[1..].iter().enumerate() {
                let expected = if i % 2 == 0 { "Holding" } else { "Not holding" };
                assert_eq!(*message, expected, "{holder:#?}");
            }

            // Mutual exclusion: the holder logs "Holding" after acquiring and "Not holding" before
            // releasing, so the worker can never log "Acquired" between those two lines.
            let mut holding = false;
            for line in &lines {
                if *line == log_line("LockHolder", "Holding") {
                    holding = true;
                } else if *line == log_line("LockHolder", "Not holding") {
                    holding = false;
                } else if line.starts_with(&col("Worker")) && line.ends_with(": Acquired") {
                    assert!(!holding, "acquired while the holder held the lock: {line}");
                }
            }
        }

        pub(super) fn threading_lock_reacquire(out: &Output) {
            assert_eq!(out.printed(), ["First try : True", "Second try: False"]);
        }

        pub(super) fn threading_rlock(out: &Output) {
            assert_eq!(out.printed(), ["First try : True", "Second try: True"]);
        }

        pub(super) fn threading_lock_with(out: &Output) {
            assert_same_lines(
                &out.logged(),
                &[
                    log_line("Thread-1", "Lock acquired via with"),
                    log_line("Thread-2", "Lock acquired directly"),
                ],
            );
        }

        // ---------------------------------------------------------------------------------------------
        // Synchronizing threads.

        pub(super) fn threading_condition(out: &Output) {
            let stderr = out.logged();
            let lines: Vec<&str> = stderr.iter().map(|l| strip_asctime(l)).collect();
            let consumed = [
                "(c1) Resource is available to consumer",
                "(c2) Resource is available to consumer",
            ];
            assert_same_lines(
                &lines,
                &[
                    "(c1) Starting consumer thread",
                    "(c2) Starting consumer thread",
                    "(p ) Starting producer thread",
                    "(p ) Making resource available",
                    consumed[0],
                    consumed[1],
                ],
            );
            assert_before(
                &lines,
                "(p ) Starting producer thread",
                "(p ) Making resource available",
            );
            // notify_all() is called (and the lock released) after the producer's line.
            for line in consumed {
                assert_before(&lines, "(p ) Making resource available", line);
            }
        }

        /// `worker-i starting` (main) then `worker-i waiting for barrier with i others`: the workers
        /// arrive 0.1 s apart, so worker-i sees the i before it waiting.
        fn check_barrier_arrivals(lines: &[&str], threads: usize) {
            for i in 0..threads {
                assert_before(
                    lines,
                    &format!("worker-{i} starting"),
                    &format!("worker-{i} waiting for barrier with {i} others"),
                );
            }
        }

        pub(super) fn threading_barrier(out: &Output) {
            let lines = out.printed();
            assert_eq!(lines.len(), 9, "{lines:#?}");
            check_barrier_arrivals(&lines, 3);
            let last_waiting = index_of(&lines, "worker-2 waiting for barrier with 2 others");
            let mut ids = Vec::new();
            for i in 0..3 {
                let prefix = format!("worker-{i} after barrier ");
                let (at, line) = lines
                    .iter()
                    .enumerate()
                    .find(|(_, l)| l.starts_with(&prefix))
                    .unwrap_or_else(|| panic!("{prefix:?} missing from {lines:#?}"));
                // Nobody passes before all three are waiting.
                assert!(at > last_waiting, "{line:?} before the last arrival");
                ids.push(line[prefix.len()..].parse::<usize>().expect("an index"));
            }
            ids.sort_unstable();
            assert_eq!(ids, [0, 1, 2], "wait() returns distinct indices");
        }

        pub(super) fn threading_barrier_abort(out: &Output) {
            let lines = out.printed();
            let mut expected = Vec::new();
            for i in 0..3 {
                expected.push(format!("worker-{i} starting"));
                expected.push(format!("worker-{i} waiting for barrier with {i} others"));
                expected.push(format!("worker-{i} aborting"));
            }
            assert_same_lines(&lines, &expected);
            check_barrier_arrivals(&lines, 3);
            for i in 0..3 {
                let aborting = format!("worker-{i} aborting");
                // abort() is called by main after it started the last worker.
                assert_before(&lines, "worker-2 starting", &aborting);
                assert_before(
                    &lines,
                    &format!("worker-{i} waiting for barrier with {i} others"),
                    &aborting,
                );
            }
        }

        // ---------------------------------------------------------------------------------------------
        // Limiting concurrent access to resources.

        /// `Semaphore(2)` admits at most two threads.
        pub(super) fn threading_semaphore(out: &Output) {
            let stderr = out.logged();
            let lines: Vec<&str> = stderr.iter().map(|l| strip_asctime(l)).collect();
            assert_eq!(
                lines.len(),
                12,
                "4 x (waiting, running, running): {lines:#?}"
            );
            // Replay the pool: the "Running" lines are logged under the pool's lock, so their order is
            // the order of the list's changes; each thread is added then removed.
            let mut active: Vec<String> = Vec::new();
            let mut waiting = Vec::new();
            for line in &lines {
                let (column, message) = line.split_at(4);
                let name = column
                    .strip_prefix('(')
                    .and_then(|c| c.strip_suffix(')'))
                    .expect("(%(threadName)-2s)")
                    .trim_end()
                    .to_string();
                let message = message.trim_start();
                if message == "Waiting to join the pool" {
                    waiting.push(name);
                    continue;
                }
                if let Some(at) = active.iter().position(|n| *n == name) {
                    active.remove(at);
                } else {
                    assert!(waiting.contains(&name), "{name} ran before waiting");
                    active.push(name);
                }
                let repr: Vec<String> = active.iter().map(|n| format!("'{n}'")).collect();
                assert_eq!(message, format!("Running: [{}]", repr.join(", ")));
                assert!(active.len() <= 2, "Semaphore(2) admitted {active:?}");
            }
            waiting.sort_unstable();
            assert_eq!(waiting, ["0", "1", "2", "3"]);
            assert!(active.is_empty(), "everyone left the pool: {active:?}");
        }

        // ---------------------------------------------------------------------------------------------
        // Thread-specific data.

        /// `value=N` from `random.randint(1, 100)`.
        fn assert_random_value(message: &str) {
            let value: i64 = message
                .strip_prefix("value=")
                .and_then(|v| v.parse().ok())
                .unwrap_or_else(|| panic!("value=N expected, got {message:?}"));
            assert!((1..=100).contains(&value), "{message}");
        }

        /// `local()` values are per thread.
        pub(super) fn threading_local(out: &Output) {
            let lines = out.logged();
            assert_eq!(lines.len(), 6, "{lines:#?}");
            // Main's lines come before any thread starts.
            assert_eq!(
                lines[..2],
                ["(MainThread) No value yet", "(MainThread) value=1000"]
            );
            for name in ["Thread-1", "Thread-2"] {
                let own = messages(&lines, &col(name));
                assert_eq!(own.len(), 2, "{name}: {own:?}");
                assert_eq!(own[0], "No value yet", "main's 1000 is not visible");
                assert_random_value(own[1]);
            }
        }

        /// A `local` subclass initialises itself in each thread.
        pub(super) fn threading_local_defaults(out: &Output) {
            let lines = out.logged();
            assert_eq!(lines.len(), 8, "{lines:#?}");
            let main = messages(&lines, &col("MainThread"));
            assert_eq!(main.len(), 2, "{lines:#?}");
            // Main's lines come before any thread starts.
            assert!(lines[..2].iter().all(|l| l.starts_with(&col("MainThread"))));
            let repr = main[0]
                .strip_prefix("Initializing ")
                .expect("Initializing %r first");
            assert!(repr.starts_with('<') && repr.ends_with('>'), "{repr}");
            assert_eq!(main[1], "value=1000");
            for name in ["Thread-1", "Thread-2"] {
                let own = messages(&lines, &col(name));
                assert_eq!(own.len(), 3, "{name}: {own:?}");
                // The same object's repr, initialised again in this thread.
                assert_eq!(own[0], format!("Initializing {repr}"));
                assert_eq!(own[1], "value=1000");
                assert_random_value(own[2]);
            }
        }

        // ---------------------------------------------------------------------------------------------
        // The queue chapter.

        pub(super) fn queue_fifo(out: &Output) {
            assert_eq!(out.printed(), ["0 1 2 3 4 "]);
        }

        pub(super) fn queue_lifo(out: &Output) {
            assert_eq!(out.printed(), ["4 3 2 1 0 "]);
        }

        pub(super) fn queue_priority(out: &Output) {
            let lines = out.printed();
            assert_eq!(
                lines[..3],
                [
                    "New job: Mid-level job",
                    "New job: Low-level job",
                    "New job: Important job"
                ]
            );
            // Two workers take the jobs smallest first; they may print in either order.
            assert_same_lines(
                &lines[3..],
                &[
                    "Processing job: Important job",
                    "Processing job: Mid-level job",
                    "Processing job: Low-level job",
                ],
            );
        }

        pub(super) fn queue_worker_pool(out: &Output) {
            let lines = out.printed();
            let queued: Vec<&str> = lines
                .iter()
                .filter_map(|l| l.strip_prefix("queuing "))
                .collect();
            let urls: Vec<String> = (1..=5)
                .map(|i| format!("https://example.com/podcast/episode-{i}.mp3"))
                .collect();
            assert_eq!(queued, urls, "queued in order");
            assert_eq!(lines.last(), Some(&"*** done"));
            // Each episode downloaded, then written, by one of the two workers.
            for i in 1..=5 {
                let file = format!("episode-{i}.mp3");
                let by: Vec<&str> = ["worker-0", "worker-1"]
                    .into_iter()
                    .filter(|w| lines.contains(&format!("{w}: downloading {file}").as_str()))
                    .collect();
                assert_eq!(by.len(), 1, "{file} downloaded once: {lines:#?}");
                assert_before(
                    &lines,
                    &format!("{}: downloading {file}", by[0]),
                    &format!("{}: writing {file}", by[0]),
                );
                assert_before(&lines, &format!("{}: writing {file}", by[0]), "*** done");
            }
            assert_before(&lines, "*** main thread waiting", "*** done");
        }

        // ---------------------------------------------------------------------------------------------
        // The concurrent.futures chapter.

        /// `ThreadPoolExecutor-N_M`, with `M` one of `workers`.
        fn pool_thread(name: &str, workers: &[&str]) -> bool {
            name.strip_prefix("ThreadPoolExecutor-")
                .and_then(|rest| rest.split_once('_'))
                .is_some_and(|(n, m)| {
                    !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) && workers.contains(&m)
                })
        }

        /// The `NAME: sleeping N` / `NAME: done with N` lines of the futures examples' task:
        /// each N sleeps then finishes on one pool thread.
        fn check_tasks(lines: &[&str], ns: &[u32]) {
            for n in ns {
                let sleeping = format!(": sleeping {n}");
                let line = lines
                    .iter()
                    .find(|l| l.ends_with(&sleeping))
                    .unwrap_or_else(|| panic!("task {n} missing: {lines:#?}"));
                let thread = line.strip_suffix(&sleeping).unwrap();
                assert!(pool_thread(thread, &["0", "1"]), "{line}");
                assert_before(lines, line, &format!("{thread}: done with {n}"));
            }
        }

        pub(super) fn futures_thread_pool_map(out: &Output) {
            let lines = out.printed();
            assert_eq!(lines[0], "main: starting");
            check_tasks(&lines, &[5, 4, 3, 2, 1]);
            let repr = lines
                .iter()
                .find_map(|l| l.strip_prefix("main: unprocessed results "))
                .expect("the unprocessed results line");
            assert!(
                repr.starts_with("<generator object Executor.map.<locals>.result_iterator at 0x"),
                "{repr}"
            );
            assert_before(
                &lines,
                &format!("main: unprocessed results {repr}"),
                "main: waiting for real results",
            );
            assert_eq!(
                lines.last(),
                Some(&"main: results: [0.5, 0.4, 0.3, 0.2, 0.1]")
            );
            assert_eq!(lines.len(), 14, "{lines:#?}");
        }

        pub(super) fn futures_thread_pool_submit(out: &Output) {
            let lines = out.printed();
            assert_eq!(lines[0], "main: starting");
            check_tasks(&lines, &[5]);
            // The worker's "sleeping 5" may come before or after main's next line (it does
            // either way in CPython too): find main's line rather than expect it second.
            let future = lines
                .iter()
                .find_map(|l| l.strip_prefix("main: future: "))
                .expect("the future line");
            assert_before(
                &lines,
                &format!("main: future: {future}"),
                "main: waiting for results",
            );
            // Pending or already running, depending on the worker's start.
            assert!(
                future.starts_with("<Future at 0x")
                    && (future.ends_with(" state=pending>") || future.ends_with(" state=running>")),
                "{future}"
            );
            let addr = &future[..future.find(" state=").unwrap()];
            assert_eq!(
                lines[lines.len() - 2..],
                [
                    "main: result: 0.5".to_string(),
                    format!("main: future after result: {addr} state=finished returned f64>")
                ]
            );
            assert_before(&lines, "main: waiting for results", "main: result: 0.5");
            assert_eq!(lines.len(), 7, "{lines:#?}");
        }

        pub(super) fn futures_as_completed(out: &Output) {
            let lines = out.printed();
            assert_eq!(lines[0], "main: starting");
            // In the order the random sleeps end.
            assert_same_lines(
                &lines[1..],
                &(1..=5)
                    .map(|n| format!("main: result: ({n}, 0.{n})"))
                    .collect::<Vec<_>>(),
            );
        }

        /// PyMOTW's output exactly: the task's message, then its exception as `exception()`
        /// returns it and as `result()` raises it; nothing on stderr (the excepthook is not
        /// called for a task's panic, as in Python).
        pub(super) fn futures_future_exception(out: &Output) {
            assert_eq!(
                out.printed(),
                [
                    "main: starting",
                    "5: starting",
                    "main: error: the value 5 is no good",
                    "main: saw error \"the value 5 is no good\" when accessing result",
                ]
            );
        }

        pub(super) fn futures_shutdown(out: &Output) {
            let lines = out.printed();
            assert_eq!(lines[0], "main: starting");
            // Leaving the scope waited for the four tasks.
            assert_same_lines(&lines[1..5], &["1", "2", "3", "4"]);
            assert_eq!(lines[5..], ["main: done"]);
        }
    }
}
