"""Retention (purge) and erasure of conversations, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import create_engine, text

from addons.retention import DAY, erase, main, purge
from tests.databases import POSTGRES, as_text, scratch_postgres

ROOT = Path(__file__).resolve().parents[2]


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
    from actions.settings import get_settings

    monkeypatch.setenv("TRACKER_STORE_URL", f"sqlite:///{tmp_path / 'none.db'}")
    get_settings.cache_clear()
    try:
        assert main(["purge"]) == 0
        assert "purged 0 conversation(s) idle for more than 30 days" in capsys.readouterr().out
        assert main(["erase", "x"]) == 0
        assert "erased 0 event(s)" in capsys.readouterr().out
    finally:
        get_settings.cache_clear()


def test_a_retention_below_one_day_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="at least one day"):
        purge(create_engine(f"sqlite:///{tmp_path / 'x.db'}", future=True), 0)
