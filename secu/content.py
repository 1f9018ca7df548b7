"""Answers the actions send, read from data/knowledge/answers.yml (content is data)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from secu.settings import get_settings

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Answer:
    key: str
    text: str
    buttons: tuple[dict[str, str], ...]
    sources: tuple[str, ...]

    def render(self, **values: str) -> str:
        """The text with its {placeholders} filled; an unknown one is left as it is."""
        return _PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), m.group(0))), self.text)


def load_answers(path: Path) -> dict[str, Answer]:
    with path.open(encoding="utf-8") as handle:
        raw = yaml.safe_load(handle) or {}
    return {
        key: Answer(
            key=key,
            text=str(entry["text"]).strip(),
            buttons=tuple(dict(b) for b in entry.get("buttons") or ()),
            sources=tuple(entry.get("sources") or ()),
        )
        for key, entry in raw.items()
    }


@lru_cache(maxsize=1)
def answers() -> dict[str, Answer]:
    return load_answers(get_settings().knowledge_dir / "answers.yml")


def answer(key: str) -> Answer:
    return answers()[key]
