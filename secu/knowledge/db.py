"""The process-wide engine and sessions of the knowledge base (SQLite or PostgreSQL).

Nothing connects at import time: :func:`get_engine` creates the engine on first use,
from ``get_settings().database_url``, and keeps it for the life of the process (a
forked child gets its own). Engines are ``future=True`` (SQLAlchemy 2.0 behaviour).

SQLite gets what the loader needs to rebuild the tables inside one transaction:
the driver's implicit transaction handling is turned off and SQLAlchemy emits the
``BEGIN`` itself, so DDL is transactional like on PostgreSQL, and foreign keys are
enforced. A connection with the execution option ``sqlite_begin="IMMEDIATE"`` takes
the write lock as it begins (the loader uses it).
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool, StaticPool

from secu.settings import get_settings

SQLITE_BEGIN_OPTION = "sqlite_begin"
SQLITE_BUSY_SECONDS = 30.0
T = TypeVar("T")

_lock = threading.Lock()
_state: tuple[int, Engine, sessionmaker] | None = None


def make_engine(url: str, **kwargs: Any) -> Engine:
    """A new engine for ``url`` with the knowledge base's settings (tests and tools).

    Extra keyword arguments go to :func:`sqlalchemy.create_engine` (``connect_args``
    are merged).
    """
    parsed = make_url(url)
    connect_args: dict[str, Any] = dict(kwargs.pop("connect_args", {}))
    options: dict[str, Any] = {"future": True}
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        in_memory = database in ("", ":memory:") or database.startswith("file::memory:")
        if not in_memory:
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        # Sessions may be used from the action server's worker threads; a pool keeps
        # SQLite's schema and page cache warm between sessions (1.4 defaults to NullPool).
        connect_args.setdefault("check_same_thread", False)
        # A writer waits for the lock (another booking) up to this long instead of failing
        # after the driver's 5 s: under load, bookings queue rather than error.
        connect_args.setdefault("timeout", SQLITE_BUSY_SECONDS)
        options["poolclass"] = StaticPool if in_memory else QueuePool
    else:
        options["pool_pre_ping"] = True
    options.update(kwargs)
    engine = create_engine(parsed, connect_args=connect_args, **options)
    if parsed.get_backend_name() == "sqlite":
        _make_sqlite_transactional(engine)
    return engine


def _make_sqlite_transactional(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # no implicit BEGIN/COMMIT from the driver
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        mode = connection.get_execution_options().get(SQLITE_BEGIN_OPTION, "")
        connection.exec_driver_sql(f"BEGIN {mode}".strip())


def get_engine() -> Engine:
    """The engine of ``get_settings().database_url``, created once per process."""
    return _current()[1]


def get_sessionmaker() -> sessionmaker:
    return _current()[2]


def _current() -> tuple[int, Engine, sessionmaker]:
    global _state
    pid = os.getpid()
    state = _state
    if state is not None and state[0] == pid:
        return state
    with _lock:
        if _state is None or _state[0] != pid:
            # In a forked child the parent's pooled connections are left alone.
            engine = make_engine(get_settings().database_url)
            factory = sessionmaker(bind=engine, future=True, expire_on_commit=False)
            _state = (pid, engine, factory)
        return _state


def reset_engine() -> None:
    """Disposes of the process-wide engine; the next call creates it again (tests)."""
    global _state
    with _lock:
        if _state is not None and _state[0] == os.getpid():
            _state[1].dispose()
        _state = None


@contextmanager
def session_scope(engine: Engine | None = None) -> Iterator[Session]:
    """A session committed on success, rolled back on error, always closed.

    Without ``engine``, the process-wide one (:func:`get_engine`).
    """
    if engine is None:
        session = get_sessionmaker()()
    else:
        session = Session(bind=engine, future=True, expire_on_commit=False)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


async def run_in_session(
    work: Callable[..., T], *args: Any, locked: bool = False, **kwargs: Any
) -> T:
    """Runs ``work(session, *args)`` in a session of the process-wide engine, in a worker
    thread: a blocking call would stall the whole action server (RasaHQ/rasa#8436).
    Keyword arguments other than ``locked`` go to ``work``.
    ``locked`` takes SQLite's write lock at BEGIN, so that two writers queue instead of
    failing."""

    def run() -> T:
        engine = get_engine()
        if locked:
            engine = engine.execution_options(**{SQLITE_BEGIN_OPTION: "IMMEDIATE"})
        with session_scope(engine) as session:
            return work(session, *args, **kwargs)

    return await asyncio.to_thread(run)
