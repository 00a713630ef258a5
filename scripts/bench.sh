#!/usr/bin/env bash
# Benchmarks: native pythreading vs std, parking_lot and CPython, plus pythreading and std
# under wasmtime, all sampled in the same interleaved rounds of one run; prints two Markdown
# tables (native; native vs wasmtime) with their goals.
#
#   bash scripts/bench.sh [KEY...] [--no-cpython]
#
# It runs `cargo bench --bench primitives -- --wasmtime`, which builds what it needs:
# the bench for wasm32-wasip1-threads (`cargo build --release --target wasm32-wasip1-threads
# --bench primitives`) and, through scripts/wasi-runner.sh, the wasmtime host (cached in
# ${PYTHREADING_CACHE:-$HOME/.cache/pythreading}/host-target; ~3-4 min the first time).
# KEY limits the run to some workloads (lock, rlock, event_pingpong, condition_pingpong,
# semaphore, barrier, thread_start_join); PYTHREADING_BENCH_ROUNDS=N changes the number of
# rounds (201 by default: about a minute, plus the builds). Without the wasm target
# (`rustup target add wasm32-wasip1-threads`) the wasmtime table says why it was skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
# Build (or refresh) the host first, so its build time is not spent inside the bench.
scripts/wasi-runner.sh --build-host >/dev/null
exec cargo bench --bench primitives -- --wasmtime "$@"
