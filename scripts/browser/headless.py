"""A headless browser for the project's browser checks, through Selenium for Python (pinned by
scripts/setup.sh --browser): a directory served with COOP/COEP (scripts/browser/serve.py's handler) on a
free port, and one WebDriver session on it.

    with Browser(directory) as b:             # or Browser(directory, browser="firefox")
        b.open("index.html")
        value = b.wait_for("return window.result || null", timeout=60)
        b.screenshot("target/shot.png")

Browsers (`browser=`, else $PYTHREADING_BROWSER, else chromium), drivers and binaries by path,
so that Selenium Manager is never asked to find (or download) either:
- "chromium": Debian's chromedriver and chromium ($CHROMEDRIVER, $CHROMIUM);
- "firefox": geckodriver from `cargo install` and Debian's firefox-esr ($GECKODRIVER, $FIREFOX),
  with WebDriver BiDi on (workers needs it);
- "webkit": Debian's WebKitWebDriver and WebKitGTK's MiniBrowser ($WEBKITWEBDRIVER, $MINIBROWSER),
  on an Xvfb display this class starts, with SharedArrayBuffer switched on
  (JSC_useSharedArrayBuffer=1: Debian's WebKitGTK ships it off).
"""
import functools
import http.server
import os
import shutil
import subprocess
import threading
import time

from serve import IsolatedHandler

# Never let Selenium Manager reach the network, should anything ever ask it (nothing here does:
# every driver is given by path, which makes Selenium skip it).
os.environ.setdefault("SE_OFFLINE", "true")

from selenium import webdriver  # noqa: E402  (after SE_OFFLINE)

BROWSERS = ("chromium", "firefox", "webkit")
BROWSER_VAR = "PYTHREADING_BROWSER"

# Chromium: headless, no sandbox (root in a container), /tmp instead of a small /dev/shm...
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage"]
# ... and none of its own traffic on a closed network: no background networking, component
# updates, sync or first-run pings, and every host name but 127.0.0.1 unresolvable. The last
# one is what makes it quiet: with only the first four (chromedriver passes three of them
# itself), Chromium 156 still asked clients2.google.com (network time), update.googleapis.com
# (an on-demand component), accounts.google.com and optimizationguide-pa.googleapis.com within
# a minute (seen through a logging proxy); with the rule its net log shows TCP connections to
# 127.0.0.1 only.
CHROMIUM_QUIET_ARGS = ["--disable-background-networking", "--disable-component-update",
                       "--disable-sync", "--no-first-run",
                       "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"]

# Firefox's own traffic, off (geckodriver and Marionette already set some of these; they are
# repeated so that the list does not depend on their versions): updates of the app, add-ons,
# search engines and media plugins, telemetry and health reports, studies, captive-portal and
# connectivity checks, safe-browsing lists, remote settings, push, DNS over HTTPS, the new-tab
# page's feeds, and speculative connections. Remote settings need FIREFOX_ENV as well.
FIREFOX_PREFS = {
    "app.update.auto": False,
    "app.update.checkInstallTime": False,
    "app.update.disabledForTesting": True,
    "app.normandy.enabled": False,
    "app.normandy.api_url": "",
    "app.shield.optoutstudies.enabled": False,
    "browser.discovery.enabled": False,
    "browser.newtabpage.enabled": False,
    "browser.newtabpage.activity-stream.feeds.section.topstories": False,
    "browser.newtabpage.activity-stream.feeds.system.topstories": False,
    "browser.newtabpage.activity-stream.feeds.telemetry": False,
    "browser.newtabpage.activity-stream.telemetry": False,
    "browser.ping-centre.telemetry": False,
    "browser.region.network.url": "",
    "browser.region.update.enabled": False,
    "browser.safebrowsing.blockedURIs.enabled": False,
    "browser.safebrowsing.downloads.enabled": False,
    "browser.safebrowsing.downloads.remote.enabled": False,
    "browser.safebrowsing.malware.enabled": False,
    "browser.safebrowsing.phishing.enabled": False,
    "browser.safebrowsing.provider.google.updateURL": "",
    "browser.safebrowsing.provider.google4.updateURL": "",
    "browser.safebrowsing.provider.mozilla.updateURL": "",
    "browser.search.geoip.url": "",
    "browser.search.update": False,
    "browser.shell.checkDefaultBrowser": False,
    "browser.startup.homepage": "about:blank",
    "browser.startup.page": 0,
    "datareporting.healthreport.uploadEnabled": False,
    "datareporting.policy.dataSubmissionEnabled": False,
    "dom.push.connection.enabled": False,
    "dom.push.serverURL": "",
    "extensions.blocklist.enabled": False,
    "extensions.getAddons.cache.enabled": False,
    "extensions.update.enabled": False,
    "geo.provider.network.url": "",
    "media.gmp-gmpopenh264.enabled": False,
    "media.gmp-manager.updateEnabled": False,
    "network.captive-portal-service.enabled": False,
    "network.connectivity-service.enabled": False,
    "network.dns.disablePrefetch": True,
    "network.http.speculative-parallel-limit": 0,
    "network.prefetch-next": False,
    "network.trr.mode": 5,
    "services.settings.server": "data:,#remote-settings-dummy/v1",
    "toolkit.telemetry.enabled": False,
    "toolkit.telemetry.server": "",
    "toolkit.telemetry.unified": False,
}

