"""Small text helpers shared by the pure modules (no Rasa import)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import yaml

_NON_ALNUM = re.compile(r"[^a-z0-9]+")

FRENCH_MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
ENGLISH_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


@lru_cache(maxsize=4096)
def fold(text: str) -> str:
    """Lower-case, accents removed, every run of non-alphanumerics as one space.

    'Saint-Étienne' and 'saint etienne' fold to the same key. Remembered for the last
    texts: a message is matched against several keyword lists in a turn.
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    bare = bare.replace("œ", "oe").replace("æ", "ae")
    return _NON_ALNUM.sub(" ", bare).strip()


class ContentError(ValueError):
    """A content file cannot be read; the message names the file."""


# The C loader when PyYAML has it (same results, faster).
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path) -> dict[str, Any]:
    """A YAML content file whose top level is a mapping (the one way content is read)."""
    try:
        with path.open(encoding="utf-8") as handle:
            data = yaml.load(handle, Loader=_YAML_LOADER) or {}
    except yaml.YAMLError as error:
        raise ContentError(f"{path.name}: not valid YAML ({error})") from error
    if not isinstance(data, dict):
        raise ContentError(f"{path.name}: a mapping is expected at the top level")
    return data


def keyword_pattern(keyword: str) -> re.Pattern[str]:
    """A folded keyword as a whole-word pattern; ``*`` at a word's end allows any ending.

    >>> bool(keyword_pattern("détach*").search(fold("je suis détachée")))
    True
    """
    words = fold(keyword.replace("*", " STAR ")).split()
    parts: list[str] = []
    for word in words:
        if word == "star" and parts:
            parts[-1] += r"\w*"
        else:
            parts.append(re.escape(word))
    return re.compile(r"\b" + r"\s+".join(parts) + r"\b")


@dataclass(frozen=True)
class Keywords:
    """Keys told by keywords: the one keyword matcher (situations, booking words…).

    >>> words = Keywords.parse({"phone": ["telephone", "rappel*"], "agency": ["accueil"]})
    >>> words.first("qu'on me rappelle svp")
    'phone'
    """

    entries: tuple[tuple[str, tuple[re.Pattern[str], ...]], ...]

    @classmethod
    def parse(cls, raw: Mapping[str, Any] | None) -> Keywords:
        return cls(
            tuple(
                (str(key), tuple(keyword_pattern(str(k)) for k in keywords or ()))
                for key, keywords in (raw or {}).items()
            )
        )

    @cached_property
    def _alternatives(self) -> tuple[tuple[str, tuple[re.Pattern[str], ...]], ...]:
        """Each key's keywords as one pattern (one search a key, not one a keyword): a
        text holds one of the keywords exactly when it holds their alternation."""
        return tuple((key, either(patterns)) for key, patterns in self.entries)

    def first(self, text: str) -> str | None:
        """The first key one of whose keywords is in ``text`` (any case, any accents)."""
        folded = fold(text)
        for key, patterns in self._alternatives:
            if any(p.search(folded) for p in patterns):
                return key
        return None

    def tells(self, key: str, text: str) -> bool:
        folded = fold(text)
        return any(
            p.search(folded) for k, patterns in self._alternatives if k == key for p in patterns
        )


def either(patterns: tuple[re.Pattern[str], ...]) -> tuple[re.Pattern[str], ...]:
    """``patterns`` as one alternation, when they share their flags (else as they are)."""
    if len(patterns) < 2 or any(p.flags != patterns[0].flags for p in patterns):
        return patterns
    return (re.compile("|".join(f"(?:{p.pattern})" for p in patterns), patterns[0].flags),)


def content_parts(folder: Path, kind: str) -> list[Path]:
    """The files of one kind of content: ``kind.yml`` and every ``kind/*.yml`` (a file per
    topic), in that order."""
    single = folder / f"{kind}.yml"
    return ([single] if single.exists() else []) + sorted((folder / kind).glob("*.yml"))


def read_merged(folder: Path, kind: str) -> dict[str, Any]:
    """One kind of content from all its files: lists are joined, mappings merged; an entry
    defined in two files is a :class:`ContentError`."""
    merged: dict[str, Any] = {}
    for path in content_parts(folder, kind):
        for key, value in read_yaml(path).items():
            if isinstance(value, list):
                merged.setdefault(key, []).extend(value)
            elif isinstance(value, dict):
                target = merged.setdefault(key, {})
                twice = sorted(set(target) & set(value))
                if twice:
                    raise ContentError(f"{path.name}: {key} {', '.join(twice)} defined twice")
                target.update(value)
            elif key in merged and merged[key] != value:
                raise ContentError(f"{path.name}: {key} differs from another file")
            else:
                merged[key] = value
    return merged
