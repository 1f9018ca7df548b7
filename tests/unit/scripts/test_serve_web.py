"""The demo page server (scripts/serve_web.py): security headers on every answer, error
pages included, HEAD, only GET and HEAD allowed, no version in the Server header."""

from __future__ import annotations

import http.client
import importlib.util
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
RASA_URL = "http://localhost:5999"
SECURITY_HEADERS = ("Content-Security-Policy", "X-Frame-Options", "Referrer-Policy")


def load_serve_web():
    spec = importlib.util.spec_from_file_location("serve_web", ROOT / "scripts" / "serve_web.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


serve_web = load_serve_web()


@pytest.fixture(scope="module")
def port() -> Iterator[int]:
    server = serve_web.ThreadingHTTPServer(("127.0.0.1", 0), serve_web.make_handler(RASA_URL))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def request(port: int, method: str, path: str = "/") -> tuple[http.client.HTTPResponse, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request(method, path, body=b"" if method == "POST" else None)
        response = connection.getresponse()
        return response, response.read()
    finally:
        connection.close()


def assert_secure(response: http.client.HTTPResponse) -> None:
    policy = response.getheader("Content-Security-Policy", "")
    directives = {part.strip() for part in policy.split(";")}
    assert "frame-ancestors 'self'" in directives
    assert "default-src 'self'" in directives
    assert f"connect-src 'self' {RASA_URL}" in directives
    assert {"base-uri 'none'", "form-action 'none'", "object-src 'none'"} <= directives
    assert response.getheader("X-Frame-Options") == "SAMEORIGIN"
    assert response.getheader("Referrer-Policy") == "no-referrer"
    assert response.getheader("X-Content-Type-Options") == "nosniff"
    server = response.getheader("Server", "")
    assert not any(char.isdigit() for char in server), server
    assert "Python" not in server


def test_get_serves_the_page_with_the_security_headers(port: int) -> None:
    response, body = request(port, "GET", "/")
    assert response.status == 200
    assert response.getheader("Content-Type") == "text/html; charset=utf-8"
    assert_secure(response)
    assert b'<html lang="fr">' in body
    assert RASA_URL.encode() in body and b"{{RASA_URL}}" not in body
    assert int(response.getheader("Content-Length", "0")) == len(body)


def test_get_serves_the_widget(port: int) -> None:
    response, body = request(port, "GET", "/widget.js?v=1")
    assert response.status == 200
    assert response.getheader("Content-Type") == "text/javascript; charset=utf-8"
    assert_secure(response)
    assert body == (ROOT / "web" / "widget.js").read_bytes()


def test_head_has_the_same_headers_and_no_body(port: int) -> None:
    got, got_body = request(port, "GET", "/")
    head, head_body = request(port, "HEAD", "/")
    assert head.status == 200
    assert head_body == b""
    assert_secure(head)
    ignored = {"Date"}
    assert {k: v for k, v in head.getheaders() if k not in ignored} == {
        k: v for k, v in got.getheaders() if k not in ignored
    }
    assert int(head.getheader("Content-Length", "0")) == len(got_body)


@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_unknown_page_is_a_french_404_with_the_security_headers(port: int, method: str) -> None:
    response, body = request(port, method, "/nope")
    assert response.status == 404
    assert_secure(response)
    if method == "GET":
        page = body.decode("utf-8")
        assert '<html lang="fr">' in page
        assert "Page introuvable" in page
        assert "Error" not in page and "Nothing matches" not in page
    else:
        assert body == b""


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE"])
def test_other_methods_are_refused_with_the_security_headers(port: int, method: str) -> None:
    response, body = request(port, method, "/")
    assert response.status in (405, 501)
    assert response.getheader("Allow") == "GET, HEAD"
    assert_secure(response)
    assert "Seules les méthodes GET et HEAD" in body.decode("utf-8")
    assert b"3646" not in body  # not the page


def test_post_is_405(port: int) -> None:
    response, _ = request(port, "POST", "/")
    assert response.status == 405


def test_bad_request_is_a_french_400_with_the_security_headers(port: int) -> None:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(b"GET / HTTP/1.x\r\n\r\n")  # an unreadable version
        raw = b""
        while chunk := sock.recv(65536):
            raw += chunk
    head, _, body = raw.partition(b"\r\n\r\n")
    status, *lines = head.decode("latin-1").split("\r\n")
    assert status.startswith("HTTP/1.0 400 ")
    headers = dict(line.split(": ", 1) for line in lines)
    assert headers["X-Frame-Options"] == "SAMEORIGIN"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert "frame-ancestors 'self'" in headers["Content-Security-Policy"]
    assert headers["Server"] == "demo"
    assert "Requête invalide" in body.decode("utf-8")