# A release build ignores services.settings.server (the dummy URL above) unless this is in its
# environment: without it Firefox 153 still connected to firefox.settings.services.mozilla.com
# about a dozen times a minute (seen through a logging proxy); with it, nothing but 127.0.0.1.
FIREFOX_ENV = {"MOZ_REMOTE_SETTINGS_DEVTOOLS": "1"}

MINIBROWSER = "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser"


def stop(proc):
    """Ends a helper process: terminate, then kill if it has not ended after 10 s."""
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


def choose(browser=None):
    """`browser`, else $PYTHREADING_BROWSER, else "chromium"; ValueError if unknown."""
    name = browser or os.environ.get(BROWSER_VAR) or "chromium"
    if name not in BROWSERS:
        raise ValueError(f"unknown browser {name!r} (from {'the caller' if browser else BROWSER_VAR}): "
                         f"expected one of {', '.join(BROWSERS)}")
    return name


def executable(var, default):
    """$var, else `default` (~ expanded); RuntimeError naming the fix if it is not there."""
    path = os.path.expanduser(os.environ.get(var) or default)
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        raise RuntimeError(f"{path} is missing (set {var}, or run bash scripts/setup.sh --browser)")
    return path


def chromium_options(args):
    """Selenium's options for Debian's chromium: its binary, `args` and CHROMIUM_QUIET_ARGS."""
    from selenium.webdriver.chrome.options import Options
    options = Options()
    options.binary_location = executable("CHROMIUM", "/usr/bin/chromium")
    for arg in args + CHROMIUM_QUIET_ARGS:
        options.add_argument(arg)
    return options


def firefox_options(args):
    """Selenium's options for Debian's firefox-esr: its binary, `args` and FIREFOX_PREFS."""
    from selenium.webdriver.firefox.options import Options
    options = Options()
    options.binary_location = executable("FIREFOX", "/usr/bin/firefox-esr")
    for arg in args:
        options.add_argument(arg)
    for name, value in FIREFOX_PREFS.items():
        options.set_preference(name, value)
    return options


def runner_capabilities(browser):
    """The session capabilities for wasm-bindgen-test-runner's webdriver.json: the same binary
    and quiet settings as a Browser, without the headless flags (the runner adds its own)."""
    if browser == "chromium":
        return {"goog:chromeOptions": chromium_options([]).to_capabilities()["goog:chromeOptions"]}
    if browser == "firefox":
        return {"moz:firefoxOptions": firefox_options([]).to_capabilities()["moz:firefoxOptions"]}
    raise ValueError(f"wasm-bindgen-test-runner has no driver for {browser!r}")


