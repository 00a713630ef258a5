#!/usr/bin/env bash
# Benchmarks: native pythreading vs std, parking_lot and CPython, plus pythreading and std
# under wasmtime and (with --browser) in headless Chromium, all sampled in the same interleaved
# rounds of one run; prints Markdown tables (native; native vs wasmtime; native vs browser)
# with their goals, and for each wasm runtime its unwinding build against its panic=abort
# build (both sampled in the same rounds, with both modules' sizes), and writes
# www/bench-results.json for the benchmark view www/bench.html.
#
#   bash scripts/bench.sh [KEY...] [--no-cpython] [--browser] [--no-wasmtime] [--no-abort]
#
# It builds what the bench runs besides itself, with the xtask, and passes the paths on in
# environment variables (the bench builds nothing): the wasmtime host (`cargo xtask build host`,
# i.e. scripts/wasi-runner.sh --build-host, cached in
# ${PYTHREADING_CACHE:-$HOME/.cache/pythreading}/host-target; 13-17 min the first time) as
# PYTHREADING_HOST, the bench built for wasm32-wasip1-threads (`cargo xtask build bench-wasm`:
# `cargo build --release --target wasm32-wasip1-threads --bench primitives` with unwinding) as
# PYTHREADING_BENCH_WASM, and the same built with panic=abort (`cargo xtask build bench-wasm
# --panic abort-nightly`: the same nightly with std rebuilt with panic_abort, so that only the
# panic strategy differs; a target directory of its own, ~1-3 min the first time) as
# PYTHREADING_BENCH_WASM_ABORT, served by a second host process in the same rounds. With
# --browser also the workloads for browsers (`cargo xtask build bench-web`: www/bench with the
# pinned nightly and build-std into www/bench-pkg, ~5 min the first time; scripts/setup.sh
# --browser first installs chromium, chromedriver and wasm-bindgen-cli if missing) as
# PYTHREADING_BENCH_WEB_DIR, and their panic=abort build (`cargo xtask build bench-web --panic
# abort`: the same nightly, std rebuilt with panic_abort, into www/bench-pkg-abort; another
# ~5 min the first time) as PYTHREADING_BENCH_WEB_ABORT_DIR, run in a second headless browser
# in the same rounds. --no-abort builds neither panic=abort module and leaves their columns
# out. Then it runs `cargo bench --bench primitives -- --wasmtime [--browser]`, which samples
# the browser in a dedicated worker of www/bench.html in headless Chromium
# (scripts/browser/bench_browser.py --serve) and prints the browser table: browser/native
# ratios, ours/std in the browser, start+join (pool workers vs a fresh Worker per thread),
# memory over 10,000 threads, and issue 4's goals; each wasm runtime's tables end with its
# unwinding build against its panic=abort build (per-round ratios, both .wasm sizes). Then the
# npm package's start-up in the example apps (`cargo xtask build npm`, then
# scripts/browser/test_apps.py --loads: initThreads(4) until a first thread has run, median
# over fresh page loads, unbundled and bundled, in Chromium and Firefox; goal <= 150 ms).
# --no-wasmtime leaves the wasmtime columns out; with them, benches/runtimes.rs then puts the
# host beside stock wasmtime 36 LTS on the same module (start-up, cached and not; thread
# start+join), stable Rust's panic=abort module (stock 36 cannot load the unwinding one).
# KEY limits the run to some workloads (lock, rlock, event_pingpong, condition_pingpong, wake_latency,
# semaphore, barrier, thread_start_join, and issue 11's contended rows: lock_contended_{2,4,8},
# rlock_contended_{2,4,8}, condition_queue_{1x1,1x1_apart,1x3,3x3}, semaphore_contended, event_broadcast,
# barrier_4, condition_notify_all; and issue 12's rows below: queue_{1x1,4x4}_{bounded,unbounded},
# executor_round_trip, executor_throughput); PYTHREADING_BENCH_ROUNDS=N changes the number of
# rounds (201 by default for the primitives: about a minute per runtime for the uncontended rows,
# and ~20 ms samples make each contended row take ~1-2 minutes per runtime, each panic=abort build
# counting as one more, plus the builds; 101 for the queue/futures rows, ~4 minutes for all six
# on three platforms). Installs the toolchains and targets first (scripts/setup.sh).
# After the primitives, `cargo bench --bench queue_futures -- --wasmtime [--browser]
# [--no-cpython]` samples issue 12's rows (Queue against std's channels, crossbeam-channel and
# CPython's queue.Queue; ThreadPoolExecutor against rayon and CPython's) natively, under
# wasmtime and in headless Chromium in one run of interleaved rounds, served by the same
# modules (the unwinding builds: the panic=abort comparison is the primitives'), prints each
# platform's table with issue 12's goals and adds its rows to www/bench-results.json.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
args=()
# KEY arguments: the queue/futures bench's (queue_*, executor_*) and the primitives bench's.
pkeys=()
qkeys=()
wasmtime=1
browser=0
abort=1
for a in "$@"; do
  case "$a" in
    --no-wasmtime) wasmtime=0 ;;
    --no-abort) abort=0 ;;
    --browser) browser=1; args+=("$a") ;;
    --*) args+=("$a") ;;
    queue_*|executor_*) qkeys+=("$a") ;;
    *) pkeys+=("$a") ;;
  esac
