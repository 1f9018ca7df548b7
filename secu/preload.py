"""Everything the answers read from files, loaded before the first person writes.

The content the actions serve (answers, intent labels, glossary, situations, places
abroad, booking words, INSEE's geography, the search's word analyser, the language
detector, France's public holidays) is read from ``data/`` on first use and kept for the
life of the process. Read lazily, it was the first people after each start who waited
for it: measured on 1 December 2026, the geography 0.46 s for the first question about
an organism, the holidays 0.08 s for the first appointment, the others a few tens of
milliseconds each (py-spy of the action server under people's words). The action server
calls :func:`preload` before it listens (``actions/server.py``), in the seconds the Rasa
server takes to load its model anyway.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable

from secu import language
from secu.agenda.service import is_public_holiday
from secu.agenda.words import get_words
from secu.content import answers, intent_labels
from secu.dialogue.elsewhere import get_elsewhere
from secu.dialogue.glossary import get_glossary
from secu.dialogue.topics import get_situations
from secu.geo.geography import get_geography
from secu.knowledge.words import get_analyzer


def _in_every_language(load: Callable[[], object]) -> Callable[[], None]:
    def each() -> None:
        for spoken in language.LANGUAGES:
            with language.speaking(spoken):
                load()

    return each


def _holidays(today: dt.date) -> Callable[[], None]:
    def load() -> None:
        # metropolitan France this year and next (the agenda shows the coming weeks)
        for year in (today.year, today.year + 1):
            is_public_holiday("75", dt.date(year, 1, 1))

    return load


def parts(today: dt.date | None = None) -> dict[str, Callable[[], object]]:
    """What :func:`preload` loads, by name."""
    return {
        "language detector": language.warm_up,
        "answers": _in_every_language(lambda: answers(language.speaking_language())),
        "intent labels": _in_every_language(intent_labels),
        "glossary": _in_every_language(get_glossary),
        "situations": get_situations,
        "places abroad": get_elsewhere,
        "booking words": get_words,
        "search words": get_analyzer,
        "geography": get_geography,
        "public holidays": _holidays(today or dt.date.today()),
    }


def preload(today: dt.date | None = None) -> dict[str, float]:
    """Loads every part; the seconds each took."""
    timings: dict[str, float] = {}
    for name, load in parts(today).items():
        started = time.perf_counter()
        load()
        timings[name] = time.perf_counter() - started
    return timings
