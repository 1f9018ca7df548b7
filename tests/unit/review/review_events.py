"""Conversations written as Rasa 3.6 stores them (the ``as_dict`` of its events, in the
``events`` table of its SQL tracker store or a Redis value), for the review site's tests
and its bench (bench/bench_review.py). test_review_index.py checks the format against
Rasa's own SQL store."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import Column, Float, Integer, MetaData, String, Table, Text
from sqlalchemy.engine import Engine

events_metadata = MetaData()
EVENTS = Table(  # Rasa's SQLTrackerStore.SQLEvent
    "events",
    events_metadata,
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255), nullable=False, index=True),
    Column("type_name", String(255), nullable=False),
    Column("timestamp", Float),
    Column("intent_name", String(255)),
    Column("action_name", String(255)),
    Column("data", Text),
)


def user(
    text: str,
    intent: str,
    confidence: float = 0.9,
    at: float = 0.0,
    ranking: Iterable[tuple[str, float]] = (),
    entities: Iterable[dict[str, Any]] = (),
) -> dict[str, Any]:
    ranked = [{"name": name, "confidence": value} for name, value in ranking] or [
        {"name": intent, "confidence": confidence}
    ]
    return {
        "event": "user",
        "timestamp": at,
        "metadata": {},
        "text": text,
        "parse_data": {
            "intent": {"name": intent, "confidence": confidence},
            "entities": list(entities),
            "text": text,
            "message_id": "m",
            "metadata": {},
            "intent_ranking": ranked,
        },
        "input_channel": "rest",
        "message_id": "m",
    }


def action(name: str, at: float = 0.0) -> dict[str, Any]:
    return {
        "event": "action",
        "timestamp": at,
        "metadata": {},
        "name": name,
        "policy": "RulePolicy",
        "confidence": 1.0,
        "action_text": None,
        "hide_rule_turn": False,
    }


def bot(text: str, at: float = 0.0, buttons: Iterable[str] = ()) -> dict[str, Any]:
    return {
        "event": "bot",
        "timestamp": at,
        "metadata": {},
        "text": text,
        "data": {
            "elements": None,
            "quick_replies": None,
            "buttons": [{"title": title, "payload": f"/{title}"} for title in buttons],
            "attachment": None,
            "image": None,
            "custom": {"lang": "fr"},
        },
    }


def slot(name: str, value: Any, at: float = 0.0) -> dict[str, Any]:
    return {"event": "slot", "timestamp": at, "name": name, "value": value}


def simple(kind: str, at: float = 0.0) -> dict[str, Any]:
    """``rewind``, ``session_started``, ``restart``…"""
    return {"event": kind, "timestamp": at}


def start(at: float) -> list[dict[str, Any]]:
    """How Rasa opens a conversation: the session start, then it listens."""
    return [
        action("action_session_start", at),
        simple("session_started", at),
        action("action_listen", at),
    ]


def turn(
    text: str,
    intent: str,
    answer: str,
    at: float,
    actions: Iterable[str] = ("action_lookup_procedure",),
    confidence: float = 0.9,
    **user_fields: Any,
) -> list[dict[str, Any]]:
    """A message, the actions it runs (the last one answers), and the listen after."""
    events = [user(text, intent, confidence, at, **user_fields)]
    names = list(actions)
    for name in names:
        events.append(action(name, at + 0.1))
    events.append(bot(answer, at + 0.2))
    events.append(action("action_listen", at + 0.3))
    return events


def rows(sender: str, events: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """The ``events`` rows Rasa writes for these events."""
    for event in events:
        yield {
            "sender_id": sender,
            "type_name": event["event"],
            "timestamp": event.get("timestamp"),
            "intent_name": (event.get("parse_data") or {}).get("intent", {}).get("name"),
            "action_name": event.get("name"),
            "data": json.dumps(event),
        }


def write(engine: Engine, conversations: Iterable[tuple[str, list[dict[str, Any]]]]) -> None:
    """Appends conversations to a SQL tracker store (the table created if missing), their
    events in the order given."""
    events_metadata.create_all(engine)
    written = [row for sender, events in conversations for row in rows(sender, events)]
    if written:
        with engine.begin() as connection:
            connection.execute(EVENTS.insert(), written)


def redis_value(sender: str, events: list[dict[str, Any]]) -> bytes:
    """A conversation as Rasa's Redis store keeps it."""
    return json.dumps({"name": sender, "events": events}).encode()
