//! The artifact builds: everything a test, benchmark or the demo runs that cargo does not build
//! by itself for them. Each returns the artifact's path; `cargo xtask build ARTIFACT` prints
//! it, and `cargo xtask test-examples` passes the paths to the test in environment variables.
//!
//! Cargo's own builds report their artifacts in its JSON messages (read with
//! `cargo_metadata`), so no path here is guessed from the target directory's layout. The
//! browser builds run cargo with the pinned nightly, explicitly (`cargo +NIGHTLY`): cargo run
//! by `cargo xtask` inherits `RUSTUP_TOOLCHAIN`, which would override the crates'
//! `rust-toolchain.toml`.

use crate::pins;
use anyhow::{bail, ensure, Context, Result};
use cargo_metadata::{Artifact, Message, TargetKind};
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Prints the command on stderr (`[xtask] ...`) and runs it; fails on a non-zero exit.
pub fn run(cmd: &mut Command) -> Result<()> {
    eprintln!("[xtask] {}", shown(cmd));
    let status = cmd
        .status()
        .with_context(|| format!("starting {}", shown(cmd)))?;
    ensure!(status.success(), "{} failed: {status}", shown(cmd));
    Ok(())
}

/// Like [`run`], and returns the command's stdout (its stderr is ours).
fn output(cmd: &mut Command) -> Result<String> {
    eprintln!("[xtask] {}", shown(cmd));
    let out = cmd
        .stderr(Stdio::inherit())
        .output()
        .with_context(|| format!("starting {}", shown(cmd)))?;
    ensure!(
        out.status.success(),
        "{} failed: {}",
        shown(cmd),
        out.status
    );
    String::from_utf8(out.stdout).with_context(|| format!("{}: output not UTF-8", shown(cmd)))
}

/// `program arg arg ...`, with the environment variables and directory it was given.
fn shown(cmd: &Command) -> String {
    let mut parts: Vec<String> = cmd
        .get_envs()
        .filter_map(|(k, v)| Some(format!("{}={}", k.to_str()?, v?.to_str()?)))
        .collect();
    parts.push(cmd.get_program().to_string_lossy().into_owned());
    parts.extend(cmd.get_args().map(|a| a.to_string_lossy().into_owned()));
    match cmd.get_current_dir() {
        Some(dir) => format!("(in {}) {}", dir.display(), parts.join(" ")),
        None => parts.join(" "),
    }
}

/// `cargo` (rustup's proxy on `PATH`, so that `+TOOLCHAIN` works), run in `root`.
pub fn cargo(root: &Path) -> Command {
    let mut cmd = Command::new("cargo");
    cmd.current_dir(root);
    cmd
}

/// Runs a `cargo build` and returns the artifacts its JSON messages report (its diagnostics
/// are rendered on stderr as usual).
fn cargo_build(cmd: &mut Command) -> Result<Vec<Artifact>> {
    cmd.arg("--message-format=json-render-diagnostics")
        .stdout(Stdio::piped());
    eprintln!("[xtask] {}", shown(cmd));
    let mut child = cmd
        .spawn()
        .with_context(|| format!("starting {}", shown(cmd)))?;
    let stdout = BufReader::new(child.stdout.take().expect("piped stdout"));
    let mut artifacts = Vec::new();
    for message in Message::parse_stream(stdout) {
        if let Message::CompilerArtifact(artifact) = message.context("reading cargo's messages")? {
            artifacts.push(artifact);
        }
    }
    let status = child.wait()?;
    ensure!(status.success(), "{} failed: {status}", shown(cmd));
    Ok(artifacts)
}

/// The wasmtime host, `pythreading-host`: built (or refreshed) by `scripts/wasi-runner.sh
/// --build-host` into `${PYTHREADING_CACHE:-~/.cache/pythreading}/host-target`, which prints
/// its path. (How the host is built is that script's business.)
pub fn host(root: &Path) -> Result<PathBuf> {
    let out = output(
        Command::new("bash")
            .arg(root.join("scripts/wasi-runner.sh"))
            .arg("--build-host")
            .current_dir(root),
    )?;
    let path = PathBuf::from(out.lines().last().context("no host path printed")?.trim());
    ensure!(path.is_file(), "no host at {}", path.display());
    Ok(path)
}

