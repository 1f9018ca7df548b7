"""One process at a time creates the conversation store's tables and indexes.

Every Sanic worker builds the tracker store as it starts (``make run-scaled``: two
workers on PostgreSQL): Rasa's SQL store creates its tables when they are missing, then
``addons.tracker_store`` adds two indexes. On a new database two workers did both at
the same moment, and neither Rasa's check-then-create nor PostgreSQL's
``CREATE INDEX IF NOT EXISTS`` is safe against another session creating the same thing:
PostgreSQL refused one of them (a unique violation in its catalogue, ``pg_class``), and
that worker died at start-up. The server then answered with one worker, at about half
the throughput, without a word to the caller (``make bench``, 1 December 2026: 2 runs of
16 of the two-worker variant, 58 and 61 msg/s instead of 90 to 115).

``schema_lock(settings)`` makes the creation one process at a time: on PostgreSQL a
session advisory lock taken on a connection of its own (released when the block ends,
or when the connection closes if the process dies), on a SQLite file an exclusive
``flock`` of the database file (Linux's ``flock`` locks and SQLite's own ``fcntl`` locks
do not interact). Other stores (Redis, in memory) need none. If the lock cannot be taken
(the database does not exist yet, the file cannot be opened), the block runs without it,
as before: Rasa then reports its own error.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import zlib
from collections.abc import Iterator
from typing import Any

from rasa.core.tracker_store import SQLTrackerStore
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

logger = logging.getLogger(__name__)

LOCK_KEY = zlib.crc32(b"secu-assistant: the tracker store's schema")
"""The PostgreSQL advisory lock's key: any fixed number other programs do not use."""


@contextlib.contextmanager
def schema_lock(settings: dict[str, Any]) -> Iterator[None]:
    """Within the block, no other process holds the lock for the store of ``settings``
    (the inner store's settings, as ``addons.tracker_store.inner_settings`` gives them)."""
    if str(settings.get("type", "")).lower() != "sql":
        yield
        return
    dialect = str(settings.get("dialect") or "sqlite")
    if dialect.startswith("postgresql"):
        with _advisory_lock(settings):
            yield
    elif dialect == "sqlite":
        with _file_lock(str(settings.get("db") or "")):
            yield
    else:
        yield


@contextlib.contextmanager
def _advisory_lock(settings: dict[str, Any]) -> Iterator[None]:
    url = SQLTrackerStore.get_db_url(
        str(settings.get("dialect")),
        settings.get("url"),
        settings.get("port"),
        str(settings.get("db") or "rasa"),
        settings.get("username"),
        settings.get("password"),
        query=settings.get("query"),
    )
    engine = create_engine(url, poolclass=NullPool)
    try:
        connection = engine.connect()
    except Exception as error:  # no database yet (Rasa may create it) or unreachable
        logger.debug("tracker store schema created without a lock: %s", error)
        engine.dispose()
        yield
        return
    try:
        connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": LOCK_KEY})
        yield
    finally:
        with contextlib.suppress(Exception):  # closing the session releases it anyway
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": LOCK_KEY})
        connection.close()
        engine.dispose()


@contextlib.contextmanager
def _file_lock(path: str) -> Iterator[None]:
    if path in ("", ":memory:"):
        yield
        return
    try:
        handle = open(path, "ab")  # noqa: SIM115 (held for the block); an empty file is an empty database
    except OSError as error:
        logger.debug("tracker store schema created without a lock: %s", error)
        yield
        return
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        handle.close()  # releases the lock
