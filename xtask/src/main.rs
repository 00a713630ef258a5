//! `cargo xtask`: the one place for pythreading's pins, its list of seed examples and the
//! builds of the artifacts that tests, benchmarks and the demo run.
//!
//! - **Pins** ([`pins`]): the nightly, the two wasm targets, the wasm-bindgen version (read
//!   from `Cargo.lock`). `cargo xtask pin nightly` etc. print them for the scripts;
//!   `cargo xtask pin check` checks the files that must repeat one (the crates'
//!   `rust-toolchain.toml`, the browser crates' lockfiles, the template's rustflags).
//! - **The list of examples** (`src/examples.rs`, a macro included by this crate,
//!   `tests/examples.rs` and `www/demo/src/lib.rs`): `cargo xtask examples` prints it.
//! - **Artifact builds** ([`build`]): `cargo xtask build ARTIFACT` builds one and prints its
//!   path. Tests and benchmarks never build: they read the paths from environment variables,
//!   which `cargo xtask test-examples` (and `scripts/bench.sh`) set after building:
//!
//!   | variable | artifact | read by |
//!   |---|---|---|
//!   | `PYTHREADING_HOST` | `build host` | `tests/examples.rs` (wasmtime), `benches/primitives.rs` (`--wasmtime`) |
//!   | `PYTHREADING_WASI_EXAMPLES_DIR` | `build wasi-examples` | `tests/examples.rs` (wasmtime) |
//!   | `PYTHREADING_DEMO_DIR` | `build demo` | `tests/examples.rs` (browser) |
//!   | `PYTHREADING_BENCH_WASM` | `build bench-wasm` | `benches/primitives.rs` (`--wasmtime`) |
//!   | `PYTHREADING_BENCH_WASM_ABORT` | `build bench-wasm --panic abort-nightly` | `benches/primitives.rs` (`--wasmtime`) |
//!   | `PYTHREADING_BENCH_WEB_DIR` | `build bench-web` | `benches/primitives.rs` (`--browser`) |
//!   | `PYTHREADING_BENCH_WEB_ABORT_DIR` | `build bench-web --panic abort` | `benches/primitives.rs` (`--browser`) |
//!
//! Control flows one way: the scripts (`scripts/*.sh`, the README's entries, which install
//! the toolchains first) call the xtask, which builds and then runs cargo's tests; the tests
//! run the artifacts (a subprocess, the wasmtime host, a headless browser), never a build.

mod build;
mod pins;
mod wasi_sysroot;

use anyhow::Result;
use clap::{Parser, Subcommand, ValueEnum};
use std::path::{Path, PathBuf};

include!("examples.rs");

macro_rules! names {
    ($($name:ident,)*) => {
        /// The seed examples' names, in the demo's order (from `seed_examples!`).
        const SEED_EXAMPLES: &[&str] = &[$(stringify!($name)),*];
    };
}
seed_examples!(names);

#[derive(Parser)]
#[command(
    name = "cargo xtask",
    bin_name = "cargo xtask",
    about = "pythreading's pins, list of examples and artifact builds (see xtask/src/main.rs)"
)]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Print a pin (for scripts), or check the files that repeat one
    Pin {
        #[command(subcommand)]
        pin: Pin,
    },
    /// Print the seed examples, one per line, in the order the demo runs them
    Examples,
    /// Build an artifact and print its path
    Build {
        #[arg(value_enum)]
        artifact: Artifact,
        /// How a wasm artifact handles panics: wasi-examples and bench-wasm (wasm32-wasip1-threads;
        /// abort: stable Rust; abort-nightly: the nightly, std rebuilt with panic_abort), bench-web
        /// (abort and abort-nightly: the nightly, std rebuilt with panic_abort, into
        /// www/bench-pkg-abort); the other artifacts always unwind
        #[arg(long, value_enum, default_value = "unwind")]
        panic: PanicArg,
    },
    /// Build what `tests/examples.rs` runs on PLATFORM, then run it with their paths
    /// (`PYTHREADING_EXAMPLES_PLATFORM=PLATFORM cargo test --test examples [-- ARGS]`)
    TestExamples {
        #[arg(value_enum)]
        platform: Platform,
        /// How the wasmtime examples handle panics
        #[arg(long, value_enum, default_value = "unwind")]
        panic: PanicArg,
        /// Arguments for the test binary (after `--`), e.g. `--nocapture` or a test name
        #[arg(last = true)]
        args: Vec<String>,
    },
    /// Make the pinned nightly able to link wasm32-wasip1-threads programs that unwind (the
    /// target's self-contained libc and libunwind; see xtask/src/wasi_sysroot.rs); print the
    /// directory
    WasiSysroot,
}

#[derive(Subcommand)]
enum Pin {
    /// The nightly for browsers (`PYTHREADING_NIGHTLY` overrides it)
    Nightly,
    /// Both wasm targets, one per line
    Targets,
    /// The wasmtime target (wasi-threads)
    WasiTarget,
    /// The browser target (atomics; needs the nightly and build-std)
    WebTarget,
    /// The RUSTFLAGS of an unwinding wasm32-wasip1-threads build (`-Cpanic=unwind`)
    UnwindRustflags,
    /// The build-std flag of the unwinding builds (`-Zbuild-std=std,panic_unwind`)
    BuildStd,
    /// The build-std flag of a panic=abort browser build
    BuildStdAbort,
    /// The wasm-bindgen version in Cargo.lock (wasm-bindgen-cli must be this version)
    WasmBindgen {
        /// Another lockfile to read (default: the repository's Cargo.lock)
        #[arg(long)]
        lockfile: Option<PathBuf>,
    },
    /// Fail unless every file that repeats a pin agrees with it
    Check,
}

