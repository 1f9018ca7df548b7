"""spaCy's French lookup tables in a form that answers the same, with less memory and time.

``fr_core_news_md`` loads its lemmatizer's tables and its vectors' key table as Python
dictionaries and lists of Python objects. Three of them are reshaped right after the model
is loaded (``compact(nlp)``, called by ``addons.nlu``); every lookup answers exactly what it
answered before (``tests/unit/addons/test_compact_spacy.py`` compares every key):

- ``lemma_index`` (the words of each part of speech: 28,000 nouns, 66,000 verbs…) is a
  list that the French lemmatizer searches with ``in`` for every word it has not seen yet,
  several times a word: about 5 ms of a message of new words went into these scans. As
  sets, the same membership answers cost nothing.
- ``lemma_lookup`` (217,000 forms → a one-lemma list, keyed by string hash) took about
  60 MB as an ordered dictionary of Python objects: here, sorted hashes and one string
  buffer (``SortedHashTable``).
- The vectors' ``key2row`` (500,000 string hashes → one of the 20,000 rows) took about
  45 MB as a dictionary of Python integers: here, two sorted arrays (``SortedKeyRows``).

Nothing here writes a table back: the model is only read (prediction); training, which
saves spaCy's model, never calls ``compact``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np
from spacy.language import Language
from spacy.strings import get_string_id

LIST_LOOKUPS_AS_SETS = ("lemma_index",)
SORTED_LOOKUPS = ("lemma_lookup",)
SEPARATOR = "\x00"
"""Between the lemmas of one entry (none holds it: checked when building)."""


def _position(keys: np.ndarray, key: object) -> int:
    """Index of the integer ``key`` in the sorted ``keys``, or -1 (also for a non-integer,
    which a dictionary of integer keys would not hold either)."""
    if not isinstance(key, (int, np.integer)):
        return -1
    key = int(key)
    if not 0 <= key < 1 << 64:
        return -1
    index = int(np.searchsorted(keys, np.uint64(key)))
    if index < len(keys) and int(keys[index]) == key:
        return index
    return -1


class _SortedKeys(Mapping[int, Any]):
    """A read-only mapping whose integer keys are one sorted array: subclasses say how a
    key given by the caller becomes an integer and what value the i-th key has."""

    _keys: np.ndarray

    def _index(self, key: object) -> int:
        return _position(self._keys, key)

    def _value(self, index: int) -> Any:
        raise NotImplementedError

    def __getitem__(self, key: object) -> Any:
        index = self._index(key)
        if index < 0:
            raise KeyError(key)
        return self._value(index)

    def get(self, key: object, default: Any = None) -> Any:
        index = self._index(key)
        return default if index < 0 else self._value(index)

    def __contains__(self, key: object) -> bool:
        return self._index(key) >= 0

    def __len__(self) -> int:
        return len(self._keys)

    def __iter__(self) -> Iterator[int]:
        return (int(key) for key in self._keys)


class SortedKeyRows(_SortedKeys):
    """A read-only ``{uint64 key: row}`` mapping as two sorted arrays, for spaCy's
    ``Vectors.key2row`` (which only reads it with ``get``, ``[]``, ``in``, ``len`` and
    iteration once a model is loaded)."""

    def __init__(self, mapping: Mapping[int, int]) -> None:
        keys = np.fromiter(mapping.keys(), dtype=np.uint64, count=len(mapping))
        rows = np.fromiter(mapping.values(), dtype=np.int64, count=len(mapping))
        if len(rows) and (rows.min() < 0 or rows.max() > np.iinfo(np.int32).max):
            raise ValueError("rows out of range")
        order = np.argsort(keys)
        self._keys, self._rows = keys[order], rows[order].astype(np.int32)

    def _value(self, index: int) -> int:
        return int(self._rows[index])


class SortedHashTable(_SortedKeys):
    """A read-only spaCy lookups ``Table`` whose values are lists of strings, keyed by
    string hash: sorted hashes, and the lists in one string buffer. Like ``Table``, it is
    read with a string or its hash; each read returns a new list equal to the stored one.
    """

    def __init__(self, table: Mapping[int, list[str]]) -> None:
        self.name = getattr(table, "name", None)
        values = list(table.values())
        if not all(type(value) is list and value for value in values):
            raise ValueError("not a table of non-empty lists")
        try:
            texts = [SEPARATOR.join(value) for value in values]
        except TypeError as error:
            raise ValueError("not a table of lists of strings") from error
        if "".join(texts).count(SEPARATOR) != sum(len(value) - 1 for value in values):
            raise ValueError("a value holds the separator")
        keys = np.fromiter(table.keys(), dtype=np.uint64, count=len(values))
        order = np.argsort(keys)
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))[order]
        self._keys = keys[order]
        self._offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        self._buffer = "".join([texts[i] for i in order.tolist()])

    def _index(self, key: object) -> int:
        return super()._index(get_string_id(key) if isinstance(key, str) else key)

    def _value(self, index: int) -> list[str]:
        start, end = int(self._offsets[index]), int(self._offsets[index + 1])
        return self._buffer[start:end].split(SEPARATOR)


def compact(nlp: Language) -> dict[str, str]:
    """Reshapes the loaded model's tables in place; returns what was done, by table."""
    done: dict[str, str] = {}
    if "lemmatizer" in nlp.pipe_names:
        lookups = nlp.get_pipe("lemmatizer").lookups
        for name in LIST_LOOKUPS_AS_SETS:
            if lookups.has_table(name):
                table = lookups.get_table(name)
                for pos, words in list(table.items()):
                    if isinstance(words, list):
                        table[pos] = frozenset(words)
                done[name] = "sets"
        for name in SORTED_LOOKUPS:
            if lookups.has_table(name):
                try:
                    lookups._tables[name] = SortedHashTable(lookups.get_table(name))
                except ValueError:  # another model's table: left as it is
                    continue
                done[name] = "sorted"
    vectors = nlp.vocab.vectors
    if isinstance(vectors.key2row, dict) and vectors.key2row:
        vectors.key2row = SortedKeyRows(vectors.key2row)
        done["key2row"] = "sorted"
    return done
