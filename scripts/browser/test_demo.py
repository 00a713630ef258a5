#!/usr/bin/env python3
"""Runs the seed examples in the www/ demo page in a headless browser (scripts/browser/headless.py: Chromium,
Firefox or WebKitGTK, chosen by --browser, else $PYTHREADING_BROWSER, else Chromium) and
reports each example's stdout and stderr, rebuilt in the order the lines were written.

    python3 scripts/browser/test_demo.py [--examples a,b] [--print | --records] [--browser firefox]
                             [--screenshot target/www-demo-BROWSER.png]

Checks of its own (exit status 1 if one fails): every example exited normally, every line it
wrote before its exit arrived, none arrived after, and no worker outlives the run: the page
terminates each example's program worker; its nested workers (the pool, where daemon threads
may still run) are ended by Chromium within about 2 s (its forcible-termination delay for
workers that never return to their event loop) and by Firefox at once, which this script
checks through the browser's list of workers (DevTools' targets in Chromium, WebDriver BiDi's
realms in Firefox; WebKitGTK's driver lists none, so there the check is skipped and says so).
The per-example output checks are tests/examples.rs's (`PYTHREADING_EXAMPLES_PLATFORM=browser
cargo test --test examples` runs this script with --records). Expects www/pkg to be built (bash
scripts/demo-web.sh --build); serves www/ on a free port and starts the browser itself
(scripts/browser/headless.py).
"""
import argparse
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
WWW = os.path.join(ROOT, "www")
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # no www/__pycache__ from the import below
from headless import BROWSER_VAR, BROWSERS, Browser, choose  # noqa: E402  (www/ served, a session)

# Generous: the 23 examples take about 15 s; a loaded machine may be much slower.
TIMEOUT_S = 600


def texts(run):
    """stdout and stderr of one run: its lines in write order (sequence numbers), per stream."""
    lines = [l for l in run["lines"] if l is not None]
    return ("".join(l["line"] + "\n" for l in lines if l["stream"] == "stdout"),
            "".join(l["line"] + "\n" for l in lines if l["stream"] == "stderr"))


def problems_of(state):
    """The driver's own checks (the per-example output checks are tests/examples.rs's)."""
    problems = []
    for name in state["names"]:
        run = state["runs"].get(name)
        if run is None:
            problems.append(f"{name}: did not run")
            continue
        if not run["ok"]:
            problems.append(f"{name}: failed: {run.get('error')}")
        expected = run.get("expected")  # None: the run reported no count (it failed)
        if expected is not None and (None in run["lines"] or len(run["lines"]) != expected):
            problems.append(f"{name}: lines {run['received']} of {expected} arrived")
        if run["late"]:
            problems.append(f"{name}: {run['late']} line(s) arrived after its exit")
    if state["workers_left"]:
        problems.append(f"{state['workers_left']} worker(s) still alive after every example exited")
    return problems


def workers_left(browser, within_s=60):
    """Waits until the browser lists no worker (every example's workers ended); returns
    (the workers still listed, seconds waited, how the count fell: (seconds, count) at each
    change).

    The browser ends a terminated worker's nested workers asynchronously, not at `terminate()`:
    in a scratch page that ran 20 examples back to back, each in a program worker terminated at
    its exit (a program worker, its spawner and 4 pool workers each), headless Chromium still
    listed 36 workers after the last exit and took 1.9 s to end them, about 6 every 0.2 s, with
    or without two busy CPUs beside it. So the window is generous: a lag passes, workers that
    never end fail."""
    start = time.time()
    trail = []
    while True:
        workers = browser.workers()
        waited = time.time() - start
        if not trail or trail[-1][1] != len(workers):
            trail.append((waited, len(workers)))
        if not workers or waited > within_s:
            return workers, waited, trail
        time.sleep(0.25)


