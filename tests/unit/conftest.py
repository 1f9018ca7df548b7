"""Helpers to run the action server's actions without a server."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def domain() -> dict[str, Any]:
    with (ROOT / "domain.yml").open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def user_event(text: str, intent: str, entities: list[dict[str, Any]] | None = None) -> dict:
    return {
        "event": "user",
        "text": text,
        "parse_data": {
            "intent": {"name": intent, "confidence": 0.99},
            "entities": entities or [],
        },
    }


def action_event(name: str) -> dict:
    return {"event": "action", "name": name}


def make_tracker(
    text: str,
    intent: str,
    entities: list[dict[str, Any]] | None = None,
    slots: dict[str, Any] | None = None,
    history: list[dict] | None = None,
    intent_ranking: list[dict[str, Any]] | None = None,
    sender_id: str = "test",
) -> Tracker:
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.99},
        "entities": entities or [],
        "intent_ranking": intent_ranking or [],
    }
    events = [*(history or []), user_event(text, intent, entities)]
    return Tracker(
        sender_id=sender_id,
        slots=slots or {},
        latest_message=latest,
        events=events,
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def run_action(
    action: Action, tracker: Tracker, domain: dict[str, Any]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Runs the action; returns (messages the user would get, events)."""
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, domain))
    return dispatcher.messages, events


def render(message: dict[str, Any], domain: dict[str, Any]) -> str:
    """The text a user reads for a message (a response name is rendered from the domain)."""
    if message.get("text"):
        return message["text"]
    template = domain["responses"][message["response"]][0]["text"]
    values = {k: v for k, v in message.items() if isinstance(v, str)}
    return template.format_map(_Defaults(values))


class _Defaults(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def said(messages: list[dict[str, Any]]) -> list[str]:
    """Which answers of data/knowledge/answers.yml (or domain responses) the user got."""
    import re

    from secu.content import answers

    keys: list[str] = []
    for message in messages:
        if message.get("response"):
            keys.append(message["response"])
            continue
        for key, candidate in answers().items():
            pattern = re.escape(candidate.text)
            pattern = re.sub(r"\\\{\w+\\\}", ".+", pattern)
            if re.fullmatch(pattern, message.get("text") or "", flags=re.DOTALL):
                keys.append(key)
                break
        else:
            keys.append("?")
    return keys


@pytest.fixture(scope="session")
def knowledge_db(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A knowledge base built from data/knowledge in a temporary SQLite file, used by the
    actions through the settings (DATABASE_URL), as in production."""
    import os

    from secu.agenda.setup import setup as setup_agenda
    from secu.knowledge.db import get_engine, reset_engine
    from secu.knowledge.loader import load
    from secu.settings import get_settings

    url = f"sqlite:///{tmp_path_factory.mktemp('kb') / 'assistant.db'}"
    previous = os.environ.get("DATABASE_URL")
    os.environ["DATABASE_URL"] = url
    get_settings.cache_clear()
    reset_engine()
    settings = get_settings()
    load(get_engine(), settings.knowledge_dir, settings.geo_dir)
    setup_agenda(get_engine(), settings.agenda_file)
    yield url
    if previous is None:
        os.environ.pop("DATABASE_URL", None)
    else:
        os.environ["DATABASE_URL"] = previous
    get_settings.cache_clear()
    reset_engine()
