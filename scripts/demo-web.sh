#!/usr/bin/env bash
# Builds the www/ demo (www/demo, a cdylib that includes the seed examples, examples/*.rs,
# over pythreading) into www/pkg and serves www/ with COOP/COEP; open http://127.0.0.1:8000/ in
# a browser: each example runs as its own process (a fresh worker and instance), its threads'
# lines appearing as they are written.
#
#   bash scripts/demo-web.sh            # build and serve
#   bash scripts/demo-web.sh --build    # build only
#   bash scripts/demo-web.sh --test     # build, run every example in headless Chromium (or
#                                       # the browser PYTHREADING_BROWSER names), check its
#                                       # output lines with tests/examples.rs's checks
#                                       # (cargo xtask test-examples browser), save
#                                       # target/www-demo-BROWSER.png
#
# The build is the xtask's: `cargo xtask build demo` (www/demo with the pinned nightly and
# build-std, then wasm-bindgen --target web into www/pkg).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --browser >&2
export PATH="$HOME/.cargo/bin:$PATH"
[ "${1:-}" = "--test" ] && exec cargo xtask test-examples browser -- --nocapture
cargo xtask build demo >/dev/null
echo "[demo] built www/pkg" >&2
[ "${1:-}" = "--build" ] && exit 0
exec python3 scripts/browser/serve.py --port "${PORT:-8000}" --dir www
