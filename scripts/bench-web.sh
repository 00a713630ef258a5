#!/usr/bin/env bash
# Builds the browser side of the benchmarks (www/bench, a cdylib over benches/workloads/mod.rs)
# into www/bench-pkg (`cargo xtask build bench-web`: the pinned nightly, build-std, then
# wasm-bindgen --target web), then serves www/ with COOP/COEP for the benchmark view, or checks
# it. With --abort, the panic=abort build instead, into www/bench-pkg-abort (`cargo xtask build
# bench-web --panic abort`: the same nightly, std rebuilt with panic_abort; its own target
# directory, so ~5 min the first time), which the view loads as bench.html?pkg=bench-pkg-abort.
#
#   bash scripts/bench-web.sh [--abort]           # build and serve; open
#                                                 # http://127.0.0.1:8000/bench.html
#                                                 # (?pkg=bench-pkg-abort with --abort)
#   bash scripts/bench-web.sh --build [--abort]   # build only (scripts/bench.sh --browser
#                                                 # builds both)
#   bash scripts/bench-web.sh --test [--abort]    # build, load bench.html in headless Chromium
#                                                 # (or the browser PYTHREADING_BROWSER names)
#                                                 # with a few rounds, check that every figure
#                                                 # is there and that the module is the build
#                                                 # asked for, save target/www-bench.png
#
# The view shows this browser's figures next to the native ones of the last
# `bash scripts/bench.sh --browser` run (www/bench-results.json).
set -euo pipefail
cd "$(dirname "$0")/.."
mode=serve
panic=unwind
for a in "$@"; do
  case "$a" in
    --build) mode=build ;;
    --test) mode=test ;;
    --abort) panic=abort ;;
    *) echo "bench-web.sh: unknown argument $a (--build, --test, --abort)" >&2; exit 2 ;;
  esac
done
pkg=bench-pkg
[ "$panic" = abort ] && pkg=bench-pkg-abort
bash scripts/setup.sh --browser >&2
export PATH="$HOME/.cargo/bin:$PATH"
cargo xtask build bench-web --panic "$panic" >/dev/null
echo "[bench-web] built www/$pkg" >&2
[ "$mode" = build ] && exit 0
[ "$mode" = test ] && exec python3 scripts/browser/bench_browser.py --check --pkg "$pkg"
[ "$panic" = abort ] && echo "[bench-web] open /bench.html?pkg=$pkg" >&2
exec python3 scripts/browser/serve.py --port "${PORT:-8000}" --dir www
