#!/usr/bin/env python3
"""Runs the example app (www/npm-app) with the npm package installed from its tarball, in a
headless browser (www/headless.py: Chromium, or the one $PYTHREADING_BROWSER names): the page
shares a Lock, an Event and a Semaphore with its own worker.

    python3 www/test_npm_app.py APP_DIR [--screenshot target/npm-app.png]

APP_DIR is a copy of www/npm-app where `npm install <the pythreading-web tarball>` has run
(scripts/npm-pack.sh --test prepares it).
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True  # no www/__pycache__ from the import below
from headless import Browser  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

EXPECTED = [
    "page: holds the lock (locked=true)",
    "page: the worker started: true",
    "page: releases the lock",
    "page: slot 1 acquired: true",
    "page: slot 2 acquired: true",
    "page: event set: true",
    "page: the worker says: found the lock held: true; acquired it once released, released 2 slots, "
    "set the event",
    "page: lock free again: true",
]


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("app")
    ap.add_argument("--screenshot", default=os.path.join(ROOT, "target", "npm-app.png"))
    args = ap.parse_args()
    pkg = os.path.join(args.app, "node_modules", "pythreading-web", "package.json")
    if not os.path.exists(pkg):
        raise SystemExit(f"{pkg} is missing: npm install the package first")
    with Browser(args.app) as b:
        b.open("index.html")
        result = b.wait_for("return window.appResult || null", timeout=120)
        size = b.screenshot(args.screenshot)
        label = b.label
    lines = result.get("lines", [])
    print("\n".join(f"  {l}" for l in lines))
    print(f"screenshot: {args.screenshot} ({size} bytes)")
    if not result.get("ok") or lines != EXPECTED:
        print(f"FAILED: expected\n  " + "\n  ".join(EXPECTED) + f"\nerror: {result.get('error')}")
        return 1
    print(f"npm app test passed in {label}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
