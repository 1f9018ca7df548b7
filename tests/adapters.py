"""Running the action server's actions without a server: a tracker as Rasa would send it,
the messages and events an action gives back, and which answers the user got."""

from __future__ import annotations

import asyncio
import functools
import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from secu.content import answers


def user_event(
    text: str, intent: str, entities: list[dict[str, Any]] | None = None, channel: str = "rest"
) -> dict:
    return {
        "event": "user",
        "text": text,
        "input_channel": channel,
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
    channel: str = "rest",
) -> Tracker:
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.99},
        "entities": entities or [],
        "intent_ranking": intent_ranking or [],
    }
    events = [*(history or []), user_event(text, intent, entities, channel)]
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


def said(messages: list[dict[str, Any]]) -> list[str]:
    """Which answers of data/knowledge/answers/ the user got, by their text: of the answers
    whose template matches a message, the most specific one (the most fixed text)."""
    keys: list[str] = []
    for message in messages:
        if message.get("response"):
            keys.append(message["response"])
            continue
        text = message.get("text") or ""
        matching = [
            (len(re.sub(r"\{\w+\}", "", candidate.text)), -order, key)
            for order, (key, candidate) in enumerate(answers().items())
            if _template(candidate.text).fullmatch(text)
        ]  # the most fixed text; of equal ones, the first in the answer files
        keys.append(max(matching)[2] if matching else "?")
    return keys


@functools.cache
def _template(text: str) -> re.Pattern[str]:
    return re.compile(re.sub(r"\\\{\w+\\\}", ".+", re.escape(text)), flags=re.DOTALL)


# -- what the user reads, and the topic answers (action_lookup_procedure) --------------------


def texts(messages: list[dict[str, Any]]) -> str:
    """Every message's text, a line each."""
    return "\n".join(m.get("text") or "" for m in messages)


def slot_values(events: list[dict[str, Any]]) -> dict[str, Any]:
    """The slots the events set, by name."""
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def payloads(messages: list[dict[str, Any]]) -> list[str]:
    """The buttons' payloads, in the order shown."""
    return [b["payload"] for m in messages for b in m.get("buttons") or []]


def ask_topic(
    domain: dict[str, Any], text: str, intent: str, entities: list[dict] | None = None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """A first message about a topic, answered by action_lookup_procedure."""
    from actions.procedures import ActionLookupProcedure

    return run_action(ActionLookupProcedure(), make_tracker(text, intent, entities), domain)


def reply_to_topic(
    domain: dict[str, Any],
    topic: str,
    text: str,
    intent: str = "inform",
    entities: list[dict] | None = None,
    **slots: Any,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """A reply (a button's payload or typed words) to the question of the topic just answered."""
    from actions.procedures import ActionLookupProcedure

    tracker = make_tracker(
        text,
        intent,
        entities,
        slots={"topic": topic, "topic_question": True, "procedure": None, **slots},
        history=[user_event("...", topic), action_event("action_lookup_procedure")],
    )
    return run_action(ActionLookupProcedure(), tracker, domain)


def press_situation(
    domain: dict[str, Any], topic: str, situation: str, procedure: str | None = None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The situation's button pressed after the topic's answer and question."""
    entities = [{"entity": "situation", "value": situation}]
    payload = f'/inform{{"situation":"{situation}"}}'
    return reply_to_topic(domain, topic, payload, entities=entities, procedure=procedure)


def typed_or_pressed(
    domain: dict[str, Any],
    how: str,
    text: str | None,
    topic: str,
    situation: str,
    procedure: str | None = None,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """A situation reached either way: ``text`` typed first ("typed"), or its button
    pressed after the topic's question (anything else; ``procedure``: the one shown then)."""
    if how == "typed":
        return ask_topic(domain, text or "", topic)
    return press_situation(domain, topic, situation, procedure)
