"""Throw-away PostgreSQL databases and a look into Rasa's events table, for the unit
and integration tests (TEST_POSTGRES_URL names the server; CI sets it)."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
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


@contextmanager
def new_store_url(kind: str, folder: Path, prefix: str) -> Iterator[str]:
    """The URL of a new, empty conversation store: a SQLite file in ``folder``, or a
    scratch PostgreSQL database (the test skipped without TEST_POSTGRES_URL)."""
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'tracker.db'}"
        return
    if not POSTGRES:
        pytest.skip("TEST_POSTGRES_URL not set")
    with scratch_postgres(prefix) as url:
        yield as_text(url)


def stored_events(url: str, sender: str) -> list[dict]:
    """The events of one conversation in Rasa's SQL tracker store, in order."""
    engine = create_engine(url, future=True)
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT data FROM events WHERE sender_id = :s ORDER BY id"), {"s": sender}
        ).fetchall()
    engine.dispose()
    return [json.loads(row[0]) for row in rows]


def _messages(events: list[dict]) -> Iterator[tuple[str, dict]]:
    """("user", event) for each message the user sent, ("listen", event) for each time
    the bot waited. Rasa's two-stage fallback stores a clarified message a second time,
    after a ``rewind``: that copy is not a new message and is left out. A message the
    fallback gave up on is rewound out of Rasa's dialogue history but stays in the
    store, and is counted: the user did send it."""
    last_text: str | None = None
    rewound = False
    for event in events:
        if event["event"] == "rewind":
            rewound = True
        elif event["event"] == "user":
            if not (rewound and event.get("text") == last_text):
                yield "user", event
            last_text, rewound = event.get("text"), False
        elif event.get("name") == "action_listen":
            yield "listen", event


def user_turns(events: list[dict]) -> list[str]:
    """What the user said, in the order the assistant handled it, each message once."""
    return [event["text"] for kind, event in _messages(events) if kind == "user"]


def turn_shape(events: list[dict]) -> list[str]:
    """ "user"/"listen" in order, repeated listens folded: two messages handled at once
    show as two "user" in a row."""
    shape: list[str] = []
    for kind, _ in _messages(events):
        if kind == "user" or shape[-1:] != ["listen"]:
            shape.append(kind)
    return shape
