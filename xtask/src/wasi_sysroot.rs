//! `cargo xtask wasi-sysroot`: makes the pinned nightly able to link `wasm32-wasip1-threads`
//! programs built with unwinding (`-Cpanic=unwind -Zbuild-std=std,panic_unwind`).
//!
//! build-std compiles std, but the link still takes four files from the target's
//! self-contained directory in the nightly's sysroot (`lib/rustlib/wasm32-wasip1-threads/lib/
//! self-contained/`): wasi-libc's `crt1-command.o`, `crt1-reactor.o` and `libc.a`, and
//! `libunwind.a` (std's `unwind` crate links `-lunwind` on WASI). The nightly's `rust-std`
//! component for the target ships all four (libunwind from wasi-sdk, rust-lang/rust#156061), so
//! this first asks rustup for it. Where rustup cannot install it (a toolchain mirror that marks
//! the component unavailable, as on the project's machines), the missing files are supplied
//! instead: wasi-libc's three from the stable toolchain's copy of the same target (the project's
//! scripts install it), and `libunwind.a` built from `xtask/wasi-unwind` (the three symbols std
//! uses; see that crate). Files already there are never replaced, and a note
//! (`pythreading-wasi-sysroot.txt`) says which were supplied and from where.

use crate::build::{cargo, run};
use crate::pins;
use anyhow::{ensure, Context, Result};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// What the linker takes from the self-contained directory.
const LIBC_FILES: &[&str] = &["crt1-command.o", "crt1-reactor.o", "libc.a"];
const LIBUNWIND: &str = "libunwind.a";

/// The note left next to supplied files.
const NOTE: &str = "pythreading-wasi-sysroot.txt";

/// Makes sure the nightly's self-contained directory for [`pins::WASI_TARGET`] has every file
/// the unwinding link needs, and returns that directory.
pub fn ensure(root: &Path) -> Result<PathBuf> {
    let nightly = pins::nightly(root)?;
    let dir = self_contained(&sysroot(&nightly)?);
    if missing(&dir).is_empty() {
        return Ok(dir);
    }
    // The component, as rustup ships it, when it can be had.
    let added = Command::new("rustup")
        .args(["target", "add", "--toolchain", &nightly, pins::WASI_TARGET])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if added && missing(&dir).is_empty() {
        eprintln!("[xtask] rustup added {} to {nightly}", pins::WASI_TARGET);
        return Ok(dir);
    }
    eprintln!(
        "[xtask] rustup has no {} for {nightly}: supplying {} in {}",
        pins::WASI_TARGET,
        missing(&dir).join(", "),
        dir.display()
    );
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let mut note = String::from(
        "Supplied by pythreading's `cargo xtask wasi-sysroot` (xtask/src/wasi_sysroot.rs), \
         because rustup could not install this target for this toolchain:\n",
    );
    let stable = self_contained(&sysroot_of_default(root)?);
    for file in LIBC_FILES {
        let to = dir.join(file);
        if to.exists() {
            continue;
        }
        let from = stable.join(file);
        ensure!(
            from.is_file(),
            "{} is missing: install the stable toolchain's {} target (rustup target add {})",
            from.display(),
            pins::WASI_TARGET,
            pins::WASI_TARGET
        );
        std::fs::copy(&from, &to)
            .with_context(|| format!("copying {} to {}", from.display(), to.display()))?;
        note.push_str(&format!("{file}: copied from {}\n", from.display()));
    }
    let to = dir.join(LIBUNWIND);
    if !to.exists() {
        let built = build_libunwind(root, &nightly)?;
        std::fs::copy(&built, &to)
            .with_context(|| format!("copying {} to {}", built.display(), to.display()))?;
        note.push_str(&format!(
            "{LIBUNWIND}: built from xtask/wasi-unwind (pythreading-wasi-unwind)\n"
        ));
    }
    let note_path = dir.join(NOTE);
    let old = std::fs::read_to_string(&note_path).unwrap_or_default();
    std::fs::write(&note_path, old + &note)
        .with_context(|| format!("writing {}", note_path.display()))?;
    let left = missing(&dir);
    ensure!(
        left.is_empty(),
        "still missing in {}: {left:?}",
        dir.display()
    );
    Ok(dir)
}

/// The files of [`LIBC_FILES`] and [`LIBUNWIND`] that `dir` lacks.
fn missing(dir: &Path) -> Vec<&'static str> {
    LIBC_FILES
        .iter()
        .chain([&LIBUNWIND])
        .copied()
        .filter(|f| !dir.join(f).is_file())
        .collect()
}

fn self_contained(sysroot: &Path) -> PathBuf {
    sysroot
        .join("lib/rustlib")
        .join(pins::WASI_TARGET)
        .join("lib/self-contained")
}

/// `rustc +TOOLCHAIN --print sysroot`.
fn sysroot(toolchain: &str) -> Result<PathBuf> {
    print_sysroot(Command::new("rustc").arg(format!("+{toolchain}")))
}

/// The sysroot of the toolchain the repository builds with by default (the stable one, which
/// builds the panic=abort wasm32-wasip1-threads programs): `rustc --print sysroot` in the
/// repository, without the toolchain cargo passed to this xtask.
fn sysroot_of_default(root: &Path) -> Result<PathBuf> {
    print_sysroot(
        Command::new("rustc")
            .current_dir(root)
            .env_remove("RUSTUP_TOOLCHAIN"),
    )
}

fn print_sysroot(cmd: &mut Command) -> Result<PathBuf> {
    let out = cmd
        .args(["--print", "sysroot"])
        .output()
        .context("running rustc --print sysroot")?;
    ensure!(out.status.success(), "rustc --print sysroot failed");
    Ok(PathBuf::from(String::from_utf8(out.stdout)?.trim()))
}

/// Builds `xtask/wasi-unwind` (an rlib: an archive with a symbol index, as `-lunwind` wants)
/// for the target with the nightly, and returns the rlib's path.
fn build_libunwind(root: &Path, nightly: &str) -> Result<PathBuf> {
    let target_dir = root.join("target/wasi-unwind");
    run(cargo(&root.join("xtask/wasi-unwind"))
        .arg(format!("+{nightly}"))
        .args(["build", "--release", "--target", pins::WASI_TARGET])
        .arg("-Zbuild-std=core")
        .env("CARGO_TARGET_DIR", &target_dir)
        .env("RUSTFLAGS", pins::UNWIND_RUSTFLAGS))?;
    let rlib = target_dir
        .join(pins::WASI_TARGET)
        .join("release/libpythreading_wasi_unwind.rlib");
    ensure!(rlib.is_file(), "the build made no {}", rlib.display());
    Ok(rlib)
}
