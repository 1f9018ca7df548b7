"""What one user turn says (``Turn``, read once from the tracker) and what the assistant
does about it (``Reply``: answers to send, slots to change). Decisions are functions from
a Turn (and the knowledge they look up) to a Reply; the Rasa adapters only translate.

>>> turn = Turn(text="je suis étudiant", intent="inform", entities=(Entity("status", "etudiant"),))
>>> turn.entity("status"), turn.slot("topic")
('etudiant', None)
>>> reply = Reply.say("what_else").then(Reply(slots={"topic": None}))
>>> [m.key for m in reply.messages], dict(reply.slots)
(['what_else'], {'topic': None})
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from secu.content import Button
from secu.language import DEFAULT_LANGUAGE

_EMPTY: Mapping[str, Any] = MappingProxyType({})
# Questions asked aside while a form waits for an answer ("c'est quoi la CFE ?"): the rules
# answer them and the form asks again; their words are never read as the form's answer.
ASIDE_INTENTS = frozenset({"define_term", "bot_challenge", "switch_language"})


@dataclass(frozen=True)
class Entity:
    name: str
    value: Any
    start: int | None = None
    end: int | None = None


@dataclass(frozen=True)
class Turn:
    """The latest user message and the state it arrives in."""

    text: str = ""
    intent: str | None = None
    entities: tuple[Entity, ...] = ()
    slots: Mapping[str, Any] = _EMPTY
    sender: str = ""
    intent_ranking: tuple[tuple[str, float], ...] = ()
    previous_action: str | None = None  # the bot's last action before this message
    language: str = DEFAULT_LANGUAGE  # the language to answer in (secu.language)
    channel: str | None = None  # where the message came from ("rest", "cmdline"…)

    def entity(self, name: str) -> str | None:
        """The last value of an entity in the message, as text."""
        values = [e.value for e in self.entities if e.name == name and e.value is not None]
        return str(values[-1]) if values else None

    def entity_span(self, name: str) -> Entity | None:
        found = [e for e in self.entities if e.name == name]
        return found[-1] if found else None

    def has_entity(self, *names: str) -> bool:
        return any(e.name in names for e in self.entities)

    def slot(self, name: str) -> Any:
        return self.slots.get(name)

    @property
    def is_aside(self) -> bool:
        """A question asked aside a form, never an answer to it."""
        return self.intent in ASIDE_INTENTS

    @property
    def requested_slot(self) -> str | None:
        value = self.slots.get("requested_slot")
        return str(value) if value else None


@dataclass(frozen=True)
class Message:
    """One answer to send: its key in the answers file, its values, and its buttons
    (``None``: the answer's own buttons)."""

    key: str
    values: Mapping[str, Any] = _EMPTY
    buttons: tuple[Button, ...] | None = None


@dataclass(frozen=True)
class Reply:
    """Answers to send and slots to set, in order; ``forget_message`` takes the user's
    message out of the dialogue history (what Rasa's fallback does)."""

    messages: tuple[Message, ...] = ()
    slots: Mapping[str, Any] = field(default_factory=dict)
    forget_message: bool = False

    @classmethod
    def say(
        cls, key: str, buttons: tuple[Button, ...] | list[Button] | None = None, **values: Any
    ) -> Reply:
        chosen = tuple(buttons) if buttons is not None else None
        return cls(messages=(Message(key, MappingProxyType(dict(values)), chosen),))

    @classmethod
    def set(cls, **slots: Any) -> Reply:
        return cls(slots=slots)

    def then(self, other: Reply) -> Reply:
        """This reply followed by ``other`` (its slot values win)."""
        return Reply(
            messages=self.messages + other.messages,
            slots={**self.slots, **other.slots},
            forget_message=self.forget_message or other.forget_message,
        )
