"""Serves the demo page and the chat widget (web/) for `make run` and the browser tests.

The page's widget talks to the Rasa server at RASA_PUBLIC_URL (default
http://localhost:$RASA_PORT), which must allow this page's origin (CORS_ORIGINS).
Standard library and the project's content only; a demonstration server, not a production
web server.
Only GET and HEAD; every answer, error pages included, carries the security headers
(Content-Security-Policy, X-Frame-Options...) and a Server header without version.
"""

from __future__ import annotations

import contextlib
import html
import os
import sys
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from secu.content import answers, render

WEB = Path(__file__).resolve().parent.parent / "web"
FILES = {
    "/": ("index.html", "text/html; charset=utf-8"),
    "/index.html": ("index.html", "text/html; charset=utf-8"),
    "/widget.js": ("widget.js", "text/javascript; charset=utf-8"),
}


ALLOWED = "GET, HEAD"
ERROR_PAGE = """<!doctype html>
<html lang="fr">
<head><meta charset="utf-8"><title>{heading}</title></head>
<body><h1>{heading}</h1><p>%(explain)s</p></body>
</html>
"""


def error_texts(code: int) -> tuple[str, str]:
    """(title, explanation) of an error page, from data/knowledge/answers/web.yml."""
    known = answers()
    chosen = known.get(f"web_error_{code}") or known["web_error_other"]
    title, _, explanation = chosen.text.partition("|")
    return title, explanation


def security_headers(rasa_url: str) -> dict[str, str]:
    """Sent with every answer, error pages included."""
    return {
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "SAMEORIGIN",
        "Referrer-Policy": "no-referrer",
        "Content-Security-Policy": (
            f"default-src 'self'; connect-src 'self' {rasa_url}; "
            "style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
            "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'"
        ),
    }


class DemoPageHandler(BaseHTTPRequestHandler):
    """GET and HEAD of the demo page and the widget, with the security headers on every
    answer; ``rasa_url`` and ``headers`` are set by :func:`make_handler`."""

    server_version = "demo"
    # Errors found before the version is read (400, 505) get a status line and headers
    # too, instead of an HTTP/0.9 bare body.
    default_request_version = "HTTP/1.0"
    error_message_format = ERROR_PAGE
    status = 0
    rasa_url = ""
    headers_sent: dict[str, str] = {}

    def version_string(self) -> str:
        return self.server_version  # without Python's version

    def send_response(self, code: int, message: str | None = None) -> None:
        self.status = code
        super().send_response(code, message)

    def end_headers(self) -> None:
        for name, value in self.headers_sent.items():
            self.send_header(name, value)
        if self.status in (HTTPStatus.METHOD_NOT_ALLOWED, HTTPStatus.NOT_IMPLEMENTED):
            self.send_header("Allow", ALLOWED)
        super().end_headers()

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """The error page in French; the status line keeps the standard (ASCII) reason."""
        title, text = error_texts(code)
        heading = html.escape(render("web_error", code=code, title=title))
        self.error_message_format = ERROR_PAGE.replace("{heading}", heading)
        super().send_error(code, None, text)

    def do_GET(self) -> None:
        self.answer(body=True)

    def do_HEAD(self) -> None:
        self.answer(body=False)

    def refuse(self) -> None:
        self.send_error(HTTPStatus.METHOD_NOT_ALLOWED)

    do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = refuse

    def answer(self, body: bool) -> None:
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        if path not in FILES:
            self.send_error(HTTPStatus.NOT_FOUND)
            return
        name, content_type = FILES[path]
        content = (WEB / name).read_bytes()
        if name == "index.html":
            content = content.replace(b"{{RASA_URL}}", self.rasa_url.encode())
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(content)))
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        if body:
            self.wfile.write(content)

    def log_message(self, format: str, *args: object) -> None:
        if os.environ.get("WEB_LOG"):
            super().log_message(format, *args)


def make_handler(rasa_url: str) -> type[BaseHTTPRequestHandler]:
    attributes = {"rasa_url": rasa_url, "headers_sent": security_headers(rasa_url)}
    return type("Handler", (DemoPageHandler,), attributes)


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
