#!/usr/bin/env python3
"""The example app (tests/apps) as users build it: the npm package installed from its packed
tarball with npm or pnpm (pnpm's symlinked node_modules), built by Vite (dev server and
production build), webpack 5 (production) or no bundler, served with COOP/COEP and run in
headless browsers. In each, the page shares a Lock, an Event and a Semaphore with its own worker
and joins a thread started in Rust.

    python3 scripts/browser/test_apps.py TARBALL [--pm npm pnpm] [--bundler plain vite-dev vite-build webpack]
                             [--browser chromium firefox] [--work DIR]

Then start-up faults, one at a time, on the unbundled app (tests/apps/faults): no cross-origin
isolation, the module or the worker script missing, workers forbidden by a
Content-Security-Policy, a module or worker script that stalls, the glue bundled without the package's entry; each must end init() or initThreads()
within its bound with an error naming the cause (--no-faults skips them).

Bundler versions are pinned in tests/apps/package.json. Prints one line per app and browser with
the time from `initThreads(4)` to a first thread having run (median over --loads fresh page
loads), and a closing `N passed, N failed` line.
"""
import argparse
import functools
import http.server
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True  # no www/__pycache__ from the import below
from headless import Browser, stop  # noqa: E402
from serve import IsolatedHandler  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
APPS = os.path.join(ROOT, "tests", "apps")

EXPECTED = [
    "page: started a Rust thread: pythreading-web-check",
    "page: joined it: alive=false",
    'page: checkThread("0.1") threw TypeError: seconds must be a number, not string',
    "page: release() threw RuntimeError, a RuntimeError: true, an Error: true",
    "page: holds the lock (locked=true)",
    "page: the worker started: true",
    "page: releases the lock",
    "page: slot 1 acquired: true",
    "page: slot 2 acquired: true",
    "page: event set: true",
    "page: the worker says: found the lock held: true; acquired it once released, released 2 slots, "
    "set the event",
    "page: lock free again: true",
    "page: JS thread js-thread ran: true, alive=false",
    "page: executor squares: 1 4 9",
    "page: a failing task's exception: RangeError: task refused: no",
    "page: executor workers app-pool_0.., at most 2: true; ended: true",
]

BUNDLERS = ["plain", "vite-dev", "vite-build", "webpack"]


def run(cmd, cwd):
    print(f"  $ {' '.join(cmd)}", flush=True)
    env = dict(os.environ, CI="true", npm_config_update_notifier="false")
    r = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, stdin=subprocess.DEVNULL)
    if r.returncode != 0:
        print(r.stdout[-4000:])
        raise RuntimeError(f"{cmd[0]} failed ({r.returncode})")
    return r.stdout


def install(app, pm, tarball):
    """A fresh copy of tests/apps with its bundlers and the package from the tarball."""
    if os.path.exists(app):
        shutil.rmtree(app)
    os.makedirs(app)
    for name in ("src", "vite", "webpack", "faults"):
        shutil.copytree(os.path.join(APPS, name), os.path.join(app, name))
    shutil.copy(os.path.join(APPS, "package.json"), app)
    if pm == "npm":
        run(["npm", "install", "--no-audit", "--no-fund", tarball], app)
    else:
        run(["pnpm", "add", tarball], app)
    link = os.path.join(app, "node_modules", "pythreading-web")
    kind = "a symlink" if os.path.islink(link) else "a directory"
    print(f"  node_modules/pythreading-web is {kind} ({pm})")
    if pm == "pnpm" and not os.path.islink(link):
        raise RuntimeError("pnpm did not give the symlinked layout")


def build(app, bundler):
    """Builds `bundler`'s variant; returns the directory to serve (None: the dev server)."""
    if bundler == "plain":
        # No bundler: the page and worker import the package's entry by its path.
        for name in ("index.html", "main.js", "app-worker.js", "js-thread.js", "js-task.js"):
            with open(os.path.join(app, "src", name)) as f:
                text = f.read()
            text = text.replace("from 'pythreading-web'",
                                "from './node_modules/pythreading-web/index.js'")
            with open(os.path.join(app, name), "w") as f:
                f.write(text)
        return app
    if bundler == "vite-build":
        run(["npx", "--no-install", "vite", "build", "--config", "vite/vite.config.js"], app)
        return os.path.join(app, "dist-vite")
    if bundler == "webpack":
        run(["npx", "--no-install", "webpack", "--config", "webpack/webpack.config.cjs"], app)
        out = os.path.join(app, "dist-webpack")
        shutil.copy(os.path.join(app, "src", "index.html"), out)
        return out
    return None


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, timeout):
    deadline = time.time() + timeout
    while time.time() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on port {port}")


