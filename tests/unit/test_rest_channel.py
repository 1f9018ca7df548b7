"""What the REST channel accepts, before anything reaches Rasa."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from addons.rest_channel import MAX_MESSAGE_CHARS, clean_message, parse_body
from addons.tracker_store import inner_settings


class BrokenJson:
    @property
    def json(self) -> Any:
        raise ValueError("malformed JSON")


@pytest.mark.parametrize(
    "body",
    [
        None,
        [],
        "bonjour",
        {"message": "x"},
        {"sender": "", "message": "x"},
        {"sender": "s", "message": 3},
        {"sender": ["s"], "message": "x"},
        {"sender": "s" * 300, "message": "x"},
    ],
)
def test_bodies_that_are_refused(body: Any) -> None:
    assert parse_body(SimpleNamespace(json=body)) is None
    assert parse_body(BrokenJson()) is None


def test_a_valid_body_with_its_metadata() -> None:
    body = {"sender": 12, "message": " bonjour ", "metadata": {"page": "/"}}
    assert parse_body(SimpleNamespace(json=body)) == ("12", "bonjour", {"page": "/"})
    assert (
        parse_body(SimpleNamespace(json={"sender": "a", "message": "b", "metadata": 3}))[2] is None
    )


def test_messages_are_cleaned_and_cut() -> None:
    assert clean_message("bon\x00jour\x1b\u200b\u202e") == "bonjour"
    assert clean_message("ligne 1\nligne 2\tfin") == "ligne 1 ligne 2 fin"
    assert clean_message("👍 مرحبا 你好") == "👍 مرحبا 你好"
    assert len(clean_message("a" * 100_000)) == MAX_MESSAGE_CHARS


@pytest.mark.parametrize(
    ("inner", "expected"),
    [
        ({"url": "sqlite:////tmp/t.db"}, {"type": "SQL", "dialect": "sqlite", "db": "/tmp/t.db"}),
        (
            {"url": "postgresql://bot:secret@db:5433/conv"},
            {
                "type": "SQL",
                "dialect": "postgresql",
                "url": "db",
                "db": "conv",
                "port": 5433,
                "username": "bot",
                "password": "secret",
            },
        ),
        ({"url": "redis://cache:6380/2"}, {"type": "redis", "url": "cache", "port": 6380, "db": 2}),
        (
            {"type": "SQL", "dialect": "sqlite", "db": "x.db"},
            {"type": "SQL", "dialect": "sqlite", "db": "x.db"},
        ),
    ],
)
def test_tracker_store_urls(inner: dict, expected: dict) -> None:
    assert inner_settings(inner) == expected
