"""Conversations from the user's own words (issue #14): each conversation of tests/e2e/*.yml
is typed into the real assistant through the REST channel (the trained NLU, the dialogue
and the action server), turn by turn, and every answer is checked as the user reads it.

The format of tests/e2e/*.yml::

    conversations:
      - name: what it shows
        class: follow-up | typed answer | term | long message | meeting | place | topic | english
        turns:
          - user: what the person types          # or `click: <a button's title>` of the
            says: [words the answer must hold]    # previous answer: its payload is sent
            never: [words it must not hold]
            offers: [titles of buttons it must offer]
        known_gap: why it fails today  # optional: a strict xfail, so the day it passes the
                                       # suite says so and the line must go

Words are compared case-insensitively, without accents, punctuation read as spaces, so a
test says what the user must read, not how it is typeset.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from secu.text import fold

ROOT = Path(__file__).resolve().parents[2]
CONVERSATIONS = sorted((ROOT / "tests" / "e2e").glob("*.yml"))
# What the NIR check asks for: never the answer to someone who asked to meet a person.
NIR_PROMPT = "tapez le numero a verifier"


def conversations() -> list[Any]:
    found = []
    for path in CONVERSATIONS:
        for conversation in yaml.safe_load(path.read_text(encoding="utf-8"))["conversations"]:
            gap = conversation.get("known_gap")
            marks = [pytest.mark.xfail(strict=True, reason=gap)] if gap else []
            name = f"{path.stem}: {conversation['name']}"
            found.append(pytest.param(conversation, id=name, marks=marks))
    return found


def test_there_are_enough_conversations_of_every_class() -> None:
    everything = [c.values[0] for c in conversations()]
    classes = {c["class"] for c in everything}
    assert len([c for c in everything if not c.get("known_gap")]) >= 40
    assert {"follow-up", "typed answer", "term", "long message", "meeting", "place"} <= classes
    assert all(len(c["turns"]) >= 2 for c in everything if c["class"] == "follow-up")


def payload_of(title: str, buttons: list[dict[str, str]]) -> str:
    for button in buttons:
        if fold(button["title"]) == fold(title):
            return button["payload"]
    raise AssertionError(f"no button {title!r} in {[b['title'] for b in buttons]}")


@pytest.mark.parametrize("conversation", conversations())
def test_conversation(assistant, conversation: dict[str, Any]) -> None:
    talk = assistant.conversation()
    buttons: list[dict[str, str]] = []
    for number, turn in enumerate(conversation["turns"], start=1):
        message = turn["user"] if "user" in turn else payload_of(turn["click"], buttons)
        replies = assistant.send(talk.sender, message)
        text = fold("\n".join(r.get("text") or "" for r in replies))
        buttons = [b for r in replies for b in r.get("buttons") or []]
        where = f"turn {number} ({message!r}) got: {text[:600]}"
        assert replies, where
        for words in turn.get("says", []):
            assert fold(words) in text, f"{words!r} missing; {where}"
        never = turn.get("never", []) + ([NIR_PROMPT] if conversation["class"] == "meeting" else [])
        for words in never:
            assert fold(words) not in text, f"{words!r} should not be said; {where}"
        titles = {fold(b["title"]) for b in buttons}
        for title in turn.get("offers", []):
            assert fold(title) in titles, f"no button {title!r}; {where}; buttons {titles}"
