#!/usr/bin/env bash
# Builds the browser side of the benchmarks (www/bench, a cdylib over benches/workloads/mod.rs)
# into www/bench-pkg (`cargo xtask build bench-web`: the pinned nightly, build-std, then
# wasm-bindgen --target web), then serves www/ with COOP/COEP for the benchmark view, or checks
# it.
#
#   bash scripts/bench-web.sh            # build and serve; open http://127.0.0.1:8000/bench.html
#   bash scripts/bench-web.sh --build    # build only (scripts/bench.sh --browser builds it too)
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
export PATH="$HOME/.cargo/bin:$PATH"
cargo xtask build bench-web >/dev/null
echo "[bench-web] built www/bench-pkg" >&2
[ "${1:-}" = "--build" ] && exit 0
[ "${1:-}" = "--test" ] && exec python3 scripts/browser/bench_browser.py --check
exec python3 scripts/browser/serve.py --port "${PORT:-8000}" --dir www
