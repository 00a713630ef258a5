#!/usr/bin/env bash
# Builds the npm package `pythreading-web` (npm/, a cdylib over the library) with
# `wasm-pack build --target web` into npm/pkg, and packs it (`npm pack`) into
# target/npm/pythreading-web-VERSION.tgz.
#
#   bash scripts/npm-pack.sh            # build and pack
#   bash scripts/npm-pack.sh --test     # then install the tarball into a copy of the example app
#                                       # (www/npm-app) and run it in headless Chromium and
#                                       # Firefox (PYTHREADING_BROWSERS picks them)
#
# wasm-pack runs with the pinned nightly and -Zbuild-std (no prebuilt std exists for atomics);
# `--mode force` skips its rustup target check (`rustup target add` has nothing to add for a
# build-std target) and `--no-opt` its download of wasm-opt. scripts/setup.sh --browser installs
# wasm-pack, wasm-bindgen-cli (Cargo.lock's version, which wasm-pack finds on PATH), Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --browser >&2
NIGHTLY="${PYTHREADING_NIGHTLY:-nightly-2026-05-19}"
export PATH="$HOME/.cargo/bin:$PATH"
ROOT="$PWD"
RUSTUP_TOOLCHAIN="$NIGHTLY" CARGO_TARGET_DIR="$ROOT/target/npm" \
  wasm-pack build npm --target web --release --mode force --no-opt -- -Zbuild-std=panic_abort,std
mkdir -p target/npm
TARBALL="$(cd npm/pkg && npm pack --silent --pack-destination "$ROOT/target/npm")"
echo "[npm] packed target/npm/$TARBALL" >&2
[ "${1:-}" = "--test" ] || exit 0

# A browser app installing the package the way a user's would: from the tarball (so the
# package's "files" must hold everything it needs), no registry needed.
APP="$ROOT/target/npm/app"
rm -rf "$APP" && mkdir -p "$APP" && cp www/npm-app/* "$APP/"
(cd "$APP" && npm install --no-audit --no-fund --no-save "$ROOT/target/npm/$TARBALL" >&2)
for browser in ${PYTHREADING_BROWSERS:-chromium firefox}; do
  PYTHREADING_BROWSER="$browser" python3 www/test_npm_app.py "$APP" \
    --screenshot "target/npm-app-$browser.png"
done
