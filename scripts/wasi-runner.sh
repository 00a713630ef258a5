#!/usr/bin/env bash
# Cargo runner for wasm32-wasip1-threads: runs a .wasm command module under pythreading-host.
#
# .cargo/config.toml names this script as the runner of the wasm32-wasip1-threads target, so
#   cargo test --target wasm32-wasip1-threads
#   cargo run  --target wasm32-wasip1-threads --example threading_timer
# call `scripts/wasi-runner.sh path/to/module.wasm ARGS...`, which execs
#   pythreading-host --dir . [$PYTHREADING_HOST_FLAGS] path/to/module.wasm ARGS...
# Every ARG reaches the guest unchanged (libtest's `--test-threads`, filters, `--nocapture`),
# stdio is inherited, the environment is passed through, and the guest's exit code is ours.
# `--dir .` preopens the current directory (cargo runs tests from the package root), so
# guests can read files under it by relative path. PYTHREADING_HOST_FLAGS adds host options
# (e.g. `--dir /tmp`; split on spaces).
#
# The host is built on first use, and rebuilt when host/ or the workspace's Cargo.toml or
# Cargo.lock changes, with cargo's `host` profile (optimised, see Cargo.toml: about 13 min on
# 2 busy cores from scratch) into
# ${PYTHREADING_CACHE:-$HOME/.cache/pythreading}/host-target, outside the clone so that CI can
# cache it; a plain native `cargo build` never builds it (host is not a default member).
# Build output goes to stderr only when the build fails.
#
# Other modes:
#   scripts/wasi-runner.sh --build-host   build (or refresh) the host and print its path
#   scripts/wasi-runner.sh --host-path    print the host binary's path without building
#   scripts/wasi-runner.sh --test-host [CARGO TEST ARGS]
#                                         run the host's own tests (host/tests/cli.rs) with the
#                                         same profile and target dir
#
# Note on libtest under this target: it never spawns threads for tests (cfg target_family =
# "wasm"), so tests run one after another on the main thread whatever `--test-threads` says. In
# an unwinding build (-Cpanic=unwind, see README.md) a failing test is reported as failed; in a
# panic=abort build it traps and ends the whole test binary with exit code 134.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="${PYTHREADING_CACHE:-$HOME/.cache/pythreading}"
target_dir="$cache/host-target"
host="$target_dir/host/pythreading-host"

# Cargo options selecting the host's profile and target directory.
host_cargo_flags() {
    flags=(--manifest-path "$root/Cargo.toml" -p pythreading-host --profile host
           --target-dir "$target_dir")
}

build_host() {
    local flags log
    host_cargo_flags
    log="$(mktemp)"
    if ! cargo build "${flags[@]}" --bin pythreading-host >"$log" 2>&1; then
        cat "$log" >&2
        rm -f "$log"
        echo "wasi-runner: building pythreading-host failed" >&2
        exit 101
    fi
    rm -f "$log"
    # Cargo leaves a fresh binary untouched: mark it checked, so that the staleness test below
    # does not call cargo again for every module.
    touch "$host"
}

host_is_stale() {
    [[ ! -x "$host" ]] && return 0
    [[ -n "$(find "$root/host/src" "$root/host/Cargo.toml" "$root/Cargo.toml" "$root/Cargo.lock" \
        -newer "$host" -print -quit)" ]]
}

case "${1:-}" in
    --build-host)
        build_host
        echo "$host"
        exit 0
        ;;
    --host-path)
        echo "$host"
        exit 0
        ;;
    --test-host)
        shift
        host_cargo_flags
        exec cargo test "${flags[@]}" "$@"
        ;;
    "")
        echo "usage: $0 MODULE.wasm [ARGS...] | --build-host | --host-path" >&2
        exit 2
        ;;
esac

if host_is_stale; then
    build_host
fi

# shellcheck disable=SC2086 # PYTHREADING_HOST_FLAGS is a space-separated list by design.
exec "$host" --dir . ${PYTHREADING_HOST_FLAGS:-} "$@"
