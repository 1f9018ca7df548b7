"""Which procedure of a topic fits the user: data/knowledge/situations/ (pure, no Rasa).

A topic (an NLU intent such as ``expatriate``) can hold several procedures; a
*situation* ("detache", "sans_document"…) picks one. It comes from a button payload or
from words of the typed message; when neither says, the topic's one question is asked.
A topic asked right after another can take its situation from it (``follows``: "et pour
mes enfants ?" after the carte Vitale is about the child's card), and ``typed_answers``
lists, for the questions asked with buttons, the words that tell each button when people
type instead of clicking.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

from secu.settings import get_settings
from secu.text import Keywords, keyword_pattern, read_merged

_PAYLOAD = re.compile(r"^/(\w+)(\{.*\})?$")


@dataclass(frozen=True)
class Reply:
    """What "oui" or "non" to a topic's question means."""

    situation: str | None = None
    answer: str | None = None


@dataclass(frozen=True)
class Topic:
    name: str
    question: str | None
    affirm: Reply | None
    deny: Reply | None
    by_status: bool
    buttons: tuple[dict[str, str], ...]
    follows: tuple[tuple[str, str], ...] = ()  # (topic answered before, situation it picks)
    unsure: Reply | None = None  # what "je ne sais pas" to the question means

    def reply(self, intent: str) -> Reply | None:
        return {"affirm": self.affirm, "deny": self.deny, "dont_know": self.unsure}.get(intent)

    def after(self, previous: object) -> str | None:
        """The situation this topic takes from the topic answered just before, if any."""
        return dict(self.follows).get(str(previous)) if previous else None


@dataclass(frozen=True)
class Choice:
    """A button of a question, and the words that tell it in a typed answer."""

    payload: str
    patterns: tuple[re.Pattern[str], ...]


@dataclass(frozen=True)
class Situation:
    name: str
    topic: str
    patterns: tuple[re.Pattern[str], ...]  # its keywords (secu.text.keyword_pattern)


@dataclass(frozen=True)
class Situations:
    topics: dict[str, Topic]
    situations: dict[str, Situation]
    typed: dict[str, tuple[Choice, ...]] = field(default_factory=dict)

    def typed_choice(self, question: str, text: str) -> str | None:
        """The payload of the button of ``question`` that a typed answer tells: the first
        whose words are in the message, or None."""
        keywords = self._typed_keywords.get(question)
        return keywords.first(text) if keywords is not None else None

    @cached_property
    def _typed_keywords(self) -> dict[str, Keywords]:
        """Each question's buttons as keywords, in the order of its buttons."""
        return {
            question: Keywords(tuple((c.payload, c.patterns) for c in choices))
            for question, choices in self.typed.items()
        }

    @cached_property
    def _keywords(self) -> dict[str, Keywords]:
        """The situations of each topic as keywords, in the order of the file."""
        by_topic: dict[str, list[tuple[str, tuple[re.Pattern[str], ...]]]] = {}
        for situation in self.situations.values():
            by_topic.setdefault(situation.topic, []).append((situation.name, situation.patterns))
        return {topic: Keywords(tuple(entries)) for topic, entries in by_topic.items()}

    def detect(self, topic: str, text: str) -> str | None:
        """The first situation of ``topic`` that the message tells, if any."""
        keywords = self._keywords.get(topic)
        return keywords.first(text) if keywords is not None else None

    def of_topic(self, topic: str, value: object) -> str | None:
        """``value`` (a button's entity) when it is a situation of ``topic``."""
        known = self.situations.get(str(value)) if value else None
        return known.name if known is not None and known.topic == topic else None


def _follows(raw: object, where: str) -> tuple[tuple[str, str], ...]:
    if raw is None:
        return ()
    if not isinstance(raw, dict):
        raise ValueError(f"{where}: expected {{topic: situation}}, got {raw!r}")
    return tuple((str(topic), str(situation)) for topic, situation in raw.items())


def _choices(raw: object, where: str) -> tuple[Choice, ...]:
    if not isinstance(raw, list):
        raise ValueError(f"{where}: expected a list of {{payload, keywords}}, got {raw!r}")
    return tuple(
        Choice(
            payload=str(entry["payload"]),
            patterns=tuple(keyword_pattern(str(k)) for k in entry.get("keywords") or ()),
        )
        for entry in raw
    )


def _reply(raw: object, where: str) -> Reply | None:
    if raw is None:
        return None
    if not isinstance(raw, dict) or set(raw) - {"situation", "answer"} or len(raw) != 1:
        raise ValueError(f"{where}: expected {{situation: …}} or {{answer: …}}, got {raw!r}")
    return Reply(situation=raw.get("situation"), answer=raw.get("answer"))


def parse_situations(raw: dict) -> Situations:
    topics = {
        name: Topic(
            name=name,
            question=entry.get("question"),
            affirm=_reply(entry.get("affirm"), f"{name}.affirm"),
            deny=_reply(entry.get("deny"), f"{name}.deny"),
            by_status=bool(entry.get("by_status", False)),
            buttons=tuple(dict(b) for b in entry.get("buttons") or ()),
            follows=_follows(entry.get("follows"), f"{name}.follows"),
            unsure=_reply(entry.get("unsure"), f"{name}.unsure"),
        )
        for name, entry in (raw.get("topics") or {}).items()
    }
    situations = {
        name: Situation(
            name=name,
            topic=str(entry["topic"]),
            patterns=tuple(keyword_pattern(str(k)) for k in entry.get("keywords") or ()),
        )
        for name, entry in (raw.get("situations") or {}).items()
    }
    typed = {
        name: _choices(entry, f"typed_answers.{name}")
        for name, entry in (raw.get("typed_answers") or {}).items()
    }
    return Situations(topics=topics, situations=situations, typed=typed)


def parse_payload(payload: str) -> tuple[str, dict[str, str]]:
    """A button's payload as its intent and entities.

    >>> parse_payload('/inform{"status":"salarie"}')
    ('inform', {'status': 'salarie'})
    >>> parse_payload("/contact")
    ('contact', {})
    """
    match = _PAYLOAD.match(payload)
    if match is None:
        raise ValueError(f"not a button payload: {payload!r}")
    entities = json.loads(match.group(2)) if match.group(2) else {}
    return match.group(1), {str(k): str(v) for k, v in entities.items()}


def load_situations(folder: Path) -> Situations:
    """The topics and situations of ``situations.yml`` and ``situations/*.yml``."""
    return parse_situations(read_merged(folder, "situations"))


@lru_cache(maxsize=1)
def get_situations() -> Situations:
    return load_situations(get_settings().knowledge_dir)
