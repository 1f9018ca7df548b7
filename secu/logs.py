"""Masks NIR-shaped numbers in every log record of the process, at every level.

Installed by both servers (``actions`` and ``addons`` call ``install()``): it wraps the
log-record factory, so it covers every logger and handler, including the ones Rasa and
Sanic configure later, the ``--log-file`` handler and exception tracebacks.

Log lines often carry escaped text: Rasa logs the action server's response body
JSON-escaped (``1\\u00a085\\u00a005…``), Python reprs show ``\\xa0`` or ``\\u202f``. The
escapes are undone before the text is searched, so that a number typed with non-breaking
spaces or fullwidth digits is found there too.
"""

from __future__ import annotations

import logging
import re
import threading
import traceback
from typing import Any

from secu.nir import redact

_lock = threading.Lock()
_installed = False

# One or more backslashes (JSON inside JSON doubles them), then \uXXXX, \UXXXXXXXX, \xNN
# or \t. Consecutive \xNN are read together: UTF-8 bytes (b'1\xc2\xa085') or Latin-1.
_ESCAPE_RE = re.compile(
    r"\\+(?:u(?P<u>[0-9a-fA-F]{4})|U(?P<U>[0-9a-fA-F]{8})|(?P<t>t))"
    r"|(?P<x>(?:\\+x[0-9a-fA-F]{2})+)"
)
_BYTE_RE = re.compile(r"\\+x([0-9a-fA-F]{2})")
_SURROGATE_RE = re.compile("[\ud800-\udfff]")


def _unescaped(found: re.Match[str]) -> str:
    if found.group("t"):
        return "\t"
    if found.group("x"):
        data = bytes(int(byte, 16) for byte in _BYTE_RE.findall(found.group("x")))
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            return data.decode("latin-1")
    code = int(found.group("u") or found.group("U"), 16)
    return chr(code) if code <= 0x10FFFF else found.group()


def unescape(text: str) -> str:
    """``text`` with its JSON and Python escapes of characters undone (``\\u00a0``,
    ``\\U0001d7cf``, ``\\xa0``, ``\\t``), surrogate pairs joined."""
    if "\\" not in text:
        return text
    unescaped = _ESCAPE_RE.sub(_unescaped, text)
    if _SURROGATE_RE.search(unescaped):  # "\ud835\udfcf" in JSON: one character
        unescaped = unescaped.encode("utf-16-le", "surrogatepass").decode(
            "utf-16-le", "surrogatepass"
        )
    return unescaped


def redact_text(text: str) -> str:
    """``redact`` of the text, or of its unescaped form when that one hides a number."""
    unescaped = unescape(text)
    if unescaped != text:
        redacted = redact(unescaped)
        if redacted != unescaped:
            return redacted
    return redact(text)


def redact_record(record: logging.LogRecord) -> logging.LogRecord:
    try:
        message = record.getMessage()
    except Exception:  # a malformed record: keep what can be read
        message = f"{record.msg!s} {record.args!s}"
    record.msg = redact_text(message)
    record.args = None
    if record.exc_info:
        exception = "".join(traceback.format_exception(*record.exc_info)).rstrip()
        record.exc_text = redact_text(exception)
    elif record.exc_text:
        record.exc_text = redact_text(record.exc_text)
    if record.stack_info:
        record.stack_info = redact_text(record.stack_info)
    return record


def install() -> None:
    """Idempotent: the factory is wrapped once per process."""
    global _installed
    with _lock:
        if _installed:
            return
        previous = logging.getLogRecordFactory()

        def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
            return redact_record(previous(*args, **kwargs))

        logging.setLogRecordFactory(factory)
        _installed = True