class DevServer:
    """`vite` (the dev server) on a free port."""

    def __init__(self, app):
        self.port = free_port()
        self.proc = subprocess.Popen(
            ["npx", "--no-install", "vite", "--config", "vite/vite.config.js",
             "--host", "127.0.0.1", "--port", str(self.port)],
            cwd=app, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, start_new_session=True)
        wait_port(self.port, timeout=60)

    def close(self):
        # `npx` runs vite as its child: end the whole session (start_new_session above), else
        # vite outlives npx and keeps serving.
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        stop(self.proc)


def check(served, browser, url=None, shot=None, loads=1):
    """Opens the app in `browser` (`loads` times, each a fresh page: new workers); returns
    (ok, message, the startMs of each load)."""
    times = []
    with Browser(served or APPS, browser=browser) as b:
        for _ in range(loads):
            if url:
                b.open_url(url)
            else:
                b.open("index.html")
            result = b.wait_for("return window.appResult || null", timeout=120)
            lines = result.get("lines", [])
            if not result.get("ok") or lines != EXPECTED:
                return False, "\n    ".join(["got:"] + lines + [f"error: {result.get('error')}"]), times
            times.append(result["startMs"])
        if shot:
            b.screenshot(shot)
    return True, "", times


# (fault, query string, stage that fails, error name, what the message must say)
FAULTS = [
    ("not-isolated", "", "init", "Error",
     ["not cross-origin isolated", "Cross-Origin-Opener-Policy: same-origin",
      "Cross-Origin-Embedder-Policy: require-corp"]),
    ("no-wasm", "", "init", "Error",
     ["could not be fetched from http://", "pythreading_web_bg.wasm", "HTTP 404"]),
    ("no-worker", "", "initThreads", "RuntimeError",
     ["the worker script failed to load: http://", "/pythreading-web/worker.js"]),
    ("csp", "", "initThreads", "RuntimeError", ["worker-src"]),
    ("slow-wasm", "?timeout=1", "init", "Error",
     ["could not be fetched from http://", "no answer within 1 s"]),
    ("stall", "?start=1", "initThreads", "RuntimeError",
     ["no worker was running after 1 s", "/pythreading-web/worker.js"]),
    # The glue imported by its file and bundled by Vite, without the package's entry.
    ("glue-direct", "", "initThreads", "RuntimeError",
     ["the module was bundled", "import the package itself"]),
]


class FaultHandler(IsolatedHandler):
    """scripts/browser/serve.py's handler with one fault (the class attribute `fault`)."""

    fault = None

    def end_headers(self):
        if self.fault == "not-isolated":
            self.send_header("Cache-Control", "no-store")
            http.server.SimpleHTTPRequestHandler.end_headers(self)
            return
        if self.fault == "csp":
            self.send_header("Content-Security-Policy", "worker-src 'none'")
        super().end_headers()

    def do_GET(self):
        path = self.path.split("?")[0]
        worker = path.endswith("/pythreading-web/worker.js")
        if (self.fault == "no-worker" and worker) or (
                self.fault == "no-wasm" and path.endswith("_bg.wasm")):
            self.send_error(404)
            return
        if (self.fault == "stall" and worker) or (
                self.fault == "slow-wasm" and path.endswith("_bg.wasm")):
            time.sleep(4)  # longer than the page's timeout (1 s)
        super().do_GET()


