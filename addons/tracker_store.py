"""A tracker store that masks NIR-shaped numbers before anything is persisted.

Configured in endpoints.yml around any of Rasa's stores (SQL on SQLite or PostgreSQL,
Redis, in-memory for ``rasa shell``)::

    tracker_store:
      type: addons.tracker_store.RedactingTrackerStore
      inner:
        type: SQL
        dialect: sqlite
        db: var/tracker.db

Everything Rasa would write (user text, parse data, entities, slot values, bot text,
metadata) passes through ``secu.nir.redact``. Rasa Pro's PII masking does not cover
the tracker store (RasaHQ/rasa#12505); this does, with Rasa Open Source.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Sequence
from typing import Any

from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import (
    InMemoryTrackerStore,
    TrackerStore,
    create_tracker_store,
)
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event, SessionStarted, deserialise_events
from rasa.shared.core.slots import Slot
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig
from sqlalchemy import Integer, bindparam, func, select
from sqlalchemy.engine import make_url

from addons import startup
from addons.conversation_window import Window, WindowCache, windowed
from addons.schema_lock import schema_lock
from addons.sql_engines import add_event_indexes, autocommit_engine, tune_sqlite
from secu.nir import redact, redact_number

logger = logging.getLogger(__name__)


def redact_data(value: Any) -> Any:
    """Every string inside dicts (keys too), lists and tuples, masked; NIR-shaped numbers too.

    A JSON number can carry a NIR (``/inform{"department": 193037511512328}`` puts an int
    in the entities and slots): ``redact_number`` turns it into its masked string. Other
    numbers (timestamps, confidences, small ints) and booleans are kept as they are.
    """
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {
            (redact_data(key) if isinstance(key, str | int | float) else key): redact_data(item)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [redact_data(item) for item in value]
    if isinstance(value, int | float):
        return redact_number(value)
    return value


class TrackerStoreUnavailable(BaseException):
    """The conversation store failed. A BaseException on purpose: Rasa's FailSafeTrackerStore
    catches every Exception and carries on with an empty, in-memory conversation, which
    would answer the user as if nothing had been said. This one reaches the channel
    (addons/rest_channel.py), which logs it and tells the user."""

    def __init__(self, operation: str) -> None:
        super().__init__(f"the conversation store failed to {operation} a conversation")
        logger.error("tracker store unavailable: could not %s a conversation", operation)


def inner_settings(inner: dict[str, Any]) -> dict[str, Any]:
    """Rasa's store settings; ``url`` may be a whole URL (TRACKER_STORE_URL):
    ``sqlite:///var/tracker.db``, ``postgresql://user:pw@host:5432/db``,
    ``redis://host:6379/0``. Other settings are passed through as they are."""
    url = inner.get("url")
    if not isinstance(url, str) or "://" not in url:
        return dict(inner)
    parsed = make_url(url)
    rest = {k: v for k, v in inner.items() if k != "url"}
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return {**rest, "type": "SQL", "dialect": "sqlite", "db": parsed.database}
    if backend == "redis":
        return {
            **rest,
            "type": "redis",
            "url": parsed.host or "localhost",
            "port": parsed.port or 6379,
            "db": int(parsed.database or 0),
            **({"password": parsed.password} if parsed.password else {}),
        }
    settings = {
        **rest,
        "type": "SQL",
        "dialect": parsed.drivername,
        "url": parsed.host or "localhost",
        "db": parsed.database,
    }
    for key, value in (("port", parsed.port), ("username", parsed.username)):
        if value:
            settings[key] = value
    if parsed.password:
        settings["password"] = parsed.password
    return settings


MASKED = "_events_masked"
"""Tracker attribute: the ids of its events read back from a (masked) store."""


def redacted_tracker(tracker: DialogueStateTracker, domain: Domain) -> DialogueStateTracker:
    """A copy of ``tracker`` with every event masked. Events read back from the store are
    masked already and are not scanned again, so a save costs the new turn's events, not
    the whole conversation's (Redis and in-memory stores write the whole tracker)."""
    known: set[int] = getattr(tracker, MASKED, set())
    events = [
        event.as_dict() if id(event) in known else redact_data(event.as_dict())
        for event in tracker.events
    ]
    return DialogueStateTracker.from_dict(
        tracker.sender_id, events, domain.slots, max_event_history=tracker._max_event_history
    )


