"""spaCy's reshaped vectors' key table answers every key exactly as the original did."""

from __future__ import annotations

import random

import numpy as np
import pytest
import spacy

from addons.compact_spacy import SortedKeyRows, compact


@pytest.fixture(scope="module")
def models() -> tuple[spacy.Language, spacy.Language]:
    original = spacy.load("fr_core_news_md", exclude=["parser", "ner"])
    compacted = spacy.load("fr_core_news_md", exclude=["parser", "ner"])
    assert compact(compacted) == {"key2row": "sorted"}
    return original, compacted


def test_every_vector_key_finds_the_same_row(models: tuple) -> None:
    original, compacted = models
    before, after = original.vocab.vectors.key2row, compacted.vocab.vectors.key2row
    assert isinstance(after, SortedKeyRows)
    assert len(after) == len(before) == 500_000
    for key, row in before.items():
        assert after[key] == row
    assert list(after) == sorted(before)
    key = next(iter(before))
    assert np.uint64(key) in after and after.get(np.uint64(key)) == before[key]
    for missing in (0, 1, 2**64 - 1, -1, 2**70, "mot", 1.5, None):
        assert missing not in after and after.get(missing, -1) == -1
    with pytest.raises(KeyError):
        after[0]


def test_words_get_the_same_vectors(models: tuple) -> None:
    original, compacted = models
    words = random.Random(7).sample(sorted(original.vocab.strings), 3000)
    # inflected, misspelt and unknown forms: a vector or the zero vector, as before
    words += [w + suffix for w in words[:500] for suffix in ("s", "es", "ait", "ions", "x")]
    words += ["numero", "secu", "carte", "vitale", "perdu", "nee", "etranger", "zzqx"]
    vectors = [np.array([nlp.vocab.get_vector(w) for w in words]) for nlp in models]
    assert np.array_equal(vectors[0], vectors[1])
    assert (vectors[0] != 0).any(axis=1).sum() > 1000  # real vectors, not only zeros
    assert np.array_equal(
        original.vocab.vectors.get_batch(words[:50]), compacted.vocab.vectors.get_batch(words[:50])
    )
    texts = ["je suis née à lyon", "numero de secu perdu", "zzqx qqq"]
    for text in texts:
        before, after = original.make_doc(text), compacted.make_doc(text)
        assert np.array_equal(before.vector, after.vector)


def test_rows_it_cannot_hold_are_refused() -> None:
    with pytest.raises(ValueError):
        SortedKeyRows({1: -1})
    with pytest.raises(ValueError):
        SortedKeyRows({1: 2**40})
    small = SortedKeyRows({5: 1, 3: 0, 2**63 + 1: 2})
    assert list(small) == [3, 5, 2**63 + 1] and small[5] == 1 and small[2**63 + 1] == 2


def test_a_model_without_these_tables_is_left_alone() -> None:
    nlp = spacy.blank("fr")
    assert compact(nlp) == {}
