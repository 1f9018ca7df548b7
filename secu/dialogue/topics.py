"""Which procedure of a topic fits the user: data/knowledge/situations/ (pure, no Rasa).

A topic (an NLU intent such as ``expatriate``) can hold several procedures; a
*situation* ("detache", "sans_document"…) picks one. It comes from a button payload or
from words of the typed message; when neither says, the topic's one question is asked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

from secu.settings import get_settings
from secu.text import Keywords, keyword_pattern, read_merged


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

    def reply(self, intent: str) -> Reply | None:
        return {"affirm": self.affirm, "deny": self.deny}.get(intent)


@dataclass(frozen=True)
class Situation:
    name: str
    topic: str
    patterns: tuple[re.Pattern[str], ...]  # its keywords (secu.text.keyword_pattern)


@dataclass(frozen=True)
class Situations:
    topics: dict[str, Topic]
    situations: dict[str, Situation]

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
    return Situations(topics=topics, situations=situations)


def load_situations(folder: Path) -> Situations:
    """The topics and situations of ``situations.yml`` and ``situations/*.yml``."""
    return parse_situations(read_merged(folder, "situations"))


@lru_cache(maxsize=1)
def get_situations() -> Situations:
    return load_situations(get_settings().knowledge_dir)
