"""Out-of-scope messages that belong to another service ("comment declarer mes impots",
"jai pas recu mon apl", "j'ai de la fievre"): which known area the message is about, and
the answer that says where to go instead (data/knowledge/elsewhere.yml).

The areas are tried in the order of the file, the first whose keyword is in the message
wins: health comes first, so a message with a symptom always gets the emergency numbers.
A message of no known area gets the generic out-of-scope answer. Decisions from a Turn to
a Reply; no Rasa import. The adapter is actions/elsewhere.py.

>>> places = parse_elsewhere({"areas": {
...     "health": {"answer": "elsewhere_health", "keywords": ["fievre", "mal a la"],
...                "sources": ["s"], "checked_on": dt.date(2026, 11, 28)},
...     "taxes": {"answer": "elsewhere_taxes", "keywords": ["impot*"],
...               "sources": ["s"], "checked_on": dt.date(2026, 11, 28)}}})
>>> places.area_of("G de la fiévre, et mes impôts ?").key
'health'
>>> [m.key for m in elsewhere_reply(Turn(text="la meteo demain"), places).messages]
['out_of_scope']
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from secu.dialogue.turn import Reply, Turn
from secu.settings import get_settings
from secu.text import ContentError, Keywords, read_yaml

ELSEWHERE_FILE = "elsewhere.yml"
GENERIC_ANSWER = "out_of_scope"  # data/knowledge/answers/general.yml
FIELDS = ("answer", "keywords", "sources", "checked_on")


@dataclass(frozen=True)
class Area:
    """A subject another service handles: the answer that sends there, and its sources."""

    key: str
    answer: str
    sources: tuple[str, ...]
    checked_on: dt.date


@dataclass(frozen=True)
class Elsewhere:
    areas: tuple[Area, ...]  # in the order of the file: health first
    words: Keywords  # each area's keywords, by the area's key, in the same order

    def get(self, key: str) -> Area | None:
        return next((a for a in self.areas if a.key == key), None)

    def area_of(self, text: str) -> Area | None:
        """The first area of the file one of whose keywords is in the message."""
        key = self.words.first(text)
        return None if key is None else self.get(key)


def _area(key: str, entry: Any) -> tuple[Area, list[str]]:
    where = f"{ELSEWHERE_FILE}: area {key!r}"
    if not isinstance(entry, Mapping) or set(FIELDS) - set(entry):
        raise ContentError(f"{where} needs {', '.join(FIELDS)}")
    keywords = [str(k) for k in entry["keywords"] or ()]
    if not keywords or not str(entry["answer"] or "").strip() or not entry["sources"]:
        raise ContentError(f"{where}: answer, keywords and sources may not be empty")
    if not isinstance(entry["checked_on"], dt.date):
        raise ContentError(f"{where}: checked_on must be a date")
    area = Area(
        key=key,
        answer=str(entry["answer"]).strip(),
        sources=tuple(str(s) for s in entry["sources"]),
        checked_on=entry["checked_on"],
    )
    return area, keywords


def parse_elsewhere(raw: Mapping[str, Any]) -> Elsewhere:
    """The areas from the file's content; a :class:`ContentError` names what is wrong."""
    entries = raw.get("areas")
    if not isinstance(entries, Mapping) or not entries:
        raise ContentError(f"{ELSEWHERE_FILE}: a mapping 'areas' is expected")
    read = [_area(str(key), entry) for key, entry in entries.items()]
    return Elsewhere(
        areas=tuple(area for area, _ in read),
        words=Keywords.parse({area.key: keywords for area, keywords in read}),
    )


def load_elsewhere(folder: Path) -> Elsewhere:
    return parse_elsewhere(read_yaml(folder / ELSEWHERE_FILE))


@lru_cache(maxsize=1)
def get_elsewhere() -> Elsewhere:
    return load_elsewhere(get_settings().knowledge_dir)


def elsewhere_reply(turn: Turn, elsewhere: Elsewhere) -> Reply:
    """Where to go for what the message is about (the answer's own buttons); the generic
    out-of-scope answer when it is about no known area."""
    area = elsewhere.area_of(turn.text)
    return Reply.say(area.answer if area is not None else GENERIC_ANSWER)


HEALTH = "health"  # the area of health worries: its answer gives the emergency numbers
# The topics about getting care, where someone may tell a symptom while asking about the
# AME, the C2S or a cover that is late ("j'ai de la fièvre, je fais quoi sans papiers ?").
CARE_TOPICS = frozenset({"health_aid", "not_covered"})


def health_first(turn: Turn, reply: Reply, elsewhere: Elsewhere) -> Reply:
    """A symptom told in a message about getting care: the emergency numbers come first,
    then the topic's answer; no health worry goes without them."""
    if turn.intent not in CARE_TOPICS:
        return reply
    area = elsewhere.area_of(turn.text)
    if area is None or area.key != HEALTH:
        return reply
    return Reply.say(area.answer).then(reply)
