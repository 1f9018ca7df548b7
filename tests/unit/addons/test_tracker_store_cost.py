"""A save to a store that writes the whole conversation (Redis, in memory) masks only
the new turn: a long conversation never makes the masking run for seconds."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

import addons.tracker_store as tracker_store
from addons.sql_engines import autocommit_engine
from addons.tracker_store import RedactingTrackerStore
from tests.databases import new_store_url

ROOT = Path(__file__).resolve().parents[3]
NIR = "1 85 05 78 006 084 45"


def turn(tracker: DialogueStateTracker, text: str) -> None:
    tracker.update(UserUttered(text, {"name": "greet", "confidence": 1.0}))
    tracker.update(ActionExecuted("action_greet"))
    tracker.update(BotUttered("Bonjour !"))
    tracker.update(ActionExecuted("action_listen"))


def test_only_the_new_events_are_masked_on_save(monkeypatch: pytest.MonkeyPatch) -> None:
    domain = Domain.load(str(ROOT / "domain.yml"))
    store = RedactingTrackerStore(domain)  # in memory, like rasa shell; Redis works alike
    tracker = DialogueStateTracker("long-conversation", domain.slots)
    for index in range(200):
        turn(tracker, f"message {index}, mon numero {NIR}")
    asyncio.run(store.save(tracker))

    masked = []
    original = tracker_store.redact_data

    def counting(value: object) -> object:
        if isinstance(value, dict) and "event" in value:  # a whole event, not its parts
            masked.append(value["event"])
        return original(value)

    monkeypatch.setattr(tracker_store, "redact_data", counting)
    again = asyncio.run(store.retrieve("long-conversation"))
    assert again is not None
    turn(again, f"et encore {NIR}")
    asyncio.run(store.save(again))
    assert len(masked) == 4  # the new turn's four events, not the 800 before them

    stored = asyncio.run(store.retrieve("long-conversation"))
    assert stored is not None
    texts = [e.text for e in stored.events if isinstance(e, UserUttered)]
    assert len(texts) == 201 and texts[-1].startswith("et encore 1 85 05 ••")
    assert all("006 084" not in text for text in texts)


def test_a_tracker_saved_twice_in_a_turn_is_masked_both_times() -> None:
    domain = Domain.load(str(ROOT / "domain.yml"))
    store = RedactingTrackerStore(domain)
    tracker = DialogueStateTracker("twice", domain.slots)
    turn(tracker, "bonjour")
    asyncio.run(store.save(tracker))
    again = asyncio.run(store.retrieve("twice"))
    assert again is not None
    turn(again, f"voici {NIR}")
    asyncio.run(store.save(again))
    turn(again, f"et {NIR}")  # the same object, saved again with raw text in memory
    asyncio.run(store.save(again))
    stored = asyncio.run(store.retrieve("twice"))
    assert stored is not None
    assert all("006 084" not in str(e.as_dict()) for e in stored.events)


def test_a_sqlite_store_keeps_its_connection_between_turns(tmp_path: Path) -> None:
    """SQLAlchemy 1.4 would open and close the file for every session (two a turn)."""
    from sqlalchemy import event

    domain = Domain.load(str(ROOT / "domain.yml"))
    db = tmp_path / "tracker.db"
    store = RedactingTrackerStore(domain, inner={"type": "SQL", "dialect": "sqlite", "db": str(db)})
    opened: list[object] = []
    event.listen(store.sql.store.engine, "connect", lambda *_: opened.append(1))
    tracker = DialogueStateTracker("pooled", domain.slots)
    for index in range(20):
        turn(tracker, f"message {index}")
        asyncio.run(store.save(tracker))
        back = asyncio.run(store.retrieve("pooled"))
        assert back is not None and len(back.events) == len(tracker.events)
    assert len(opened) == 1
    with store.sql.store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_a_turn_is_one_insert_and_a_read_one_select(tmp_path: Path) -> None:
    """The SQL a turn costs (Core statements, not one ORM object a row), and the columns
    Rasa's own store fills: event type, intent and action names, the masked event."""
    from sqlalchemy import event

    domain = Domain.load(str(ROOT / "domain.yml"))
    db = tmp_path / "tracker.db"
    store = RedactingTrackerStore(domain, inner={"type": "SQL", "dialect": "sqlite", "db": str(db)})
    statements: list[str] = []
    event.listen(
        store.sql.store.engine,
        "before_cursor_execute",
        lambda _c, _cur, statement, *_: statements.append(statement.split()[0].upper()),
    )
    tracker = DialogueStateTracker("counted", domain.slots)
    asyncio.run(store.save(tracker))
    tracker = asyncio.run(store.retrieve("counted")) or tracker
    for index in range(3):
        statements.clear()
        turn(tracker, f"message {index}, mon numero {NIR}")
        asyncio.run(store.save(tracker))
        assert statements == ["INSERT"]  # the turn's 4 events in one statement
        statements.clear()
        tracker = asyncio.run(store.retrieve("counted"))
        assert tracker is not None and statements == ["SELECT"]  # from the session start
    with store.sql.store.engine.connect() as connection:
        rows = connection.exec_driver_sql(
            "SELECT type_name, intent_name, action_name, data FROM events ORDER BY id"
        ).all()
    assert [row[:3] for row in rows[:4]] == [
        ("user", "greet", None),
        ("action", None, "action_greet"),
        ("bot", None, None),
        ("action", None, "action_listen"),
    ]
    assert len(rows) == 12 and not any("006 084" in row[3] for row in rows)
    assert "message 2" in rows[8][3]


