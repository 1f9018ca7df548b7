"""Retention and erasure for Rasa's SQL tracker store (SQLite or PostgreSQL).

Rasa Open Source has no conversation deletion (RasaHQ/rasa#10719); these commands work on
its ``events`` table directly:

    python -m addons.retention purge [--days N]     # conversations idle for more than N days
    python -m addons.retention erase SENDER_ID      # one conversation, now

The database is ``TRACKER_STORE_URL`` (or the SQLite file ``TRACKER_DB``); the default
retention is ``RETENTION_DAYS`` (30).
"""

from __future__ import annotations

import argparse
import sys
import time

from sqlalchemy import MetaData, Table, create_engine, delete, func, inspect, select
from sqlalchemy.engine import Engine

from actions.settings import get_settings

DAY = 24 * 3600


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
    return senders


def erase(engine: Engine, sender_id: str) -> int:
    """Deletes one conversation; returns how many events were removed."""
    events = _events(engine)
    if events is None:
        return 0
    with engine.begin() as connection:
        result = connection.execute(delete(events).where(events.c.sender_id == sender_id))
    return int(result.rowcount or 0)


def main(argv: list[str] | None = None) -> int:
    settings = get_settings()
    parser = argparse.ArgumentParser(prog="python -m addons.retention", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    purge_cmd = commands.add_parser("purge", help="delete conversations older than the retention")
    purge_cmd.add_argument("--days", type=int, default=settings.retention_days)
    erase_cmd = commands.add_parser("erase", help="delete one conversation by its sender id")
    erase_cmd.add_argument("sender_id")
    args = parser.parse_args(argv)
    engine = create_engine(settings.tracker_store_url, future=True)
    where = engine.url.render_as_string(hide_password=True)
    if args.command == "purge":
        senders = purge(engine, args.days)
        print(
            f"purged {len(senders)} conversation(s) idle for more than {args.days} days ({where})"
        )
    else:
        count = erase(engine, args.sender_id)
        print(f"erased {count} event(s) of conversation {args.sender_id!r} ({where})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