def mark_masked(tracker: DialogueStateTracker | None) -> DialogueStateTracker | None:
    """Notes that every event of a tracker just read from the store is masked."""
    if tracker is not None:
        setattr(tracker, MASKED, {id(event) for event in tracker.events})
    return tracker


STORED = "_events_in_store"
"""Tracker attribute: how many of its events are already in the SQL store."""


def sql_store(store: Any) -> Any:
    """Rasa's SQL tracker store inside ``store``, or None for other stores."""
    inner = getattr(store, "_tracker_store", store)  # Rasa wraps non-async stores
    return inner if hasattr(inner, "SQLEvent") and hasattr(inner, "engine") else None


class WindowedSQLEvents:
    """Reads a conversation's events from Rasa's SQL tables in a window (the state, then
    the last turns: addons/conversation_window.py) and appends new events, so that a
    turn costs the same at turn 500 as at turn 10. Same tables and rows as Rasa's store.

    Through SQLAlchemy Core statements on a connection rather than ORM queries in a
    session: the same SQL, a third of the Python around it (a 68-event conversation read
    in 0.3 ms instead of 1.0 ms, bench/profile.md), and a turn's new events written in one
    multi-row insert instead of one ORM object each.

    On PostgreSQL a turn is two round trips, not seven (``BEGIN``, two selects,
    ``ROLLBACK``, ``BEGIN``, insert, ``COMMIT``): the read is one statement (a subquery
    finds the session's start) and the insert one, each atomic alone (autocommit). The
    store was 31 % of a worker's busy time under people's words (py-spy, 1 December 2026).
    """

    def __init__(self, store: Any) -> None:
        self.store = store
        events = store.SQLEvent.__table__
        self.windows = WindowCache()
        # the statement, built once (its parameters bound at each call)
        sender = events.c.sender_id == bindparam("sender")
        session_start = (
            select(func.max(events.c.id))
            .where(sender)
            .where(events.c.type_name == SessionStarted.type_name)
            .scalar_subquery()
        )
        first = func.coalesce(bindparam("first", type_=Integer), session_start, 0)
        self.rows = (
            select(events.c.id, events.c.timestamp, events.c.data)
            .add_columns(session_start.label("session_start"))
            .where(sender)
            .where(events.c.id >= first)
            .order_by(events.c.id)
        )
        self.insert = events.insert()

    def _reader(self) -> Any:
        """The engine the reads and single inserts go through: on PostgreSQL one whose
        connections never open a transaction, else the store's own (read at each call:
        tune_sqlite() may replace it after __init__)."""
        engine = self.store.engine
        if engine.dialect.name != "postgresql":
            return engine
        return autocommit_engine(engine.url)

    def reconnect(self) -> None:
        """Drops the pooled connections of both engines (the checked-out ones stay)."""
        reader = self._reader()
        self.store.engine.dispose()
        if reader is not self.store.engine:
            reader.dispose()

    def _rows_from(self, connection: Any, sender_id: str, first_id: int | None) -> list[Any]:
        """The events from ``first_id`` on (None: from the session's start), in order."""
        return connection.execute(self.rows, {"sender": sender_id, "first": first_id}).all()

    def retrieve(self, sender_id: str, slots: Iterable[Slot]) -> DialogueStateTracker | None:
        window = self.windows.get(sender_id)
        with self._reader().connect() as connection:
            rows = self._rows_from(connection, sender_id, window.cut[0] if window else None)
            if window is not None and not (
                rows
                and rows[0].session_start == window.session_start_id
                and (rows[0].id, rows[0].timestamp) == window.cut
            ):  # a new session, or the conversation purged: read from the session's start
                window = None
                rows = self._rows_from(connection, sender_id, None)
        if not rows:
            self.windows.forget(sender_id)
            return None
        state = deserialise_events(list(window.state)) if window else []
        events_read = state + deserialise_events([json.loads(row.data) for row in rows])
        tracker, cut, new_state = windowed(sender_id, events_read, slots)
        if cut:
            first_kept = rows[cut - len(state)]
            serialised = tuple(event.as_dict() for event in new_state)
            where = (first_kept.id, first_kept.timestamp)
            self.windows.put(sender_id, Window(rows[0].session_start, where, serialised))
        setattr(tracker, STORED, len(tracker.events))
        return tracker

    async def append(self, tracker: DialogueStateTracker, new_events: Sequence[Event]) -> None:
        """Stores ``new_events`` of ``tracker``, masked, as Rasa's SQL store would."""
        rows = [redact_data(event.as_dict()) for event in new_events]
        if rows:
            values = [
                {
                    "sender_id": tracker.sender_id,
                    "type_name": data.get("event"),
                    "timestamp": data.get("timestamp"),
                    "intent_name": (data.get("parse_data") or {}).get("intent", {}).get("name"),
                    "action_name": data.get("name"),
                    "data": json.dumps(data),
                }
                for data in rows
            ]
            reader = self._reader()
            if reader is not self.store.engine and len(values) <= ONE_STATEMENT_ROWS:
                # one INSERT … VALUES statement (psycopg2's execute_values): atomic alone
                with reader.connect() as connection:
                    connection.execute(self.insert, values)
            else:
                with self.store.engine.begin() as connection:  # one transaction, committed
                    connection.execute(self.insert, values)
        broker = getattr(self.store, "event_broker", None)
        if broker is not None:
            await self.store._stream_new_events(broker, deserialise_events(rows), tracker.sender_id)


