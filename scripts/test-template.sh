#!/usr/bin/env bash
# Tests templates/browser/ the way a user uses it: a crate of one's own that depends on
# pythreading and runs its `#[wasm_bindgen_test]`s (threads on Web Workers) with wasm-pack.
#
#   bash scripts/test-template.sh            # headless Chromium, then headless Firefox
#   bash scripts/test-template.sh chrome     # one browser: chrome | firefox
#
# It copies the template into a fresh temporary directory outside the clone (so none of this
# repository's cargo config applies), points its `pythreading` dependency at this checkout, and
# runs `wasm-pack test --headless --chrome|--firefox --mode no-install` there, with nothing but
# the template's own rust-toolchain.toml and .cargo/config.toml. The copy's target directory is
# kept in ${PYTHREADING_CACHE:-$HOME/.cache/pythreading}/template-target, so reruns only rebuild
# the template crate itself.
#
# `--mode no-install`: otherwise `wasm-pack test` first runs `rustup target add
# wasm32-unknown-unknown` (its check for a prebuilt std), which fails: the pinned nightly has no
# rust-std for that target (`available = false` in its channel manifest), and build-std does
# not need one. (`--mode force` still runs that check for `test`.) No-install also means
# wasm-pack downloads nothing: wasm-bindgen-cli must be on PATH at the version of wasm-bindgen
# in the copy's Cargo.lock, and the WebDrivers are given by path.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"

BROWSERS=("$@")
[ ${#BROWSERS[@]} -gt 0 ] || BROWSERS=(chrome firefox)
for b in "${BROWSERS[@]}"; do
  case "$b" in
    chrome | firefox) ;;
    *) echo "[template] unknown browser: $b (known: chrome, firefox)" >&2; exit 2 ;;
  esac
done

bash scripts/setup.sh --browser >&2
export PATH="$HOME/.cargo/bin:$PATH"
fail() { echo "[template] FAIL: $*" >&2; exit 1; }

# The template repeats two pins of this repository, which the xtask checks (`cargo xtask pin
# check`, with the other copies of pins): its rust-toolchain.toml names the xtask's nightly, and
# its .cargo/config.toml has this repository's rustflags for the browser target.
cargo xtask pin check || fail "the template's copies of the pins disagree with the xtask's"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/pythreading-template.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
tar -C templates/browser --exclude=./target --exclude=./Cargo.lock -cf - . | tar -C "$WORK" -xmf -
# The template depends on pythreading the way a user's crate would (git); the copy uses this
# checkout instead, so what is tested is the code in front of you.
DEP="pythreading = { path = \"$ROOT\" }"
sed -i "s|^pythreading = .*|$DEP|" "$WORK/Cargo.toml"
[ "$(grep -c '^pythreading = ' "$WORK/Cargo.toml")" = 1 ] && grep -qxF "$DEP" "$WORK/Cargo.toml" ||
  fail "could not point the copy's pythreading dependency at $ROOT"
if [ -n "${PYTHREADING_NIGHTLY:-}" ]; then
  sed -i "s|^channel = .*|channel = \"$PYTHREADING_NIGHTLY\"|" "$WORK/rust-toolchain.toml"
fi
# Resolve against this checkout's Cargo.lock, so the copy gets the wasm-bindgen version that
# scripts/setup.sh installed wasm-bindgen-cli for (a fresh resolve would take the newest).
cp Cargo.lock "$WORK/Cargo.lock"
# Only the template's own files decide the toolchain, flags and target.
unset RUSTUP_TOOLCHAIN RUSTFLAGS CARGO_ENCODED_RUSTFLAGS CARGO_BUILD_TARGET \
  CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER
(cd "$WORK" && cargo fetch --quiet)
LOCKED_WB="$(cargo xtask pin wasm-bindgen --lockfile "$WORK/Cargo.lock")"
HAVE_WB="$(wasm-bindgen --version | awk '{print $2}')"
[ "$LOCKED_WB" = "$HAVE_WB" ] ||
  fail "the copy's Cargo.lock has wasm-bindgen $LOCKED_WB, wasm-bindgen-cli on PATH is $HAVE_WB"
echo "[template] $WORK: $(cd "$WORK" && rustc --version), wasm-bindgen $LOCKED_WB" >&2

export CARGO_TARGET_DIR="${PYTHREADING_CACHE:-$HOME/.cache/pythreading}/template-target"
# The runner's default per-run timeout (20 s) is short on a busy machine.
export WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-300}"
EXPECTED="$(grep -c '^#\[wasm_bindgen_test\]' "$WORK/tests/web.rs")"

STATUS=0
SUMMARY=()
for b in "${BROWSERS[@]}"; do
  # The runner takes the first driver it finds in the environment (GECKODRIVER before
  # CHROMEDRIVER): leave only the one wasm-pack sets.
  unset GECKODRIVER CHROMEDRIVER SAFARIDRIVER MSEDGEDRIVER \
    GECKODRIVER_REMOTE CHROMEDRIVER_REMOTE SAFARIDRIVER_REMOTE MSEDGEDRIVER_REMOTE
  case "$b" in
    chrome) ARGS=(--chrome --chromedriver /usr/bin/chromedriver); NAME=Chrome ;;
    firefox) ARGS=(--firefox --geckodriver "$HOME/.cargo/bin/geckodriver"); NAME=Firefox ;;
  esac
  printf '\n==== template: wasm-pack test --headless %s --mode no-install\n' "${ARGS[*]}"
  LOG="$WORK/$b.log"
  START=$SECONDS
  RC=0
  (cd "$WORK" && wasm-pack test --headless "${ARGS[@]}" --mode no-install) 2>&1 | tee "$LOG" || RC=$?
  TIME=$((SECONDS - START))
  PASSED="$(sed -n 's/^test result: ok\. \([0-9]*\) passed.*/\1/p' "$LOG" | awk '{ n += $1 } END { print n + 0 }')"
  if [ "$RC" != 0 ]; then
    SUMMARY+=("$b: FAILED (wasm-pack exit $RC) in ${TIME}s")
    STATUS=1
  elif ! grep -q "Running headless tests in $NAME" "$LOG"; then
    SUMMARY+=("$b: FAILED (the runner did not say it ran in $NAME) in ${TIME}s")
    STATUS=1
  elif [ "$PASSED" != "$EXPECTED" ]; then
    SUMMARY+=("$b: FAILED ($PASSED tests passed, tests/web.rs has $EXPECTED) in ${TIME}s")
    STATUS=1
  else
    SUMMARY+=("$b: $PASSED passed in ${TIME}s")
  fi
done
printf '\n[template] %s\n' "${SUMMARY[@]}"
exit $STATUS
