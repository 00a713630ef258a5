#!/usr/bin/env bash
# Runs pythreading's browser test suites in headless Chromium: wasm32-unknown-unknown with
# atomics (pinned nightly, build-std), wasm-bindgen-test-runner as cargo's runner
# (.cargo/config.toml), tests in a dedicated worker where blocking is allowed.
#
#   bash scripts/test-browser.sh                 # the browser suites, and the core suites
#                                                # once tests/common/platform.rs exists
#   bash scripts/test-browser.sh browser_smoke   # one suite (a tests/*.rs name)
#
# Installs what it needs first (scripts/setup.sh --browser: chromium, chromium-driver,
# wasm-bindgen-cli at Cargo.lock's version).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --browser
NIGHTLY="${PYTHREADING_NIGHTLY:-nightly-2026-05-19}"
export PATH="$HOME/.cargo/bin:$PATH"
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
# The runner's default per-run timeout (20 s) is short for the thread suites on a busy machine.
export WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-600}"

SUITES=("$@")
if [ ${#SUITES[@]} -eq 0 ]; then
  SUITES=(browser_smoke browser_lazy browser_ui browser_pool browser_js_args rayon)
  # The core suites, once the shared harness can run in browsers (tests/common/platform.rs:
  # the test attribute, clock and helper threads per platform).
  if [ -f tests/common/platform.rs ]; then
    SUITES+=(lock rlock condition event semaphore bounded_semaphore barrier stress
             timer local module thread excepthook leak)
  fi
fi
for t in "${SUITES[@]}"; do
  printf '\n==== browser: %s (headless Chromium)\n' "$t"
  cargo "+$NIGHTLY" test --target wasm32-unknown-unknown -Zbuild-std=panic_abort,std --features rayon --test "$t"
done
