#!/usr/bin/env bash
# Benchmarks: native pythreading vs std, parking_lot and CPython, plus pythreading and std
# under wasmtime and (with --browser) in headless Chromium, all sampled in the same interleaved
# rounds of one run; prints Markdown tables (native; native vs wasmtime; native vs browser)
# with their goals, and writes www/bench-results.json for the benchmark view www/bench.html.
#
#   bash scripts/bench.sh [KEY...] [--no-cpython] [--browser] [--no-wasmtime]
#
# It runs `cargo bench --bench primitives -- --wasmtime [--browser]`, which builds what it
# needs: the bench for wasm32-wasip1-threads (`cargo build --release --target
# wasm32-wasip1-threads --bench primitives`) and, through scripts/wasi-runner.sh, the wasmtime
# host (cached in ${PYTHREADING_CACHE:-$HOME/.cache/pythreading}/host-target; ~3-4 min the
# first time). --browser first builds the workloads for browsers (`bash scripts/bench-web.sh
# --build`: www/bench with the pinned nightly and build-std into www/bench-pkg, ~5 min the
# first time; it installs chromium, chromedriver and wasm-bindgen-cli if missing), then the
# bench samples them in a dedicated worker of www/bench.html in headless Chromium
# (www/bench_browser.py --serve) and prints the browser table: browser/native ratios, ours/std
# in the browser, start+join (pool workers vs a fresh Worker per thread), memory over 10,000
# threads, and issue 4's goals; then the npm package's start-up in the example apps
# (www/test_apps.py --loads: initThreads(4) until a first thread has run, median over fresh page
# loads, unbundled and bundled, in Chromium and Firefox; goal <= 150 ms). --no-wasmtime leaves
# the wasmtime columns out.
# KEY limits the run to some workloads (lock, rlock, event_pingpong, condition_pingpong,
# semaphore, barrier, thread_start_join); PYTHREADING_BENCH_ROUNDS=N changes the number of
# rounds (201 by default: about a minute per runtime, plus the builds). Without the wasm target
# (`rustup target add wasm32-wasip1-threads`) the wasmtime table says why it was skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
args=()
wasmtime=1
browser=0
for a in "$@"; do
  case "$a" in
    --no-wasmtime) wasmtime=0 ;;
    --browser) browser=1; args+=("$a") ;;
    *) args+=("$a") ;;
  esac
done
if [ "$wasmtime" = 1 ]; then
  # Build (or refresh) the host first, so its build time is not spent inside the bench.
  scripts/wasi-runner.sh --build-host >/dev/null
  args=(--wasmtime "${args[@]}")
fi
if [ "$browser" = 1 ]; then
  bash scripts/bench-web.sh --build
fi
cargo bench --bench primitives -- "${args[@]}"
if [ "$browser" = 1 ]; then
  # Start-up in apps as users build them: initThreads(4) until a first thread has run, the
  # median over fresh page loads, unbundled and bundled (Vite, webpack), in each browser.
  echo
  echo "### Start-up: initThreads(4) until a first thread has run (the npm package in www/apps)"
  bash scripts/npm-pack.sh
  python3 www/test_apps.py target/npm/pythreading-web-0.1.0.tgz --pm npm \
    --bundler plain vite-build webpack --no-faults --loads "${PYTHREADING_BENCH_LOADS:-11}" \
    --goal-ms 150
fi
