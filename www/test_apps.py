#!/usr/bin/env python3
"""The example app (www/apps) as users build it: the npm package installed from its packed
tarball with npm or pnpm (pnpm's symlinked node_modules), built by Vite (dev server and
production build), webpack 5 (production) or no bundler, served with COOP/COEP and run in
headless browsers. In each, the page shares a Lock, an Event and a Semaphore with its own worker
and joins a thread started in Rust.

    python3 www/test_apps.py TARBALL [--pm npm pnpm] [--bundler plain vite-dev vite-build webpack]
                             [--browser chromium firefox] [--work DIR]

Bundler versions are pinned in www/apps/package.json. Prints one line per run with the time
from `init()` to the pool running, and a closing `N passed, N failed` line.
"""
import argparse
import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True  # no www/__pycache__ from the import below
from headless import Browser, free_port, wait_port  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
APPS = os.path.join(ROOT, "www", "apps")

EXPECTED = [
    "page: a Rust thread pythreading-web-check started: true",
    "page: joined it: alive=false",
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
    """A fresh copy of www/apps with its bundlers and the package from the tarball."""
    if os.path.exists(app):
        shutil.rmtree(app)
    os.makedirs(app)
    for name in ("src", "vite", "webpack"):
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
        for name in ("index.html", "main.js", "app-worker.js"):
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
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def check(served, browser, url=None, shot=None):
    """Opens the app in `browser`; returns (ok, message, initMs)."""
    with Browser(served or APPS, browser=browser) as b:
        if url:
            b.open_url(url)
        else:
            b.open("index.html")
        result = b.wait_for("return window.appResult || null", timeout=120)
        if shot:
            b.screenshot(shot)
    lines = result.get("lines", [])
    if not result.get("ok") or lines != EXPECTED:
        return False, "\n    ".join(["got:"] + lines + [f"error: {result.get('error')}"]), None
    return True, "", result.get("initMs")


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("tarball")
    ap.add_argument("--pm", nargs="+", default=["npm", "pnpm"], choices=["npm", "pnpm"])
    ap.add_argument("--bundler", nargs="+", default=BUNDLERS, choices=BUNDLERS)
    ap.add_argument("--browser", nargs="+", default=["chromium", "firefox"])
    ap.add_argument("--work", default=os.path.join(ROOT, "target", "npm", "apps"))
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
                        ok, msg, init_ms = check(served, browser, url, shot)
                    except Exception as e:  # a run that errs counts as failed, the rest go on
                        ok, msg, init_ms = False, f"{type(e).__name__}: {e}", None
                    took = time.time() - t
                    label = f"{pm:4} {bundler:10} {browser:8}"
                    if ok:
                        passed += 1
                        print(f"  ok   {label} init+initThreads(2) {init_ms:.0f} ms ({took:.1f} s)")
                    else:
                        failed += 1
                        print(f"  FAIL {label} ({took:.1f} s)\n    {msg}")
            finally:
                if server:
                    server.close()
    print(f"apps: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
