"""A message's lexical and syntactic features read once a token, not once a window position.

Rasa's ``LexicalSyntacticFeaturizer`` looks at a window around each token (the token
before, the token, the token after, with ``config.yml``'s default features) and, for
each window position, calls a class method per feature name that checks the name,
calls a lambda and turns its result into a string: a token's value of "low" is computed
three times, once for each window it falls in, and a short message costs a few hundred
calls. Here each token's values are computed once (with Rasa's own functions of
``_FUNCTION_DICT``, so the very same strings), the (window position, feature name) pairs
that have a vocabulary are listed once per featuriser, and the matrix gets the same
rows and columns in the same order, made by the same ``scipy.sparse.coo_matrix`` call.

A featuriser whose configuration names a feature Rasa does not know goes through Rasa's
own code (which raises its error). Installed by ``addons.startup.install()`` for
serving; ``tests/unit/addons/test_lexical_features.py`` compares both on every message of
the training data and the held-out sets.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.featurizers.sparse_featurizer.lexical_syntactic_featurizer import (
    BEGIN_OF_SENTENCE,
    END_OF_SENTENCE,
    LexicalSyntacticFeaturizer,
)
from rasa.shared.nlu.constants import TEXT

ORIGINAL_PROCESS_MESSAGE = LexicalSyntacticFeaturizer._process_message
_PLAN = "_secu_lexical_plan"

# One window position: its offset from the anchor token and the (feature name, value to
# index) pairs that have a vocabulary, in the order Rasa's dictionary of a token's
# features holds them.
Position = tuple[int, list[tuple[str, dict[str, int]]]]


def plan(featurizer: LexicalSyntacticFeaturizer) -> tuple[list[str], list[Position]] | None:
    """The feature names to compute per token (those with a vocabulary) and the window
    positions, built once per featuriser and vocabulary; None when Rasa's own code must
    run."""
    vocabulary = featurizer._feature_to_idx_dict
    cached = featurizer.__dict__.get(_PLAN)
    if cached is not None and cached[0] is vocabulary:
        return cached[1]
    config = featurizer._feature_config
    configured = {name for names in config for name in names}
    if configured - set(LexicalSyntacticFeaturizer.SUPPORTED_FEATURES):
        built = None
    else:
        first = -(len(config) // 2)
        positions: list[Position] = []
        for window_position, position_names in enumerate(config):
            pairs = []
            for name in dict.fromkeys(position_names):
                mapping = vocabulary.get((window_position, name))
                if mapping:
                    pairs.append((name, mapping))
            positions.append((first + window_position, pairs))
        # only the features some window position has a vocabulary for are computed
        names = list(dict.fromkeys(name for _, pairs in positions for name, _ in pairs))
        built = (names, positions)
    featurizer.__dict__[_PLAN] = (vocabulary, built)
    return built


def token_values(tokens: list[Any], names: list[str]) -> list[dict[str, str]]:
    """Each token's raw value of each feature, as Rasa's ``_extract_raw_features_from_token``
    gives it."""
    functions = LexicalSyntacticFeaturizer._FUNCTION_DICT
    last = len(tokens) - 1
    values = []
    for position, token in enumerate(tokens):
        found = {}
        for name in names:
            if name == END_OF_SENTENCE:
                found[name] = str(position == last)
            elif name == BEGIN_OF_SENTENCE:
                found[name] = str(position == 0)
            else:
                found[name] = str(functions[name](token))
        values.append(found)
    return values


def matrix(
    featurizer: LexicalSyntacticFeaturizer,
    tokens: list[Any],
    names: list[str],
    positions: list[Position],
) -> scipy.sparse.coo_matrix:
    """Rasa's ``_map_raw_features_to_indices(_map_tokens_to_raw_features(tokens))``."""
    values = token_values(tokens, names)
    count = len(tokens)
    rows: list[int] = []
    columns: list[int] = []
    for anchor in range(count):
        for offset, pairs in positions:
            at = anchor + offset
            if at < 0 or at >= count:
                continue
            found = values[at]
            for name, mapping in pairs:
                index = mapping.get(found[name], -1)
                if index > -1:
                    rows.append(anchor)
                    columns.append(index)
    return scipy.sparse.coo_matrix(
        (np.ones(len(rows)), (np.array(rows), np.array(columns))),
        shape=(count, featurizer._number_of_features),
    )


def process_message(self: LexicalSyntacticFeaturizer, message: Any) -> None:
    """``LexicalSyntacticFeaturizer._process_message`` with the matrix made as above."""
    found = plan(self) if self._feature_to_idx_dict else None
    if found is None:
        ORIGINAL_PROCESS_MESSAGE(self, message)
        return
    tokens = message.get(TOKENS_NAMES[TEXT])
    if tokens:
        self.add_features_to_message(
            sequence=matrix(self, tokens, *found),
            sentence=None,
            attribute=TEXT,
            message=message,
        )


def install() -> None:
    LexicalSyntacticFeaturizer._process_message = process_message  # type: ignore[method-assign]
