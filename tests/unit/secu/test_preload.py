"""The content is loaded before the first person writes (secu/preload.py)."""

from __future__ import annotations

import datetime as dt

from secu import content, language
from secu.agenda import service
from secu.agenda.words import get_words
from secu.dialogue import glossary
from secu.dialogue.elsewhere import get_elsewhere
from secu.dialogue.topics import get_situations
from secu.geo.geography import get_geography
from secu.knowledge.words import get_analyzer
from secu.preload import parts, preload

LOADERS = [
    get_geography,
    get_situations,
    get_elsewhere,
    get_words,
    get_analyzer,
    language.get_rules,
    language._detector,
]


def forget_everything() -> None:
    for loader in [*LOADERS, content.answers, content._intent_labels, glossary._glossary]:
        loader.cache_clear()
    service._holidays.cache_clear()


def test_after_preloading_the_first_answers_read_nothing_from_disk() -> None:
    forget_everything()
    timings = preload(dt.date(2026, 12, 1))
    assert set(timings) == set(parts())
    assert all(seconds >= 0 for seconds in timings.values())
    for loader in LOADERS:
        info = loader.cache_info()
        assert info.currsize == 1, loader.__name__
    for cached in (content.answers, content._intent_labels, glossary._glossary):
        assert cached.cache_info().currsize == len(language.LANGUAGES), cached.__name__
    holidays = service._holidays.cache_info()
    assert holidays.currsize == 2  # this year and next, metropolitan France
    # the first person asking about a country or an appointment loads nothing
    assert get_geography().find_country_named("Maroc") is not None
    assert service.is_public_holiday("75", dt.date(2026, 12, 25))
    assert get_geography.cache_info().misses == 1
    assert service._holidays.cache_info().misses == holidays.misses


def test_preloading_twice_loads_nothing_again() -> None:
    preload(dt.date(2026, 12, 1))
    before = {loader.__name__: loader.cache_info().misses for loader in LOADERS}
    preload(dt.date(2026, 12, 1))
    assert {loader.__name__: loader.cache_info().misses for loader in LOADERS} == before
