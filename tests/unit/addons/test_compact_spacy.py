"""spaCy's reshaped lookup tables answer every key exactly as the originals did."""

from __future__ import annotations

import random

import numpy as np
import pytest
import spacy
from spacy.lookups import Table
from spacy.tokens import Doc

from addons.compact_spacy import SortedHashTable, SortedKeyRows, compact

POS = ("NOUN", "VERB", "ADJ", "ADV", "PRON", "DET", "AUX", "PROPN", "NUM")


@pytest.fixture(scope="module")
def models() -> tuple[spacy.Language, spacy.Language]:
    original = spacy.load("fr_core_news_md", exclude=["parser", "ner"])
    compacted = spacy.load("fr_core_news_md", exclude=["parser", "ner"])
    assert compact(compacted) == {
        "lemma_index": "sets",
        "lemma_lookup": "sorted",
        "key2row": "sorted",
    }
    return original, compacted


def table(nlp: spacy.Language, name: str) -> object:
    return nlp.get_pipe("lemmatizer").lookups.get_table(name)


def test_every_lemma_lookup_entry_is_the_same(models: tuple) -> None:
    original, compacted = models
    before, after = table(original, "lemma_lookup"), table(compacted, "lemma_lookup")
    assert isinstance(after, SortedHashTable)
    assert len(after) == len(before) > 200_000
    assert set(after) == set(before)
    for key, value in before.items():
        assert after.get(key) == value
    for form, lemma in (("ai", "avoir"), ("sociale", "social"), ("nées", "naître")):
        assert form in after and after[form] == before[form] == [lemma]
    assert after.get("pas-un-mot-xyz", ["x"]) == ["x"]
    assert "pas-un-mot-xyz" not in after
    with pytest.raises(KeyError):
        after["pas-un-mot-xyz"]


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


def test_the_part_of_speech_indexes_hold_the_same_words(models: tuple) -> None:
    original, compacted = models
    before, after = table(original, "lemma_index"), table(compacted, "lemma_index")
    assert set(before) == set(after)
    for pos, words in before.items():
        assert isinstance(after[pos], frozenset) and after[pos] == set(words)


def test_unseen_words_get_the_same_lemmas_and_vectors(models: tuple) -> None:
    original, compacted = models
    words = sorted({w for ws in table(original, "lemma_index").values() for w in ws})
    words = random.Random(7).sample(words, 1500)
    # inflected and misspelt forms go through the suffix rules and the lookup table
    words += [w + suffix for w in words[:500] for suffix in ("s", "es", "ait", "ions", "x")]
    words += ["numero", "secu", "carte", "vitale", "perdu", "nee", "etranger", "zzqx"]
    for nlp in models:
        nlp.get_pipe("lemmatizer").cache.clear()
    for pos in POS:
        docs = [Doc(nlp.vocab, words=words, pos=[pos] * len(words)) for nlp in models]
        lemmas = [
            [nlp.get_pipe("lemmatizer")(doc)[i].lemma_ for i in range(len(words))]
            for nlp, doc in zip(models, docs, strict=True)
        ]
        assert lemmas[0] == lemmas[1], pos
    vectors = [np.array([nlp.vocab.get_vector(w) for w in words]) for nlp in models]
    assert np.array_equal(vectors[0], vectors[1])
    assert np.array_equal(
        original.vocab.vectors.get_batch(words[:50]), compacted.vocab.vectors.get_batch(words[:50])
    )


def test_tables_it_cannot_hold_are_refused() -> None:
    with pytest.raises(ValueError):
        SortedHashTable(Table.from_dict({"a": "lemme"}))  # strings, not lists
    with pytest.raises(ValueError):
        SortedHashTable(Table.from_dict({"a": []}))
    with pytest.raises(ValueError):
        SortedHashTable(Table.from_dict({"a": ["le\x00mme"]}))
    with pytest.raises(ValueError):
        SortedHashTable(Table.from_dict({"a": [3]}))
    several = SortedHashTable(Table.from_dict({"a": ["un", "deux"], "b": ["été"]}))
    assert several["a"] == ["un", "deux"] and several["b"] == ["été"] and len(several) == 2


def test_a_model_without_these_tables_is_left_alone() -> None:
    nlp = spacy.blank("fr")
    assert compact(nlp) == {}
