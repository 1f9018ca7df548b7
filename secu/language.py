"""The language of a conversation (issue #15): French by default, English when the person
writes English, kept until they write the other language or ask for it.

Detection uses lingua (its models ship in its wheel: nothing is downloaded), restricted
to French and English. A message decides only when it says enough: the French words
English speakers use as they meet them ("carte Vitale", "attestation de droits", "CPAM")
are taken out first (``data/knowledge/language.yml``), numbers, postal codes, phone
numbers, masked NIRs and ``RDV-…`` references never count, and a message of fewer than
``min_words`` words ("ok", "merci", "yes") never changes the language, except a greeting
("hello", "bonjour") that opens the conversation while no language is set. Asking for a
language ("in English please", "en français svp", "anglais ?") always does.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from secu.settings import get_settings
from secu.text import fold, read_yaml

FRENCH = "fr"
ENGLISH = "en"
LANGUAGES = (FRENCH, ENGLISH)
DEFAULT_LANGUAGE = FRENCH
OTHER_LANGUAGES = tuple(language for language in LANGUAGES if language != DEFAULT_LANGUAGE)

# The language of the answer being composed: set once per action by the Rasa adapter
# (actions/adapter.py), read where a text is chosen (secu.content, the knowledge queries),
# so that the dialogue functions stay the same in both languages.
_SPEAKING: ContextVar[str] = ContextVar("speaking", default=DEFAULT_LANGUAGE)


def speaking_language() -> str:
    """The language of the answer being composed (French outside of :func:`speaking`)."""
    return _SPEAKING.get()


@contextmanager
def speaking(language: str) -> Iterator[None]:
    """Compose the answers of this block in ``language``.

    >>> with speaking("en"):
    ...     speaking_language()
    'en'
    >>> speaking_language()
    'fr'
    """
    token = _SPEAKING.set(language if language in LANGUAGES else DEFAULT_LANGUAGE)
    try:
        yield
    finally:
        _SPEAKING.reset(token)


def localized(entry: Any, name: str, language: str | None = None) -> Any:
    """A field of a content entry in the language spoken: ``<name>_en`` in English when the
    entry has it, else ``<name>`` (French).

    >>> localized({"text": "Bonjour", "text_en": "Hello"}, "text", "en")
    'Hello'
    >>> localized({"text": "Bonjour"}, "text", "en"), localized({"text": "Bonjour"}, "text")
    ('Bonjour', 'Bonjour')
    """
    language = language or speaking_language()
    if language != DEFAULT_LANGUAGE and isinstance(entry, dict):
        translated = entry.get(f"{name}_{language}")
        if translated is not None:
            return translated
    return entry.get(name) if isinstance(entry, dict) else None


_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_REFERENCE = re.compile(r"\brdv[\s-]*[a-z0-9]{6}\b", re.IGNORECASE)


@dataclass(frozen=True)
class LanguageRules:
    """What decides the language (``data/knowledge/language.yml``)."""

    neutral: tuple[tuple[str, ...], ...]  # folded French terms, as word sequences
    requests: dict[str, tuple[str, ...]]  # language -> folded words that ask for it
    min_words: int  # fewer words than this never change the language
    min_confidence: dict[str, float]  # language -> the detector's confidence to change to it
    markers: dict[str, frozenset[str]] = field(default_factory=dict)  # language -> its words
    min_markers: int = 2  # markers of one language that tell it…
    marker_confidence: float = 1.0  # …when the detector gives it at least this,
    marker_share: float = 0.5  # …they are at least this share of the message's words…
    marker_ratio: float | None = None  # …and this many times the other's (None: no other)
    greetings: dict[str, tuple[tuple[str, ...], ...]] = field(default_factory=dict)
    greeting_extras: frozenset[str] = frozenset()  # words a greeting may come with ("bot")

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> LanguageRules:
        return cls(
            neutral=word_sequences(data["neutral_terms"]),
            requests={
                language: tuple(fold(word) for word in words)
                for language, words in data["requests"].items()
            },
            min_words=int(data["min_words"]),
            min_confidence={
                language: float(value) for language, value in data["min_confidence"].items()
            },
            markers={
                language: frozenset(fold(str(word)) for word in data["markers"][language])
                for language in LANGUAGES
            },
            min_markers=int(data["markers"]["min"]),
            marker_confidence=float(data["markers"]["min_confidence"]),
            marker_share=float(data["markers"].get("share", 0.5)),
            marker_ratio=(
                float(data["markers"]["ratio"]) if data["markers"].get("ratio") else None
            ),
            greetings={
                language: word_sequences(data["greetings"][language]) for language in LANGUAGES
            },
            greeting_extras=frozenset(fold(str(word)) for word in data["greetings"]["with"]),
        )


def word_sequences(terms: list[Any]) -> tuple[tuple[str, ...], ...]:
    """Folded terms as sequences of words, the longest first.

    >>> word_sequences(["hi", "Good morning"])
    (('good', 'morning'), ('hi',))
    """
    sequences = (tuple(fold(str(term)).split()) for term in terms)
    return tuple(sorted((s for s in sequences if s), key=len, reverse=True))


@lru_cache(maxsize=1)
def get_rules() -> LanguageRules:
    return LanguageRules.from_data(read_yaml(get_settings().knowledge_dir / "language.yml"))


@lru_cache(maxsize=1)
def _detector() -> Any:
    from lingua import Language, LanguageDetectorBuilder

    builder = LanguageDetectorBuilder.from_languages(Language.FRENCH, Language.ENGLISH)
    return builder.with_preloaded_language_models().build()


def warm_up() -> None:
    """Loads the rules and the detector's models (0.7 s on the benchmark machine) at the
    action server's start, so that the first person to write does not wait for them."""
    get_rules()
    _detector()


