"""Every text a user reads exists in French and in English (issue #15): the content files
give each French field its ``<field>_en`` sibling, list for list, with the same
{placeholders}; an English text without its French one is an error too."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from secu.content import answers
from secu.language import ENGLISH, FRENCH, speaking
from secu.text import read_yaml

KNOWLEDGE = Path(__file__).resolve().parents[2] / "data" / "knowledge"
# The files whose texts people read, and the fields that hold those texts.
TRANSLATED_FILES = sorted(
    [
        *(KNOWLEDGE / "answers").glob("*.yml"),
        *(KNOWLEDGE / "procedures").glob("*.yml"),
        *(KNOWLEDGE / "situations").glob("*.yml"),
        KNOWLEDGE / "glossary.yml",
        KNOWLEDGE / "organisms.yml",
        KNOWLEDGE / "local_bodies.yml",
        KNOWLEDGE / "statuses.yml",
    ]
)
TEXT_FIELDS = (
    *("text", "title", "audience", "summary", "delays", "definition", "steps", "documents"),
    *("description", "label", "price_note", "hours", "hours_caution", "explanation", "notes"),
)
NOT_SHOWN = ("questions", "keywords", "names", "sources", "words")  # searched or matched only
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def walk(node: Any, where: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every mapping of a content file, with where it is."""
    if isinstance(node, dict):
        yield where, node
        for key, value in node.items():
            if key not in NOT_SHOWN:
                yield from walk(value, f"{where}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from walk(value, f"{where}[{index}]")


def placeholders(value: Any) -> set[str]:
    texts = value if isinstance(value, list) else [value]
    return {name for text in texts if isinstance(text, str) for name in _PLACEHOLDER.findall(text)}


def missing_translations(path: Path) -> list[str]:
    problems = []
    for where, entry in walk(read_yaml(path), path.name):
        for field in TEXT_FIELDS:
            french, english = entry.get(field), entry.get(f"{field}_en")
            if french is None and english is None:
                continue
            if english is None:
                problems.append(f"{where}.{field}: no English")
            elif french is None:
                problems.append(f"{where}.{field}_en: no French")
            elif isinstance(french, dict) and (
                not isinstance(english, dict) or set(english) != set(french)
            ):
                problems.append(f"{where}.{field}_en: not one text per French key")
            elif isinstance(french, list) and (
                not isinstance(english, list) or len(english) != len(french)
            ):
                problems.append(f"{where}.{field}_en: not one item per French item")
            elif placeholders(french) != placeholders(english):
                problems.append(f"{where}.{field}_en: placeholders differ from the French")
    return problems


@pytest.mark.parametrize("path", TRANSLATED_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_french_text_has_its_english_counterpart(path: Path) -> None:
    assert missing_translations(path) == []


def test_the_intent_labels_exist_in_both_languages() -> None:
    french = read_yaml(KNOWLEDGE / "intent_labels.yml")
    english = read_yaml(KNOWLEDGE / "intent_labels_en.yml")
    assert list(english) == list(french)
    assert all(str(label).strip() for label in english.values())


def test_answers_are_chosen_by_the_language_spoken() -> None:
    with speaking(ENGLISH):
        english = answers(ENGLISH)["language_switched"]
        assert "English" in english.text
        assert english.buttons[0].title == "I lost my number"
    with speaking(FRENCH):
        assert "français" in answers(FRENCH)["language_switched"].text
    assert english.buttons[0].payload == answers(FRENCH)["language_switched"].buttons[0].payload