/// How a wasm build handles panics.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Panic {
    /// Unwinding: the pinned nightly, `-Cpanic=unwind`, std rebuilt with `panic_unwind` (for
    /// [`pins::WASI_TARGET`] the nightly's sysroot completed first:
    /// [`crate::wasi_sysroot::ensure`]). The main build.
    Unwind,
    /// A panic aborts (a trap, which the project's host and browser runtime recover from). For
    /// [`pins::WASI_TARGET`]: stable Rust's prebuilt std (what stable users get). For
    /// [`pins::WEB_TARGET`] (only [`bench_web`]), which rebuilds std in any case: as
    /// [`Panic::AbortNightly`].
    Abort,
    /// A panic aborts, built as [`Panic::Unwind`] is but for the panic strategy: the pinned
    /// nightly, `-Cpanic=abort`, std rebuilt with `panic_abort` ([`pins::BUILD_STD_ABORT`]),
    /// so that a comparison with the unwinding build measures unwinding alone (the benchmark's
    /// "unwinding against panic=abort" tables). Into a target directory of its own
    /// (`target/wasi-abort-nightly`, `target/www-bench-abort`): the unwinding build's
    /// artifacts would otherwise be rebuilt each time the other is built.
    AbortNightly,
}

/// `RUSTFLAGS` (or the browser target's last rustflag) of the nightly panic=abort builds.
const ABORT_RUSTFLAGS: &str = "-Cpanic=abort";

/// `cargo build` for [`pins::WASI_TARGET`], set up for `panic`.
pub fn wasi_cargo(root: &Path, panic: Panic) -> Result<Command> {
    let mut cmd = cargo(root);
    match panic {
        Panic::Unwind => {
            let nightly = pins::nightly(root)?;
            crate::wasi_sysroot::ensure(root)?;
            cmd.arg(format!("+{nightly}"))
                .args(["build", "--target", pins::WASI_TARGET, pins::BUILD_STD])
                .env("RUSTFLAGS", pins::UNWIND_RUSTFLAGS);
        }
        Panic::Abort => {
            cmd.args(["build", "--target", pins::WASI_TARGET]);
        }
        Panic::AbortNightly => {
            let nightly = pins::nightly(root)?;
            crate::wasi_sysroot::ensure(root)?; // wasi-libc's files, as for unwinding
            cmd.arg(format!("+{nightly}"))
                .args([
                    "build",
                    "--target",
                    pins::WASI_TARGET,
                    pins::BUILD_STD_ABORT,
                ])
                .env("RUSTFLAGS", ABORT_RUSTFLAGS)
                .env("CARGO_TARGET_DIR", root.join("target/wasi-abort-nightly"));
        }
    }
    Ok(cmd)
}

/// The directory of the example binaries that `cmd` (a `cargo build`) built with
/// `--examples`, after checking that every seed example is there.
fn examples(mut cmd: Command) -> Result<PathBuf> {
    cmd.arg("--examples");
    let built: Vec<PathBuf> = cargo_build(&mut cmd)?
        .into_iter()
        .filter(|a| a.target.kind.contains(&TargetKind::Example))
        .filter_map(|a| a.executable.map(PathBuf::from))
        .collect();
    let dir = built
        .first()
        .and_then(|p| p.parent())
        .context("cargo built no examples")?
        .to_path_buf();
    for name in crate::SEED_EXAMPLES {
        ensure!(
            built
                .iter()
                .any(|p| p.file_stem().is_some_and(|s| s == *name)),
            "cargo built no example {name}"
        );
    }
    Ok(dir)
}

/// The native examples (`target/debug/examples`), as `cargo test` builds them.
pub fn native_examples(root: &Path) -> Result<PathBuf> {
    let mut cmd = cargo(root);
    cmd.arg("build");
    examples(cmd)
}

/// The seed examples built for wasmtime (`target/wasm32-wasip1-threads/debug/examples`, each
/// `NAME.wasm`; `target/wasi-abort-nightly/...` for [`Panic::AbortNightly`]), with unwinding or
/// aborting panics.
pub fn wasi_examples(root: &Path, panic: Panic) -> Result<PathBuf> {
    examples(wasi_cargo(root, panic)?)
}

