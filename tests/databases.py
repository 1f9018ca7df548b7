"""Throw-away PostgreSQL databases and a look into Rasa's events table, for the unit
and integration tests (TEST_POSTGRES_URL names the server; CI sets it)."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url

POSTGRES = os.environ.get("TEST_POSTGRES_URL")


@contextmanager
def scratch_postgres(prefix: str) -> Iterator[URL]:
    """A new, empty database on the TEST_POSTGRES_URL server, dropped afterwards even if
    a test made it refuse connections."""
    assert POSTGRES, "TEST_POSTGRES_URL not set"
    base = make_url(POSTGRES)
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT", future=True)
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def as_text(url: URL) -> str:
    return url.render_as_string(hide_password=False)


def stored_events(url: str, sender: str) -> list[dict]:
    """The events of one conversation in Rasa's SQL tracker store, in order."""
    engine = create_engine(url, future=True)
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT data FROM events WHERE sender_id = :s ORDER BY id"), {"s": sender}
        ).fetchall()
    engine.dispose()
    return [json.loads(row[0]) for row in rows]


def user_turns(events: list[dict]) -> list[str]:
    """The user messages of a conversation, each once: a message that Rasa's fallback
    reverted (a ``rewind`` event) is read again and stored again, as Rasa does."""
    texts: list[str] = []
    for event in events:
        if event["event"] == "user":
            texts.append(event["text"])
        elif event["event"] == "rewind":
            texts.pop()
    return texts


def turn_shape(events: list[dict]) -> list[str]:
    """ "user"/"listen" in order, reverted messages left out: two turns processed at once
    show as two "user" in a row."""
    shape: list[str] = []
    for event in events:
        if event["event"] == "user":
            shape.append("user")
        elif event["event"] == "rewind":
            shape.pop()  # the reverted message; the listen before it stays
        elif event.get("name") == "action_listen" and shape[-1:] != ["listen"]:
            shape.append("listen")
    return shape
