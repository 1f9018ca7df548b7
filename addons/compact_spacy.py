"""spaCy's vectors' key table in a form that answers the same, with less memory.

``fr_core_news_md`` loads its vectors' ``key2row`` (500,000 string hashes → one of the
20,000 rows) as a dictionary of Python integers, about 45 MB. Right after the model is
loaded (``compact(nlp)``, called by ``addons.nlu``) it becomes two sorted arrays
(``SortedKeyRows``); every key answers exactly what it answered before
(``tests/unit/addons/test_compact_spacy.py`` compares every key).

The lemmatizer's tables were reshaped here too until the server stopped loading the
lemmatizer (``addons.nlu.SPACY_PIPES_UNUSED``). Nothing here writes a table back: spaCy's
model is only read, in the server and in training (scripts/rasa_train.py), and Rasa never
saves it (its ``SpacyNLP`` keeps only the model's name).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np
from spacy.language import Language


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


class SortedKeyRows(Mapping[int, int]):
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

    def __getitem__(self, key: object) -> int:
        index = _position(self._keys, key)
        if index < 0:
            raise KeyError(key)
        return int(self._rows[index])

    def get(self, key: object, default: Any = None) -> Any:
        index = _position(self._keys, key)
        return default if index < 0 else int(self._rows[index])

    def __contains__(self, key: object) -> bool:
        return _position(self._keys, key) >= 0

    def __len__(self) -> int:
        return len(self._keys)

    def __iter__(self) -> Iterator[int]:
        return (int(key) for key in self._keys)


def compact(nlp: Language) -> dict[str, str]:
    """Reshapes the loaded model's tables in place; returns what was done, by table."""
    done: dict[str, str] = {}
    vectors = nlp.vocab.vectors
    if isinstance(vectors.key2row, dict) and vectors.key2row:
        vectors.key2row = SortedKeyRows(vectors.key2row)
        done["key2row"] = "sorted"
    return done