def term_at(
    words: list[str], index: int, terms: tuple[tuple[str, ...], ...]
) -> tuple[str, ...] | None:
    """The first of ``terms`` (word sequences, the longest first) that ``words`` hold at
    ``index``, or None.

    >>> term_at(["good", "morning", "bot"], 0, (("good", "morning"), ("good",)))
    ('good', 'morning')
    """
    return next((t for t in terms if tuple(words[index : index + len(t)]) == t), None)


def telling_words(text: str, rules: LanguageRules) -> list[str]:
    """The words of a message that can tell its language: the neutral French terms,
    references, numbers and one-letter words taken out.

    >>> rules = LanguageRules(((("carte", "vitale")),), {}, 3, {})
    >>> telling_words("I lost my carte Vitale, RDV-7K3F9Q, 75011", rules)
    ['I', 'lost', 'my']
    """
    words = _WORD.findall(_REFERENCE.sub(" ", text))
    folded = [fold(word) for word in words]
    kept: list[str] = []
    index = 0
    while index < len(words):
        term = term_at(folded, index, rules.neutral)
        if term is not None:
            index += len(term)
            continue
        kept.append(words[index])
        index += 1
    return kept


def detect(text: str, rules: LanguageRules) -> str | None:
    """The language a message is written in, or None when it does not say enough (a
    button's payload never does)."""
    if text.lstrip().startswith("/"):
        return None
    words = telling_words(text, rules)
    if len(words) < rules.min_words:
        return None
    confidences = {
        (ENGLISH if value.language.name == "ENGLISH" else FRENCH): value.value
        for value in _detector().compute_language_confidence_values(" ".join(words))
    }
    if not confidences:
        return None
    counts = marker_counts(words, rules)
    best = max(confidences, key=lambda language: confidences[language])
    if confidences[best] >= rules.min_confidence[best]:
        contradicted = any(
            n >= rules.min_markers for other, n in counts.items() if other != best
        ) and not counts.get(best)
        return None if contradicted else best
    return told_by_markers(len(words), counts, confidences, rules)


def marker_counts(words: list[str], rules: LanguageRules) -> dict[str, int]:
    """How many of the message's words are each language's markers ("j'ai" is read as
    "j ai").

    >>> rules = LanguageRules((), {}, 3, {}, {"en": frozenset({"i", "in"}),
    ...     "fr": frozenset({"j", "ai"})}, 2, 0.35)
    >>> marker_counts(["i", "live", "in", "Bordeaux"], rules)
    {'en': 2, 'fr': 0}
    """
    parts = fold(" ".join(words)).split()
    return {
        language: sum(part in markers for part in parts)
        for language, markers in rules.markers.items()
    }


