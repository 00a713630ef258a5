//! Issue 3: on `wasm32-wasip1-threads` the library's blocking lowers to
//! `memory.atomic.wait32` / `memory.atomic.notify`. This test builds a seed example that blocks
//! in every kind of primitive (`threading_event`: Event waits, Thread joins), disassembles it
//! and finds both instructions, and names the functions that contain them: std's futex
//! (`futex_wait`/`futex_wake`, reached from pythreading's parking seam through std's
//! `park`/`unpark`) on this target.

use std::path::{Path, PathBuf};
use std::process::Command;

/// This crate's directory in the checkout being tested, read when the test runs: the compiled
/// test is cached outside the clone (scripts/wasi-runner.sh) and cargo reuses it for another
/// clone of the same sources, so a path baked in at compile time could name another checkout.
fn manifest_dir() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")))
}

/// Builds `examples/NAME.rs` of the pythreading crate for wasm32-wasip1-threads.
fn build_example(name: &str) -> Vec<u8> {
    let root = manifest_dir().join("..");
    let target_dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("pythreading-examples");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .current_dir(&root)
        .args([
            "build",
            "--quiet",
            "--target",
            "wasm32-wasip1-threads",
            "--example",
            name,
        ])
        .arg("--target-dir")
        .arg(&target_dir)
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("CARGO_BUILD_TARGET")
        .status()
        .expect("run cargo to build the example");
    assert!(status.success(), "building example {name} failed");
    let wasm = target_dir.join(format!("wasm32-wasip1-threads/debug/examples/{name}.wasm"));
    std::fs::read(&wasm).unwrap_or_else(|e| panic!("read {}: {e}", wasm.display()))
}

/// The names of the functions whose bodies contain `instr`.
fn functions_with(wat: &str, instr: &str) -> Vec<String> {
    let mut current = String::new();
    let mut found = Vec::new();
    for line in wat.lines() {
        let t = line.trim_start();
        if let Some(rest) = t.strip_prefix("(func ") {
            current = rest.split_whitespace().next().unwrap_or("").to_string();
        } else if t.starts_with(instr) && found.last() != Some(&current) {
            found.push(current.clone());
        }
    }
    found
}

#[test]
fn blocking_lowers_to_memory_atomic_wait32_and_notify() {
    let bytes = build_example("threading_event");
    let wat = wasmprinter::print_bytes(&bytes).expect("disassemble the example");
    let waits = functions_with(&wat, "memory.atomic.wait32");
    let notifies = functions_with(&wat, "memory.atomic.notify");
    println!("memory.atomic.wait32 in: {waits:?}");
    println!("memory.atomic.notify in: {notifies:?}");
    assert!(!waits.is_empty(), "no memory.atomic.wait32 in the module");
    assert!(
        !notifies.is_empty(),
        "no memory.atomic.notify in the module"
    );
    // The module's memory is shared (imported), as wasi-threads requires.
    assert!(
        wat.contains("(import \"env\" \"memory\" (memory") && wat.contains("shared"),
        "the module does not import a shared memory"
    );
    // The pythreading seam is in the module and reaches the futex through std's park.
    assert!(
        wat.contains("parking_futex"),
        "pythreading's wasi wait/wake seam is not linked"
    );
}
