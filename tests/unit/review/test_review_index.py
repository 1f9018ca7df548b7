"""The review index, filled incrementally from a tracker store (review/index.py): SQLite
(and PostgreSQL when TEST_POSTGRES_URL is set) and Redis (a fake client; the real server
too when TEST_REDIS_URL is set)."""

from __future__ import annotations

import json
import os
import random
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from review_events import EVENTS, redis_value, simple, slot, start, turn, user, write
from sqlalchemy import create_engine, func, select
from sqlalchemy.engine import Engine

from addons.retention import erase
from review import index as index_module
from review import schema
from review.index import Indexer
from review.schema import review_engine
from review.stores import SqlEvents
from secu.dialogue.booking import REFERENCE, TO_CANCEL
from tests.databases import POSTGRES, as_text, scratch_postgres

THRESHOLD = 0.35
ZONE = "Europe/Paris"
T0 = 1_764_230_400.0  # 27 November 2025, 09:00 in Paris


@pytest.fixture(params=["sqlite", "postgresql"])
def stores(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, Engine]]:
    """A tracker store's URL and a review index, both on SQLite or both on PostgreSQL."""
    if request.param == "sqlite":
        yield (
            f"sqlite:///{tmp_path / 'tracker.db'}",
            review_engine(f"sqlite:///{tmp_path / 'r.db'}"),
        )
        return
    if not POSTGRES:
        pytest.skip("TEST_POSTGRES_URL not set")
    with ExitStack() as stack:
        tracker = as_text(stack.enter_context(scratch_postgres("rvtracker")))
        engine = review_engine(as_text(stack.enter_context(scratch_postgres("rvindex"))))
        yield tracker, engine
        engine.dispose()


def store_engine(url: str) -> Engine:
    return create_engine(url, future=True)


def totals(engine: Engine) -> dict[tuple[str, str], int]:
    """Every figure of the index, summed over the days (zeros left out)."""
    counts = schema.counts
    query = select(counts.c.kind, counts.c.key, func.sum(counts.c.n)).group_by(
        counts.c.kind, counts.c.key
    )
    with engine.connect() as connection:
        return {(kind, key): int(n) for kind, key, n in connection.execute(query) if n}


def day_figures(engine: Engine) -> dict[str, int]:
    return {key: n for (kind, key), n in totals(engine).items() if kind == "day"}


def turn_rows(engine: Engine, sender: str) -> list[Any]:
    query = (
        select(schema.turns).where(schema.turns.c.sender_id == sender).order_by(schema.turns.c.seq)
    )
    with engine.connect() as connection:
        return connection.execute(query).fetchall()


# -- generated conversations whose figures are known --------------------------------------


def generated(rng: random.Random, count: int) -> tuple[list[tuple[str, list[dict]]], Counter]:
    """``count`` conversations of random turns, and the figures they must give."""
    expected: Counter = Counter()
    conversations = []
    for number in range(count):
        at = T0 + number * 600.0
        events = start(at)
        expected["conversations"] += 1
        for step in range(rng.randint(1, 6)):
            at += 20.0
            kind = rng.choice(
                ["typed", "button", "fallback", "unsure", "handoff", "booking", "cancel"]
            )
            events += _turn(kind, at, step)
            expected["messages"] += 1 + (kind == "cancel")
            expected["buttons" if kind == "button" else "typed"] += 1
            expected["typed"] += kind == "cancel"
            expected["fallback"] += kind == "fallback"
            expected["not_understood"] += kind in ("fallback", "unsure")
            expected["handoffs"] += kind == "handoff"
            expected["booked"] += kind == "booking"
            expected["cancelled"] += kind == "cancel"
        conversations.append((f"gen-{number:05d}-{uuid.uuid4().hex[:8]}", events))
    return conversations, expected


def _turn(kind: str, at: float, step: int) -> list[dict]:
    if kind == "typed":
        return turn(f"ma question {step}", "carte_vitale", "Voici.", at)
    if kind == "button":
        return turn("/contact", "contact", "Appelez le 3646.", at, ["action_lookup_contact"], 1.0)
    if kind == "fallback":
        return turn(
            "bla bla", "nlu_fallback", "Vouliez-vous…", at, ["action_two_stage_fallback"], 0.35
        )
    if kind == "unsure":
        return turn("peut etre", "affirm", "Bien.", at, ["action_say_anything_else"], 0.2)
    if kind == "handoff":
        return turn("un humain", "human_handoff", "Le 3646.", at, ["action_say_human_handoff"])
    if kind == "booking":
        events = turn("oui", "affirm", "C'est noté !", at, ["appointment_form"])
        return [*events[:-1], slot(REFERENCE, "RDV-7K3F9Q", at + 0.25), events[-1]]
    ask = turn("annule le rdv", "cancel_appointment", "Sûr ?", at, ["action_cancel_appointment"])
    yes = turn("oui", "affirm", "Annulé.", at + 5, ["action_cancel_appointment"])
    return [*ask[:-1], slot(TO_CANCEL, "RDV-7K3F9Q", at + 0.25), ask[-1], *yes]


