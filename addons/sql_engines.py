"""The engines of the SQL conversation store: the indexes Rasa's tables lack, SQLite's
settings and kept connections, and PostgreSQL's autocommit engine (addons/tracker_store.py)."""

from __future__ import annotations

from typing import Any

import sqlalchemy
from sqlalchemy import event, text
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import QueuePool

EVENT_INDEXES = {
    "ix_events_sender_type_timestamp": "sender_id, type_name, timestamp",
    "ix_events_sender_id_id": "sender_id, id",
}


def add_event_indexes(sql: Any) -> None:
    """Indexes Rasa's SQL store lacks for its own queries: every turn it looks for the
    conversation's latest session start (sender, type, timestamp) and reads its events in
    id order (sender, id). Created once, if missing."""
    with sql.engine.begin() as connection:
        for name, columns in EVENT_INDEXES.items():
            connection.execute(text(f"CREATE INDEX IF NOT EXISTS {name} ON events ({columns})"))


def tune_sqlite(sql: Any) -> None:
    """Write-ahead log and normal sync for a SQLite conversation store: a turn's commit no
    longer waits for two disk flushes (the store cost about 40 ms a turn), and nothing is
    lost if a process crashes (at most the last turns if the machine loses power).

    Connections are kept open between turns: SQLAlchemy 1.4 opens and closes a SQLite
    file for every session (``NullPool``), two a turn, with the pragmas again each time
    (about 2 ms a turn in bench/profile.md). The process's event loop is the only user of
    the engine; other processes (``make purge``, the review site) open their own.
    """
    engine = sql.engine
    if engine.dialect.name != "sqlite":
        return
    if engine.url.database not in (None, "", ":memory:"):
        engine.dispose()
        engine = sqlalchemy.create_engine(
            engine.url,
            poolclass=QueuePool,
            pool_size=2,
            max_overflow=8,
            connect_args={"check_same_thread": False},
        )
        sql.engine = engine
        sql.sessionmaker = sessionmaker(bind=engine)

    write_ahead_log(engine)
    engine.dispose()  # connections opened before the listener get the pragmas too


def write_ahead_log(engine: Any) -> None:
    """Every new SQLite connection of ``engine`` in write-ahead-log mode with normal sync:
    readers see the pages while a writer writes, and a commit waits for no disk flush."""

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


_AUTOCOMMIT_ENGINES: dict[str, Any] = {}


def autocommit_engine(url: Any) -> Any:
    """An engine on ``url`` whose connections run each statement on its own (autocommit),
    one per database and process. SQLAlchemy's per-connection ``AUTOCOMMIT`` option
    would cost a ``SET default_transaction_isolation`` round trip at each check-in."""
    key = url.render_as_string(hide_password=False)
    engine = _AUTOCOMMIT_ENGINES.get(key)
    if engine is None:
        from rasa.core.tracker_store import create_engine_kwargs  # Rasa's, only here

        # Rasa's settings for its PostgreSQL engine (POSTGRESQL_SCHEMA, POSTGRESQL_POOL_SIZE…)
        settings = {**create_engine_kwargs(url), "isolation_level": "AUTOCOMMIT"}
        engine = sqlalchemy.create_engine(url, future=True, **settings)
        _AUTOCOMMIT_ENGINES[key] = engine
    return engine