def check_fault(app, fault, query, stage, name, needles, browser):
    root, page = app, "faults/index.html"
    if fault == "glue-direct":
        root, page = os.path.join(app, "dist-glue-direct"), "index.html"
        if not os.path.exists(root):
            run(["npx", "--no-install", "vite", "build", "--config",
                 "vite/glue-direct.config.js"], app)
    handler = functools.partial(type("H", (FaultHandler,), {"fault": fault}), directory=root)
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    # A page that gave up on a stalled file closes the connection: not an error here.
    httpd.handle_error = lambda request, address: None
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        with Browser(app, browser=browser) as b:
            b.open_url(f"http://127.0.0.1:{httpd.server_address[1]}/{page}{query}")
            r = b.wait_for("return window.faultResult || null", timeout=60)
    finally:
        httpd.shutdown()
    problems = []
    if r.get("ok"):
        problems.append("started although it should not have")
    if r.get("stage") != stage:
        problems.append(f"failed in {r.get('stage')}, not {stage}")
    if r.get("name") != name:
        problems.append(f"error {r.get('name')}, not {name}")
    problems += [f"message lacks {n!r}" for n in needles if n not in (r.get("message") or "")]
    # The start-up bounds are 10 s (init, the pool) and 1 s (stall); generous, as in CPython.
    if (r.get("ms") or 0) > 15000:
        problems.append(f"took {r.get('ms'):.0f} ms")
    return problems, r


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("tarball")
    ap.add_argument("--pm", nargs="+", default=["npm", "pnpm"], choices=["npm", "pnpm"])
    ap.add_argument("--bundler", nargs="+", default=BUNDLERS, choices=BUNDLERS)
    ap.add_argument("--browser", nargs="+", default=["chromium", "firefox"])
    ap.add_argument("--work", default=os.path.join(ROOT, "target", "npm", "apps"))
    ap.add_argument("--no-faults", action="store_true")
    ap.add_argument("--goal-ms", type=float,
                    help="print PASS or MISS for each median against this goal")
    ap.add_argument("--loads", type=int, default=1,
                    help="page loads per app and browser (the start-up time's median)")
    args = ap.parse_args()
    tarball = os.path.abspath(args.tarball)
    passed = failed = 0
    for pm in args.pm:
        app = os.path.join(args.work, pm)
        print(f"==== app installed with {pm}", flush=True)
        install(app, pm, tarball)
        for bundler in args.bundler:
            served = build(app, bundler)
            server = DevServer(app) if bundler == "vite-dev" else None
            try:
                for browser in args.browser:
                    url = f"http://127.0.0.1:{server.port}/" if server else None
                    shot = os.path.join(ROOT, "target", f"app-{pm}-{bundler}-{browser}.png")
                    t = time.time()
                    try:
                        ok, msg, times = check(served, browser, url, shot, args.loads)
                    except Exception as e:  # a run that errs counts as failed, the rest go on
                        ok, msg, times = False, f"{type(e).__name__}: {e}", []
                    took = time.time() - t
                    label = f"{pm:4} {bundler:10} {browser:8}"
                    if ok:
                        passed += 1
                        med = statistics.median(times)
                        print(f"  ok   {label} initThreads(4) to a first thread run: median "
                              f"{med:.0f} ms over {len(times)} page loads [{min(times):.0f}-"
                              f"{max(times):.0f}] ({took:.1f} s)" + (
                                  "" if args.goal_ms is None else
                                  f" goal <= {args.goal_ms:.0f} ms: "
                                  f"{'PASS' if med <= args.goal_ms else 'MISS'}"))
                    else:
                        failed += 1
                        print(f"  FAIL {label} ({took:.1f} s)\n    {msg}")
            finally:
                if server:
                    server.close()
    if not args.no_faults:
        app = os.path.join(args.work, args.pm[0])
        print(f"==== start-up faults (the {args.pm[0]} app, no bundler)", flush=True)
        for fault, query, stage, name, needles in FAULTS:
            for browser in args.browser:
                try:
                    problems, r = check_fault(app, fault, query, stage, name, needles, browser)
                except Exception as e:
                    problems, r = [f"{type(e).__name__}: {e}"], {}
                label = f"{fault:12} {browser:8}"
                if problems:
                    failed += 1
                    print(f"  FAIL {label} {'; '.join(problems)}\n    {r}")
                else:
                    passed += 1
                    print(f"  ok   {label} {r['stage']} failed in {r['ms']:.0f} ms: "
                          f"{r['name']}: {r['message']}")
    print(f"apps: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