/// The benchmark built for wasmtime (release), the module `benches/primitives.rs --wasmtime`
/// serves its wasm samples from, and `benches/queue_futures.rs --wasmtime` too (its server
/// answers both benches' workloads; `scripts/bench.sh` builds it with [`Panic::Unwind`] and
/// [`Panic::AbortNightly`] for that, and with [`Panic::Abort`] for `benches/runtimes.rs`).
pub fn bench_wasm(root: &Path, panic: Panic) -> Result<PathBuf> {
    let mut cmd = wasi_cargo(root, panic)?;
    cmd.args(["--release", "--bench", "primitives"]);
    cargo_build(&mut cmd)?
        .into_iter()
        .filter(|a| a.target.name == "primitives")
        .find_map(|a| a.executable.map(PathBuf::from))
        .context("cargo built no primitives .wasm")
}

/// Builds a browser crate (`dir`, a cdylib with a workspace of its own) for [`pins::WEB_TARGET`]
/// with the nightly and build-std, release, into `target/TARGET_DIR`, then runs `wasm-bindgen
/// --target web` on it into `out_dir` (relative to the repository), which it returns. With
/// [`Panic::Abort`] (or [`Panic::AbortNightly`], the same here), std is rebuilt with
/// `panic_abort` and `-Cpanic=abort` goes after the
/// repository's rustflags (`-Cpanic=unwind` among them: the last one wins), as in
/// `scripts/test.sh`'s panic=abort check.
fn browser_crate(
    root: &Path,
    dir: &str,
    target_dir: &str,
    out_dir: &str,
    panic: Panic,
) -> Result<PathBuf> {
    let nightly = pins::nightly(root)?;
    wasm_bindgen_cli(root, dir)?; // before the build, which takes minutes from scratch
    let mut cmd = cargo(&root.join(dir));
    cmd.arg(format!("+{nightly}"))
        .args(["build", "--release", "--target", pins::WEB_TARGET])
        .env("CARGO_TARGET_DIR", root.join("target").join(target_dir));
    match panic {
        Panic::Unwind => {
            cmd.arg(pins::BUILD_STD);
        }
        Panic::Abort | Panic::AbortNightly => {
            cmd.arg(pins::BUILD_STD_ABORT).arg("--config").arg(format!(
                "target.{}.rustflags=[\"{ABORT_RUSTFLAGS}\"]",
                pins::WEB_TARGET
            ));
        }
    }
    let wasm = cargo_build(&mut cmd)?
        .into_iter()
        .filter(|a| a.target.kind.contains(&TargetKind::CDyLib))
        .flat_map(|a| a.filenames)
        .find(|f| f.extension() == Some("wasm"))
        .with_context(|| format!("cargo built no .wasm in {dir}"))?;
    let out = root.join(out_dir);
    run(Command::new("wasm-bindgen")
        .args(["--target", "web", "--out-dir"])
        .arg(&out)
        .arg(wasm.as_std_path()))?;
    Ok(out)
}

/// Fails unless `wasm-bindgen` on `PATH` is the version in the lockfile of `dir`, the crate
/// being built (the glue it generates and the module must agree exactly), which must be the
/// repository's (the version setup.sh installs).
fn wasm_bindgen_cli(root: &Path, dir: &str) -> Result<()> {
    let want = pins::wasm_bindgen(&root.join("Cargo.lock"))?;
    let locked = pins::wasm_bindgen(&root.join(dir).join("Cargo.lock"))?;
    ensure!(
        locked == want,
        "{dir}/Cargo.lock has wasm-bindgen {locked}, Cargo.lock has {want}: run `cargo update -p \
         wasm-bindgen --precise {want}` in {dir}"
    );
    let have = Command::new("wasm-bindgen").arg("--version").output();
    let have = match have {
        Ok(out) if out.status.success() => String::from_utf8_lossy(&out.stdout).into_owned(),
        _ => String::new(),
    };
    let have = have.split_whitespace().nth(1).unwrap_or("none");
    if have != want {
        bail!(
            "wasm-bindgen-cli {want} is needed (Cargo.lock's wasm-bindgen), this PATH has {have}: \
             bash scripts/setup.sh --browser installs it"
        );
    }
    Ok(())
}

