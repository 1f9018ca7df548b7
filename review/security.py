"""Who may read the review site, and which forms it accepts.

- **The secret** (``REVIEW_TOKEN``): every page but the style sheet answers 401 without
  it. A script sends ``Authorization: Bearer <token>``; a browser types it once in the
  401 page's form and gets a session cookie derived from it (HMAC: the cookie is not the
  token), ``HttpOnly`` and ``SameSite=Strict``.
- **Forms** (annotating, signing out) are POSTs that must come from the site itself: the
  ``Origin`` (else ``Referer``) host must be the request's ``Host``, and the form must carry
  the value of the CSRF cookie (``HttpOnly``, ``SameSite=Strict``): a page of another site
  can neither read it nor have it sent.

>>> same_host({"host": "127.0.0.1:8090", "origin": "http://127.0.0.1:8090"})
True
>>> same_host({"host": "127.0.0.1:8090", "origin": "https://evil.example"})
False
>>> same_host({"host": "127.0.0.1:8090"})
False
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping
from urllib.parse import urlsplit

BEARER = "Bearer "
SESSION_COOKIE = "relecture_session"
CSRF_COOKIE = "relecture_csrf"
CSRF_FIELD = "csrf"


def session_value(token: str) -> str:
    """The session cookie's value for ``token``."""
    return hmac.new(token.encode(), b"review-session", hashlib.sha256).hexdigest()


def _equal(given: str | None, expected: str) -> bool:
    return bool(given) and hmac.compare_digest(str(given).encode(), expected.encode())


def token_matches(given: str | None, token: str) -> bool:
    """Whether ``given`` is the secret (compared in constant time)."""
    return bool(token) and _equal(given, token)


def authorized(headers: Mapping[str, str], cookies: Mapping[str, str], token: str) -> bool:
    """Whether a request carries the secret (header) or the session cookie."""
    header = headers.get("authorization") or ""
    if header.startswith(BEARER) and token_matches(header[len(BEARER) :], token):
        return True
    return bool(token) and _equal(cookies.get(SESSION_COOKIE), session_value(token))


def same_host(headers: Mapping[str, str]) -> bool:
    """Whether a POST comes from a page of this site (``Origin``, else ``Referer``)."""
    source = headers.get("origin") or headers.get("referer")
    host = headers.get("host")
    if not source or source == "null" or not host:
        return False
    return urlsplit(source).netloc.lower() == host.lower()


def csrf_accepted(
    headers: Mapping[str, str], cookies: Mapping[str, str], form_value: str | None
) -> bool:
    """Whether a form POST passes both checks (see the module's doc)."""
    cookie = cookies.get(CSRF_COOKIE)
    return same_host(headers) and bool(cookie) and _equal(form_value, str(cookie))


def new_csrf() -> str:
    return secrets.token_urlsafe(32)


COOKIE_SETTINGS = {"httponly": True, "samesite": "Strict", "path": "/"}
HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
        "base-uri 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}
