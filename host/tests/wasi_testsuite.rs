//! Runs the `wasm32-wasip1` tests of the WASI test suite (WebAssembly/wasi-testsuite, vendored
//! in `tests/wasi-testsuite/`, see its README) under the built `pythreading-host`.
//!
//! Each module runs as the suite's own runner (`test-runner/`, with its wasmtime adapter) runs
//! it: the spec's `env` only (`-S inherit-env=n` plus `--env NAME=VALUE`), its `root` preopened
//! as `/` (`--dir COPY::/`, a fresh copy per test so the vendored tree stays clean), its `args`
//! after the module, stdin a pipe that is closed; then the exit code must equal `exit_code`
//! (default 0), and stdout and stderr must begin with `stdout` and `stderr` (the runner reads
//! as many characters as the expected text has; an absent or empty one checks nothing).
//!
//! The pass count per language and the reason of each failure are printed. The test fails if a
//! test not in [`EXPECTED_FAILURES`] fails, or if one in it passes (then the list is stale).

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const HOST: &str = env!("CARGO_BIN_EXE_pythreading-host");
const TMP: &str = env!("CARGO_TARGET_TMPDIR");
/// Generous bound for one test (the slowest take well under a second).
const TEST_TIMEOUT: Duration = Duration::from_secs(60);
const LANGUAGES: [&str; 3] = ["assemblyscript", "c", "rust"];

/// Tests known to fail under this host: (language, test, reason). Each must fail; the goal is
/// the set stock wasmtime's own WASIp1 passes, which is the whole wasm32-wasip1 suite.
const EXPECTED_FAILURES: &[(&str, &str, &str)] = &[];

/// This crate's directory in the checkout being tested, read when the test runs (the compiled
/// test is cached outside the clone and may be reused by another checkout of the same sources).
fn manifest_dir() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")))
}

/// A test's JSON specification (the suite's "legacy" form, which all wasm32-wasip1 tests use).
#[derive(Default)]
struct Spec {
    args: Vec<String>,
    env: Vec<(String, String)>,
    root: Option<String>,
    exit_code: i32,
    stdout: String,
    stderr: String,
}

fn read_spec(wasm: &Path) -> Result<Spec, String> {
    let json = wasm.with_extension("json");
    let Ok(text) = std::fs::read_to_string(&json) else {
        return Ok(Spec::default());
    };
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", json.display()))?;
    let obj = value
        .as_object()
        .ok_or_else(|| format!("{}: not an object", json.display()))?;
    let mut spec = Spec::default();
    for (key, v) in obj {
        let bad = || format!("{}: bad `{key}`", json.display());
        match key.as_str() {
            "args" => {
                spec.args = v
                    .as_array()
                    .ok_or_else(bad)?
                    .iter()
                    .map(|a| a.as_str().map(str::to_string).ok_or_else(bad))
                    .collect::<Result<_, _>>()?
            }
            "env" => {
                for (name, value) in v.as_object().ok_or_else(bad)? {
                    spec.env
                        .push((name.clone(), value.as_str().ok_or_else(bad)?.to_string()));
                }
            }
            "root" => spec.root = Some(v.as_str().ok_or_else(bad)?.to_string()),
            "exit_code" => spec.exit_code = v.as_i64().ok_or_else(bad)? as i32,
            "stdout" => spec.stdout = v.as_str().ok_or_else(bad)?.to_string(),
            "stderr" => spec.stderr = v.as_str().ok_or_else(bad)?.to_string(),
            other => {
                return Err(format!(
                    "{}: unsupported spec key `{other}` (this runner knows the legacy keys)",
                    json.display()
                ))
            }
        }
    }
    Ok(spec)
}

/// Copies `from` (a directory tree of files, directories and symlinks) to `to`.
fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let ty = entry.file_type()?;
        let dest = to.join(entry.file_name());
        if ty.is_dir() {
            copy_tree(&entry.path(), &dest)?;
        } else if ty.is_symlink() {
            std::os::unix::fs::symlink(std::fs::read_link(entry.path())?, &dest)?;
        } else {
            std::fs::copy(entry.path(), &dest)?;
        }
    }
    Ok(())
}

struct Output {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn run_host(args: &[String]) -> Result<Output, String> {
    let mut child = Command::new(HOST)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start pythreading-host: {e}"))?;
    // The runner closes stdin when it waits for the test.
    drop(child.stdin.take());
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut b = Vec::new();
        out.read_to_end(&mut b).map(|_| b)
    });
    let err = std::thread::spawn(move || {
        let mut b = Vec::new();
        err.read_to_end(&mut b).map(|_| b)
    });
    let deadline = Instant::now() + TEST_TIMEOUT;
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("timed out after {TEST_TIMEOUT:?}"));
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let text =
        |b: std::io::Result<Vec<u8>>| String::from_utf8_lossy(&b.unwrap_or_default()).into_owned();
    Ok(Output {
        code: status.code(),
        stdout: text(out.join().unwrap()),
        stderr: text(err.join().unwrap()),
    })
}

