#!/usr/bin/env python3
"""Runs pythreading's benchmark workloads in a headless browser (scripts/browser/headless.py: Chromium by
default, Firefox with --browser firefox or PYTHREADING_BROWSER=firefox): www/bench.html, whose
worker runs www/bench-pkg (built by `bash scripts/bench-web.sh --build`), or with
--pkg bench-pkg-abort the panic=abort build www/bench-pkg-abort (`bash scripts/bench-web.sh
--build --abort`).

    python3 scripts/browser/bench_browser.py --serve [--pkg bench-pkg-abort]
                                            # sample server for `cargo bench --bench primitives
                                            # -- --browser` and `cargo bench --bench
                                            # queue_futures -- --browser` (scripts/bench.sh
                                            # --browser), one per module
    python3 scripts/browser/bench_browser.py --check [--pkg bench-pkg-abort] [--rounds 3]
                                            [--screenshot target/www-bench.png]
                                            # the live view loads and produces every figure

--serve prints a greeting line `{"browser": "Chromium 156... (headless)", "pkg": "bench-pkg",
"panic": "unwind"}` (the browser and its version, the module's directory and how its panics
end, as the module itself reports it) and then answers each stdin line
like the other sample servers of benches/harness/mod.rs (both benches' keys): `run KEY IMPL N` -> the elapsed ns of
one sample measured inside the browser (or `error: ...`); `figures` -> one line of JSON with
the start+join, memory, fresh-Worker and timer figures. The round trip through WebDriver
(a few ms) is outside the measurement: the ns are timed by the worker itself.

Both modes serve www/ with COOP/COEP (scripts/browser/serve.py's handler) on a free port and start the
browser through its WebDriver (scripts/browser/headless.py), and stop both on exit. CHROMEDRIVER, CHROMIUM,
GECKODRIVER and FIREFOX override the binaries' paths.
"""
import argparse
import json
import os
import signal
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
WWW = os.path.join(ROOT, "www")
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # no www/__pycache__ from the import below
from headless import BROWSER_VAR, BROWSERS, Browser  # noqa: E402  (www/ served, one session)

# The modules bench.html can load (www/bench-worker.js's list): unwinding, and panic=abort.
PKGS = ["bench-pkg", "bench-pkg-abort"]


class BenchBrowser(Browser):
    """www/ served on a free port and one headless browser session on it, for bench.html."""

    def __init__(self, browser=None, pkg="bench-pkg"):
        if not os.path.exists(os.path.join(WWW, pkg, "pythreading_bench.js")):
            build = "--build --abort" if pkg == "bench-pkg-abort" else "--build"
            raise RuntimeError(f"www/{pkg} is missing: run bash scripts/bench-web.sh {build}")
        self.pkg = pkg
        super().__init__(WWW, browser=browser, window="1200,1400")
        try:
            # execute/async waits for the benchmark calls (the 10,000-thread figures take seconds).
            self.set_script_timeout(600_000)
        except BaseException:
            self.close()
            raise

    def bench_call(self, cmd, *args):
        """window.benchCall(cmd, ...args) in the page; its value, or RuntimeError."""
        script = ("const done = arguments[arguments.length - 1];"
                  "window.benchCall(arguments[0], ...arguments[1])"
                  ".then((value) => done({ value }), (e) => done({ error: String(e.message || e) }));")
        r = self.js_async(script, cmd, list(args))
        if "error" in r:
            raise RuntimeError(r["error"])
        return r["value"]

    def wait_view(self, timeout):
        deadline = time.time() + timeout
        state = None
        while time.time() < deadline:
            state = self.js("return window.benchView || null")
            if state and state.get("done"):
                return state
            time.sleep(0.25)
        status = self.js("return document.getElementById('status').textContent")
        raise RuntimeError(f"bench.html did not finish in {timeout} s: status {status!r}")


