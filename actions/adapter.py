"""The translation between Rasa and the domain: a tracker becomes a ``Turn`` (read once),
a ``Reply`` becomes messages and events. Every action of this package goes through it."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

from secu.content import answer
from secu.dialogue.turn import Entity, Reply, Turn
from secu.language import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    conversation_language,
    speaking,
    speaking_language,
)

LANGUAGE_SLOT = "language"
SWITCH_LANGUAGE = "switch_language"  # "in English please", "en français svp"
CONSOLE = "cmdline"  # the input channel of `rasa shell`


OPENINGS = frozenset({None, "action_session_start", "action_greet"})
"""What the assistant has done before a message that opens the conversation: nothing, or
only its welcome (the widget opens with the ``/greet`` payload)."""


def previous_action(tracker: Tracker) -> str | None:
    """The last bot action before the latest user message (what the user is answering)."""
    seen_user = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            if seen_user:
                return None
            seen_user = True
        elif seen_user and event.get("event") == "action":
            name = event.get("name")
            if name not in ("action_listen", None):
                return name
    return None


def read_turn(tracker: Tracker) -> Turn:
    message = tracker.latest_message or {}
    text = message.get("text")
    entities = tuple(
        Entity(str(e.get("entity")), e.get("value"), e.get("start"), e.get("end"))
        for e in message.get("entities") or []
        if e.get("entity")
    )
    ranking = tuple(
        (str(r.get("name")), float(r.get("confidence") or 0.0))
        for r in message.get("intent_ranking") or []
        if r.get("name")
    )
    text = text if isinstance(text, str) else ""
    intent = (message.get("intent") or {}).get("name")
    before = previous_action(tracker)
    return Turn(
        text=text,
        intent=intent,
        entities=entities,
        slots=dict(tracker.slots),
        sender=tracker.sender_id,
        intent_ranking=ranking,
        previous_action=before,
        language=chosen_language(
            text, intent, entities, tracker.slots.get(LANGUAGE_SLOT), before in OPENINGS
        ),
        channel=tracker.get_latest_input_channel(),
    )


def chosen_language(
    text: str,
    intent: str | None,
    entities: tuple[Entity, ...],
    current: Any,
    opening: bool = False,
) -> str:
    """The language to answer in: the one a button asks for (the widget's switch sends
    ``/switch_language{"language": "en"}``), else what the words tell (secu.language)."""
    clicked = [e.value for e in entities if e.name == LANGUAGE_SLOT and e.value in LANGUAGES]
    if intent == SWITCH_LANGUAGE and clicked:
        return str(clicked[-1])
    asking = intent == SWITCH_LANGUAGE
    return conversation_language(text, current, asking=asking, opening=opening)


def language_slot(turn: Turn) -> dict[str, str]:
    """The language slot to set when the message changed the conversation's language."""
    changed = (turn.slot(LANGUAGE_SLOT) or DEFAULT_LANGUAGE) != turn.language
    return {LANGUAGE_SLOT: turn.language} if changed else {}


def apply(reply: Reply, dispatcher: CollectingDispatcher, turn: Turn) -> list[dict[str, Any]]:
    """Sends the reply's answers (in the language being spoken: secu.language.speaking)
    and returns its events. Each answer tells its language (``custom.lang``: the widget's
    ``lang`` attribute), except in ``rasa shell``, which would print it after each answer."""
    tagged = {} if turn.channel == CONSOLE else {"json_message": {"lang": speaking_language()}}
    for message in reply.messages:
        chosen = answer(message.key)
        buttons = message.buttons if message.buttons is not None else chosen.buttons
        dispatcher.utter_message(
            text=chosen.render(**message.values), buttons=[b.as_dict() for b in buttons], **tagged
        )
    events: list[dict[str, Any]] = [SlotSet(name, value) for name, value in reply.slots.items()]
    if reply.forget_message:
        events.append(UserUtteranceReverted())
    return events


class TurnAction(Action, ABC):
    """An action that reads the Turn, asks the domain for a Reply, and applies it."""

    @abstractmethod
    async def decide(self, turn: Turn) -> Reply: ...

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        turn = read_turn(tracker)
        with speaking(turn.language):
            events = apply(await self.decide(turn), dispatcher, turn)
        return [SlotSet(name, value) for name, value in language_slot(turn).items()] + events
