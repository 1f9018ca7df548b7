"""Keywords searched as one alternation a key find what the keywords searched one by one
find: the same first key and the same answer to ``tells``, for every keyword list of the
content and every message people wrote (held-out sets) or the NLU learnt from."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bench.realistic_load import held_out_messages
from secu.agenda.words import get_words
from secu.dialogue.elsewhere import get_elsewhere
from secu.dialogue.topics import get_situations
from secu.text import Keywords, either, fold

ROOT = Path(__file__).resolve().parents[3]


def one_by_one(keywords: Keywords, text: str) -> str | None:
    """The first key, each keyword searched on its own (the meaning of ``first``)."""
    folded = fold(text)
    for key, patterns in keywords.entries:
        if any(p.search(folded) for p in patterns):
            return key
    return None


def every_keyword_list() -> list[tuple[str, Keywords]]:
    situations = get_situations()
    words = get_words()
    lists = [
        ("elsewhere", get_elsewhere().words),
        ("booking reasons", words.reasons),
        ("booking channels", words.channels),
        ("booking changes", words.changes),
        ("booking later", words.later),
    ]
    lists += [(f"situations of {t}", k) for t, k in situations._keywords.items()]
    lists += [(f"buttons of {q}", k) for q, k in situations._typed_keywords.items()]
    return lists


def messages() -> list[str]:
    texts = held_out_messages()  # tests/nlu_real: people's own words
    for folder in ("tests/nlu", "tests/nlu_en", "data/nlu"):  # held out, English, learnt
        texts += held_out_messages(ROOT / folder)
    return list(dict.fromkeys(texts))


def test_one_search_a_key_finds_what_each_keyword_finds() -> None:
    texts = messages()
    assert len(texts) > 3000
    found = 0
    for name, keywords in every_keyword_list():
        for index, text in enumerate(texts):
            expected = one_by_one(keywords, text)
            assert keywords.first(text) == expected, (name, text)
            found += expected is not None
            if index % 10 == 0:
                folded = fold(text)
                for key, patterns in keywords.entries:
                    told = any(p.search(folded) for p in patterns)
                    assert keywords.tells(key, text) is told, (name, key, text)
    assert found > 1000  # keywords really matched


@pytest.mark.parametrize(
    ("patterns", "text", "matches"),
    [
        ((re.compile(r"\bcarte\b"), re.compile(r"\bvitale\w*")), "ma vitale", True),
        ((re.compile(r"\bcarte\b"), re.compile(r"\bvitale\b")), "vitales", False),
        ((re.compile(r"\bab\b"), re.compile(r"\bcd\b", re.IGNORECASE)), "CD", True),
    ],
)
def test_either_matches_where_one_of_the_patterns_does(
    patterns: tuple[re.Pattern[str], ...], text: str, matches: bool
) -> None:
    assert any(p.search(text) for p in either(patterns)) is matches
    assert any(p.search(text) for p in patterns) is matches
