#!/usr/bin/env bash
# Runs every pythreading test: the README's test command. Installs what it needs first.
#
#   bash scripts/test.sh
#
# The pins (nightly, targets) come from the xtask (`cargo xtask pin ...`), and so do the builds
# of what the tests run but cargo does not build for them: `cargo xtask test-examples PLATFORM`
# builds the examples (or the demo page's module) and then runs tests/examples.rs with their
# paths in environment variables; the tests themselves build nothing.
#
# 1. native: unit, integration, example-output and doc tests (`cargo test`);
# 2. wasmtime: the seed examples and the test suite built with unwinding (the pinned nightly,
#    -Cpanic=unwind, build-std), the files whose threads panic built with stable's panic=abort
#    (trap recovery), and the host's tests, under the project's wasmtime host (built once into
#    ${PYTHREADING_CACHE:-$HOME/.cache/pythreading}); then the stable panic=abort test suite
#    and seed examples under stock wasmtime 36 LTS (scripts/stock-wasmtime.sh), apart from the
#    tests whose threads panic (the stock runtime ends the process: exit 134);
# 3. loom models of the lock-free cores and of the async JS methods' step protocol (`--cfg
#    loom`, own target dir);
# 4. the crate builds for both wasm targets (wasm32-wasip1-threads, and
#    wasm32-unknown-unknown with atomics on the pinned nightly);
# 5. browsers, each in headless Chromium and then in headless Firefox (PYTHREADING_BROWSERS,
#    default "chromium firefox", picks them): the browser suites (scripts/test-browser.sh,
#    which installs chromium, chromium-driver, firefox-esr, geckodriver, wasm-bindgen-cli,
#    wasm-pack, npm, pnpm and selenium first: scripts/setup.sh --browser), the seed examples in
#    the www/ demo page with the same output checks as natively, the JS threads page
#    (scripts/browser/test_threads_page.py), the npm package installed into
#    apps built by Vite, webpack and no bundler with npm and pnpm, plus start-up faults
#    (scripts/npm-pack.sh --test), and a downstream crate made from templates/browser tested
#    with wasm-pack (scripts/test-template.sh).
#    PYTHREADING_BROWSERS="chromium firefox webkit" adds WebKitGTK (opt-in; Debian's
#    webkit2gtk-driver and xvfb, see www/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$HOME/.cargo/bin:$PATH"
NIGHTLY="$(cargo xtask pin nightly)"
WASI_TARGET="$(cargo xtask pin wasi-target)"
WEB_TARGET="$(cargo xtask pin web-target)"
BROWSERS="${PYTHREADING_BROWSERS:-chromium firefox}"

step() { printf '\n==== %s\n' "$*"; }

# Build output never belongs in git (target/ at any depth, node_modules, packed tarballs).
step "no build output tracked by git"
tracked="$(git ls-files | grep -E '(^|/)(target|node_modules)/|\.tgz$' || true)"
if [ -n "$tracked" ]; then
  echo "build output is tracked by git (git rm -r --cached it):" >&2
  echo "$tracked" | head -20 >&2
  exit 1
fi

step "native: cargo test"
# tests/examples.rs runs the example programs (target/debug/examples/NAME), which `cargo test
# --all-targets` does not build (it builds the examples as test harnesses): build them first.
cargo xtask build native-examples >/dev/null
cargo test --all-targets --all-features
cargo test --doc --all-features

# Under wasmtime, the main build unwinds: the pinned nightly, -Cpanic=unwind and std rebuilt
# with panic_unwind (`cargo xtask pin unwind-rustflags`, `cargo xtask pin build-std`), after
# `cargo xtask wasi-sysroot` has given the nightly the target's self-contained libc and
# libunwind (from rustup, or supplied where rustup has no such component: xtask/src/wasi_sysroot.rs).
# The stable, panic=abort build (what stable Rust users get) is run too, for the trap recovery.
UNWIND_RUSTFLAGS="$(cargo xtask pin unwind-rustflags)"
BUILD_STD="$(cargo xtask pin build-std)"
cargo xtask wasi-sysroot >/dev/null

# The seed examples built for wasm32-wasip1-threads (unwinding), under the project's wasmtime
# host, with the same output checks as natively (tests/examples.rs). The xtask builds the host
# first (scripts/wasi-runner.sh --build-host: cached, a few minutes from scratch), then the
# example modules, then runs `PYTHREADING_EXAMPLES_PLATFORM=wasmtime cargo test --test
# examples` with their paths (PYTHREADING_HOST, PYTHREADING_WASI_EXAMPLES_DIR).
step "wasmtime: seed examples (unwinding build)"
cargo xtask test-examples wasmtime

# The same test sources, built for wasm32-wasip1-threads with unwinding and run under the host
# (the cargo runner, .cargo/config.toml): tests that cannot apply there (subprocesses, loom)
# are listed as ignored with a reason.
step "wasmtime: the test suite under the host (unwinding: $NIGHTLY, $UNWIND_RUSTFLAGS, $BUILD_STD)"
RUSTFLAGS="$UNWIND_RUSTFLAGS" cargo "+$NIGHTLY" test --target "$WASI_TARGET" "$BUILD_STD" --tests --all-features

