#!/usr/bin/env python3
"""The JS threads page (www/threads.html) in a headless browser: serves www/ (COOP/COEP),
opens the page, waits for its examples (each starts JS threads on a module of www/, joins
them and draws their lanes), and checks its result: every example's threads ended and each
thread wrote its records. Saves a screenshot (target/www-threads-BROWSER.png).

    python3 scripts/browser/test_threads_page.py [--browser chromium|firefox]

Needs www/pkg (bash scripts/demo-web.sh --build).
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True
from headless import BROWSERS, Browser, choose  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WWW = os.path.join(ROOT, "www")
TIMEOUT_S = 60


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--browser", choices=BROWSERS, default=None)
    args = ap.parse_args()
    if not os.path.exists(os.path.join(WWW, "pkg", "pythreading_demo.js")):
        raise SystemExit("www/pkg is missing: run bash scripts/demo-web.sh --build")
    browser = choose(args.browser)
    with Browser(WWW, browser=browser, window="1100,1800") as b:
        b.open("threads.html")
        result = None
        try:
            result = b.wait_for("return window.demoResult || null", TIMEOUT_S)
        except RuntimeError:
            pass  # reported below, after the screenshot
        shot = os.path.join(ROOT, "target", f"www-threads-{browser}.png")
        b.screenshot(shot)
        print(f"browser: {b.label}; screenshot: {shot}", file=sys.stderr)
    if not result:
        raise SystemExit(f"the page did not finish in {TIMEOUT_S} s")
    for ex in result.get("examples", []):
        print(f"  {ex['name']}: {ex['threads']} threads, {ex['alive']} alive after join, "
              f"{ex['records']} records")
    if not result.get("ok"):
        raise SystemExit(f"the page failed: {result}")
    print("threads page: ok")


if __name__ == "__main__":
    main()
