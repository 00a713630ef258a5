#!/usr/bin/env bash
# Builds the npm package `pythreading-web` (npm/, a cdylib over the library) with
# `wasm-pack build --target web` into npm/pkg, and packs it (`npm pack`) into
# target/npm/pythreading-web-VERSION.tgz.
#
#   bash scripts/npm-pack.sh            # build and pack
#   bash scripts/npm-pack.sh --test     # then install the tarball into the example app
#                                       # (www/apps) with npm and pnpm, build it with Vite,
#                                       # webpack and no bundler, and run it in headless browsers
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
# The package's entry and worker script (npm/js): index.js wraps the glue's init/initSync (bounded,
# with causes) and registers the worker script, which imports the glue by a relative path so
# that bundlers keep it as a worker entry of its own (see src/sys/web/worker.js). package.json points
# at them.
cp npm/js/index.js npm/js/index.d.ts npm/js/worker.js npm/js/spawn.js npm/pkg/
node -e '
const fs = require("fs");
const path = "npm/pkg/package.json";
const pkg = JSON.parse(fs.readFileSync(path, "utf8"));
pkg.main = pkg.module = "index.js";
pkg.types = "index.d.ts";
pkg.files = [...new Set([...(pkg.files || []), "index.js", "index.d.ts", "worker.js", "spawn.js"])];
pkg.sideEffects = ["./snippets/*", "./worker.js"];
fs.writeFileSync(path, JSON.stringify(pkg, null, 2) + "\n");
'
mkdir -p target/npm
TARBALL="$(cd npm/pkg && npm pack --silent --pack-destination "$ROOT/target/npm")"
echo "[npm] packed target/npm/$TARBALL" >&2
[ "${1:-}" = "--test" ] || exit 0

# The example app installed from the tarball the way a user's would (so the package's "files"
# must hold everything it needs), with npm and with pnpm, built by Vite (dev server and build),
# webpack 5 and no bundler, run in headless browsers; then start-up faults (www/test_apps.py).
# PYTHREADING_BROWSERS picks the browsers (default: chromium firefox).
exec python3 www/test_apps.py "$ROOT/target/npm/$TARBALL" --browser ${PYTHREADING_BROWSERS:-chromium firefox}
