"""Nothing keeps a NIR: the tracker store wrapper and the log redaction."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sqlite3
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from addons.tracker_store import RedactingTrackerStore, redact_data
from secu.logs import install, redact_record, unescape
from tests.leaks import flat

ROOT = Path(__file__).resolve().parents[3]
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
    # the redaction acted where the numbers were: the masks are there, the numbers gone
    assert text.count("user said mon numero 1 85 05 •• ••• ••• ••") == 4
    assert "bad 2 93 03 •• ••• •••" in text and "failed for 1 85 05 ••" in text
    assert leaked(text) == []


def test_a_malformed_record_is_still_redacted() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "%s %s", ("1850578006084",), None)
    assert "1850578006084" not in redact_record(record).msg


# -- numbers in any shape (issue #11) --------------------------------------------------

NIR_INT = 193037511512328  # a valid NIR as a JSON number: /inform{"department": 193037511512328}
NIR_BODY = str(NIR_INT)[:13]


def test_redact_data_masks_nir_shaped_numbers_and_keys() -> None:
    data = {
        "entities": [{"entity": "department", "value": NIR_INT, "start": 8, "end": 23}],
        "slots": {"department": NIR_INT, "float": float(NIR_INT), "keyed": 1930375115123.28},
        NIR_INT: "an int key",
        "1 93 03 75 115 123 28": "a string key",
        "kept": {
            "timestamp": 1732719600.123,
            "confidence": 0.98,
            "start": 8,
            "flag": True,
            "off": False,
            "none": None,
            "zip": 75011,
            "seconds": 1732719600,
        },
    }
    out = redact_data(data)
    assert out["entities"][0]["value"] == "1 93 03 •• ••• ••• ••"
    assert out["entities"][0]["start"] == 8
    assert out["slots"]["department"] == out["slots"]["float"] == "1 93 03 •• ••• ••• ••"
    assert out["slots"]["keyed"] == "1 93 03 •• ••• ••• ••"
    assert out["1 93 03 •• ••• ••• ••"] == "a string key"
    assert out["kept"] == data["kept"]
    assert type(out["kept"]["flag"]) is bool and type(out["kept"]["seconds"]) is int
    assert NIR_BODY not in flat(json.dumps(out, ensure_ascii=False))
    assert NIR_BODY not in flat(str(out))


def test_a_json_number_in_a_payload_is_not_stored(domain: Domain, tmp_path: Path) -> None:
    db = tmp_path / "tracker.db"
    store = RedactingTrackerStore(domain, inner={"type": "SQL", "dialect": "sqlite", "db": str(db)})
    tracker = DialogueStateTracker("erin", domain.slots)
    payload = f'/inform{{"department": {NIR_INT}}}'
    entity = {"entity": "department", "value": NIR_INT, "start": 8, "end": 36}
    tracker.update(
        UserUttered(
            payload,
            intent={"name": "inform", "confidence": 1.0},
            entities=[entity],
            parse_data={"text": payload, "entities": [entity]},
            metadata={"number": NIR_INT, "as_float": float(NIR_INT), str(NIR_INT): 1},
        )
    )
    tracker.update(SlotSet("department", NIR_INT))
    tracker.update(SlotSet("session_started_metadata", {"n": [NIR_INT], NIR_INT: True}))
    tracker.update(ActionExecuted("action_listen"))
    asyncio.run(store.save(tracker))
    with sqlite3.connect(db) as connection:
        rows = [json.loads(row[0]) for row in connection.execute("SELECT data FROM events")]
    dump = json.dumps(rows)
    assert "1 93 03 •• ••• ••• ••" in json.dumps(rows, ensure_ascii=False)
    assert NIR_BODY not in flat(dump)
    assert all(isinstance(row["timestamp"], float) for row in rows)  # timestamps untouched


NBSP_TYPED = "1\u00a093\u00a003\u00a075\u00a0115\u00a0123\u00a028"
FULLWIDTH_TYPED = "１ ９３ ０３ ７５ １１５ １２３ ２８"


@pytest.mark.parametrize(
    "logged",
    [
        NBSP_TYPED,
        FULLWIDTH_TYPED,
        "1\u202f93\u202f03\u202f75\u202f115\u202f123\u202f28",
        "1\u201393\u201303\u201375\u2013115\u2013123\u201328",
        "١ ٩٣ ٠٣ ٧٥ ١١٥ ١٢٣ ٢٨",
        "1930375115123.28",
        "1\t93\t03\t75\t115\t123\t28",
    ],
)
@pytest.mark.parametrize(
    "encode",
    [
        lambda text: text,
        json.dumps,  # ensure_ascii: "\u00a0", "\uff11"
        lambda text: json.dumps({"text": text}),
        lambda text: json.dumps(json.dumps({"text": text})),  # escaped twice: "\\u00a0"
        repr,  # "\xa0", "\u202f", "\t"
        ascii,
        lambda text: repr(text.encode("utf-8")),  # b'1\xc2\xa093...'
    ],
)
def test_escaped_numbers_in_log_records_are_masked(logged: str, encode: Any) -> None:
    install()
    encoded = encode(logged)
    assert NIR_BODY in flat(encoded)  # the test itself reads through the escapes
    record = logging.LogRecord("rasa", logging.ERROR, __file__, 1, "answer: %s", (encoded,), None)
    assert NIR_BODY not in flat(redact_record(record).msg)
    try:
        raise ValueError(encoded)
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "x", None, sys.exc_info())
    record.stack_info = f"Stack (most recent call last):\n  {encoded}"
    redact_record(record)
    assert NIR_BODY not in flat(record.exc_text or "")
    assert NIR_BODY not in flat(record.stack_info)


def test_rasa_error_line_with_the_action_server_body(caplog: pytest.LogCaptureFixture) -> None:
    install()
    body = json.dumps({"text": "Votre numéro 1\u00a085\u00a005\u00a078\u00a0006\u00a0084\u00a045"})
    with caplog.at_level(logging.ERROR):
        logging.getLogger("rasa.core.actions.action").error(
            "Failed to run custom action 'action_check_nir'. Action server responded with a "
            "non 200 status code of 500. Make sure your action server properly runs actions "
            f"and returns a 200 once the action is executed. Error: {body}"
        )
    assert "1\\u00a085" not in caplog.text
    assert leaked(caplog.text) == [] and "1850578006084" not in flat(caplog.text)


def test_escapes_without_a_number_are_left_as_they_are() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "%s", ('"caf\\u00e9 1\\t2"',), None)
    assert redact_record(record).msg == '"caf\\u00e9 1\\t2"'
    assert unescape("caf\\u00e9\\x41\\t\\ud835\\udfcf") == "caféA\t𝟏"


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