def serve(browser, pkg):
    """The sample server: greeting, then one answer line per request line."""
    try:
        b = BenchBrowser(browser, pkg)
    except Exception as e:  # the bench reports the greeting it got
        print(json.dumps({"error": f"browser did not start: {e}"}), flush=True)
        return 1
    try:
        b.open(f"bench.html?serve&pkg={pkg}")
        state = b.wait_view(120)
        if state.get("error"):
            print(json.dumps({"error": state["error"]}), flush=True)
            return 1
        module = state.get("module") or {}
        print(json.dumps({"browser": b.label, "pkg": module.get("pkg"),
                          "panic": module.get("panic")}), flush=True)
        for line in sys.stdin:
            line = line.strip()
            try:
                if line == "figures":
                    answer = json.dumps(b.bench_call("figures"))
                else:
                    answer = b.bench_call("request", line)
            except Exception as e:
                answer = f"error: {e}".replace("\n", " ")
            print(answer, flush=True)
        return 0
    finally:
        b.close()


def check(browser, pkg, rounds, screenshot):
    """Loads the live view with a few rounds and checks that every figure is a number."""
    b = BenchBrowser(browser, pkg)
    try:
        b.open(f"bench.html?rounds={rounds}&threads=1000&fresh=3&pkg={pkg}")
        state = b.wait_view(600)
        size = b.screenshot(screenshot)
        problems = []
        if state.get("error"):
            problems.append(state["error"])
        module = state.get("module") or {}
        want = "abort" if pkg == "bench-pkg-abort" else "unwind"
        if module.get("pkg") != pkg or module.get("panic") != want:
            problems.append(f"module: {module}, expected {pkg} with panic={want}")
        rows = {r["key"]: r for r in state.get("rows", [])}
        for key in ["lock", "rlock", "event_pingpong", "condition_pingpong", "semaphore",
                    "barrier", "thread_start_join"]:
            ns = rows.get(key, {}).get("ns", {})
            for imp in ["pythreading"] + ([] if key == "thread_start_join" else ["std"]):
                v = ns.get(imp, {}).get("median")
                if not (isinstance(v, (int, float)) and v > 0):
                    problems.append(f"{key} {imp}: no time ({ns})")
        f = state.get("figures") or {}
        sj = f.get("start_join", {}).get("median_ns")
        if not (isinstance(sj, (int, float)) and sj > 0):
            problems.append(f"start+join figure missing: {f}")
        if f.get("memory", {}).get("count") != 1000:
            problems.append(f"memory figure missing: {f}")
        if not f.get("fresh_worker", {}).get("median_ms", 0) > 0:
            problems.append(f"fresh-Worker figure missing: {f}")
        for key, r in rows.items():
            ns = r["ns"]
            print(f"  {key:20s} pythreading {ns['pythreading']['median']:10.1f} ns"
                  + (f"   std {ns['std']['median']:10.1f} ns" if "std" in ns else ""))
        if f:
            print(f"  start+join median {f['start_join']['median_ns'] / 1e3:.1f} us, fresh Worker "
                  f"{f['fresh_worker']['median_ms']:.1f} ms, memory +{f['memory']['growth']} bytes "
                  f"over {f['memory']['count']}, timer step {f['timer_ns'] / 1e3:.1f} us")
        print(f"screenshot: {screenshot} ({size} bytes)")
        if problems:
            print("FAILED checks:\n  " + "\n  ".join(problems))
            return 1
        print(f"bench view check passed in {b.label} (www/{pkg}, panics: {want})")
        return 0
    finally:
        b.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    mode = ap.add_mutually_exclusive_group(required=True)
    mode.add_argument("--serve", action="store_true", help="answer sample requests on stdin")
    mode.add_argument("--check", action="store_true", help="check the live view")
    ap.add_argument("--pkg", choices=PKGS, default="bench-pkg",
                    help="the module: bench-pkg (unwinding, default) or bench-pkg-abort")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--screenshot", default=os.path.join(ROOT, "target", "www-bench.png"))
    ap.add_argument("--browser", choices=BROWSERS, default=None,
                    help=f"the browser (default: ${BROWSER_VAR}, else chromium)")
    args = ap.parse_args()
    # A SIGTERM still closes the session, the browser and its driver (the `finally`s).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    if args.serve:
        return serve(args.browser, args.pkg)
    return check(args.browser, args.pkg, args.rounds, args.screenshot)


if __name__ == "__main__":
    sys.exit(main())