def run_page(b, examples, screenshot):
    query = f"?examples={','.join(examples)}" if examples else ""
    b.open(f"index.html{query}")
    deadline = time.time() + TIMEOUT_S
    done = False
    while time.time() < deadline:
        done = b.js("return !!(window.pythreadingDemo && window.pythreadingDemo.done)")
        if done:
            break
        time.sleep(0.25)
    # Lines that arrive after the last exit would show as late: give them time to.
    time.sleep(0.5)
    state = b.js("return window.pythreadingDemo || null")
    status = b.js("return document.getElementById('status').textContent")
    if screenshot:
        # The whole page in one image: the window as tall as the document.
        height = b.js("return document.documentElement.scrollHeight")
        b.set_window_size(1800, min(height + 150, 8000))
        size = b.screenshot(screenshot)
        print(f"screenshot: {screenshot} ({size} bytes)", file=sys.stderr)
    if not done or not state:
        raise SystemExit(f"the demo did not finish in {TIMEOUT_S} s: status {status!r}")
    try:
        left, waited, trail = workers_left(b)
    except NotImplementedError as e:
        state["workers_left"] = 0
        print(f"workers alive after the last exit: not checked ({e})", file=sys.stderr)
    else:
        state["workers_left"] = len(left)
        print(f"workers alive after the last exit: {len(left)} "
              f"(waited {waited:.1f} s)", file=sys.stderr)
        if len(trail) > 2:
            print("  count over time: " + ", ".join(f"{n} at {t:.1f} s" for t, n in trail),
                  file=sys.stderr)
        # Which ones, for a failure that only a loaded run shows.
        for w in left:
            print(f"  still alive: {w}", file=sys.stderr)
    return state, status


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--examples", default="", help="comma-separated names (default: all)")
    out = ap.add_mutually_exclusive_group()
    out.add_argument("--print", action="store_true",
                     help="print each example's lines in write order, both streams merged "
                     "(like `2>&1`), under a `== NAME (browser)` header")
    out.add_argument("--records", action="store_true",
                     help="print each example's outcome, stdout and stderr for tests/examples.rs: "
                     "'name N', 'status ok|failed', 'error TEXT' (one line), then 'stdout LEN' and "
                     "'stderr LEN' lines each followed by LEN bytes of UTF-8")
    ap.add_argument("--screenshot", default=None,
                    help="where to save the page (default: target/www-demo-BROWSER.png; '' for none)")
    ap.add_argument("--browser", choices=BROWSERS, default=None,
                    help=f"the browser (default: ${BROWSER_VAR}, else chromium)")
    args = ap.parse_args()
    if not os.path.exists(os.path.join(WWW, "pkg", "pythreading_demo.js")):
        raise SystemExit("www/pkg is missing: run bash scripts/demo-web.sh --build")
    examples = [e for e in args.examples.split(",") if e]
    browser = choose(args.browser)
    if args.screenshot is None:
        args.screenshot = os.path.join(ROOT, "target", f"www-demo-{browser}.png")
    with Browser(WWW, browser=browser, window="1800,1200") as b:
        label = b.label
        print(f"browser: {label}", file=sys.stderr)
        state, status = run_page(b, examples, args.screenshot)

    summary = []
    for name in state["names"]:
        run = state["runs"].get(name) or {"ok": False, "error": "did not run", "lines": []}
        if args.records:
            error = " ".join((run.get("error") or "").splitlines())
            head = f"name {name}\nstatus {'ok' if run['ok'] else 'failed'}\nerror {error}\n"
            sys.stdout.buffer.write(head.encode())
            for stream, text in zip(("stdout", "stderr"), texts(run)):
                data = text.encode()
                sys.stdout.buffer.write(f"{stream} {len(data)}\n".encode() + data)
        if args.print:
            print(f"== {name} (browser)")
            for l in run["lines"]:
                if l is not None:
                    print(l["line"])
            if not run["ok"]:
                print(f"!! {name} (browser) failed: {run.get('error')}")
            print(flush=True)
        summary.append(f"  {name:30s} {'ok' if run['ok'] else 'FAILED'} {run.get('ms') or 0:8.1f} ms"
                       f" (+{run.get('startMs') or 0:5.1f} ms start), {len(run['lines'])} lines")
    sys.stdout.flush()
    print("\n".join(summary + [f"status: {status}"]), file=sys.stderr)
    problems = problems_of(state)
    if problems:
        print("FAILED:\n  " + "\n  ".join(problems), file=sys.stderr)
        return 1
    print(f"{len(state['names'])} examples ran in {label}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
