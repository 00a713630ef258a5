#!/usr/bin/env bash
# Checks the npm package's generated TypeScript types with `tsc --strict` over a typed example
# app (tests/apps/typed: a page and its worker using every class, the error classes and the
# module functions; plus src/refused.ts, lines the types must refuse, each marked
# `@ts-expect-error`, so types that decayed to `any` fail the check too). TypeScript is pinned
# in tests/apps/typed/package.json.
#
#   bash scripts/test-types.sh [TARBALL]   # default: build and pack it (cargo xtask build npm)
#
# The app is copied to target/npm/typed, the tarball installed there with npm as a user's app
# would install it, and `tsc -p tsconfig.json` (noEmit) run.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
TARBALL="${1:-}"
if [ -z "$TARBALL" ]; then
  bash scripts/setup.sh --browser >&2
  TARBALL="$(cargo xtask build npm)"
fi
TARBALL="$(realpath "$TARBALL")"
WORK=target/npm/typed
rm -rf "$WORK/src"
mkdir -p "$WORK"
cp -r tests/apps/typed/. "$WORK/"
cd "$WORK"
echo "[types] installing $TARBALL and the pinned typescript" >&2
# One install (a second plain `npm install` would prune the tarball); it adds the tarball to
# the work copy's package.json only.
npm install --no-audit --no-fund --loglevel=error "$TARBALL" >&2
echo "[types] tsc --strict over tests/apps/typed ($(npx --no-install tsc --version))" >&2
npx --no-install tsc -p tsconfig.json
echo "[types] ok: the package's types check under --strict" >&2