/// The browser demo's module, `www/pkg` (where `www/demo-worker.js` imports it from): `www/demo`
/// (the seed examples over pythreading) built for browsers.
pub fn demo(root: &Path) -> Result<PathBuf> {
    browser_crate(root, "www/demo", "www-demo", "www/pkg", Panic::Unwind)
}

/// The benchmark workloads for browsers: `www/bench` built for browsers into `www/bench-pkg`
/// (unwinding), or with `panic=abort` (the nightly's; `abort` and `abort-nightly` are one build
/// here) into `www/bench-pkg-abort` (with a target directory of its own, so that neither build
/// invalidates the other); `www/bench-worker.js` imports the one the page names
/// (`bench.html?pkg=bench-pkg-abort`).
pub fn bench_web(root: &Path, panic: Panic) -> Result<PathBuf> {
    match panic {
        Panic::Unwind => browser_crate(root, "www/bench", "www-bench", "www/bench-pkg", panic),
        Panic::Abort | Panic::AbortNightly => browser_crate(
            root,
            "www/bench",
            "www-bench-abort",
            "www/bench-pkg-abort",
            panic,
        ),
    }
}

/// The package's own JS (`npm/js`), copied next to the wasm-bindgen glue: `index.js` wraps the
/// glue's init (bounded, with causes) and registers the worker script, which imports the glue
/// by a relative path so that bundlers keep it as a worker entry of its own.
const NPM_JS: &[&str] = &["index.js", "index.d.ts", "worker.js", "spawn.js"];

/// The npm package `pythreading-web`: `wasm-pack build npm --target web` (the nightly,
/// build-std; `--mode force` skips its rustup target check, as `rustup target add` has nothing
/// to add for a build-std target, and `--no-opt` its download of wasm-opt) into `npm/pkg`, the
/// package's JS added, `package.json` pointed at it, then `npm pack` into
/// `target/npm/pythreading-web-VERSION.tgz`, whose path it returns.
pub fn npm(root: &Path) -> Result<PathBuf> {
    let nightly = pins::nightly(root)?;
    wasm_bindgen_cli(root, "npm")?; // wasm-pack takes the wasm-bindgen on PATH
    let target_dir = root.join("target/npm");
    run(Command::new("wasm-pack")
        .args([
            "build",
            "npm",
            "--target",
            "web",
            "--release",
            "--mode",
            "force",
            "--no-opt",
        ])
        .args(["--", pins::BUILD_STD])
        .current_dir(root)
        .env("RUSTUP_TOOLCHAIN", &nightly)
        .env("CARGO_TARGET_DIR", &target_dir))?;
    let pkg = root.join("npm/pkg");
    for file in NPM_JS {
        std::fs::copy(root.join("npm/js").join(file), pkg.join(file))
            .with_context(|| format!("copying npm/js/{file} into npm/pkg"))?;
    }
    point_package_json(&pkg.join("package.json"))?;
    let tarball = output(
        Command::new("npm")
            .args(["pack", "--silent", "--pack-destination"])
            .arg(&target_dir)
            .current_dir(&pkg),
    )?;
    let tarball = target_dir.join(tarball.trim());
    ensure!(tarball.is_file(), "npm pack made no {}", tarball.display());
    Ok(tarball)
}

/// wasm-pack's `package.json`, pointed at the package's own entry (`index.js`, its types) and
/// made to ship the package's JS; the worker script and the glue's snippets have side effects
/// (bundlers must keep them). Keys keep their order; new ones go last.
fn point_package_json(path: &Path) -> Result<()> {
    use serde_json::{json, Value};
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let mut pkg: serde_json::Map<String, Value> =
        serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
    pkg.insert("module".into(), json!("index.js"));
    pkg.insert("main".into(), json!("index.js"));
    pkg.insert("types".into(), json!("index.d.ts"));
    let mut files: Vec<Value> = match pkg.get("files") {
        Some(Value::Array(files)) => files.clone(),
        _ => Vec::new(),
    };
    for file in NPM_JS {
        if !files.iter().any(|f| f == file) {
            files.push(json!(file));
        }
    }
    pkg.insert("files".into(), Value::Array(files));
    pkg.insert("sideEffects".into(), json!(["./snippets/*", "./worker.js"]));
    let text = serde_json::to_string_pretty(&pkg)? + "\n";
    std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))
}
