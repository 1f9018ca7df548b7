"""Retention and erasure of everything kept about a person: conversations and bookings.

Rasa Open Source has no conversation deletion (RasaHQ/rasa#10719); these commands work on
its stores directly:

    python -m addons.retention purge [--days N]     # everything idle for more than N days
    python -m addons.retention erase SENDER_ID      # one conversation, now

What is deleted:

- the conversation's events in the tracker store (``TRACKER_STORE_URL``: Rasa's SQL
  ``events`` table on SQLite or PostgreSQL, or its Redis keys);
- its bookings in the agenda (``DATABASE_URL``): ``erase`` deletes every booking of the
  conversation, with the call-back phone number and the conversation id, and frees their
  times; ``purge`` deletes the bookings whose appointment (or cancellation) is older than
  the retention period.

On SQLite, deleted rows are overwritten (``secure_delete``) and the write-ahead log is
emptied, so that nothing erased can be read back from the files. On PostgreSQL, deleted
rows are gone for every query at once and their space is reclaimed by (auto)vacuum;
backups and WAL archives follow their own retention (docs/privacy.md).
The default retention is ``RETENTION_DAYS`` (30).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import MetaData, Table, create_engine, delete, event, func, inspect, select
from sqlalchemy.engine import Engine, make_url

from secu.agenda import service
from secu.agenda.models import Booking
from secu.knowledge.db import make_engine, session_scope
from secu.settings import get_settings

DAY = 24 * 3600
T = TypeVar("T")
REDIS_PREFIX = "tracker:"  # Rasa's RedisTrackerStore key prefix


@dataclass(frozen=True)
class Outcome:
    conversations: int
    events: int
    bookings: int


def overwrite_deleted_rows(engine: Engine) -> Engine:
    """On SQLite, every deletion through ``engine`` overwrites what it deletes."""
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _secure(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA secure_delete = ON")
            cursor.close()

    return engine


def sql_engine(url: str) -> Engine:
    """An engine on a SQL tracker store (Rasa's ``events`` table)."""
    return overwrite_deleted_rows(create_engine(url, future=True))


def empty_sqlite_log(engine: Engine) -> None:
    """Copies the write-ahead log into the database and truncates it (SQLite only)."""
    if engine.dialect.name != "sqlite":
        return
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def _events(engine: Engine) -> Table | None:
    if not inspect(engine).has_table("events"):
        return None  # nothing was ever stored
    return Table("events", MetaData(), autoload_with=engine)


def purge(engine: Engine, days: int, now: float | None = None) -> list[str]:
    """Deletes every conversation whose last event is older than ``days``; returns their ids."""
    if days < 1:
        raise ValueError("the retention must be at least one day")
    events = _events(engine)
    if events is None:
        return []
    cutoff = (now if now is not None else time.time()) - days * DAY
    with engine.begin() as connection:
        last = func.max(events.c.timestamp)
        stale = select(events.c.sender_id).group_by(events.c.sender_id).having(last < cutoff)
        senders = [row[0] for row in connection.execute(stale)]
        if senders:
            connection.execute(delete(events).where(events.c.sender_id.in_(senders)))
    empty_sqlite_log(engine)
    return senders


def erase(engine: Engine, sender_id: str) -> int:
    """Deletes one conversation; returns how many events were removed."""
    events = _events(engine)
    if events is None:
        return 0
    with engine.begin() as connection:
        result = connection.execute(delete(events).where(events.c.sender_id == sender_id))
    empty_sqlite_log(engine)
    return int(result.rowcount or 0)


# -- Redis tracker store -------------------------------------------------------------------


def redis_client(url: str) -> Any:
    import redis

    return redis.Redis.from_url(url)


def redis_erase(client: Any, sender_id: str) -> int:
    """Deletes one conversation from Rasa's Redis store; returns how many events it had."""
    raw = client.get(REDIS_PREFIX + sender_id)
    if raw is None:
        return 0
    client.delete(REDIS_PREFIX + sender_id)
    return len(json.loads(raw).get("events") or [])


def redis_purge(client: Any, days: int, now: float | None = None) -> list[str]:
    """Deletes the conversations of Rasa's Redis store idle for more than ``days``."""
    if days < 1:
        raise ValueError("the retention must be at least one day")
    cutoff = (now if now is not None else time.time()) - days * DAY
    purged = []
    for key in client.scan_iter(match=REDIS_PREFIX + "*"):
        raw = client.get(key)
        if raw is None:
            continue
        events = json.loads(raw).get("events") or []
        last = max((e.get("timestamp") or 0 for e in events), default=0)
        if last < cutoff:
            client.delete(key)
            name = key.decode() if isinstance(key, bytes) else str(key)
            purged.append(name[len(REDIS_PREFIX) :])
    return purged


# -- the agenda ----------------------------------------------------------------------------


def _has_agenda(engine: Engine) -> bool:
    return inspect(engine).has_table(Booking.__tablename__)


def erase_bookings(engine: Engine, sender_id: str) -> int:
    if not _has_agenda(engine):
        return 0
    with session_scope(engine) as session:
        count = service.erase_conversation(session, sender_id)
    empty_sqlite_log(engine)
    return count


def purge_bookings(engine: Engine, days: int, now: dt.datetime | None = None) -> int:
    if not _has_agenda(engine):
        return 0
    moment = now or dt.datetime.now(dt.timezone.utc)
    with session_scope(engine) as session:
        count = service.purge_bookings(session, days, moment)
    empty_sqlite_log(engine)
    return count


def agenda_engine(url: str) -> Engine:
    """An engine on the agenda's database (``DATABASE_URL``)."""
    return overwrite_deleted_rows(make_engine(url))


# -- the commands --------------------------------------------------------------------------


def _on_stores(
    tracker_url: str,
    database_url: str,
    on_redis: Callable[[Any], T],
    on_sql: Callable[[Engine], T],
    on_agenda: Callable[[Engine], int],
) -> tuple[T, int]:
    """Runs one operation on the conversations (Redis or SQL) and one on the agenda."""
    if make_url(tracker_url).get_backend_name() == "redis":
        conversations = on_redis(redis_client(tracker_url))
    else:
        engine = sql_engine(tracker_url)
        try:
            conversations = on_sql(engine)
        finally:
            engine.dispose()
    agenda = agenda_engine(database_url)
    try:
        return conversations, on_agenda(agenda)
    finally:
        agenda.dispose()


def erase_everything(tracker_url: str, database_url: str, sender_id: str) -> Outcome:
    """Erases one conversation: its events and its bookings."""
    events, bookings = _on_stores(
        tracker_url,
        database_url,
        lambda client: redis_erase(client, sender_id),
        lambda engine: erase(engine, sender_id),
        lambda agenda: erase_bookings(agenda, sender_id),
    )
    return Outcome(int(events > 0), events, bookings)


def purge_everything(tracker_url: str, database_url: str, days: int) -> Outcome:
    """Deletes what is older than the retention: conversations and bookings."""
    senders, bookings = _on_stores(
        tracker_url,
        database_url,
        lambda client: redis_purge(client, days),
        lambda engine: purge(engine, days),
        lambda agenda: purge_bookings(agenda, days),
    )
    return Outcome(len(senders), 0, bookings)


def _where(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def main(argv: list[str] | None = None) -> int:
    settings = get_settings()
    parser = argparse.ArgumentParser(prog="python -m addons.retention", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    purge_cmd = commands.add_parser("purge", help="delete what is older than the retention")
    purge_cmd.add_argument("--days", type=int, default=settings.retention_days)
    erase_cmd = commands.add_parser("erase", help="delete one conversation and its bookings")
    erase_cmd.add_argument("sender_id")
    args = parser.parse_args(argv)
    tracker, database = settings.tracker_store_url, settings.database_url
    if args.command == "purge":
        done = purge_everything(tracker, database, args.days)
        print(
            f"purged {done.conversations} conversation(s) idle for more than {args.days} days "
            f"({_where(tracker)}) and {done.bookings} booking(s) older than that "
            f"({_where(database)})"
        )
    else:
        done = erase_everything(tracker, database, args.sender_id)
        print(
            f"erased {done.events} event(s) of conversation {args.sender_id!r} "
            f"({_where(tracker)}) and {done.bookings} booking(s) ({_where(database)})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
