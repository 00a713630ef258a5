#!/usr/bin/env bash
# The demo: runs the seed examples (PyMOTW 3's threading chapter, ported to Rust in examples/)
# one after the other, with a header line per example and platform.
#
#   bash scripts/demo.sh                       # every example, every platform
#   bash scripts/demo.sh threading_timer ...   # only these examples
#   DEMO_PLATFORMS=native bash scripts/demo.sh # only these platforms
#                                              # (default: native wasmtime browser)
#   bash scripts/demo.sh --serve               # then serve the browser demo page (with its
#                                              # benchmark view) on http://127.0.0.1:8000/
#
# Each platform P provides build_P (run once) and run_P NAME (run one example, its logging on
# stderr merged into stdout so the output reads like the PyMOTW transcripts); or run_all_P
# (every example at once, the browser: one page load).
#
# The list of examples and the builds are the xtask's: `cargo xtask examples` prints the list
# (xtask/src/examples.rs, PyMOTW's order), `cargo xtask build ARTIFACT` builds one and prints
# its path. Installs the toolchains first (scripts/setup.sh; the browser's tools with
# scripts/demo-web.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >&2
export PATH="$HOME/.cargo/bin:$PATH"

EXAMPLES_TEXT="$(cargo xtask examples)"
read -r -d '' -a EXAMPLES <<<"$EXAMPLES_TEXT" || true
SERVE=0
if [ "${1:-}" = "--serve" ]; then
  SERVE=1
  shift
fi
read -r -a PLATFORMS <<<"${DEMO_PLATFORMS:-native wasmtime browser}"

# --- native ---------------------------------------------------------------------------------
build_native() {
  NATIVE_BIN="$(cargo xtask build native-examples)"
}

run_native() {
  local name=$1
  echo "== $name (native)"
  "$NATIVE_BIN/$name" 2>&1
}

# --- wasmtime -------------------------------------------------------------------------------
# The wasm32-wasip1-threads examples under the project's wasmtime host (pythreading-host),
# which scripts/wasi-runner.sh builds and caches (a few minutes the first time).
build_wasmtime() {
  WASM_BIN="$(cargo xtask build wasi-examples)"
  WASM_HOST="$(cargo xtask build host)"
}

run_wasmtime() {
  local name=$1
  echo "== $name (wasmtime)"
  "$WASM_HOST" "$WASM_BIN/$name.wasm" 2>&1
}

# --- browser --------------------------------------------------------------------------------
# The www/ demo page in headless Chromium, or the browser PYTHREADING_BROWSER names
# (scripts/browser/test_demo.py): each example in its own program
# worker and instance, every thread a pool worker. Prints the lines in the order they were
# written, both streams merged as above (the page shows each line's stream and thread).
build_browser() {
  bash scripts/demo-web.sh --build
}

run_all_browser() {
  local IFS=,
  python3 scripts/browser/test_demo.py --print --examples "$*" 2>&1
}

# --- main -----------------------------------------------------------------------------------
if [ $# -gt 0 ]; then
  EXAMPLES=("$@")
fi

failed=()
start=$(date +%s%N)
for platform in "${PLATFORMS[@]}"; do
  "build_$platform"
  if declare -F "run_all_$platform" >/dev/null; then
    "run_all_$platform" "${EXAMPLES[@]}" || failed+=("($platform)")
    continue
  fi
  for name in "${EXAMPLES[@]}"; do
    if ! "run_$platform" "$name"; then
      echo "!! $name ($platform) failed"
      failed+=("$name ($platform)")
    fi
    echo
  done
done
ms=$((($(date +%s%N) - start) / 1000000))

printf '== %d examples x %d platform(s) in %d.%03d s\n' \
  "${#EXAMPLES[@]}" "${#PLATFORMS[@]}" $((ms / 1000)) $((ms % 1000))
if [ ${#failed[@]} -gt 0 ]; then
  echo "failed: ${failed[*]}"
  exit 1
fi
if [ "$SERVE" = 1 ]; then
  exec bash scripts/demo-web.sh
fi
echo "== the browser demo page: bash scripts/demo.sh --serve (or bash scripts/demo-web.sh), then open http://127.0.0.1:8000/"