#[derive(Clone, Copy, ValueEnum)]
enum Artifact {
    /// The wasmtime host (scripts/wasi-runner.sh --build-host)
    Host,
    /// The native examples (cargo build --examples)
    NativeExamples,
    /// The examples for wasmtime: a directory of NAME.wasm
    WasiExamples,
    /// The browser demo's module, www/pkg
    Demo,
    /// The benchmark for wasmtime: one .wasm module
    BenchWasm,
    /// The benchmark workloads for browsers, www/bench-pkg (--panic abort: www/bench-pkg-abort)
    BenchWeb,
    /// The npm package pythreading-web: its tarball in target/npm
    Npm,
}

#[derive(Clone, Copy, ValueEnum)]
enum PanicArg {
    /// The pinned nightly, -Cpanic=unwind, std rebuilt with panic_unwind
    Unwind,
    /// Panics abort: stable Rust's prebuilt std for wasm32-wasip1-threads (the host recovers
    /// the trapped thread); for bench-web the nightly with std rebuilt with panic_abort
    Abort,
    /// Panics abort, built as `unwind` is but for the panic strategy: the pinned nightly,
    /// -Cpanic=abort, std rebuilt with panic_abort (in a target directory of its own)
    AbortNightly,
}

impl From<PanicArg> for build::Panic {
    fn from(p: PanicArg) -> Self {
        match p {
            PanicArg::Unwind => build::Panic::Unwind,
            PanicArg::Abort => build::Panic::Abort,
            PanicArg::AbortNightly => build::Panic::AbortNightly,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum Platform {
    /// The examples cargo builds (target/debug/examples)
    Native,
    /// The wasm32-wasip1-threads examples under the project's wasmtime host
    Wasmtime,
    /// Each example in the www/ demo page in a headless browser (PYTHREADING_BROWSER)
    Browser,
}

/// The repository: the parent of this crate's directory.
fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask/ is inside the repository")
}

/// Runs the command; an error is printed as one line with its causes (`xtask: ...`) and exit
/// code 1, without a backtrace.
fn main() {
    if let Err(e) = run(Cli::parse().command) {
        eprintln!("xtask: {e:#}");
        std::process::exit(1);
    }
}

fn run(command: Cmd) -> Result<()> {
    let root = root();
    match command {
        Cmd::Pin { pin } => match pin {
            Pin::Nightly => println!("{}", pins::nightly(root)?),
            Pin::Targets => println!("{}\n{}", pins::WASI_TARGET, pins::WEB_TARGET),
            Pin::WasiTarget => println!("{}", pins::WASI_TARGET),
            Pin::WebTarget => println!("{}", pins::WEB_TARGET),
            Pin::UnwindRustflags => println!("{}", pins::UNWIND_RUSTFLAGS),
            Pin::BuildStd => println!("{}", pins::BUILD_STD),
            Pin::BuildStdAbort => println!("{}", pins::BUILD_STD_ABORT),
            Pin::WasmBindgen { lockfile } => {
                let lockfile = lockfile.unwrap_or_else(|| root.join("Cargo.lock"));
                println!("{}", pins::wasm_bindgen(&lockfile)?);
            }
            Pin::Check => {
                pins::check(root)?;
                eprintln!("[xtask] pins agree");
            }
        },
        Cmd::Examples => SEED_EXAMPLES.iter().for_each(|name| println!("{name}")),
        Cmd::Build { artifact, panic } => {
            let path = match artifact {
                Artifact::Host => build::host(root)?,
                Artifact::NativeExamples => build::native_examples(root)?,
                Artifact::WasiExamples => build::wasi_examples(root, panic.into())?,
                Artifact::Demo => build::demo(root)?,
                Artifact::BenchWasm => build::bench_wasm(root, panic.into())?,
                Artifact::BenchWeb => build::bench_web(root, panic.into())?,
                Artifact::Npm => build::npm(root)?,
            };
            println!("{}", path.display());
        }
        Cmd::WasiSysroot => println!("{}", wasi_sysroot::ensure(root)?.display()),
        Cmd::TestExamples {
            platform,
            panic,
            args,
        } => {
            let mut test = build::cargo(root);
            test.args(["test", "--test", "examples"]);
            let name = match platform {
                // The test finds these where cargo puts them, next to itself.
                Platform::Native => {
                    build::native_examples(root)?;
                    "native"
                }
                Platform::Wasmtime => {
                    test.env("PYTHREADING_HOST", build::host(root)?);
                    test.env(
                        "PYTHREADING_WASI_EXAMPLES_DIR",
                        build::wasi_examples(root, panic.into())?,
                    );
                    "wasmtime"
                }
                Platform::Browser => {
                    test.env("PYTHREADING_DEMO_DIR", build::demo(root)?);
                    "browser"
                }
            };
            test.env("PYTHREADING_EXAMPLES_PLATFORM", name);
            if !args.is_empty() {
                test.arg("--").args(&args);
            }
            build::run(&mut test)?;
        }
    }
    Ok(())
}
