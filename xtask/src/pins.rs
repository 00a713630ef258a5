//! The pins, each in one place: the nightly, the two wasm targets, and the wasm-bindgen version
//! (read from `Cargo.lock`). Scripts ask for them (`cargo xtask pin nightly`, …) instead of
//! repeating them.
//!
//! Some files must name a pin themselves, because the tool that reads them takes nothing from
//! elsewhere: a `rust-toolchain.toml` in each crate that needs the nightly (rustup reads it
//! when cargo runs in that crate's directory), the lockfiles of the crates with a workspace of
//! their own (cargo reads them), and the browser template's `.cargo/config.toml` (copied out of
//! the repository, so it repeats the browser target's rustflags of ours). Those copies are
//! checked, not trusted: [`check`] (`cargo xtask pin check`) fails unless each equals the pin
//! here, and every command that uses the nightly checks the toolchain files first.

use anyhow::{bail, ensure, Context, Result};
use serde::Deserialize;
use std::path::Path;

/// The nightly for the unwinding wasm builds: `wasm32-unknown-unknown` (browsers), whose std is
/// rebuilt with atomics, and `wasm32-wasip1-threads` with `-Cpanic=unwind`; both rebuild std
/// (`-Zbuild-std`), which needs a nightly with `rust-src`, and this nightly emits the
/// exception-handling proposal's exnref encoding by default (rust-lang/rust#156061).
/// `PYTHREADING_NIGHTLY` overrides it (to try another nightly; the toolchain files are then
/// not checked).
const NIGHTLY: &str = "nightly-2026-05-19";

/// The environment variable that overrides [`NIGHTLY`].
const NIGHTLY_VAR: &str = "PYTHREADING_NIGHTLY";

/// Threads under wasmtime (wasi-threads). Built two ways: with unwinding ([`nightly`],
/// [`UNWIND_RUSTFLAGS`], [`BUILD_STD`]; the project's main build, run under its host), and
/// with stable Rust's prebuilt std, where panics abort (what stable users get).
pub const WASI_TARGET: &str = "wasm32-wasip1-threads";

/// Threads in browsers (Web Workers); its rustflags (atomics, a shared imported memory,
/// `-Cpanic=unwind`) are in `.cargo/config.toml`, and it needs [`nightly`] with [`BUILD_STD`].
pub const WEB_TARGET: &str = "wasm32-unknown-unknown";

/// Panics unwind on wasm (std rebuilt with [`BUILD_STD`]): `RUSTFLAGS` for [`WASI_TARGET`],
/// where stable's default is panic=abort; [`WEB_TARGET`]'s rustflags in `.cargo/config.toml`
/// already carry it.
pub const UNWIND_RUSTFLAGS: &str = "-Cpanic=unwind";

/// Rebuilds std with unwinding (and, for [`WEB_TARGET`], with atomics, which its prebuilt std
/// lacks).
pub const BUILD_STD: &str = "-Zbuild-std=std,panic_unwind";

/// Rebuilds std for a panic=abort build of [`WEB_TARGET`] (with `-Cpanic=abort` after the
/// config's rustflags), the build whose panics are traps that the browser runtime recovers.
pub const BUILD_STD_ABORT: &str = "-Zbuild-std=panic_abort,std";

/// The crates (directories, relative to the repository) that build with the nightly and say so
/// in their own `rust-toolchain.toml`.
const NIGHTLY_CRATES: &[&str] = &["www/demo", "www/bench", "npm", "templates/browser"];

/// The lockfiles of the crates built for browsers, each a workspace of its own: their
/// wasm-bindgen must be the root's, the version of wasm-bindgen-cli.
const BROWSER_LOCKFILES: &[&str] = &[
    "www/demo/Cargo.lock",
    "www/bench/Cargo.lock",
    "npm/Cargo.lock",
];

/// The nightly: `PYTHREADING_NIGHTLY` if set, else [`NIGHTLY`] after checking that every
/// crate's `rust-toolchain.toml` names it.
pub fn nightly(root: &Path) -> Result<String> {
    if let Some(over) = std::env::var(NIGHTLY_VAR).ok().filter(|v| !v.is_empty()) {
        return Ok(over);
    }
    check_toolchain_files(root)?;
    Ok(NIGHTLY.to_string())
}