/// The first `n` characters of `s` (the runner reads characters from a text pipe).
fn prefix(s: &str, n: usize) -> &str {
    match s.char_indices().nth(n) {
        Some((at, _)) => &s[..at],
        None => s,
    }
}

/// Runs one test; `Err` carries the reason it failed.
fn run_test(lang: &str, wasm: &Path) -> Result<(), String> {
    let spec = read_spec(wasm)?;
    let name = wasm.file_stem().unwrap().to_string_lossy().into_owned();
    let mut args = vec!["-S".to_string(), "inherit-env=n".to_string()];
    for (k, v) in &spec.env {
        args.push("--env".into());
        args.push(format!("{k}={v}"));
    }
    if let Some(root) = &spec.root {
        let copy = Path::new(TMP).join("wasi-testsuite").join(lang).join(&name);
        if copy.exists() {
            std::fs::remove_dir_all(&copy).map_err(|e| format!("clean {}: {e}", copy.display()))?;
        }
        copy_tree(&wasm.parent().unwrap().join(root), &copy)
            .map_err(|e| format!("copy the test's root: {e}"))?;
        args.push("--dir".into());
        args.push(format!("{}::/", copy.display()));
    }
    args.push(wasm.display().to_string());
    args.extend(spec.args.iter().cloned());
    let out = run_host(&args)?;
    let mut problems = Vec::new();
    if out.code != Some(spec.exit_code) {
        problems.push(format!(
            "exit code {:?}, expected {}",
            out.code, spec.exit_code
        ));
    }
    for (stream, got, want) in [
        ("stdout", &out.stdout, &spec.stdout),
        ("stderr", &out.stderr, &spec.stderr),
    ] {
        let got = prefix(got, want.chars().count());
        if got != want {
            problems.push(format!("{stream} {got:?}, expected {want:?}"));
        }
    }
    if problems.is_empty() {
        return Ok(());
    }
    let stderr: String = out.stderr.lines().take(6).collect::<Vec<_>>().join(" | ");
    Err(format!("{}; stderr: {stderr}", problems.join("; ")))
}

#[test]
fn wasi_testsuite_wasm32_wasip1() {
    let suite = manifest_dir().join("tests/wasi-testsuite");
    let mut report = Vec::new();
    let mut wrong = Vec::new();
    let mut seen_expected = BTreeMap::new();
    for lang in LANGUAGES {
        let dir = suite.join(lang);
        let mut modules: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "wasm"))
            .collect();
        modules.sort();
        assert!(!modules.is_empty(), "no modules in {}", dir.display());
        let (mut passed, mut expected_failed) = (0, 0);
        for wasm in &modules {
            let name = wasm.file_stem().unwrap().to_string_lossy().into_owned();
            let expected = EXPECTED_FAILURES
                .iter()
                .find(|(l, t, _)| *l == lang && *t == name);
            let result = run_test(lang, wasm);
            match (result, expected) {
                (Ok(()), None) => passed += 1,
                (Ok(()), Some(_)) => {
                    wrong.push(format!(
                        "{lang}/{name}: passes, but is listed as an expected failure"
                    ));
                }
                (Err(reason), Some((_, _, why))) => {
                    expected_failed += 1;
                    seen_expected.insert(format!("{lang}/{name}"), ());
                    report.push(format!(
                        "  expected failure {lang}/{name} ({why}): {reason}"
                    ));
                }
                (Err(reason), None) => {
                    report.push(format!("  FAILED {lang}/{name}: {reason}"));
                    wrong.push(format!("{lang}/{name}: {reason}"));
                }
            }
        }
        println!(
            "wasi-testsuite {lang} (wasm32-wasip1): {passed}/{} passed, {expected_failed} expected failures",
            modules.len()
        );
    }
    for line in &report {
        println!("{line}");
    }
    for (lang, name, _) in EXPECTED_FAILURES {
        let key = format!("{lang}/{name}");
        if !seen_expected.contains_key(&key)
            && !suite.join(lang).join(format!("{name}.wasm")).exists()
        {
            wrong.push(format!(
                "{key}: listed as an expected failure but not in the suite"
            ));
        }
    }
    assert!(wrong.is_empty(), "wasi-testsuite:\n{}", wrong.join("\n"));
}
