#!/usr/bin/env python3
"""Serves www/ with the headers a page needs for SharedArrayBuffer (cross-origin isolation):
COOP same-origin and COEP require-corp, plus the MIME types of .js and .wasm.

    python3 scripts/browser/serve.py [--port 8000] [--dir www]
"""
import argparse
import functools
import http.server


class IsolatedHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript",
        ".wasm": "application/wasm",
    }

    def end_headers(self):
        self.send_header("Cross-Origin-Opener-Policy", "same-origin")
        self.send_header("Cross-Origin-Embedder-Policy", "require-corp")
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, fmt, *args):  # quiet: the test prints its own summary
        pass


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--port", type=int, default=8000)
    ap.add_argument("--dir", default="www")
    args = ap.parse_args()
    handler = functools.partial(IsolatedHandler, directory=args.dir)
    with http.server.ThreadingHTTPServer(("127.0.0.1", args.port), handler) as httpd:
        print(f"serving {args.dir} on http://127.0.0.1:{args.port}/ (COOP/COEP set)", flush=True)
        httpd.serve_forever()


if __name__ == "__main__":
    main()
