"""Masks NIR-shaped numbers in every log record of the process, at every level.

Installed by both servers (``actions`` and ``addons`` call ``install()``): it wraps the
log-record factory, so it covers every logger and handler, including the ones Rasa and
Sanic configure later, the ``--log-file`` handler and exception tracebacks.
"""

from __future__ import annotations

import logging
import threading
import traceback
from typing import Any

from actions.nir import redact

_lock = threading.Lock()
_installed = False


def redact_record(record: logging.LogRecord) -> logging.LogRecord:
    try:
        message = record.getMessage()
    except Exception:  # a malformed record: keep what can be read
        message = f"{record.msg!s} {record.args!s}"
    record.msg = redact(message)
    record.args = None
    if record.exc_info:
        record.exc_text = redact("".join(traceback.format_exception(*record.exc_info)).rstrip())
    if record.stack_info:
        record.stack_info = redact(record.stack_info)
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
