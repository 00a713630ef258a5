#!/usr/bin/env bash
# Runs pythreading's browser test suites in headless Chromium and then in headless Firefox:
# wasm32-unknown-unknown with atomics (pinned nightly, build-std), wasm-bindgen-test-runner as
# cargo's runner (.cargo/config.toml), tests in a dedicated worker where blocking is allowed.
#
#   bash scripts/test-browser.sh                 # the browser suites, and the core suites
#                                                # once tests/common/platform.rs exists
#   bash scripts/test-browser.sh browser_smoke   # one suite (a tests/*.rs name)
#   PYTHREADING_BROWSERS=firefox bash scripts/test-browser.sh   # the browsers to run, in order
#                                                # (default: "chromium firefox")
#
# Each suite is built once: the second browser's run finds cargo's build fresh and only runs
# the runner again. The runner picks its driver from the environment: CHROMEDRIVER=path for
# Chromium, GECKODRIVER=path for Firefox (it prefers GECKODRIVER when both are set, so each run
# gets only its own). Both sessions get www/headless.py's settings (browser binary, and the
# flags or prefs that keep the browser off the network) through a webdriver.json the runner
# reads (WASM_BINDGEN_TEST_WEBDRIVER_JSON), and Firefox's driver its environment variable.
# CHROMEDRIVER, CHROMIUM, GECKODRIVER and FIREFOX
# override the paths, as in www/headless.py.
#
# Installs what it needs first (scripts/setup.sh --browser: chromium, chromium-driver,
# firefox-esr, geckodriver, wasm-bindgen-cli at Cargo.lock's version).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --browser
NIGHTLY="${PYTHREADING_NIGHTLY:-nightly-2026-05-19}"
export PATH="$HOME/.cargo/bin:$PATH"
# The runner's default per-run timeout (20 s) is short for the thread suites on a busy machine.
export WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-600}"
CHROMEDRIVER_PATH="${CHROMEDRIVER:-/usr/bin/chromedriver}"
GECKODRIVER_PATH="${GECKODRIVER:-$HOME/.cargo/bin/geckodriver}"
unset CHROMEDRIVER GECKODRIVER
BROWSERS="${PYTHREADING_BROWSERS:-chromium firefox}"

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

mkdir -p target/webdriver
for browser in $BROWSERS; do
  case "$browser" in
    chromium) label="headless Chromium"; driver=(CHROMEDRIVER="$CHROMEDRIVER_PATH") ;;
    # MOZ_REMOTE_SETTINGS_DEVTOOLS: see FIREFOX_ENV in www/headless.py.
    firefox) label="headless Firefox"
      driver=(GECKODRIVER="$GECKODRIVER_PATH" MOZ_REMOTE_SETTINGS_DEVTOOLS=1) ;;
    *) echo "[test-browser] unknown browser in PYTHREADING_BROWSERS: $browser" \
         "(known: chromium firefox)" >&2; exit 2 ;;
  esac
  caps="target/webdriver/$browser.json"
  python3 -B www/headless.py --webdriver-json "$browser" > "$caps"
  for t in "${SUITES[@]}"; do
    printf '\n==== browser: %s (%s)\n' "$t" "$label"
    env "${driver[@]}" WASM_BINDGEN_TEST_WEBDRIVER_JSON="$PWD/$caps" \
      cargo "+$NIGHTLY" test --target wasm32-unknown-unknown -Zbuild-std=panic_abort,std \
      --features rayon --test "$t"
  done
done
