"""Serves an ASGI app over HTTP on a loopback port, as uvicorn serves the image's entry point (uvicorn is not here).

usage: asgi-host.py MODULE:ATTRIBUTE LOG_FILE
Imports the app the way uvicorn does, prints "listening on PORT", answers each request by running the app on a
fresh event loop, and exits when stdin closes. The app's log lines go to LOG_FILE, a failure to load to stderr.
"""

import asyncio
import importlib
import logging
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, HTTPServer


def load(target):
    module, attribute = target.split(":", 1)
    return getattr(importlib.import_module(module), attribute)


async def call(app, scope, body):
    sent = []
    pending = [{"type": "http.request", "body": body, "more_body": False}]

    async def receive():
        return pending.pop(0) if pending else {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    await app(scope, receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    content = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], start.get("headers", []), content


def handler_for(app):
    class Handler(BaseHTTPRequestHandler):
        def handle_one(self):
            url = urllib.parse.urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            scope = {
                "type": "http",
                "asgi": {"version": "3.0"},
                "http_version": "1.1",
                "method": self.command,
                "scheme": "http",
                "path": urllib.parse.unquote(url.path),
                "raw_path": url.path.encode("latin-1"),
                "query_string": url.query.encode("latin-1"),
                "root_path": "",
                "headers": [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in self.headers.items()],
                "client": self.client_address,
                "server": self.server.server_address,
            }
            status, headers, content = asyncio.run(call(app, scope, self.rfile.read(length)))
            self.send_response(status)
            for name, value in headers:
                if name.lower() != b"content-length":
                    self.send_header(name.decode("latin-1"), value.decode("latin-1"))
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(content)

        do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = handle_one

        def log_message(self, format, *args):
            pass  # Only the app's own log lines are kept.

    return Handler


def main():
    logging.basicConfig(filename=sys.argv[2], level=logging.INFO, format="%(name)s: %(message)s")
    server = HTTPServer(("127.0.0.1", 0), handler_for(load(sys.argv[1])))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"listening on {server.server_address[1]}", flush=True)
    sys.stdin.read()
    server.shutdown()


if __name__ == "__main__":
    main()