/// The version of the `wasm-bindgen` crate in `lockfile` (the root's `Cargo.lock` by default),
/// which wasm-bindgen-cli (`wasm-bindgen`, `wasm-bindgen-test-runner`) must equal exactly.
pub fn wasm_bindgen(lockfile: &Path) -> Result<String> {
    let lock = cargo_lock::Lockfile::load(lockfile)
        .with_context(|| format!("reading {}", lockfile.display()))?;
    let versions: Vec<String> = lock
        .packages
        .iter()
        .filter(|p| p.name.as_str() == "wasm-bindgen")
        .map(|p| p.version.to_string())
        .collect();
    match &versions[..] {
        [one] => Ok(one.clone()),
        [] => bail!(
            "{} has no wasm-bindgen package (run `cargo generate-lockfile` there first)",
            lockfile.display()
        ),
        many => bail!(
            "{} has several wasm-bindgen versions: {many:?}",
            lockfile.display()
        ),
    }
}

/// Fails unless every copy of a pin agrees with the pin: the toolchain files name the nightly,
/// the browser crates' lockfiles the root's wasm-bindgen, and the template's `.cargo/config.toml`
/// the root's rustflags for [`WEB_TARGET`].
pub fn check(root: &Path) -> Result<()> {
    check_toolchain_files(root)?;
    let want = wasm_bindgen(&root.join("Cargo.lock"))?;
    for lockfile in BROWSER_LOCKFILES {
        let have = wasm_bindgen(&root.join(lockfile))?;
        ensure!(
            have == want,
            "{lockfile} has wasm-bindgen {have}, Cargo.lock has {want}: \
             run `cargo update -p wasm-bindgen --precise {want}` in its directory"
        );
    }
    let ours = web_rustflags(&root.join(".cargo/config.toml"))?;
    let template = web_rustflags(&root.join("templates/browser/.cargo/config.toml"))?;
    ensure!(
        ours == template,
        "templates/browser/.cargo/config.toml's rustflags for {WEB_TARGET} are not the \
         repository's:\n  repo:     {ours:?}\n  template: {template:?}"
    );
    Ok(())
}

/// Each crate in [`NIGHTLY_CRATES`] names [`NIGHTLY`] and `rust-src` in its toolchain file.
fn check_toolchain_files(root: &Path) -> Result<()> {
    #[derive(Deserialize)]
    struct File {
        toolchain: Toolchain,
    }
    #[derive(Deserialize)]
    struct Toolchain {
        channel: String,
        #[serde(default)]
        components: Vec<String>,
    }
    for dir in NIGHTLY_CRATES {
        let path = root.join(dir).join("rust-toolchain.toml");
        let text = std::fs::read_to_string(&path).with_context(|| {
            format!("{dir} builds with the nightly: reading {}", path.display())
        })?;
        let file: File =
            toml::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
        ensure!(
            file.toolchain.channel == NIGHTLY,
            "{dir}/rust-toolchain.toml pins {}, the xtask pins {NIGHTLY} (xtask/src/pins.rs)",
            file.toolchain.channel
        );
        ensure!(
            file.toolchain.components.iter().any(|c| c == "rust-src"),
            "{dir}/rust-toolchain.toml lacks the rust-src component (build-std needs it)"
        );
    }
    Ok(())
}

/// `[target.wasm32-unknown-unknown] rustflags` of a cargo config file.
fn web_rustflags(config: &Path) -> Result<Vec<String>> {
    let text =
        std::fs::read_to_string(config).with_context(|| format!("reading {}", config.display()))?;
    let value: toml::Table =
        toml::from_str(&text).with_context(|| format!("parsing {}", config.display()))?;
    let flags = value
        .get("target")
        .and_then(|t| t.get(WEB_TARGET))
        .and_then(|t| t.get("rustflags"))
        .and_then(|f| f.as_array())
        .with_context(|| format!("{}: no [target.{WEB_TARGET}] rustflags", config.display()))?;
    flags
        .iter()
        .map(|f| {
            f.as_str()
                .map(str::to_string)
                .with_context(|| format!("{}: a rustflag that is not a string", config.display()))
        })
        .collect()
}