ONE_STATEMENT_ROWS = 500
"""Rows psycopg2 writes in one statement (SQLAlchemy's ``executemany_values_page_size``
is 1,000); a turn adds about ten."""


class RedactingTrackerStore(TrackerStore):
    def __init__(
        self,
        domain: Domain | None = None,
        event_broker: EventBroker | None = None,
        inner: dict[str, Any] | None = None,
        host: str | None = None,
        **kwargs: Any,
    ) -> None:
        startup.install()  # Rasa builds the store as it starts: the process is set up
        super().__init__(domain, None, **kwargs)
        settings = inner_settings(inner or {})
        inner_config = EndpointConfig.from_dict(settings)  # no type: in memory
        with schema_lock(settings):  # several workers start at once (addons/schema_lock.py)
            self.inner = create_tracker_store(inner_config, domain, event_broker)
            if settings.get("type") and isinstance(self.inner, InMemoryTrackerStore):
                # Rasa falls back to memory when the database is unreachable at start-up:
                # conversations would be lost without a word. Refuse to start instead.
                raise ConnectionError(
                    f"the tracker store ({settings.get('type')}) could not be reached; "
                    "refusing to keep conversations in memory (see the log above)"
                )
            sql = sql_store(self.inner)
            if sql is not None:
                add_event_indexes(sql)
        self.sql = WindowedSQLEvents(sql) if sql is not None else None
        if sql is not None:
            tune_sqlite(sql)

    @property
    def domain(self) -> Domain:
        return self._domain

    @domain.setter
    def domain(self, domain: Domain | None) -> None:
        self._domain = domain or Domain.empty()
        self.inner.domain = self._domain

    async def save(self, tracker: DialogueStateTracker) -> None:
        try:
            stored = getattr(tracker, STORED, None)
            if self.sql is not None and stored is not None:
                # a tracker we handed out: only its new events go to the database
                await self.sql.append(tracker, list(tracker.events)[stored:])
            else:
                await self.inner.save(redacted_tracker(tracker, self.domain))
        except Exception as error:
            self._reconnect()
            raise TrackerStoreUnavailable("save") from error
        if self.sql is not None:
            setattr(tracker, STORED, len(tracker.events))

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        try:
            if self.sql is not None:
                return self.sql.retrieve(sender_id, self.domain.slots)
            return mark_masked(await self.inner.retrieve(sender_id))
        except Exception as error:
            self._reconnect()
            raise TrackerStoreUnavailable("retrieve") from error

    def _reconnect(self) -> None:
        """After a failure, the next turn opens new connections, on both engines: the
        reads and inserts go through one, Rasa's saves of new conversations through the
        other, and a database restart leaves dead connections in both pools."""
        if self.sql is not None:
            self.sql.reconnect()

    async def retrieve_full_tracker(self, conversation_id: str) -> DialogueStateTracker | None:
        return await self.inner.retrieve_full_tracker(conversation_id)

    async def keys(self) -> Iterable[str]:
        return await self.inner.keys()

    async def exists(self, conversation_id: str) -> bool:
        return await self.inner.exists(conversation_id)