class Xvfb:
    """An X server on a free display, for WebKitGTK (which has no headless mode of its own)."""

    def __init__(self, width, height):
        xvfb = shutil.which("Xvfb")
        if not xvfb:
            raise RuntimeError("Xvfb is missing (apt-get install xvfb)")
        read, write = os.pipe()
        # -displayfd: the server picks a free display and writes its number there once it runs.
        self.proc = subprocess.Popen(
            [xvfb, "-displayfd", str(write), "-screen", "0", f"{width}x{height}x24", "-nolisten", "tcp"],
            pass_fds=(write,), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        os.close(write)
        with os.fdopen(read) as f:
            number = f.readline().strip()
        if not number:
            self.close()
            raise RuntimeError("Xvfb did not start")
        self.display = f":{number}"

    def close(self):
        stop(self.proc)


class Browser:
    """`directory` served on a free port and one headless browser session on it."""

    def __init__(self, directory, browser=None, window="1200,1400"):
        self.name = choose(browser)
        self.httpd = self.driver = self.xvfb = None
        width, height = (int(v) for v in window.split(","))
        try:
            handler = functools.partial(IsolatedHandler, directory=directory)
            self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
            threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
            self.http_port = self.httpd.server_address[1]
            self.driver = getattr(self, f"_start_{self.name}")(width, height)
            # A bound on every WebDriver call (Selenium's default is none): longer than the
            # longest script timeout a caller sets (600 s), so a hung browser fails instead.
            self.driver.command_executor.client_config.timeout = 660
        except BaseException:
            self.close()  # what started so far
            raise

    def _start_chromium(self, width, height):
        from selenium.webdriver.chrome.service import Service
        options = chromium_options(CHROMIUM_ARGS + [f"--window-size={width},{height}"])
        service = Service(executable_path=executable("CHROMEDRIVER", "/usr/bin/chromedriver"),
                          log_output=subprocess.DEVNULL)
        return webdriver.Chrome(options=options, service=service)

    def _start_firefox(self, width, height):
        from selenium.webdriver.firefox.service import Service
        options = firefox_options(["-headless", f"--width={width}", f"--height={height}"])
        # BiDi: its script.getRealms lists every worker, nested ones included (workers).
        options.enable_bidi = True
        service = Service(executable_path=executable("GECKODRIVER", "~/.cargo/bin/geckodriver"),
                          log_output=subprocess.DEVNULL, env={**os.environ, **FIREFOX_ENV})
        return webdriver.Firefox(options=options, service=service)

    def _start_webkit(self, width, height):
        from selenium.webdriver.webkitgtk.options import Options
        from selenium.webdriver.webkitgtk.service import Service
        self.xvfb = Xvfb(width, height)
        options = Options()
        options.binary_location = executable("MINIBROWSER", MINIBROWSER)
        options.add_argument("--automation")
        env = {**os.environ, "DISPLAY": self.xvfb.display, "JSC_useSharedArrayBuffer": "1"}
        service = Service(executable_path=executable("WEBKITWEBDRIVER", "/usr/bin/WebKitWebDriver"),
                          log_output=subprocess.DEVNULL, env=env)
        driver = webdriver.WebKitGTK(options=options, service=service)
        driver.set_window_size(width, height)
        return driver

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    @property
    def label(self):
        """The browser and its version, e.g. "Firefox 153.8.0esr (headless)"."""
        caps = self.driver.capabilities
        name = {"chromium": "Chromium", "firefox": "Firefox", "webkit": "WebKitGTK"}[self.name]
        mode = "Xvfb" if self.name == "webkit" else "headless"
        return f"{name} {caps.get('browserVersion', '?')} ({mode})"

    def open(self, page):
        self.driver.get(f"http://127.0.0.1:{self.http_port}/{page}")

    def open_url(self, url):
        """Any URL (e.g. a dev server's), instead of a page of the served directory."""
        self.driver.get(url)

    def js(self, script, *args):
        return self.driver.execute_script(script, *args)

    def js_async(self, script, *args):
        """execute/async: `script` gets a callback as its last argument and returns what it is
        given; the session's script timeout (set_script_timeout) bounds the wait."""
        return self.driver.execute_async_script(script, *args)

    def set_script_timeout(self, ms):
        """How long js/js_async may run (WebDriver's default is 30 s)."""
        self.driver.set_script_timeout(ms / 1000)

    def set_window_size(self, width, height):
        self.driver.set_window_size(width, height)

    def wait_for(self, script, timeout):
        """Polls `script` until it returns something truthy; RuntimeError after `timeout` s."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            value = self.js(script)
            if value:
                return value
            time.sleep(0.2)
        raise RuntimeError(f"no result from {script!r} within {timeout} s")

    def workers(self):
        """The dedicated workers the browser still runs, nested ones included, each as its
        script's URL (and title or realm id, for telling them apart): DevTools' target list in
        Chromium (its BiDi lists only the page's own workers), BiDi's script.getRealms in
        Firefox. WebKitGTK's driver has neither: NotImplementedError."""
        if self.name == "chromium":
            targets = self.driver.execute_cdp_cmd("Target.getTargets", {})["targetInfos"]
            return [f"{t.get('url', '?')} ({t.get('title', '')})"
                    for t in targets if t["type"] == "worker"]
        if self.name == "firefox":
            realms = self.driver.script.get_realms()["realms"]
            return [f"{r.get('origin', '?')} ({r.get('realm', '')})"
                    for r in realms if r["type"] == "dedicated-worker"]
        raise NotImplementedError(f"{self.label}: no way to list workers")

    def screenshot(self, path):
        png = self.driver.get_screenshot_as_png()
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        with open(path, "wb") as f:
            f.write(png)
        return len(png)

    def close(self):
        if self.driver:
            try:
                self.driver.quit()  # ends the session, the browser and the driver
            except Exception:
                pass
            self.driver = None
        if self.xvfb:
            self.xvfb.close()
            self.xvfb = None
        if self.httpd:
            self.httpd.shutdown()
            self.httpd = None


if __name__ == "__main__":
    import argparse
    import json
    import sys
    ap = argparse.ArgumentParser(description="Prints the webdriver.json that gives "
                                 "wasm-bindgen-test-runner's session this module's settings.")
    ap.add_argument("--webdriver-json", required=True, choices=["chromium", "firefox"])
    json.dump(runner_capabilities(ap.parse_args().webdriver_json), sys.stdout, indent=2)
    print()
