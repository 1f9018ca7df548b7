"""Reading Rasa's tracker stores directly, as ``addons/retention.py`` does: the SQL
``events`` table (SQLite or PostgreSQL) by id, the Redis keys ``tracker:<sender>`` by size.
Only reads: the review site never writes to the store.

- :class:`SqlEvents` hands out the events above a cursor (the table's id), in id order.
  On PostgreSQL two turns may commit out of id order (two Rasa workers): an id missing
  below the newest one read is looked for again for a few minutes (:func:`late_ids`).
- :class:`RedisTrackers` tells each conversation's size (``STRLEN``, without reading it)
  and reads only the conversations whose size changed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, create_engine, inspect, text
from sqlalchemy.engine import Engine, make_url

from addons.retention import REDIS_PREFIX, redis_client

CHUNK = 1000  # keys per Redis pipeline, ids per IN (…)
LATE_WINDOW = 1000  # ids below the newest one read where a late commit is looked for
LATE_SECONDS = 300.0  # how long a missing id is looked for (then: rolled back, or deleted)


@dataclass(frozen=True)
class StoredEvent:
    id: int
    sender: str
    data: dict[str, Any]


def chunks(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def is_redis(url: str) -> bool:
    return make_url(url).get_backend_name() == "redis"


def still_waiting(waiting: dict[int, float], now: float) -> dict[int, float]:
    """The missing ids looked for since less than ``LATE_SECONDS``."""
    return {id_: since for id_, since in waiting.items() if now - since < LATE_SECONDS}


def late_ids(
    read: Iterable[int], cursor: int, newest: int, waiting: dict[int, float], now: float
) -> dict[int, float]:
    """The ids still worth looking for: those skipped between ``cursor`` and ``newest``
    (near the newest only: far below, a gap is a deletion) and those already waited for,
    until ``LATE_SECONDS`` have passed.

    >>> late_ids([5, 7, 8], cursor=4, newest=8, waiting={2: 0.0, 3: 200.0}, now=400.0)
    {3: 200.0, 6: 400.0}
    """
    kept = still_waiting(waiting, now)
    seen = set(read)
    for id_ in range(max(cursor, newest - LATE_WINDOW) + 1, newest):
        if id_ not in seen:
            kept.setdefault(id_, now)
    return dict(sorted(kept.items()))


class SqlEvents:
    """Rasa's ``events`` table (``SQLTrackerStore``) on SQLite or PostgreSQL."""

    def __init__(self, url: str) -> None:
        self.engine: Engine = create_engine(url, future=True)
        self.out_of_order = self.engine.dialect.name != "sqlite"  # SQLite: one writer

    def exists(self) -> bool:
        return inspect(self.engine).has_table("events")

    def after(self, cursor: int, limit: int) -> list[StoredEvent]:
        """The next ``limit`` events above ``cursor``, in id order."""
        query = text(
            "SELECT id, sender_id, data FROM events WHERE id > :cursor ORDER BY id LIMIT :limit"
        )
        with self.engine.connect() as connection:
            rows = connection.execute(query, {"cursor": cursor, "limit": limit}).fetchall()
        return [StoredEvent(row[0], row[1], json.loads(row[2])) for row in rows]

    def by_ids(self, ids: Sequence[int]) -> list[StoredEvent]:
        """The events among ``ids`` that are there now (committed late), in id order."""
        query = text("SELECT id, sender_id, data FROM events WHERE id IN :ids ORDER BY id")
        query = query.bindparams(bindparam("ids", expanding=True))
        found: list[StoredEvent] = []
        with self.engine.connect() as connection:
            for part in chunks(ids):
                rows = connection.execute(query, {"ids": list(part)}).fetchall()
                found += [StoredEvent(row[0], row[1], json.loads(row[2])) for row in rows]
        return found

    def senders(self) -> set[str]:
        """Every conversation in the store."""
        with self.engine.connect() as connection:
            return {
                row[0] for row in connection.execute(text("SELECT DISTINCT sender_id FROM events"))
            }

    def close(self) -> None:
        self.engine.dispose()


class RedisTrackers:
    """Rasa's ``RedisTrackerStore``: a JSON value per conversation, its events in a list."""

    def __init__(self, url: str, client: Any = None) -> None:
        self.client = client if client is not None else redis_client(url)

    def sizes(self) -> dict[str, int]:
        """The length of each conversation's value, read without the value."""
        keys = list(self.client.scan_iter(match=REDIS_PREFIX + "*", count=CHUNK))
        sizes: dict[str, int] = {}
        for part in chunks(keys):
            pipeline = self.client.pipeline(transaction=False)
            for key in part:
                pipeline.strlen(key)
            for key, size in zip(part, pipeline.execute(), strict=True):
                name = key.decode() if isinstance(key, bytes) else str(key)
                sizes[name[len(REDIS_PREFIX) :]] = int(size)
        return sizes

    def read(self, senders: Sequence[str]) -> dict[str, tuple[int, list[dict[str, Any]]]]:
        """Each conversation's size and events (those deleted meanwhile left out)."""
        pipeline = self.client.pipeline(transaction=False)
        for sender in senders:
            pipeline.get(REDIS_PREFIX + sender)
        found = {}
        for sender, raw in zip(senders, pipeline.execute(), strict=True):
            if raw is not None:
                found[sender] = (len(raw), json.loads(raw).get("events") or [])
        return found

    def close(self) -> None:
        self.client.close()
