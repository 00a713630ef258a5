#!/usr/bin/env bash
# Builds the www/ demo (www/demo, a cdylib that includes the 23 seed examples, examples/*.rs,
# over pythreading) into www/pkg and serves www/ with COOP/COEP; open http://127.0.0.1:8000/ in
# a browser: each example runs as its own process (a fresh worker and instance), its threads'
# lines appearing as they are written.
#
#   bash scripts/demo-web.sh            # build and serve
#   bash scripts/demo-web.sh --build    # build only
#   bash scripts/demo-web.sh --test     # build, run every example in headless Chromium (or
#                                       # the browser PYTHREADING_BROWSER names), check its
#                                       # output lines with tests/examples.rs's checks
#                                       # (PYTHREADING_EXAMPLES_PLATFORM=browser), save
#                                       # target/www-demo-BROWSER.png
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --browser >&2
NIGHTLY="${PYTHREADING_NIGHTLY:-nightly-2026-05-19}"
export PATH="$HOME/.cargo/bin:$PATH"
TARGET_DIR="$PWD/target/www-demo"
(cd www/demo && CARGO_TARGET_DIR="$TARGET_DIR" cargo "+$NIGHTLY" build --release \
  --target wasm32-unknown-unknown -Zbuild-std=panic_abort,std)
wasm-bindgen --target web --out-dir www/pkg \
  "$TARGET_DIR/wasm32-unknown-unknown/release/pythreading_demo.wasm"
echo "[demo] built www/pkg" >&2
[ "${1:-}" = "--build" ] && exit 0
[ "${1:-}" = "--test" ] && PYTHREADING_EXAMPLES_PLATFORM=browser exec cargo test --test examples -- --nocapture
exec python3 www/serve.py --port "${PORT:-8000}" --dir www