def told_by_markers(
    length: int, counts: dict[str, int], confidences: dict[str, float], rules: LanguageRules
) -> str | None:
    """The language whose short words make at least ``marker_share`` of the message's
    ``length`` words (and ``min_markers``), with ``marker_ratio`` times fewer of the other
    language's (none of them when it is None), when the detector gives it at least
    ``marker_confidence``: "what can you do for me?" is English though the detector says
    so with 0.77 only; "how do i make a rendez-vous at the CPAM in Nantes" too (the
    detector 0.51, six English words and "vous"); "je suis student a Lyon" stays undecided.

    >>> rules = LanguageRules((), {}, 3, {}, {}, 2, 0.35)
    >>> told_by_markers(6, {"en": 5, "fr": 0}, {"en": 0.77, "fr": 0.23}, rules)
    'en'
    >>> told_by_markers(4, {"en": 2, "fr": 2}, {"en": 0.6, "fr": 0.4}, rules) is None
    True
    >>> told_by_markers(11, {"en": 6, "fr": 1}, {"en": 0.51, "fr": 0.49}, rules) is None
    True
    >>> mixed = LanguageRules((), {}, 3, {}, {}, 2, 0.35, marker_share=0.33, marker_ratio=4)
    >>> told_by_markers(11, {"en": 6, "fr": 1}, {"en": 0.51, "fr": 0.49}, mixed)
    'en'
    >>> told_by_markers(11, {"en": 6, "fr": 2}, {"en": 0.58, "fr": 0.42}, mixed) is None
    True
    """
    for language, count in counts.items():
        others = sum(n for other, n in counts.items() if other != language)
        ratio = rules.marker_ratio
        outnumbered = others == 0 if ratio is None else count >= ratio * others
        if (
            count >= max(rules.min_markers, length * rules.marker_share)
            and outnumbered
            and confidences.get(language, 0.0) >= rules.marker_confidence
        ):
            return language
    return None


def greeted_in(text: str, rules: LanguageRules) -> str | None:
    """The language of a message made only of one language's greetings (and of the words
    a greeting comes with: "bot", "there"…), else None.

    >>> rules = LanguageRules((), {}, 3, {}, greetings={
    ...     "en": (("good", "morning"), ("hello",), ("hi",)), "fr": (("bonjour",),)},
    ...     greeting_extras=frozenset({"bot", "there"}))
    >>> [greeted_in(t, rules) for t in ["Hello!", "hi there", "Good morning bot", "bonjour"]]
    ['en', 'en', 'en', 'fr']
    >>> [greeted_in(t, rules) for t in ["hello bonjour", "good", "hello carte", "bot", ""]]
    [None, None, None, None, None]
    """
    words = fold(" ".join(telling_words(text, rules))).split()
    found: set[str] = set()
    index = 0
    while index < len(words):
        matched = next(
            (
                (language, term)
                for language, terms in rules.greetings.items()
                if (term := term_at(words, index, terms)) is not None
            ),
            None,
        )
        if matched is not None:
            found.add(matched[0])
            index += len(matched[1])
        elif words[index] in rules.greeting_extras:
            index += 1
        else:
            return None
    return found.pop() if len(found) == 1 else None


def requested(text: str, rules: LanguageRules) -> str | None:
    """The language a message asks for by name ("in English please", "en français"),
    if it names exactly one.

    >>> asks = {"en": ("english", "anglais"), "fr": ("french", "francais")}
    >>> rules = LanguageRules((), asks, 3, {})
    >>> requested("anglais svp", rules), requested("En français !", rules), requested("ok", rules)
    ('en', 'fr', None)
    """
    words = set(fold(text).split())
    named = [language for language, asks in rules.requests.items() if words & set(asks)]
    return named[0] if len(named) == 1 else None


def conversation_language(
    text: str,
    current: str | None,
    asking: bool = False,
    rules: LanguageRules | None = None,
    opening: bool = False,
) -> str:
    """The language to answer in: the one asked for (``asking``: the message is a request
    to change language), else the one the message is clearly written in, else, at the
    conversation's opening (``opening``: nothing but a welcome said yet) and while no
    language is set (``current`` None), the one it greets in, else the conversation's so
    far (French at the start)."""
    rules = rules or get_rules()
    known = current if current in LANGUAGES else DEFAULT_LANGUAGE
    told = requested(text, rules) if asking else None
    told = told or detected(text, rules)
    if told is None and opening and current not in LANGUAGES:
        told = greeted_in(text, rules)
    return told or known


DETECTED_TEXTS = 4096
"""Messages whose language is remembered (each action of a turn reads the same one)."""
_DETECTED: dict[str, tuple[LanguageRules, str | None]] = {}


def detected(text: str, rules: LanguageRules) -> str | None:
    """``detect``, once per message and rules: the two to four actions that answer a
    message each read its language, and the detector is most of the action server's
    time for a long message (a quarter of its CPU under a realistic load, 1 Dec. 2026).
    A message with a NIR-shaped number in it is read each time, never remembered."""
    from secu.nir.scan import redact  # here: secu.nir reads this module at its import

    if redact(text) != text:  # a NIR is read, then forgotten: never kept (docs/privacy.md)
        return detect(text, rules)
    known = _DETECTED.get(text)
    if known is not None and known[0] is rules:
        return known[1]
    if len(_DETECTED) >= DETECTED_TEXTS:
        _DETECTED.clear()
    language = detect(text, rules)
    _DETECTED[text] = (rules, language)
    return language
