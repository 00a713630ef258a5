"""Headless Chromium for the project's browser checks, without extra Python packages: a directory
served with COOP/COEP (www/serve.py's handler) on a free port, chromedriver on another, and one
WebDriver session (raw HTTP) on Debian's /usr/bin/chromium ($CHROMIUM, $CHROMEDRIVER override).

    with Browser(directory) as b:
        b.open("index.html")
        value = b.wait_for("return window.result || null", timeout=60)
        b.screenshot("target/shot.png")
"""
import base64
import functools
import http.server
import json
import os
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request

from serve import IsolatedHandler


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
    raise RuntimeError(f"nothing listens on port {port}")


class Browser:
    """`directory` served on a free port and one headless Chromium session on it."""

    def __init__(self, directory, window="1200,1400", browser="chromium"):
        if browser != "chromium":
            raise ValueError(f"only chromium is driven here, not {browser}")
        self.httpd = self.driver = self.session = None
        try:
            handler = functools.partial(IsolatedHandler, directory=directory)
            self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
            threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
            self.http_port = self.httpd.server_address[1]
            driver_port = free_port()
            self.driver = subprocess.Popen(
                [os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver"), f"--port={driver_port}"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
            self.base = f"http://127.0.0.1:{driver_port}"
            wait_port(driver_port)
            caps = {"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": {
                "binary": os.environ.get("CHROMIUM", "/usr/bin/chromium"),
                "args": ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                         f"--window-size={window}"]}}}}
            self.session = self.call("POST", "/session", caps)["sessionId"]
        except BaseException:
            self.close()  # what started so far
            raise

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def call(self, method, path, body=None, timeout=660):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                return json.load(r)["value"]
        except urllib.error.HTTPError as e:
            raise RuntimeError(f"WebDriver {method} {path}: {e.read().decode()[:500]}") from e

    def cmd(self, method, path, body=None, timeout=660):
        return self.call(method, f"/session/{self.session}{path}", body, timeout)

    def open(self, page):
        self.cmd("POST", "/url", {"url": f"http://127.0.0.1:{self.http_port}/{page}"})

    def open_url(self, url):
        self.cmd("POST", "/url", {"url": url})

    def js(self, script, *args):
        return self.cmd("POST", "/execute/sync", {"script": script, "args": list(args)})

    def js_async(self, script, *args):
        """execute/async: `script` gets a callback as its last argument and returns what it is
        given; the session's script timeout (set_script_timeout) bounds the wait."""
        return self.cmd("POST", "/execute/async", {"script": script, "args": list(args)})

    def set_script_timeout(self, ms):
        """How long js/js_async may run (WebDriver's default is 30 s)."""
        self.cmd("POST", "/timeouts", {"script": ms})

    def wait_for(self, script, timeout):
        """Polls `script` until it returns something truthy; RuntimeError after `timeout` s."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            value = self.js(script)
            if value:
                return value
            time.sleep(0.2)
        raise RuntimeError(f"no result from {script!r} within {timeout} s")

    def screenshot(self, path):
        png = base64.b64decode(self.cmd("GET", "/screenshot"))
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        with open(path, "wb") as f:
            f.write(png)
        return len(png)

    def close(self):
        if self.session:
            try:
                self.cmd("DELETE", "", timeout=30)
            except Exception:
                pass
            self.session = None
        if self.driver:
            self.driver.terminate()
            try:
                self.driver.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.driver.kill()
            self.driver = None
        if self.httpd:
            self.httpd.shutdown()
            self.httpd = None
