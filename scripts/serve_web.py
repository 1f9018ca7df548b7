"""Serves the demo page and the chat widget (web/) for `make run` and the browser tests.

The page's widget talks to the Rasa server at RASA_PUBLIC_URL (default
http://localhost:$RASA_PORT), which must allow this page's origin (CORS_ORIGINS).
Standard library only; this is a demonstration server, not a production web server.
"""

from __future__ import annotations

import contextlib
import os
import sys
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

WEB = Path(__file__).resolve().parent.parent / "web"
FILES = {
    "/": ("index.html", "text/html; charset=utf-8"),
    "/index.html": ("index.html", "text/html; charset=utf-8"),
    "/widget.js": ("widget.js", "text/javascript; charset=utf-8"),
}


def make_handler(rasa_url: str) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "demo"

        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            if path not in FILES:
                self.send_error(HTTPStatus.NOT_FOUND, "Page introuvable")
                return
            name, content_type = FILES[path]
            body = (WEB / name).read_bytes()
            if name == "index.html":
                body = body.replace(b"{{RASA_URL}}", rasa_url.encode())
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-cache")
            self.send_header("X-Content-Type-Options", "nosniff")
            self.send_header(
                "Content-Security-Policy",
                f"default-src 'self'; connect-src 'self' {rasa_url}; "
                "style-src 'self' 'unsafe-inline'; img-src 'self' data:",
            )
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            if os.environ.get("WEB_LOG"):
                super().log_message(format, *args)

    return Handler


def main() -> int:
    port = int(os.environ.get("WEB_PORT", "8080"))
    rasa_url = os.environ.get(
        "RASA_PUBLIC_URL", f"http://localhost:{os.environ.get('RASA_PORT', '5005')}"
    )
    host = os.environ.get("WEB_HOST", "127.0.0.1")
    server = ThreadingHTTPServer((host, port), make_handler(rasa_url))
    print(f"demo page: http://localhost:{port}/ (assistant at {rasa_url})", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