def test_on_postgresql_a_turn_is_two_statements_outside_any_transaction(tmp_path: Path) -> None:
    """No BEGIN, COMMIT or ROLLBACK around them (each one more wait for PostgreSQL): the
    read and the insert each run alone, on connections in autocommit."""
    from sqlalchemy import event

    domain = Domain.load(str(ROOT / "domain.yml"))
    with new_store_url("postgresql", tmp_path, "trips") as url:
        store = RedactingTrackerStore(domain, inner={"url": url})
        tracker = DialogueStateTracker.from_events(
            "trips", [ActionExecuted("action_session_start"), SessionStarted()], domain.slots
        )
        asyncio.run(store.save(tracker))
        tracker = asyncio.run(store.retrieve("trips")) or tracker
        sent: list[tuple[str, bool]] = []

        def record(connection, _cursor, statement, *_: object) -> None:
            dbapi = connection.connection.dbapi_connection
            sent.append((statement.split()[0].upper(), dbapi.autocommit))

        autocommit = autocommit_engine(store.sql.store.engine.url)
        for engine in (autocommit, store.sql.store.engine):
            event.listen(engine, "before_cursor_execute", record)
        for index in range(3):
            sent.clear()
            turn(tracker, f"message {index}")
            asyncio.run(store.save(tracker))
            tracker = asyncio.run(store.retrieve("trips"))
            assert tracker is not None and tracker.latest_message.text == f"message {index}"
            assert sent == [("INSERT", True), ("SELECT", True)]
        # a save too large for one statement is one transaction
        sent.clear()
        for index in range(130):  # 520 events
            turn(tracker, f"long {index}")
        asyncio.run(store.save(tracker))
        assert sent == [("INSERT", False)]
        back = asyncio.run(store.retrieve("trips"))
        assert back is not None and back.latest_message.text == "long 129"
        for engine in (autocommit, store.sql.store.engine):
            event.remove(engine, "before_cursor_execute", record)
        autocommit.dispose()


def test_after_a_database_restart_one_failed_turn_and_both_engines_reconnect(
    tmp_path: Path,
) -> None:
    """PostgreSQL's connections cut (a restart): the turn that meets a dead connection
    fails (the user is told), then every kind of turn works again: reads and inserts
    (our engine) and the first save of a new conversation (Rasa's engine)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    domain = Domain.load(str(ROOT / "domain.yml"))
    with new_store_url("postgresql", tmp_path, "restart") as url:
        store = RedactingTrackerStore(domain, inner={"url": url})
        opening = [ActionExecuted("action_session_start"), SessionStarted()]
        for sender in ("known", "first"):  # both engines hold a pooled connection
            asyncio.run(store.save(DialogueStateTracker.from_events(sender, opening, domain.slots)))
        assert asyncio.run(store.retrieve("known")) is not None
        admin = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
                {"n": make_url(url).database},
            )
        admin.dispose()
        with pytest.raises(tracker_store.TrackerStoreUnavailable):
            asyncio.run(store.retrieve("known"))
        new = DialogueStateTracker.from_events("new", opening, domain.slots)
        asyncio.run(store.save(new))  # Rasa's engine: reconnected too
        tracker = asyncio.run(store.retrieve("known"))
        assert tracker is not None
        turn(tracker, "encore là")
        asyncio.run(store.save(tracker))
        back = asyncio.run(store.retrieve("known"))
        assert back is not None and back.latest_message.text == "encore là"
        assert asyncio.run(store.retrieve("new")) is not None
        autocommit_engine(store.sql.store.engine.url).dispose()
