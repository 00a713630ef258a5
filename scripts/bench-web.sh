#!/usr/bin/env bash
# Builds the browser side of the benchmarks (www/bench, a cdylib over benches/workloads/mod.rs)
# into www/bench-pkg, then serves www/ with COOP/COEP for the benchmark view, or checks it.
#
#   bash scripts/bench-web.sh            # build and serve; open http://127.0.0.1:8000/bench.html
#   bash scripts/bench-web.sh --build    # build only (scripts/bench.sh --browser does this)
#   bash scripts/bench-web.sh --test     # build, load bench.html in headless Chromium (or the
#                                        # browser PYTHREADING_BROWSER names) with a few
#                                        # rounds, check that every figure is there, save
#                                        # target/www-bench.png
#
# The view shows this browser's figures next to the native ones of the last
# `bash scripts/bench.sh --browser` run (www/bench-results.json).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --browser >&2
NIGHTLY="${PYTHREADING_NIGHTLY:-nightly-2026-05-19}"
export PATH="$HOME/.cargo/bin:$PATH"
TARGET_DIR="$PWD/target/www-bench"
(cd www/bench && CARGO_TARGET_DIR="$TARGET_DIR" cargo "+$NIGHTLY" build --release \
  --target wasm32-unknown-unknown -Zbuild-std=panic_abort,std)
wasm-bindgen --target web --out-dir www/bench-pkg \
  "$TARGET_DIR/wasm32-unknown-unknown/release/pythreading_bench.wasm"
echo "[bench-web] built www/bench-pkg" >&2
[ "${1:-}" = "--build" ] && exit 0
[ "${1:-}" = "--test" ] && exec python3 www/bench_browser.py --check
exec python3 www/serve.py --port "${PORT:-8000}" --dir www
