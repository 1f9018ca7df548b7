"""The words a text is searched by (:mod:`secu.knowledge.search`): folded (lower case, no
accents: :func:`secu.text.fold`), SMS spellings written out and words that say nothing of
the question left out (both listed in ``data/knowledge/search.yml``), then stemmed, so
that "cartes vitales perdues" and "carte vitale perdue" give the same terms. The records
and the messages go through the same :class:`Analyzer`.

Stemming is the French Snowball stemmer (``snowballstemmer``) on the folded words, with
three fix-ups measured on the words of data/nlu and data/knowledge: people type without
accents, and Snowball reads an unaccented "-ee", "-ere" or "-ent" ending as part of the
stem ("demandee" stayed "demande" while "demande" gives "demand"; "etrangere" gave
"etranger", "etranger" "etrang"). With them, 30 % fewer families of words (same first 6
letters) are split over several stems.

Only terms that start with a letter are kept: a number (a NIR, a phone number, a date, a
department code) never reaches the database; "s1106", "e104" do.

>>> analyzer = Analyzer(frozenset({"j", "ai", "ma", "a", "l", "mon", "c", "est"}),
...                     {"cv": "carte vitale", "num": "numero"})
>>> analyzer.terms("J'ai perdu ma carte Vitale à l'étranger")
['perdu', 'cart', 'vital', 'etrang']
>>> analyzer.terms("ma cv perdue a l etrangere, mon num c'est 1 85 05 78 006 084 36")
['cart', 'vital', 'perdu', 'etrang', 'numero']
>>> analyzer.query_terms("carte vitale, cartes vitales")
['cart', 'vital']
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import snowballstemmer

from secu.settings import get_settings
from secu.text import ContentError, fold, read_yaml

WORDS_FILE = "search.yml"
# Bump when the terms of a text change for a reason other than search.yml (the loader
# then rebuilds the search table).
ANALYZER_VERSION = 1

_ENDINGS = ((re.compile(r"(?<=\w{3})ees?$"), "e"), (re.compile(r"(?<=\w{3})eres?$"), "er"))
_STEMMER = snowballstemmer.stemmer("french")


@lru_cache(maxsize=20_000)
def stem(word: str) -> str:
    """The stem of a folded word (Snowball French and the fix-ups of the module's doc).

    >>> [stem(w) for w in ("demandee", "demande", "demandent", "etrangere", "etrangers")]
    ['demand', 'demand', 'demand', 'etrang', 'etrang']
    >>> [stem(w) for w in ("numeros", "numero", "retraitee", "retraites")]
    ['numero', 'numero', 'retrait', 'retrait']
    """
    for pattern, replacement in _ENDINGS:
        word = pattern.sub(replacement, word)
    found = _STEMMER.stemWord(word)
    if found.endswith("ent") and len(found) > 6:
        return found[:-3]
    if found.endswith("er") and len(found) > 5:
        return found[:-2]
    if found.endswith("s") and not found.endswith("ss") and len(found) > 4:
        return found[:-1]
    return found


@dataclass(frozen=True)
class Analyzer:
    """Turns a text into search terms (see the module's doc)."""

    stop_words: frozenset[str]
    spelled_out: Mapping[str, str]

    def terms(self, text: str) -> list[str]:
        """The terms of ``text``, in order, repeats kept (the database counts them)."""
        terms: list[str] = []
        for word in fold(text).split():
            for spelled in self.spelled_out.get(word, word).split():
                if spelled not in self.stop_words and spelled[0].isalpha():
                    terms.append(stem(spelled))
        return terms

    def query_terms(self, text: str) -> list[str]:
        """The terms of ``text``, each once, in order (what a query asks for)."""
        return list(dict.fromkeys(self.terms(text)))


def load_analyzer(folder: Path) -> Analyzer:
    """The analyzer of ``folder/search.yml``; a :class:`ContentError` says what is wrong."""
    raw = read_yaml(folder / WORDS_FILE)
    stop_words, spelled_out = raw.get("stop_words"), raw.get("spelled_out")
    if not isinstance(stop_words, list) or not isinstance(spelled_out, dict):
        raise ContentError(f"{WORDS_FILE}: a list 'stop_words' and a mapping 'spelled_out'")
    return Analyzer(
        frozenset(fold(str(word)) for word in stop_words),
        {fold(str(short)): fold(str(long)) for short, long in spelled_out.items()},
    )


@lru_cache(maxsize=1)
def get_analyzer() -> Analyzer:
    return load_analyzer(get_settings().knowledge_dir)
