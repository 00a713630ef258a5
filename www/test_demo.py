#!/usr/bin/env python3
"""Loads the www/ demo in headless Chromium (Debian's chromium + chromedriver, driven over the
WebDriver HTTP protocol, no extra packages), runs every program, checks their output lines and
saves a screenshot.

    python3 www/test_demo.py [--screenshot target/www-demo.png]

Expects www/pkg to be built (bash scripts/demo-web.sh --build); starts www/serve.py and
chromedriver itself on free ports.
"""
import argparse
import base64
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise SystemExit(f"nothing listens on port {port}")


def call(base, method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as r:
        return json.load(r)["value"]


def check(lines, examples):
    """Schedule-independent checks of each program's output: {example: [(thread, line)]}."""
    problems = []

    def expect(cond, what):
        if not cond:
            problems.append(what)

    names = ["simple", "lock", "event", "condition", "semaphore", "barrier"]
    for n in names:
        expect(examples.get(n, {}).get("ok"), f"{n}: did not finish ok: {examples.get(n)}")
    simple = lines.get("simple", [])
    expect(sorted(l for t, l in simple if t.startswith("worker-"))
           == [f"Worker: {i}" for i in range(5)], f"simple: {simple}")
    expect(all(l == f"Worker: {t[len('worker-'):]}" for t, l in simple if t.startswith("worker-")),
           "simple: a worker reported another's number")
    lock = [l for _, l in lines.get("lock", [])]
    expect(sorted(l for l in lock if l.startswith("Acquired"))
           == [f"Acquired lock, counter = {i}" for i in range(1, 7)], f"lock: {lock}")
    expect(lock[-1:] == ["Counter: 6"], f"lock: {lock}")
    event = [tuple(x) for x in lines.get("event", [])]
    expect(("block", "event set: true") in event, f"event: {event}")
    expect(("nonblock", "processing event") in event, f"event: {event}")
    cond = lines.get("condition", [])
    expect(sum(l == "Resource is available to consumer" for _, l in cond) == 2, f"condition: {cond}")
    sem = [l for _, l in lines.get("semaphore", [])]
    expect(sem[-1:] in (["at most 1 active at once"], ["at most 2 active at once"]), f"semaphore: {sem}")
    bar = [l for _, l in lines.get("barrier", [])]
    expect(sorted(l for l in bar if l.startswith("after barrier"))
           == [f"after barrier {i}" for i in range(3)], f"barrier: {bar}")
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--screenshot", default=os.path.join(ROOT, "target", "www-demo.png"))
    args = ap.parse_args()
    if not os.path.exists(os.path.join(ROOT, "www", "pkg", "pythreading_demo.js")):
        raise SystemExit("www/pkg is missing: run bash scripts/demo-web.sh --build")
    http_port, driver_port = free_port(), free_port()
    procs = [
        subprocess.Popen([sys.executable, os.path.join(ROOT, "www", "serve.py"),
                          "--port", str(http_port), "--dir", os.path.join(ROOT, "www")],
                         stdout=subprocess.DEVNULL),
        subprocess.Popen([os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver"),
                          f"--port={driver_port}"], stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL),
    ]
    base = f"http://127.0.0.1:{driver_port}"
    session = None
    try:
        wait_port(http_port)
        wait_port(driver_port)
        caps = {"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": {
            "binary": os.environ.get("CHROMIUM", "/usr/bin/chromium"),
            "args": ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                     "--window-size=1000,1400"]}}}}
        session = call(base, "POST", "/session", caps)["sessionId"]
        s = f"/session/{session}"
        call(base, "POST", s + "/url", {"url": f"http://127.0.0.1:{http_port}/index.html"})
        deadline = time.time() + 120
        state = None
        while time.time() < deadline:
            state = call(base, "POST", s + "/execute/sync",
                         {"script": "return window.pythreadingDemo || null", "args": []})
            if state and state.get("done"):
                break
            time.sleep(0.2)
        status = call(base, "POST", s + "/execute/sync",
                      {"script": "return document.getElementById('status').textContent",
                       "args": []})
        png = base64.b64decode(call(base, "GET", s + "/screenshot"))
        os.makedirs(os.path.dirname(args.screenshot), exist_ok=True)
        with open(args.screenshot, "wb") as f:
            f.write(png)
        if not state or not state.get("done"):
            raise SystemExit(f"the demo did not finish in time: status {status!r}, {state}")
        problems = check(state["lines"], state["examples"])
        for n, r in state["examples"].items():
            print(f"  {n:10s} {'ok' if r.get('ok') else 'FAILED'} "
                  f"{r.get('ms', 0):7.1f} ms, {len(state['lines'].get(n, []))} lines")
        print(f"status: {status}; screenshot: {args.screenshot} ({len(png)} bytes)")
        if problems:
            print("FAILED checks:\n  " + "\n  ".join(problems))
            return 1
        print("demo test passed")
        return 0
    finally:
        if session:
            try:
                call(base, "DELETE", f"/session/{session}")
            except Exception:
                pass
        for p in procs:
            p.terminate()
            p.wait(timeout=10)


if __name__ == "__main__":
    sys.exit(main())