@pytest.mark.parametrize("batch", [7, 5000])
def test_the_index_counts_what_the_conversations_hold(
    stores: tuple[str, Engine], batch: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Small batches cut conversations, and turns, in the middle: same figures."""
    monkeypatch.setattr(index_module, "BATCH", batch)
    url, engine = stores
    conversations, expected = generated(random.Random(16), 40)
    write(store_engine(url), conversations)
    run = Indexer(engine, url, THRESHOLD, ZONE).run()
    assert run.events == sum(len(events) for _, events in conversations)
    assert day_figures(engine) == {key: n for key, n in expected.items() if n}
    assert sum(n for (kind, _), n in totals(engine).items() if kind == "ended") == 40


def test_running_twice_counts_nothing_twice_and_new_events_are_read(
    stores: tuple[str, Engine],
) -> None:
    url, engine = stores
    store = store_engine(url)
    indexer = Indexer(engine, url, THRESHOLD, ZONE)
    first = start(T0) + turn("bonjour", "greet", "Bonjour !", T0 + 1, ["action_greet"])
    write(store, [("alice-0123456789abcdef", first)])
    indexer.run()
    once = totals(engine)
    assert indexer.run().events == 0
    assert totals(engine) == once
    more = turn(
        "jsp quoi dire", "nlu_fallback", "Pardon ?", T0 + 60, ["action_two_stage_fallback"], 0.35
    )
    write(store, [("alice-0123456789abcdef", more), ("bob-0123456789abcdef", start(T0 + 99))])
    assert indexer.run().events == len(more) + 3
    after = day_figures(engine)
    assert (after["messages"], after["not_understood"], after["conversations"]) == (2, 1, 2)
    ended = {key: n for (kind, key), n in totals(engine).items() if kind == "ended"}
    assert ended == {"action_two_stage_fallback|pardon": 1, "-": 1}
    assert [row.seq for row in turn_rows(engine, "alice-0123456789abcdef")] == [0, 1]


def test_a_turn_read_in_the_middle_is_completed_by_the_next_run(stores: tuple[str, Engine]) -> None:
    url, engine = stores
    store = store_engine(url)
    indexer = Indexer(engine, url, THRESHOLD, ZONE)
    events = turn(
        "ma cart vital", "nlu_fallback", "Vouliez-vous…", T0, ["action_two_stage_fallback"], 0.35
    )
    write(store, [("carol-0123456789abcdef", events[:1])])
    indexer.run()
    assert day_figures(engine) == {
        "conversations": 1,
        "messages": 1,
        "typed": 1,
        "not_understood": 1,
    }
    write(store, [("carol-0123456789abcdef", events[1:])])
    indexer.run()
    assert day_figures(engine)["fallback"] == 1 and day_figures(engine)["not_understood"] == 1
    (row,) = turn_rows(engine, "carol-0123456789abcdef")
    assert json.loads(row.replies) == [["action_two_stage_fallback", "Vouliez-vous…", []]]


def test_conversations_gone_from_the_store_leave_the_index(stores: tuple[str, Engine]) -> None:
    url, engine = stores
    store = store_engine(url)
    write(
        store,
        [
            (f"dave-{n}-0123456789abcdef", turn("allo", "greet", "Oui ?", T0 + n, ["action_greet"]))
            for n in range(3)
        ],
    )
    indexer = Indexer(engine, url, THRESHOLD, ZONE, sync_seconds=0.0)
    indexer.run()
    erase(store, "dave-1-0123456789abcdef")
    assert indexer.run().removed == 1
    assert turn_rows(engine, "dave-1-0123456789abcdef") == []
    assert len(turn_rows(engine, "dave-0-0123456789abcdef")) == 1
    assert day_figures(engine)["messages"] == 3  # anonymous figures stay


def test_changing_the_threshold_rebuilds_the_index(stores: tuple[str, Engine]) -> None:
    url, engine = stores
    write(
        store_engine(url),
        [("erin-0123456789abcdef", turn("hmm", "greet", "Bonjour", T0, ["action_greet"], 0.5))],
    )
    Indexer(engine, url, THRESHOLD, ZONE).run()
    assert "not_understood" not in day_figures(engine)
    Indexer(engine, url, 0.6, ZONE).run()
    assert day_figures(engine)["not_understood"] == 1 and day_figures(engine)["messages"] == 1


def test_events_committed_late_are_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On PostgreSQL a lower id can commit after a higher one was read."""

    class OutOfOrder(SqlEvents):
        def __init__(self, url: str) -> None:
            super().__init__(url)
            self.out_of_order = True

    monkeypatch.setattr(index_module, "SqlEvents", OutOfOrder)
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    store = store_engine(url)
    engine = review_engine(f"sqlite:///{tmp_path / 'r.db'}")
    write(store, [])
    first = turn("un", "greet", "Bonjour", T0, ["action_greet"])
    late = turn("deux", "thank", "De rien", T0 + 1, ["action_say_thank"])
    rows = [
        dict(id=n + 1, sender_id="a-0123456789abcdef", type_name=e["event"], data=json.dumps(e))
        for n, e in enumerate(first)
    ]
    gap = len(first) + 1
    with store.begin() as connection:
        connection.execute(EVENTS.insert(), rows)
        later = dict(
            id=gap + 1,
            sender_id="b-0123456789abcdef",
            type_name="user",
            data=json.dumps(user("trois", "greet", 0.9, T0)),
        )
        connection.execute(EVENTS.insert(), [later])
    indexer = Indexer(engine, url, THRESHOLD, ZONE)
    indexer.run()
    assert day_figures(engine)["messages"] == 2
    with store.begin() as connection:  # the missing id commits now, with the late turn
        late_rows = [
            dict(id=gap, sender_id="c-0123456789abcdef", type_name="user", data=json.dumps(late[0]))
        ]
        connection.execute(EVENTS.insert(), late_rows)
    indexer.run()
    assert day_figures(engine)["messages"] == 3
    indexer.run()
    assert day_figures(engine)["messages"] == 3


def test_the_events_rasa_writes_are_read_as_written(tmp_path: Path) -> None:
    """Rasa's own SQL store (through our masking wrapper's inner store) writes what
    review_events.py writes."""
    import asyncio

    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    domain = Domain.load(str(Path(__file__).resolve().parents[3] / "domain.yml"))
    store = SQLTrackerStore(domain, dialect="sqlite", db=str(tmp_path / "tracker.db"))
    tracker = DialogueStateTracker("frank-0123456789abcdef", domain.slots)
    parse = {
        "intent": {"name": "human_handoff", "confidence": 0.91},
        "entities": [],
        "intent_ranking": [
            {"name": "human_handoff", "confidence": 0.91},
            {"name": "contact", "confidence": 0.05},
        ],
    }
    for event in (
        UserUttered("un humain au 06 12 34 56 78", parse["intent"], [], parse, timestamp=T0),
        ActionExecuted("action_say_human_handoff", timestamp=T0 + 1),
        BotUttered(
            "Appelez le 3646.",
            {"buttons": [{"title": "Merci", "payload": "/thank"}]},
            timestamp=T0 + 2,
        ),
        SlotSet("topic", "contact", timestamp=T0 + 3),
        ActionExecuted("action_listen", timestamp=T0 + 4),
    ):
        tracker.update(event)
    asyncio.run(store.save(tracker))
    engine = review_engine(f"sqlite:///{tmp_path / 'r.db'}")
    Indexer(engine, f"sqlite:///{tmp_path / 'tracker.db'}", THRESHOLD, ZONE).run()
    (row,) = turn_rows(engine, "frank-0123456789abcdef")
    assert (row.text, row.intent, row.confidence, row.handoff) == (
        "un humain au 06 •• •• •• 78",
        "human_handoff",
        0.91,
        True,
    )
    assert json.loads(row.ranking) == [["human_handoff", 0.91], ["contact", 0.05]]
    assert json.loads(row.replies) == [["action_say_human_handoff", "Appelez le 3646.", ["Merci"]]]
    assert json.loads(row.topics) == ["contact"]


# -- Redis ---------------------------------------------------------------------------------


class FakeRedis:
    """The few calls the review index makes, on a dict; counts the values read."""

    def __init__(self) -> None:
        self.values: dict[bytes, bytes] = {}
        self.gets = 0

    def scan_iter(self, match: str, count: int) -> Iterator[bytes]:
        prefix = match.rstrip("*").encode()
        return iter([key for key in self.values if key.startswith(prefix)])

    def pipeline(self, transaction: bool) -> FakeRedis._Pipeline:
        return FakeRedis._Pipeline(self)

    def close(self) -> None:
        pass

    class _Pipeline:
        def __init__(self, redis: FakeRedis) -> None:
            self.redis, self.calls = redis, []

        def strlen(self, key: bytes) -> None:
            self.calls.append(lambda: len(self.redis.values.get(key, b"")))

        def get(self, key: str) -> None:
            self.redis.gets += 1
            self.calls.append(lambda: self.redis.values.get(key.encode()))

        def execute(self) -> list[Any]:
            return [call() for call in self.calls]


@pytest.fixture
def fake_redis(monkeypatch: pytest.MonkeyPatch) -> FakeRedis:
    fake = FakeRedis()
    monkeypatch.setattr("review.stores.redis_client", lambda url: fake)
    return fake


def test_redis_only_changed_conversations_are_read_and_only_their_new_events(
    fake_redis: FakeRedis, tmp_path: Path
) -> None:
    engine = review_engine(f"sqlite:///{tmp_path / 'r.db'}")
    indexer = Indexer(engine, "redis://localhost:6379/0", THRESHOLD, ZONE, sync_seconds=0.0)
    alice = start(T0) + turn("bonjour", "greet", "Bonjour !", T0 + 1, ["action_greet"])
    bob = turn("un humain", "human_handoff", "Le 3646.", T0 + 5, ["action_say_human_handoff"])
    fake_redis.values[b"tracker:alice"] = redis_value("alice", alice)
    fake_redis.values[b"tracker:bob"] = redis_value("bob", bob)
    assert indexer.run().events == len(alice) + len(bob)
    fake_redis.gets = 0
    assert indexer.run().events == 0 and fake_redis.gets == 0
    more = turn(
        "et mon rdv", "nlu_fallback", "Pardon ?", T0 + 30, ["action_two_stage_fallback"], 0.3
    )
    fake_redis.values[b"tracker:alice"] = redis_value("alice", alice + more)
    assert indexer.run().events == len(more) and fake_redis.gets == 1
    assert day_figures(engine) == {
        "conversations": 2,
        "messages": 3,
        "typed": 3,
        "handoffs": 1,
        "fallback": 1,
        "not_understood": 1,
    }
    # erased, then a new conversation under the same id: read from its start
    fake_redis.values[b"tracker:alice"] = redis_value(
        "alice", turn("re", "greet", "Bonjour", T0 + 99, ["action_greet"])
    )
    indexer.run()
    assert [row.text for row in turn_rows(engine, "alice")] == ["re"]
    del fake_redis.values[b"tracker:bob"]
    assert indexer.run().removed == 1 and turn_rows(engine, "bob") == []


@pytest.mark.skipif(not os.environ.get("TEST_REDIS_URL"), reason="TEST_REDIS_URL not set")
def test_a_real_redis_store(tmp_path: Path) -> None:
    import redis

    url = os.environ["TEST_REDIS_URL"]
    client = redis.Redis.from_url(url)
    sender = f"review-{uuid.uuid4().hex}"
    events = start(T0) + turn("bonjour", "greet", "Bonjour !", T0 + 1, ["action_greet"])
    client.set(f"tracker:{sender}", redis_value(sender, events))
    try:
        engine = review_engine(f"sqlite:///{tmp_path / 'r.db'}")
        indexer = Indexer(engine, url, THRESHOLD, ZONE)
        indexer.run()
        assert [row.text for row in turn_rows(engine, sender)] == ["bonjour"]
        client.set(f"tracker:{sender}", redis_value(sender, [*events, simple("restart", T0 + 9)]))
        assert indexer.run().events == 1
    finally:
        client.delete(f"tracker:{sender}")


def test_an_empty_store_is_no_error(tmp_path: Path) -> None:
    engine = review_engine(f"sqlite:///{tmp_path / 'r.db'}")
    run = Indexer(engine, f"sqlite:///{tmp_path / 'none.db'}", THRESHOLD, ZONE).run()
    assert (run.events, run.conversations) == (0, 0)
