#!/usr/bin/env bash
# Builds the npm package `pythreading-web` (npm/, a cdylib over the library) with
# `wasm-pack build --target web` into npm/pkg, and packs it (`npm pack`) into
# target/npm/pythreading-web-VERSION.tgz: `cargo xtask build npm`, which prints the tarball's
# path.
#
#   bash scripts/npm-pack.sh            # build and pack
#   bash scripts/npm-pack.sh --test     # then install the tarball into the example app
#                                       # (tests/apps) with npm and pnpm, build it with Vite,
#                                       # webpack and no bundler, and run it in headless browsers
#
# The build (xtask/src/build.rs): wasm-pack with the pinned nightly and -Zbuild-std (no
# prebuilt std exists for atomics; `--mode force` skips its rustup target check, `--no-opt` its
# download of wasm-opt), the package's own JS (npm/js: the entry, which wraps the glue's init
# and registers the worker script, and the worker script, which imports the glue by a relative
# path so that bundlers keep it as a worker entry of its own) copied in, package.json pointed at
# it, `npm pack`. scripts/setup.sh --browser installs wasm-pack, wasm-bindgen-cli (Cargo.lock's
# version, which wasm-pack finds on PATH), Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --browser >&2
export PATH="$HOME/.cargo/bin:$PATH"
TARBALL="$(cargo xtask build npm)"
echo "[npm] packed $TARBALL" >&2
[ "${1:-}" = "--test" ] || exit 0

# The package's TypeScript types, checked by tsc --strict over a typed app (tests/apps/typed).
bash scripts/test-types.sh "$TARBALL"

# The example app installed from the tarball the way a user's would (so the package's "files"
# must hold everything it needs), with npm and with pnpm, built by Vite (dev server and build),
# webpack 5 and no bundler, run in headless browsers; then start-up faults (scripts/browser/test_apps.py).
# PYTHREADING_BROWSERS picks the browsers (default: chromium firefox).
exec python3 scripts/browser/test_apps.py "$TARBALL" --browser ${PYTHREADING_BROWSERS:-chromium firefox}
