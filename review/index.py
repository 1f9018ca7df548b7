"""The review index, filled incrementally from the tracker store (``TRACKER_STORE_URL``).

Each run reads only what is new: on SQL stores the events whose id is above the stored
cursor, a batch at a time; on Redis the conversations whose size changed, from the event
after the last one read. A batch, its figures and the cursor are written in one
transaction: a run stopped half-way leaves nothing counted twice, the next one starts
where it stopped. A conversation's last turn stays open: the events that arrive later for
it (the answers of a turn read in the middle) are added to it and its figures moved by
the difference (:func:`review.stats.difference`).

Conversations gone from the store (``make purge``, ``make erase``) leave the index too,
at the latest a minute later; their anonymous per-day figures stay. Changing the store,
the fallback threshold or the time zone rebuilds the index.

    python -m review index       # one run, then prints what it read
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine, make_url

from review import rows, schema
from review.stores import (
    RedisTrackers,
    SqlEvents,
    StoredEvent,
    chunks,
    is_redis,
    late_ids,
    still_waiting,
)
from secu.knowledge.db import SQLITE_BEGIN_OPTION

VERSION = 1  # bump when what is indexed changes: the index is rebuilt
BATCH = 5000  # events per transaction
SYNC_SECONDS = 60.0  # how often conversations gone from the store are looked for


@dataclass
class IndexRun:
    """What one run read."""

    events: int = 0
    conversations: int = 0  # conversations that got new events
    removed: int = 0  # conversations gone from the store, removed from the index
    seconds: float = 0.0


class Indexer:
    """Fills the review index from one tracker store; one run at a time."""

    def __init__(
        self,
        engine: Engine,
        tracker_url: str,
        threshold: float,
        timezone: str,
        sync_seconds: float = SYNC_SECONDS,
    ) -> None:
        self.engine = engine
        self.tracker_url = tracker_url
        self.reader = rows.RowMaker(threshold, ZoneInfo(timezone))
        self.fingerprint = json.dumps(
            {
                "version": VERSION,
                "store": make_url(tracker_url).render_as_string(hide_password=True),
                "threshold": threshold,
                "timezone": timezone,
            }
        )
        self._lock = threading.Lock()
        self.sync_seconds = sync_seconds  # how often deletions are looked for (0: each run)
        self._synced_at: float | None = None
        self.stopping = threading.Event()  # set: the run ends after its current batch

    def run(self) -> IndexRun:
        """One incremental run; returns what it read."""
        with self._lock:
            started = time.perf_counter()
            self._check_fingerprint()
            run = IndexRun()
            if is_redis(self.tracker_url):
                self._from_redis(run)
            else:
                self._from_sql(run)
            with self._writing() as connection:
                rows.set_state(connection, "indexed_at", str(time.time()))
            run.seconds = time.perf_counter() - started
            return run

    @contextmanager
    def _writing(self) -> Iterator[Connection]:
        """A transaction that holds the index's write lock from its start (SQLite: BEGIN
        IMMEDIATE; PostgreSQL: a row locked), so that two indexers on one index (the
        site's and ``python -m review index``) never read the same cursor."""
        with self.engine.connect() as connection:
            connection.execution_options(**{SQLITE_BEGIN_OPTION: "IMMEDIATE"})
            with connection.begin():
                rows.take_lock(connection)
                yield connection

    def _check_fingerprint(self) -> None:
        with self._writing() as connection:
            if rows.get_state(connection, "fingerprint") == self.fingerprint:
                return
        schema.drop_everything(self.engine)
        with self._writing() as connection:
            rows.set_state(connection, rows.LOCK, "")
            rows.set_state(connection, "fingerprint", self.fingerprint)

    # -- SQL stores ---------------------------------------------------------------------

    def _from_sql(self, run: IndexRun) -> None:
        store = SqlEvents(self.tracker_url)
        try:
            if not store.exists():
                return
            self._late_events(store, run)
            while not self.stopping.is_set() and self._sql_batch(store, run):
                pass
            self._sync(run, store.senders)
        finally:
            store.close()

    def _sql_batch(self, store: SqlEvents, run: IndexRun) -> bool:
        """Indexes the next batch above the cursor; False when there was none."""
        with self._writing() as connection:
            cursor = int(rows.get_state(connection, "cursor") or 0)
            batch = store.after(cursor, BATCH)
            if not batch:
                return False
            newest = batch[-1].id
            if store.out_of_order:
                waiting = _late_state(connection)
                read = (event.id for event in batch)
                waiting = late_ids(read, cursor, newest, waiting, time.time())
                rows.set_state(connection, "late", json.dumps(waiting))
            self._apply(connection, _by_sender(batch), run)
            rows.set_state(connection, "cursor", str(newest))
        return True

    def _late_events(self, store: SqlEvents, run: IndexRun) -> None:
        """The events committed after newer ones were read (PostgreSQL)."""
        if not store.out_of_order:
            return
        with self._writing() as connection:
            waiting = _late_state(connection)
            if not waiting:
                return
            found = store.by_ids(sorted(waiting))
            if found:
                self._apply(connection, _by_sender(found), run)
            arrived = {event.id for event in found}
            still = {id_: since for id_, since in waiting.items() if id_ not in arrived}
            rows.set_state(connection, "late", json.dumps(still_waiting(still, time.time())))

    # -- Redis --------------------------------------------------------------------------

    def _from_redis(self, run: IndexRun) -> None:
        store = RedisTrackers(self.tracker_url)
        try:
            sizes = store.sizes()
            with self.engine.connect() as connection:
                known = rows.read_positions(connection)
            changed = [s for s, size in sizes.items() if known.get(s, (0, -1))[1] != size]
            for part in chunks(sorted(changed)):
                if self.stopping.is_set():
                    return
                self._redis_batch(store.read(part), run)
            self._sync(run, lambda: set(sizes))
        finally:
            store.close()

    def _redis_batch(
        self, values: Mapping[str, tuple[int, list[dict[str, Any]]]], run: IndexRun
    ) -> None:
        """Indexes the events not read yet of these conversations; where reading stopped
        is read under the index's lock (another indexer may have gone further)."""
        with self._writing() as connection:
            known = rows.read_positions(connection, sorted(values))
            fresh: dict[str, list[dict[str, Any]]] = {}
            positions: dict[str, tuple[int, int]] = {}
            replaced = []
            for sender, (size, events) in values.items():
                read = known.get(sender, (0, -1))[0]
                if len(events) < read:  # erased, then a new conversation under the same id
                    replaced.append(sender)
                    read = 0
                fresh[sender] = events[read:]
                positions[sender] = (len(events), size)
            rows.remove_conversations(connection, replaced)
            self._apply(connection, fresh, run, positions)

    # -- both ---------------------------------------------------------------------------

    def _apply(
        self,
        connection: Connection,
        events: Mapping[str, Sequence[dict[str, Any]]],
        run: IndexRun,
        positions: Mapping[str, tuple[int, int]] | None = None,
    ) -> None:
        """Reads the new events of each conversation into the index and its figures."""
        senders = sorted(events)
        stored = rows.read_conversations(connection, senders)
        moved: Counter[tuple[str, str, str]] = Counter()
        writes = rows.Writes()
        for sender in senders:
            resumed = self.reader.resume(sender, stored.get(sender))
            for event in events[sender]:
                resumed.conversation.feed(event)
            read = resumed.stored.events if resumed.stored is not None else 0
            position = (positions or {}).get(sender) or (read + len(events[sender]), 0)
            moved.update(self.reader.store(resumed, writes, position))
            run.events += len(events[sender])
        run.conversations += len(senders)
        writes.flush(connection, moved)

    def _sync(self, run: IndexRun, present: Any) -> None:
        """Removes the conversations the store no longer holds (once a minute)."""
        synced = self._synced_at
        if synced is not None and time.monotonic() - synced < self.sync_seconds:
            return
        in_store = present()
        with self._writing() as connection:
            indexed = set(connection.execute(select(schema.conversations.c.sender_id)).scalars())
            gone = sorted(indexed - in_store)
            rows.remove_conversations(connection, gone)
        run.removed += len(gone)
        self._synced_at = time.monotonic()


def _late_state(connection: Connection) -> dict[int, float]:
    raw = json.loads(rows.get_state(connection, "late") or "{}")
    return {int(id_): float(since) for id_, since in raw.items()}


def _by_sender(batch: Sequence[StoredEvent]) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = {}
    for event in batch:
        grouped.setdefault(event.sender, []).append(event.data)
    return grouped
