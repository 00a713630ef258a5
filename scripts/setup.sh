#!/usr/bin/env bash
# Installs what pythreading's builds and tests need, idempotently; safe to run on a fresh
# machine and on every run (each step is skipped when already done).
#
#   bash scripts/setup.sh            # native + wasm checks (rustup components and targets)
#
# Toolchains: the machine's stable Rust for native and wasm32-wasip1-threads (rustc >= 1.94.1
# is required there), and a pinned nightly with rust-src for wasm32-unknown-unknown (browsers),
# which needs -Zbuild-std.
set -euo pipefail

NIGHTLY="${PYTHREADING_NIGHTLY:-nightly-2026-05-19}"
export PATH="$HOME/.cargo/bin:$PATH"

log() { printf '[setup] %s\n' "$*" >&2; }

if ! command -v rustup >/dev/null 2>&1; then
  echo "[setup] rustup is required (https://rustup.rs); this machine has none" >&2
  exit 1
fi

have_component() { rustup component list --toolchain "$1" --installed 2>/dev/null | grep -q "^$2"; }
have_target() { rustup target list --toolchain "$1" --installed 2>/dev/null | grep -qx "$2"; }

STABLE="$(rustup show active-toolchain | cut -d' ' -f1)"
for c in rustfmt clippy; do
  have_component "$STABLE" "$c" || { log "adding $c"; rustup component add --toolchain "$STABLE" "$c"; }
done
for t in wasm32-wasip1-threads wasm32-unknown-unknown; do
  have_target "$STABLE" "$t" || { log "adding target $t"; rustup target add --toolchain "$STABLE" "$t"; }
done

if ! rustup run "$NIGHTLY" rustc --version >/dev/null 2>&1; then
  log "installing $NIGHTLY"
  rustup toolchain install "$NIGHTLY" --profile minimal --component rust-src
fi
have_component "$NIGHTLY" rust-src || rustup component add --toolchain "$NIGHTLY" rust-src
log "toolchains ready: $STABLE, $NIGHTLY"
