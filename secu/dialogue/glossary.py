"""Terms asked by name ("c'est quoi un NIA ?", "ca veut dire quoi puma"): which term the
message asks about, and its definition with the next steps (data/knowledge/glossary.yml).

The term comes from the NLU entity ``term`` (its value is a term's key, or a spelling of
one of its names), else from the words of the message; a term not known gets the list of
the known ones. Decisions from a Turn to a Reply; no Rasa import. The adapter is
actions/glossary.py.

>>> glossary = parse_glossary({"terms": {"nia": {
...     "title": "NIA", "names": ["nia", "numero d attente"], "definition": "Le NIA…",
...     "buttons": [{"title": "Né(e) à l'étranger", "payload": "/born_abroad"}],
...     "sources": ["s"], "checked_on": dt.date(2026, 11, 28)}}})
>>> term_asked(Turn(text="c koi un numéro d'attente ?"), glossary).key
'nia'
>>> [m.key for m in define_reply(Turn(text="c'est quoi la C2S"), glossary).messages]
['term_unknown']
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from secu.content import Button, button, render
from secu.dialogue.turn import Reply, Turn
from secu.language import DEFAULT_LANGUAGE, LANGUAGES, localized, speaking_language
from secu.settings import get_settings
from secu.text import ContentError, fold, keyword_pattern, read_yaml

GLOSSARY_FILE = "glossary.yml"
TERM_ENTITY = "term"
DEFINE_INTENT = "define_term"
FIELDS = ("title", "names", "definition", "buttons", "sources", "checked_on")


@dataclass(frozen=True)
class Term:
    """A term: its key (the entity's value), title, definition, next steps and sources."""

    key: str
    title: str
    definition: str
    buttons: tuple[Button, ...]
    sources: tuple[str, ...]
    checked_on: dt.date
    patterns: tuple[re.Pattern[str], ...]  # its names (secu.text.keyword_pattern)

    def named_in(self, text: str) -> bool:
        folded = fold(text)
        return any(p.search(folded) for p in self.patterns)


@dataclass(frozen=True)
class Glossary:
    terms: tuple[Term, ...]  # in the order of the file: the more specific first

    def get(self, key: object) -> Term | None:
        return next((t for t in self.terms if t.key == key), None)

    def find(self, value: object) -> Term | None:
        """The term an entity value names: a key ("nia") or a spelling ("Numéro d'attente")."""
        if value is None:
            return None
        folded = fold(str(value))
        by_key = self.get(folded.replace(" ", "_"))
        if by_key is not None:
            return by_key
        return next((t for t in self.terms if t.named_in(folded)), None)

    def detect(self, text: str) -> Term | None:
        """The first term of the file whose name is in the message."""
        return next((t for t in self.terms if t.named_in(text)), None)


def _term(key: str, entry: Any, language: str = DEFAULT_LANGUAGE) -> Term:
    where = f"{GLOSSARY_FILE}: term {key!r}"
    if not isinstance(entry, Mapping) or set(FIELDS) - set(entry):
        raise ContentError(f"{where} needs {', '.join(FIELDS)}")
    names = [str(n) for n in entry["names"] or ()]
    buttons = entry["buttons"] or ()
    if not names or not str(entry["definition"]).strip() or not entry["sources"]:
        raise ContentError(f"{where}: names, definition and sources may not be empty")
    if not isinstance(entry["checked_on"], dt.date):
        raise ContentError(f"{where}: checked_on must be a date")
    if any(
        not isinstance(b, Mapping) or not str(b.get("payload", "")).startswith("/") for b in buttons
    ):
        raise ContentError(f"{where}: each button needs a title and a /payload")
    return Term(
        key=key,
        title=str(localized(entry, "title", language)),
        definition=" ".join(str(localized(entry, "definition", language)).split()),
        buttons=tuple(
            Button(str(localized(b, "title", language)), str(b["payload"])) for b in buttons
        ),
        sources=tuple(str(s) for s in entry["sources"]),
        checked_on=entry["checked_on"],
        patterns=tuple(keyword_pattern(n) for n in names),
    )


def parse_glossary(raw: Mapping[str, Any], language: str = DEFAULT_LANGUAGE) -> Glossary:
    """The glossary from the file's content, its texts in ``language`` (``<field>_en``
    where the file has them); a :class:`ContentError` names what is wrong."""
    terms = raw.get("terms")
    if not isinstance(terms, Mapping) or not terms:
        raise ContentError(f"{GLOSSARY_FILE}: a mapping 'terms' is expected")
    return Glossary(tuple(_term(str(key), entry, language) for key, entry in terms.items()))


def load_glossary(folder: Path, language: str = DEFAULT_LANGUAGE) -> Glossary:
    return parse_glossary(read_yaml(folder / GLOSSARY_FILE), language)


def get_glossary() -> Glossary:
    """The glossary in the language being spoken (secu.language.speaking)."""
    return _glossary(speaking_language())


@lru_cache(maxsize=len(LANGUAGES))
def _glossary(language: str) -> Glossary:
    return load_glossary(get_settings().knowledge_dir, language)


def _entity_values(turn: Turn) -> Iterable[object]:
    return (e.value for e in turn.entities if e.name == TERM_ENTITY and e.value is not None)


def term_asked(turn: Turn, glossary: Glossary) -> Term | None:
    """The first term the NLU tagged that is known, else the first named in the words."""
    for value in _entity_values(turn):
        found = glossary.find(value)
        if found is not None:
            return found
    return glossary.detect(turn.text)


def term_button(term: Term) -> Button:
    return button(term.title, DEFINE_INTENT, **{TERM_ENTITY: term.key})


def define_reply(turn: Turn, glossary: Glossary) -> Reply:
    """The definition of the term asked, with its next steps; the known terms, when the
    term asked is not one of them."""
    term = term_asked(turn, glossary)
    if term is None:
        known = [t.title for t in glossary.terms]
        buttons = [term_button(t) for t in glossary.terms]
        buttons.append(button(render("term_button_help"), "help"))
        return Reply.say("term_unknown", buttons, terms=", ".join(known))
    return Reply.say("term_definition", list(term.buttons), definition=term.definition)
