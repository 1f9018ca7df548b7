"""What the REST channel accepts, before anything reaches Rasa."""

from __future__ import annotations

import asyncio
import json
from types import SimpleNamespace
from typing import Any

import pytest
from sanic import Sanic
from sanic.exceptions import PayloadTooLarge

from addons.rest_channel import (
    BAD_REQUEST,
    BAD_SENDER,
    DEGRADED_HEADER,
    MAX_BODY_BYTES,
    MAX_MESSAGE_CHARS,
    answer,
    cap_request_size,
    clean_message,
    is_valid_sender,
    parse_body,
)
from addons.tracker_store import TrackerStoreUnavailable, inner_settings


class BrokenJson:
    @property
    def json(self) -> Any:
        raise ValueError("malformed JSON")


SENDER = "3f1c2b6e-9a4d-4c1e-8f7a-0b5d2e6c9a11"


@pytest.mark.parametrize(
    "body",
    [
        None,
        [],
        "bonjour",
        {"message": "x"},
        {"sender": "", "message": "x"},
        {"sender": SENDER, "message": 3},
        {"sender": SENDER, "message": None},
    ],
)
def test_bodies_that_are_refused(body: Any) -> None:
    assert parse_body(SimpleNamespace(json=body)) == BAD_REQUEST
    assert parse_body(BrokenJson()) == BAD_REQUEST


@pytest.mark.parametrize(
    "sender",
    [
        "1",
        12,
        True,
        1.5,
        ["s" * 20],
        {"id": "s" * 20},
        "a" * 15,  # too short to be a key nobody can guess
        "a" * 129,
        "conversation\x00-0000000",
        "conversation\u0000-0000000",
        "conversation 0000000000",
        "conversation/../../etc",
        "conversation-é-00000000",
        "<script>alert(1)</script>",
    ],
)
def test_conversation_ids_that_are_refused(sender: Any) -> None:
    assert not is_valid_sender(sender)
    assert parse_body(SimpleNamespace(json={"sender": sender, "message": "x"})) == BAD_SENDER


@pytest.mark.parametrize(
    "sender",
    [SENDER, "3f1c2b6e9a4d4c1e8f7a0b5d2e6c9a11", "widget:2026-11-28.abc_DEF", "a" * 128],
)
def test_conversation_ids_that_are_accepted(sender: str) -> None:
    assert parse_body(SimpleNamespace(json={"sender": sender, "message": " bonjour "})) == (
        sender,
        "bonjour",
    )


def test_metadata_is_dropped() -> None:
    body = {"sender": SENDER, "message": "b", "metadata": {"page": "/", "big": "x" * 10_000}}
    assert parse_body(SimpleNamespace(json=body)) == (SENDER, "b")


def test_the_rasa_server_refuses_big_bodies_with_a_json_413() -> None:
    app = Sanic("size_cap_test")
    cap_request_size(app)
    assert app.config.REQUEST_MAX_SIZE == MAX_BODY_BYTES == 64 * 1024
    handler = app.error_handler.lookup(PayloadTooLarge("too big"), None)
    answer = asyncio.run(handler(None, PayloadTooLarge("too big")))
    assert answer.status == 413
    assert "trop volumineuse" in json.loads(answer.body)["error"]


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


async def _no_answer(message) -> None:  # the action server failed: nothing was said
    return None


async def _too_slow(message) -> None:
    await asyncio.sleep(5)


async def _store_down(message) -> None:
    raise TrackerStoreUnavailable("retrieve")


async def _crash(message) -> None:
    raise RuntimeError("boom")


async def _answers(message) -> None:
    await message.output_channel.send_text_message(message.sender_id, "Bonjour !")


@pytest.mark.parametrize(
    ("handler", "why"),
    [(_no_answer, "no-answer"), (_too_slow, "timeout"), (_store_down, "store"), (_crash, "error")],
)
def test_the_apology_is_french_and_marked_as_degraded(handler, why: str) -> None:
    reply = asyncio.run(answer(handler, SENDER, "bonjour", "rest", timeout=0.2))
    assert reply.status == 200
    assert reply.headers[DEGRADED_HEADER] == why
    [message] = json.loads(reply.body)
    assert message["text"].startswith("Désolé, un souci technique")
    assert "3646 (service gratuit + prix de l'appel)" in message["text"]


def test_a_real_answer_is_not_marked() -> None:
    reply = asyncio.run(answer(_answers, SENDER, "bonjour", "rest", timeout=2))
    assert DEGRADED_HEADER not in reply.headers
    assert json.loads(reply.body)[0]["text"] == "Bonjour !"