# The stable panic=abort build of the files whose threads panic, under the host: each panic is
# a trap that the host reports to the library (excepthook, Local values dropped, joiners
# return). The tests that need unwinding are listed as ignored there, with their reason.
step "wasmtime: trap recovery under the host (stable, panic=abort: thread, excepthook, local)"
cargo test --target "$WASI_TARGET" --all-features --test thread --test excepthook --test local

# Then the host's own tests (bad input, trap protocol, wait32/notify in the built module).
step "wasmtime: the host's own tests"
bash scripts/wasi-runner.sh --test-host

# Stock-runtime compatibility: the same modules (stable Rust, panic=abort) under the upstream
# wasmtime 36 LTS CLI, `wasmtime run -W threads=y -S threads=y` (scripts/stock-wasmtime.sh;
# setup installs it). The one documented difference: a thread that panics or calls
# exit_thread traps, and the stock runtime ends the whole process on any thread's trap (exit
# code 134), where pythreading-host recovers the thread. The tests that make a thread do so
# are skipped here by name, and run under the host above.
step "stock wasmtime 36: the test suite and the seed examples"
STOCK_SKIPS=(
  h03_exit_thread_from_nested_calls_and_run_impl h03_exit_thread_is_silent
  h04_custom_hook_receives_panic_from_thread h04_formatted_panic_message_is_the_value
  h05_hook_that_panics_does_not_kill_anything h06_custom_hook_replaces_output_and_can_be_swapped
  hook_runs_in_the_failing_thread_before_it_stops panic_with_non_string_payload_is_reported
  panicking_thread_reports_a_traceback_string panics_in_run_impl_and_many_threads_are_all_reported
  x06_panic_does_not_reach_join_and_others_carry_on
  values_dropped_when_thread_ends_by_panic_or_exit_thread
  panicking_thread_is_not_alive_and_join_is_ok
  a_panic_while_unwinding_loses_only_that_thread
)
skip_args=()
for name in "${STOCK_SKIPS[@]}"; do skip_args+=(--skip "$name"); done
STOCK_RUNNER="$PWD/scripts/stock-wasmtime.sh"
CARGO_TARGET_WASM32_WASIP1_THREADS_RUNNER="$STOCK_RUNNER" \
  cargo test --target "$WASI_TARGET" --tests --all-features -- "${skip_args[@]}"
PYTHREADING_HOST="$STOCK_RUNNER" \
  PYTHREADING_WASI_EXAMPLES_DIR="$(cargo xtask build wasi-examples --panic abort)" \
  PYTHREADING_EXAMPLES_PLATFORM=wasmtime cargo test --test examples

step "loom models (RUSTFLAGS=--cfg loom)"
CARGO_TARGET_DIR=target/loom RUSTFLAGS="--cfg loom" cargo test --release --test loom
# The step protocol of the browser's async JS methods (crate-private, so unit tests).
CARGO_TARGET_DIR=target/loom RUSTFLAGS="--cfg loom" cargo test --release --lib step_models

step "cargo check --target $WASI_TARGET"
cargo check --target "$WASI_TARGET" --all-targets --all-features

step "cargo check --target $WEB_TARGET (atomics, $NIGHTLY, build-std; unwinding, and panic=abort)"
cargo "+$NIGHTLY" check --target "$WEB_TARGET" "$BUILD_STD" --lib --all-features
# A panic=abort build still works (-Cpanic=abort after the config's -Cpanic=unwind: the last wins).
cargo "+$NIGHTLY" check --target "$WEB_TARGET" "$(cargo xtask pin build-std-abort)" --lib --all-features \
  --config "target.$WEB_TARGET.rustflags=[\"-Cpanic=abort\"]"

step "browsers: $BROWSERS ($WEB_TARGET, $NIGHTLY, Web Worker threads)"
PYTHREADING_BROWSERS="$BROWSERS" bash scripts/test-browser.sh

# Each example in its own program worker of the demo page: the xtask builds the page's module
# (www/pkg; cargo finds it fresh after the first browser), then runs
# `PYTHREADING_EXAMPLES_PLATFORM=browser cargo test --test examples` with its path
# (PYTHREADING_DEMO_DIR).
for browser in $BROWSERS; do
  step "browsers: seed examples in the www/ demo page ($browser)"
  PYTHREADING_BROWSER="$browser" cargo xtask test-examples browser
  # The JS threads page of the same build (www/threads.html): JS threads and a JS executor
  # started from the page, a lane each; every thread must end and report.
  step "browsers: the JS threads page ($browser)"
  python3 scripts/browser/test_threads_page.py --browser "$browser"
done

# The npm package: wasm-pack build, npm pack (cargo xtask build npm), installed from the
# tarball into the example app (tests/apps) with npm and pnpm, built by Vite (dev server and
# build), webpack 5 and no bundler:
# the page shares a Lock, an Event and a Semaphore with a worker, joins a thread started in
# Rust, and runs a JS thread and a JS executor's tasks. Then start-up faults, each provoked: the error names the cause, within its bound.
step "browsers: the npm package in apps (Vite, webpack, no bundler; npm and pnpm; $BROWSERS)"
PYTHREADING_BROWSERS="$BROWSERS" bash scripts/npm-pack.sh --test

# A crate of one's own, as the README says to set it up (templates/browser/, copied out of the
# repo): wasm-pack test in headless Chromium and Firefox.
step "browsers: a downstream crate (templates/browser) with wasm-pack test"
bash scripts/test-template.sh

step "all test suites passed"