done
if [ "$browser" = 1 ]; then
  bash scripts/setup.sh --browser >&2
else
  bash scripts/setup.sh >&2
fi
if [ "$wasmtime" = 1 ]; then
  # Built before the bench, so that build time is not spent inside it.
  PYTHREADING_HOST="$(cargo xtask build host)"
  PYTHREADING_BENCH_WASM="$(cargo xtask build bench-wasm)"
  export PYTHREADING_HOST PYTHREADING_BENCH_WASM
  if [ "$abort" = 1 ]; then
    PYTHREADING_BENCH_WASM_ABORT="$(cargo xtask build bench-wasm --panic abort-nightly)"
    export PYTHREADING_BENCH_WASM_ABORT
  fi
  args=(--wasmtime "${args[@]}")
fi
if [ "$browser" = 1 ]; then
  PYTHREADING_BENCH_WEB_DIR="$(cargo xtask build bench-web)"
  export PYTHREADING_BENCH_WEB_DIR
  if [ "$abort" = 1 ]; then
    PYTHREADING_BENCH_WEB_ABORT_DIR="$(cargo xtask build bench-web --panic abort)"
    export PYTHREADING_BENCH_WEB_ABORT_DIR
  fi
fi
# With --no-abort no panic=abort module reaches the bench (not one named in the environment
# either).
if [ "$abort" = 0 ]; then
  unset PYTHREADING_BENCH_WASM_ABORT PYTHREADING_BENCH_WEB_ABORT_DIR
fi
# Each bench runs unless KEYs were given for the other one only.
if [ "${#pkeys[@]}" -gt 0 ] || [ "${#qkeys[@]}" = 0 ]; then
  cargo bench --bench primitives -- "${args[@]}" ${pkeys[@]+"${pkeys[@]}"}
fi
if [ "${#qkeys[@]}" -gt 0 ] || [ "${#pkeys[@]}" = 0 ]; then
  # Issue 12's rows on the same modules, unwinding builds only (see above).
  qargs=()
  for a in "${args[@]}"; do
    case "$a" in
      --wasmtime|--browser|--no-cpython) qargs+=("$a") ;;
    esac
  done
  cargo bench --bench queue_futures -- ${qargs[@]+"${qargs[@]}"} ${qkeys[@]+"${qkeys[@]}"}
fi
if [ "$wasmtime" = 1 ]; then
  # The host beside stock wasmtime 36 LTS on the same module (benches/runtimes.rs).
  # Stock 36 cannot load the exception-handling proposal, so both run the panic=abort module.
  PYTHREADING_STOCK_WASMTIME="$(bash scripts/stock-wasmtime.sh --install)" \
    PYTHREADING_BENCH_WASM="$(cargo xtask build bench-wasm --panic abort)" \
    cargo bench --bench runtimes
fi
if [ "$browser" = 1 ]; then
  # Start-up in apps as users build them: initThreads(4) until a first thread has run, the
  # median over fresh page loads, unbundled and bundled (Vite, webpack), in each browser.
  echo
  echo "### Start-up: initThreads(4) until a first thread has run (the npm package in tests/apps)"
  TARBALL="$(cargo xtask build npm)"
  python3 scripts/browser/test_apps.py "$TARBALL" --pm npm \
    --bundler plain vite-build webpack --no-faults --loads "${PYTHREADING_BENCH_LOADS:-11}" \
    --goal-ms 150
fi
