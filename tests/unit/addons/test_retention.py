"""Retention (purge) and erasure of conversations, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import create_engine, text

from addons.retention import (
    DAY,
    erase,
    erase_everything,
    main,
    purge,
    purge_everything,
    redis_erase,
    redis_purge,
)
from secu.agenda import service
from secu.agenda.setup import setup as setup_agenda
from secu.knowledge.db import make_engine, session_scope
from secu.knowledge.loader import load
from tests.bookings import book_first_free
from tests.databases import POSTGRES, as_text, scratch_postgres

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[SQLTrackerStore, str]]:
    domain = Domain.load(str(ROOT / "domain.yml"))
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'tracker.db'}"
        yield SQLTrackerStore(domain, dialect="sqlite", db=str(tmp_path / "tracker.db")), url
        return
    if not POSTGRES:
        pytest.skip("TEST_POSTGRES_URL not set")
    with scratch_postgres("retention") as database:
        tracker_store = SQLTrackerStore(
            domain,
            dialect="postgresql",
            host=database.host,
            port=database.port,
            db=database.database,
            username=database.username,
            password=database.password,
        )
        try:
            yield tracker_store, as_text(database)
        finally:
            tracker_store.engine.dispose()


def conversation(store: SQLTrackerStore, sender: str, *turns: float) -> None:
    tracker = DialogueStateTracker(sender, [])
    for at in turns:
        tracker.update(UserUttered("bonjour", {"name": "greet", "confidence": 1.0}, timestamp=at))
        tracker.update(ActionExecuted("action_greet", timestamp=at + 1))
    asyncio.run(store.save(tracker))


def senders(url: str) -> set[str]:
    engine = create_engine(url, future=True)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT DISTINCT sender_id FROM events")).fetchall()
    engine.dispose()
    return {row[0] for row in rows}


def test_purge_deletes_only_conversations_past_the_retention(store) -> None:
    tracker_store, url = store
    now = time.time()
    conversation(tracker_store, "old", now - 40 * DAY)
    conversation(tracker_store, "recent", now - 2 * DAY)
    conversation(tracker_store, "old-but-active", now - 60 * DAY, now - 1 * DAY)
    engine = create_engine(url, future=True)
    assert purge(engine, 30, now=now) == ["old"]
    assert senders(url) == {"recent", "old-but-active"}
    assert purge(engine, 30, now=now) == []
    engine.dispose()


def test_erase_deletes_one_conversation(store) -> None:
    tracker_store, url = store
    conversation(tracker_store, "alice", time.time())
    conversation(tracker_store, "bob", time.time())
    engine = create_engine(url, future=True)
    assert erase(engine, "alice") == 2
    assert erase(engine, "nobody") == 0
    assert senders(url) == {"bob"}
    engine.dispose()


def test_commands_on_an_empty_database_say_so(tmp_path: Path, monkeypatch, capsys) -> None:
    from secu.settings import get_settings

    monkeypatch.setenv("TRACKER_STORE_URL", f"sqlite:///{tmp_path / 'none.db'}")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'nothing.db'}")
    get_settings.cache_clear()
    try:
        assert main(["purge"]) == 0
        out = capsys.readouterr().out
        assert "purged 0 conversation(s) idle for more than 30 days" in out
        assert "0 booking(s)" in out
        assert main(["erase", "x"]) == 0
        assert "erased 0 event(s)" in capsys.readouterr().out
    finally:
        get_settings.cache_clear()


def test_a_retention_below_one_day_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="at least one day"):
        purge(create_engine(f"sqlite:///{tmp_path / 'x.db'}", future=True), 0)


# -- everything kept about a person: the conversation and its bookings ------------------

PHONE_TYPED = "06 12 34 56 78"
PHONE_DIGITS = ("612345678", "6 12 34 56 78", "6\\u00a012")  # in any stored spelling


def agenda_in(url: str) -> None:
    engine = make_engine(url)
    load(engine, ROOT / "data" / "knowledge", ROOT / "data" / "geo")
    setup_agenda(engine, ROOT / "data" / "agenda" / "agenda.yml")
    engine.dispose()


def book(url: str, sender: str, now: dt.datetime, department: str = "33") -> str:
    engine = make_engine(url)
    with session_scope(engine) as session:
        booking = book_first_free(
            session,
            sender,
            now,
            department=department,
            reason="carte_vitale",
            channel="phone",
            phone="+33612345678",
        )
    engine.dispose()
    return booking.reference


def bookings(url: str) -> dict[str, str | None]:
    engine = make_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT conversation_id, phone FROM ag_booking")).fetchall()
    engine.dispose()
    return {row[0]: row[1] for row in rows}


def typed_phone(store: SQLTrackerStore, sender: str) -> None:
    tracker = DialogueStateTracker(sender, [])
    tracker.update(UserUttered(PHONE_TYPED, {"name": "inform", "confidence": 1.0}))
    tracker.update(ActionExecuted("action_listen"))
    asyncio.run(store.save(tracker))


def files_of(url: str) -> bytes:
    """Every byte SQLite keeps for a database: the file, its write-ahead log, its journal."""
    path = Path(make_url_database(url))
    return b"".join(
        candidate.read_bytes()
        for candidate in (path, Path(f"{path}-wal"), Path(f"{path}-journal"))
        if candidate.exists()
    )


def make_url_database(url: str) -> str:
    from sqlalchemy.engine import make_url

    return str(make_url(url).database)


def test_erase_deletes_the_conversation_and_its_bookings_with_the_phone(store) -> None:
    tracker_store, url = store
    agenda_in(url)
    now = dt.datetime.now(dt.timezone.utc)
    typed_phone(tracker_store, "alice-conversation")
    typed_phone(tracker_store, "bob-conversation")
    book(url, "alice-conversation", now)
    book(url, "alice-conversation", now, department="69")
    bob = book(url, "bob-conversation", now)
    done = erase_everything(url, url, "alice-conversation")
    assert (done.conversations, done.events, done.bookings) == (1, 2, 2)
    assert bookings(url) == {"bob-conversation": "+33612345678"}  # the others are untouched
    assert senders(url) == {"bob-conversation"}
    engine = make_engine(url)
    with session_scope(engine) as session:
        assert [b.reference for b in service.bookings_of(session, "bob-conversation")] == [bob]
        # alice's times are free again
        agency = service.agency_for_department(session, "69")
        reason = service.reason(session, "carte_vitale")
        assert agency and reason
        assert service.free_times(session, agency, "phone", reason, now, limit=1)
    engine.dispose()
    if url.startswith("sqlite"):
        erase_everything(url, url, "bob-conversation")
        tracker_store.engine.dispose()
        raw = files_of(url)
        assert all(spelling.encode() not in raw for spelling in PHONE_DIGITS)
        assert b"alice-conversation" not in raw and b"bob-conversation" not in raw


def test_purge_deletes_bookings_past_the_retention(store) -> None:
    _, url = store
    agenda_in(url)
    long_ago = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=45)
    book(url, "old-conversation", long_ago)
    recent = book(url, "recent-conversation", dt.datetime.now(dt.timezone.utc))
    done = purge_everything(url, url, 30)
    assert done.bookings == 1
    assert set(bookings(url)) == {"recent-conversation"}
    assert recent  # kept
    # a booking cancelled long ago goes too, even if its time was to come
    engine = make_engine(url)
    with session_scope(engine) as session:
        cancelled = service.cancel(session, "recent-conversation", recent, long_ago)
        assert cancelled is not None
    engine.dispose()
    assert purge_everything(url, url, 30).bookings == 1
    assert bookings(url) == {}


REDIS = os.environ.get("TEST_REDIS_URL")


@pytest.mark.skipif(not REDIS, reason="TEST_REDIS_URL not set")
def test_erase_and_purge_on_the_redis_tracker_store() -> None:
    import json as json_module

    import redis

    client = redis.Redis.from_url(REDIS)
    prefix = f"tracker:retention-{uuid.uuid4().hex[:8]}-"
    now = time.time()
    for name, at in (("old", now - 40 * DAY), ("recent", now - DAY)):
        client.set(prefix + name, json_module.dumps({"events": [{"timestamp": at}] * 3}))
    try:
        assert redis_erase(client, prefix[len("tracker:") :] + "recent") == 3
        assert client.get(prefix + "recent") is None
        purged = redis_purge(client, 30, now=now)
        assert prefix[len("tracker:") :] + "old" in purged
        assert client.get(prefix + "old") is None
    finally:
        client.delete(prefix + "old", prefix + "recent")
