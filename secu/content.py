"""Everything the assistant says, in one home: ``data/knowledge/answers/*.yml``.

An answer has a key, a French text with ``{named}`` values, optional buttons, and the
sources of the facts it states (keys of ``sources.yml``, checked by ``make test``). Code
never holds a user-facing sentence: it names an answer and gives its values. One
templating path (:meth:`Answer.render`), one button builder (:func:`button`).

Why the answers file and not Rasa's ``responses:``: most answers are composed by the
actions from knowledge records (values, lists, buttons built from data), every answer
must carry its sources, and Rasa's validator cannot see a response used only by an
action (``--fail-on-warnings`` would fail on each). The few fixed answers that rules
and stories use are small actions (``action_say_<key>``, actions/say.py).

>>> payload("inform", department="33")
'/inform{"department": "33"}'
>>> Answer("x", "Pour {where}, {what}.", (), ()).render(where="la Gironde")
'Pour la Gironde, {what}.'
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from secu.language import DEFAULT_LANGUAGE, LANGUAGES, localized, speaking_language
from secu.settings import get_settings
from secu.text import ContentError, read_yaml

_PLACEHOLDER = re.compile(r"\{(\w+)\}")
ANSWERS_DIR = "answers"


@dataclass(frozen=True)
class Button:
    """A quick reply: the title shown, the payload sent back as the next message."""

    title: str
    payload: str

    def as_dict(self) -> dict[str, str]:
        return {"title": self.title, "payload": self.payload}


def payload(intent: str, **entities: Any) -> str:
    """A button payload: the intent, and the entities as JSON (the one way to build it)."""
    return f"/{intent}" + (json.dumps(entities, ensure_ascii=False) if entities else "")


def button(title: str, intent: str, **entities: Any) -> Button:
    return Button(title, payload(intent, **entities))


@dataclass(frozen=True)
class Answer:
    key: str
    text: str
    buttons: tuple[Button, ...]
    sources: tuple[str, ...]

    def render(self, **values: Any) -> str:
        """The text with its {placeholders} filled; an unknown one is left as it is."""
        return _PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), m.group(0))), self.text)


def _answer(key: str, entry: Any, where: str, language: str = DEFAULT_LANGUAGE) -> Answer:
    """The answer in ``language``: its ``text_<language>`` and buttons' ``title_<language>``
    where the file has them, the French otherwise (tests/unit/test_english.py requires
    them all); a button's ``payload_<language>`` where it differs (the welcome's button
    to the other language)."""
    if not isinstance(entry, dict) or not isinstance(entry.get("text"), str):
        raise ContentError(f"{where}: answer {key!r} needs a text")
    return Answer(
        key=key,
        text=str(localized(entry, "text", language)).strip(),
        buttons=tuple(
            Button(str(localized(b, "title", language)), str(localized(b, "payload", language)))
            for b in entry.get("buttons") or ()
        ),
        sources=tuple(entry.get("sources") or ()),
    )


def load_answers(folder: Path, language: str = DEFAULT_LANGUAGE) -> dict[str, Answer]:
    """Every answer of every ``*.yml`` of ``folder``, in ``language``; a key defined twice
    is an error."""
    found: dict[str, Answer] = {}
    for path in sorted(folder.glob("*.yml")):
        for key, entry in read_yaml(path).items():
            if key in found:
                raise ContentError(f"{path.name}: answer {key!r} is defined twice")
            found[key] = _answer(str(key), entry, path.name, language)
    if not found:
        raise ContentError(f"{folder}: no answer found")
    return found


@lru_cache(maxsize=len(LANGUAGES))
def answers(language: str = DEFAULT_LANGUAGE) -> dict[str, Answer]:
    return load_answers(get_settings().knowledge_dir / ANSWERS_DIR, language)


def answer(key: str) -> Answer:
    """Answer ``key`` in the language being spoken (secu.language.speaking)."""
    return answers(speaking_language())[key]


def render(key: str, **values: Any) -> str:
    """The text of answer ``key`` with its values."""
    return answer(key).render(**values)


def intent_labels() -> dict[str, str]:
    """How each intent is named to the user (the fallback's "did you mean…" buttons), in
    the language being spoken."""
    return _intent_labels(speaking_language())


@lru_cache(maxsize=len(LANGUAGES))
def _intent_labels(language: str) -> dict[str, str]:
    suffix = "" if language == DEFAULT_LANGUAGE else f"_{language}"
    path = get_settings().knowledge_dir / f"intent_labels{suffix}.yml"
    return {str(k): str(v) for k, v in read_yaml(path).items()}
