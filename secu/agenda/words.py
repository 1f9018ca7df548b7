"""What a typed message says inside the booking dialogue (pure: no Rasa, no database).

The words live in data/agenda/agenda.yml (``words:``); times are picked among those
offered by their rank ("le deuxième"), their day and hour ("mardi 9h30") or their hour.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from secu.agenda.french_time import DAYS, ENGLISH_DAYS
from secu.settings import get_settings
from secu.text import Keywords, fold, read_yaml

_LATER = "later"  # the one key of Words.later

_RANKS = (  # French, then English
    ("1", r"premier|premiere|1er|1ere|first|1st|1"),
    ("2", r"deuxieme|second|seconde|2e|2eme|2nd|2"),
    ("3", r"troisieme|3e|3eme|third|3rd|3"),
    ("4", r"quatrieme|4e|4eme|fourth|4th|4"),
    ("5", r"cinquieme|dernier|derniere|5e|5eme|fifth|last|5th|5"),
)
_RANK = re.compile(r"\b(?:le|la|l|the)?\s*(" + "|".join(p for _, p in _RANKS) + r")\b")
_HOUR = re.compile(r"\b(\d{1,2})\s*(?:h|heures?|:)\s*(\d{2})?\b")
# A day named in French or in English ("mardi", "tuesday"), folded.
_DAY_NAMES = tuple(
    (index, fold(french), fold(english))
    for index, (french, english) in enumerate(zip(DAYS, ENGLISH_DAYS, strict=True))
)


@dataclass(frozen=True)
class Words:
    """The words of the booking dialogue (secu.text.Keywords)."""

    reasons: Keywords
    channels: Keywords
    changes: Keywords
    later: Keywords

    def reason(self, text: str) -> str | None:
        return self.reasons.first(text)

    def channel(self, text: str) -> str | None:
        return self.channels.first(text)

    def change(self, text: str) -> str | None:
        return self.changes.first(text)

    def wants_later(self, text: str) -> bool:
        return self.later.tells(_LATER, text)


def parse_words(raw: dict) -> Words:
    return Words(
        reasons=Keywords.parse(raw.get("reasons")),
        channels=Keywords.parse(raw.get("channels")),
        changes=Keywords.parse(raw.get("changes")),
        later=Keywords.parse({_LATER: raw.get("later")}),
    )


def load_words(path: Path) -> Words:
    return parse_words(read_yaml(path).get("words") or {})


@lru_cache(maxsize=1)
def get_words() -> Words:
    return load_words(get_settings().agenda_file)


def pick_time(text: str, offered: list[dt.datetime]) -> dt.datetime | None:
    """The offered time the message points at, or None when it is not clear."""
    folded = fold(text)
    try:  # a button's payload, or a time typed in full
        chosen = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        chosen = None
    if chosen is not None:
        return chosen if chosen in offered else None
    day = next(
        (i for i, *names in _DAY_NAMES if any(re.search(rf"\b{n}\b", folded) for n in names)),
        None,
    )
    hour = _HOUR.search(folded)
    candidates = offered
    if day is not None:
        candidates = [t for t in candidates if t.weekday() == day]
    if hour is not None:
        minute = int(hour.group(2) or 0)
        candidates = [t for t in candidates if (t.hour, t.minute) == (int(hour.group(1)), minute)]
    if (day is not None or hour is not None) and len(candidates) == 1:
        return candidates[0]
    if day is None and hour is None and (rank := _RANK.search(folded)):
        index = next(int(n) for n, p in _RANKS if re.fullmatch(p, rank.group(1)))
        return offered[index - 1] if index <= len(offered) else None
    return None
