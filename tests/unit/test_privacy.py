"""Nothing keeps a NIR: the tracker store wrapper and the log redaction."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sqlite3
import uuid
from pathlib import Path

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from actions.log_redaction import install, redact_record
from addons.tracker_store import RedactingTrackerStore, redact_data

ROOT = Path(__file__).resolve().parents[2]
TYPED = ["1 85 05 78 006 084 45", "2.93.03.2A.115.123", "1-99-12-99-350-012-41", "185057800608445"]


def body(typed: str) -> str:
    return "".join(ch for ch in typed if ch.isalnum()).upper()[:13]


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "domain.yml"))


def tracker_with_nirs(domain: Domain, sender: str) -> DialogueStateTracker:
    tracker = DialogueStateTracker(sender, domain.slots)
    for typed in TYPED:
        tracker.update(
            UserUttered(
                f"voici mon numero {typed} il est bon ?",
                intent={"name": "check_nir", "confidence": 1.0},
                entities=[{"entity": "nir", "value": typed, "start": 17, "end": 17 + len(typed)}],
                parse_data={"text": f"numero {typed}", "metadata": {"raw": typed}},
                metadata={"echo": [typed]},
            )
        )
        tracker.update(ActionExecuted("action_check_nir"))
        tracker.update(BotUttered(f"Le numéro {typed} est bien formé"))
        tracker.update(SlotSet("nir_place", typed))
    return tracker


def leaked(text: str) -> list[str]:
    flat = "".join(ch for ch in text if ch.isalnum()).upper()
    return [typed for typed in TYPED if typed in text or body(typed) in flat]


def test_redact_data_masks_nested_strings_only() -> None:
    data = {"a": ["x 1 85 05 78 006 084 45"], "b": ("2850578006084",), "n": 3, "none": None}
    out = redact_data(data)
    assert out["n"] == 3 and out["none"] is None
    assert not leaked(str(out))


def test_sqlite_tracker_store_keeps_no_typed_number(domain: Domain, tmp_path: Path) -> None:
    db = tmp_path / "tracker.db"
    store = RedactingTrackerStore(domain, inner={"type": "SQL", "dialect": "sqlite", "db": str(db)})
    assert isinstance(store.inner, SQLTrackerStore)
    asyncio.run(store.save(tracker_with_nirs(domain, "alice")))
    with sqlite3.connect(db) as connection:
        rows = connection.execute("SELECT data FROM events WHERE sender_id = 'alice'").fetchall()
    dump = "\n".join(json.dumps(json.loads(row[0]), ensure_ascii=False) for row in rows)
    assert len(rows) >= 4 * len(TYPED)
    assert "••" in dump  # masked, not dropped
    assert leaked(dump) == []
    back = asyncio.run(store.retrieve("alice"))
    assert back is not None and back.get_slot("nir_place").startswith(TYPED[-1][:1])
    with sqlite3.connect(db) as connection:
        indexes = {row[1] for row in connection.execute("PRAGMA index_list('events')")}
    assert {"ix_events_sender_type_timestamp", "ix_events_sender_id_id"} <= indexes
    with sqlite3.connect(db) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert leaked(str([e.as_dict() for e in back.events])) == []


def test_in_memory_store_for_rasa_shell_keeps_no_typed_number(domain: Domain) -> None:
    store = RedactingTrackerStore(domain)  # no inner store configured: in memory
    asyncio.run(store.save(tracker_with_nirs(domain, "bob")))
    back = asyncio.run(store.retrieve("bob"))
    assert back is not None
    assert leaked(str([e.as_dict() for e in back.events])) == []
    assert list(asyncio.run(store.keys())) == ["bob"]


def test_saving_twice_appends_only_the_new_events(domain: Domain, tmp_path: Path) -> None:
    db = tmp_path / "tracker.db"
    store = RedactingTrackerStore(domain, inner={"type": "SQL", "dialect": "sqlite", "db": str(db)})
    tracker = tracker_with_nirs(domain, "carol")
    asyncio.run(store.save(tracker))
    tracker.update(BotUttered("Autre chose ?"))
    asyncio.run(store.save(tracker))
    with sqlite3.connect(db) as connection:
        (count,) = connection.execute(
            "SELECT COUNT(*) FROM events WHERE sender_id = 'carol'"
        ).fetchone()
    assert count == len(tracker.events)


def test_log_records_are_redacted_at_every_level(caplog: pytest.LogCaptureFixture) -> None:
    install()
    install()  # idempotent
    logger = logging.getLogger("some.library")
    with caplog.at_level(logging.DEBUG):
        for level in (logging.DEBUG, logging.INFO, logging.WARNING, logging.ERROR):
            logger.log(level, "user said %s", "mon numero 1 85 05 78 006 084 45")
        try:
            raise ValueError("bad 2 93 03 2A 115 123")
        except ValueError:
            logger.exception("failed for %s", "185057800608445")
    text = caplog.text + "".join(r.exc_text or "" for r in caplog.records)
    assert "user said mon numero 1 85 05" in text  # the rest is masked
    assert leaked(text) == []


def test_a_malformed_record_is_still_redacted() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "%s %s", ("1850578006084",), None)
    assert "1850578006084" not in redact_record(record).msg


@pytest.mark.skipif(not os.environ.get("TEST_REDIS_URL"), reason="TEST_REDIS_URL not set")
def test_redis_tracker_store_keeps_no_typed_number(domain: Domain) -> None:
    from urllib.parse import urlparse

    import redis

    url = urlparse(os.environ["TEST_REDIS_URL"])
    prefix = f"test{uuid.uuid4().hex[:8]}"  # Rasa accepts alphanumeric prefixes only
    inner = {
        "type": "redis",
        "url": url.hostname,
        "port": url.port or 6379,
        "db": int((url.path or "/0").lstrip("/") or 0),
        "key_prefix": prefix,
    }
    store = RedactingTrackerStore(domain, inner=inner)
    asyncio.run(store.save(tracker_with_nirs(domain, "dave")))
    client = redis.Redis(host=url.hostname, port=url.port or 6379, db=inner["db"])
    try:
        keys = client.keys(f"{prefix}:*")
        assert keys
        dump = "\n".join(client.get(key).decode("utf-8") for key in keys)
        assert leaked(json.dumps(json.loads(dump), ensure_ascii=False)) == []
    finally:
        for key in client.keys(f"{prefix}:*"):
            client.delete(key)
