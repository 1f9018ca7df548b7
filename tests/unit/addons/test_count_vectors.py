"""The count vectors counted directly (addons/count_vectors.py) are the matrices Rasa's
CountVectorsFeaturizer makes with scikit-learn, for the two featurisers of config.yml, on
every message of the training data and of the held-out sets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import (
    CountVectorsFeaturizer,
)
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from addons import count_vectors
from addons.count_vectors import ORIGINAL_CREATE_FEATURES, create_features
from bench.realistic_load import held_out_messages

ROOT = Path(__file__).resolve().parents[3]
FEATURIZERS = {  # config.yml's two count-vector featurisers
    "words": {"strip_accents": "unicode", "use_lemma": False},
    "characters": {
        "analyzer": "char_wb",
        "min_ngram": 2,
        "max_ngram": 4,
        "strip_accents": "unicode",
        "use_lemma": False,
    },
}


def texts() -> list[str]:
    found = held_out_messages(ROOT / "data" / "nlu")
    for folder in ("tests/nlu", "tests/nlu_real", "tests/nlu_en"):
        found += held_out_messages(ROOT / folder)
    return list(dict.fromkeys(found))


@pytest.fixture(scope="module")
def corpus() -> tuple[list[list[str]], TrainingData]:
    """Every message tokenised (Rasa's whitespace tokeniser), and the training data the
    featurisers learn their vocabulary from (the training messages only)."""
    context = ExecutionContext(GraphSchema({}), "test")
    tokenizer = WhitespaceTokenizer.create(
        WhitespaceTokenizer.get_default_config(), None, Resource("t"), context
    )
    everything = TrainingData([Message(data={TEXT: text}) for text in texts()])
    tokenizer.process_training_data(everything)
    tokens = [[t.text for t in m.get("text_tokens")] for m in everything.training_examples]
    training = TrainingData(
        [Message(data={TEXT: text}) for text in held_out_messages(ROOT / "data" / "nlu")]
    )
    tokenizer.process_training_data(training)
    return tokens, training


@pytest.mark.parametrize("options", FEATURIZERS.values(), ids=FEATURIZERS.keys())
def test_the_counts_are_scikit_learns_matrices(
    corpus: tuple[list[list[str]], TrainingData], options: dict[str, Any], tmp_path: Path
) -> None:
    tokens, training = corpus
    featurizer = CountVectorsFeaturizer.create(
        {**CountVectorsFeaturizer.get_default_config(), **options},
        LocalModelStorage(tmp_path),
        Resource("c"),
        ExecutionContext(GraphSchema({}), "test"),
    )
    featurizer.train(training)
    assert len(tokens) > 5000
    ORIGINAL_CREATE_FEATURES(featurizer, TEXT, [tokens[0]])  # scikit-learn checks its vocabulary
    counted = 0
    for message_tokens in [*tokens, []]:
        theirs = ORIGINAL_CREATE_FEATURES(featurizer, TEXT, [message_tokens])
        ours = create_features(featurizer, TEXT, [message_tokens])
        for mine, expected in zip(ours, theirs, strict=True):
            if expected[0] is None:
                assert mine[0] is None
                continue
            assert isinstance(mine[0], scipy.sparse.coo_matrix)
            assert mine[0].shape == expected[0].shape
            for part in ("row", "col", "data"):
                got, want = getattr(mine[0], part), getattr(expected[0], part)
                assert got.dtype == want.dtype and got.tolist() == want.tolist(), part
            counted += expected[0].nnz
    assert counted > 10_000  # features were really counted


def test_a_vectoriser_not_yet_checked_goes_through_rasa(tmp_path: Path) -> None:
    featurizer = CountVectorsFeaturizer.create(
        CountVectorsFeaturizer.get_default_config(),
        LocalModelStorage(tmp_path),
        Resource("c"),
        ExecutionContext(GraphSchema({}), "test"),
    )
    vectorizer = type("Unchecked", (), {"binary": False})()
    assert count_vectors.analyzer(featurizer, vectorizer) is None
    vectorizer.binary, vectorizer.vocabulary_ = True, {"a": 0}
    assert count_vectors.analyzer(featurizer, vectorizer) is None  # binary counts


def test_install_replaces_rasas_counting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(CountVectorsFeaturizer, "_create_features", ORIGINAL_CREATE_FEATURES)
    count_vectors.install()
    assert CountVectorsFeaturizer._create_features is create_features
