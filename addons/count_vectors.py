"""The count vectors of a message counted directly into the sparse matrices Rasa keeps.

For each message Rasa's ``CountVectorsFeaturizer`` calls scikit-learn's
``CountVectorizer.transform`` twice an attribute (the tokens one by one, then the
sentence), and turns each result into a sorted matrix in coordinate form. With our two
featurisers that is four transforms a message, each building the analyser again,
checking the vocabulary, filling a compressed matrix, sorting it and converting it: most
of the featurisers' time for a short message (0.68 ms of the node's 1.2 ms, 1 December
2026). Here the same analyser (built once per vectoriser) reads the same documents, each
feature is counted by its index in the same vocabulary, and the coordinate matrix is
made directly, its entries in the order the sorted matrix gives (by row, then column):
the same rows, columns, counts, types and shape.

Anything else (a vectoriser scikit-learn has not checked yet, binary counts, another
kind of analyser) goes through Rasa's own code. Installed by ``addons.startup.install()``
for serving; ``tests/unit/addons/test_count_vectors.py`` compares both on every message
of the training data and the held-out sets, for a word and a character featuriser.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import scipy.sparse
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import (
    DENSE_FEATURIZABLE_ATTRIBUTES,
    CountVectorsFeaturizer,
)

ORIGINAL_CREATE_FEATURES = CountVectorsFeaturizer._create_features
_ANALYZERS = "_secu_analyzers"


def analyzer(featurizer: CountVectorsFeaturizer, vectorizer: Any) -> Callable | None:
    """The vectoriser's analyser, built once; None when this module does not count for it
    (scikit-learn has not checked its vocabulary yet, or its counts are binary)."""
    built: dict[int, tuple[Any, Callable]] = featurizer.__dict__.setdefault(_ANALYZERS, {})
    found = built.get(id(vectorizer))
    if found is not None and found[0] is vectorizer:
        return found[1]
    if getattr(vectorizer, "binary", True) or not hasattr(vectorizer, "vocabulary_"):
        return None
    analyze = vectorizer.build_analyzer()
    built[id(vectorizer)] = (vectorizer, analyze)
    return analyze


def counts(vectorizer: Any, analyze: Callable, documents: Iterable[str]) -> scipy.sparse.coo_matrix:
    """``vectorizer.transform(documents)``, sorted, in coordinate form."""
    vocabulary = vectorizer.vocabulary_
    rows: list[int] = []
    columns: list[int] = []
    values: list[int] = []
    row = -1
    for row, document in enumerate(documents):
        counted: dict[int, int] = {}
        for feature in analyze(document):
            index = vocabulary.get(feature)
            if index is not None:
                counted[index] = counted.get(index, 0) + 1
        for index in sorted(counted):
            rows.append(row)
            columns.append(index)
            values.append(counted[index])
    return scipy.sparse.coo_matrix(
        (
            np.array(values, dtype=vectorizer.dtype),
            (np.array(rows, dtype=np.int32), np.array(columns, dtype=np.int32)),
        ),
        shape=(row + 1, len(vocabulary)),
    )


def create_features(
    self: CountVectorsFeaturizer, attribute: str, all_tokens: list[list[str]]
) -> tuple[list[Any], list[Any]]:
    """``CountVectorsFeaturizer._create_features``: per message, the tokens' counts and
    (for a text attribute) the whole message's."""
    vectorizer = self.vectorizers.get(attribute) if self.vectorizers else None
    analyze = analyzer(self, vectorizer) if vectorizer else None
    if analyze is None:
        return ORIGINAL_CREATE_FEATURES(self, attribute, all_tokens)
    sequences: list[Any] = []
    sentences: list[Any] = []
    for tokens in all_tokens:
        if not tokens:
            sequences.append(None)
            sentences.append(None)
            continue
        sequences.append(counts(vectorizer, analyze, tokens))
        if attribute in DENSE_FEATURIZABLE_ATTRIBUTES:
            sentences.append(counts(vectorizer, analyze, [" ".join(tokens)]))
        else:
            sentences.append(None)
    return sequences, sentences


def install() -> None:
    CountVectorsFeaturizer._create_features = create_features  # type: ignore[method-assign]
