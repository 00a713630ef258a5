#!/usr/bin/env bash
# Runs pythreading's browser test suites in headless Chromium and then in headless Firefox:
# wasm32-unknown-unknown with atomics (pinned nightly, build-std), wasm-bindgen-test-runner as
# cargo's runner (.cargo/config.toml), tests in a dedicated worker where blocking is allowed.
#
#   bash scripts/test-browser.sh                 # the browser suites, and the core suites
#                                                # once tests/common/platform.rs exists
#   bash scripts/test-browser.sh browser_smoke   # one suite (a tests/*.rs name)
#   PYTHREADING_BROWSERS=firefox bash scripts/test-browser.sh   # the browsers to run, in order
#                                                # (default: "chromium firefox"; "webkit" too,
#                                                # opt-in, see below)
#
# Each suite is built once: the second browser's run finds cargo's build fresh and only runs
# the runner again. The runner picks its driver from the environment: CHROMEDRIVER=path for
# Chromium, GECKODRIVER=path for Firefox (it prefers GECKODRIVER when both are set, so each run
# gets only its own). Both sessions get scripts/browser/headless.py's settings (browser binary, and the
# flags or prefs that keep the browser off the network) through a webdriver.json the runner
# reads (WASM_BINDGEN_TEST_WEBDRIVER_JSON), and Firefox's driver its environment variable.
# CHROMEDRIVER, CHROMIUM, GECKODRIVER and FIREFOX
# override the paths, as in scripts/browser/headless.py.
#
# The runner's page server (tiny_http 0.12) answers at most 4 connections opened at once
# reliably: its pool starts 4 threads, a connection is a thread for as long as the browser keeps
# it alive, and one accepted in a burst beyond the idle threads can wait in the pool's queue
# until another connection closes (minutes, in Chromium). A test page fetches its glue's
# snippets all at once, so it needs as many connections at start as there are snippets: more
# than 4 and the page may never print "Loading Wasm module". The crate keeps its JS in two
# snippets (src/js/exports.js, src/sys/web/worker.js) and a suite adds at most two inline_js.
#
# WebKit (opt-in: PYTHREADING_BROWSERS="chromium firefox webkit"): Debian's WebKitWebDriver
# (apt-get install webkit2gtk-driver xvfb; $WEBKITWEBDRIVER overrides the path) with its default
# browser, WebKitGTK's MiniBrowser, on an Xvfb display this script starts, and
# JSC_useSharedArrayBuffer=1 in its environment (Debian's build ships SharedArrayBuffer off;
# without it the first postMessage of the memory throws "The object can not be cloned"). The
# runner has no WebKitGTK driver of its own: it drives this one as a remote Safari
# (SAFARIDRIVER_REMOTE), so its log says "Safari".
#
# Installs what it needs first (scripts/setup.sh --browser: chromium, chromium-driver,
# firefox-esr, geckodriver, wasm-bindgen-cli at Cargo.lock's version). The nightly and the
# target are the xtask's pins (`cargo xtask pin ...`).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --browser
export PATH="$HOME/.cargo/bin:$PATH"
NIGHTLY="$(cargo xtask pin nightly)"
WEB_TARGET="$(cargo xtask pin web-target)"
BUILD_STD="$(cargo xtask pin build-std)"
# The runner's default per-run timeout (20 s) is short for the thread suites on a busy machine.
export WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-600}"
CHROMEDRIVER_PATH="${CHROMEDRIVER:-/usr/bin/chromedriver}"
GECKODRIVER_PATH="${GECKODRIVER:-$HOME/.cargo/bin/geckodriver}"
unset CHROMEDRIVER GECKODRIVER
BROWSERS="${PYTHREADING_BROWSERS:-chromium firefox}"

SUITES=("$@")
if [ ${#SUITES[@]} -eq 0 ]; then
  SUITES=(browser_smoke browser_lazy browser_ui browser_pool browser_js_args browser_js_parity browser_js_thread browser_js_thread_ui browser_js_executor rayon)
  # The core suites, once the shared harness can run in browsers (tests/common/platform.rs:
  # the test attribute, clock and helper threads per platform).
  if [ -f tests/common/platform.rs ]; then
    SUITES+=(lock rlock condition event semaphore bounded_semaphore barrier stress
             timer local module thread excepthook leak queue futures queue_js)
  fi
fi

# WebKitWebDriver on a free port, under an Xvfb on a free display; both end with this script.
WEBKIT_PIDS=()
trap '[ ${#WEBKIT_PIDS[@]} -eq 0 ] || kill "${WEBKIT_PIDS[@]}" 2>/dev/null || true' EXIT
start_webkit_driver() {
  local driver="${WEBKITWEBDRIVER:-/usr/bin/WebKitWebDriver}" display_file display port i
  if [ ! -x "$driver" ] || ! command -v Xvfb >/dev/null 2>&1; then
    echo "[test-browser] webkit needs $driver and Xvfb: apt-get install webkit2gtk-driver xvfb" >&2
    exit 1
  fi
  display_file="$(mktemp)"
  # -displayfd: Xvfb picks a free display and writes its number once it accepts clients.
  Xvfb -displayfd 3 -screen 0 1280x1024x24 -nolisten tcp 3>"$display_file" >/dev/null 2>&1 &
  WEBKIT_PIDS+=($!)
  for i in $(seq 100); do [ -s "$display_file" ] && break; sleep 0.1; done
  display="$(cat "$display_file")"
  rm -f "$display_file"
  [ -n "$display" ] || { echo "[test-browser] Xvfb did not start" >&2; exit 1; }
  port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  DISPLAY=":$display" JSC_useSharedArrayBuffer=1 "$driver" --port="$port" >/dev/null 2>&1 &
  WEBKIT_PIDS+=($!)
  for i in $(seq 100); do
    python3 -c "import socket, sys; sys.exit(socket.socket().connect_ex(('127.0.0.1', $port)))" \
      && break
    sleep 0.1
  done
  WEBKIT_DRIVER_URL="http://127.0.0.1:$port"
}

mkdir -p target/webdriver
for browser in $BROWSERS; do
  case "$browser" in
    chromium) label="headless Chromium"; driver=(CHROMEDRIVER="$CHROMEDRIVER_PATH") ;;
    # MOZ_REMOTE_SETTINGS_DEVTOOLS: see FIREFOX_ENV in scripts/browser/headless.py.
    firefox) label="headless Firefox"
      driver=(GECKODRIVER="$GECKODRIVER_PATH" MOZ_REMOTE_SETTINGS_DEVTOOLS=1) ;;
    webkit) label="WebKitGTK under Xvfb"; start_webkit_driver
      driver=(SAFARIDRIVER_REMOTE="$WEBKIT_DRIVER_URL") ;;
    *) echo "[test-browser] unknown browser in PYTHREADING_BROWSERS: $browser" \
         "(known: chromium firefox webkit)" >&2; exit 2 ;;
  esac
  if [ "$browser" != webkit ]; then  # the runner sends no capabilities to a Safari driver
    caps="$PWD/target/webdriver/$browser.json"
    python3 -B scripts/browser/headless.py --webdriver-json "$browser" > "$caps"
    driver+=(WASM_BINDGEN_TEST_WEBDRIVER_JSON="$caps")
  fi
  for t in "${SUITES[@]}"; do
    printf '\n==== browser: %s (%s)\n' "$t" "$label"
    env "${driver[@]}" cargo "+$NIGHTLY" test --target "$WEB_TARGET" \
      "$BUILD_STD" --features rayon --test "$t"
  done
done
