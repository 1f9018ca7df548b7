"""The lexical features read once a token (addons/lexical_features.py) are the matrices
Rasa's LexicalSyntacticFeaturizer makes, on every message of the training data and of the
held-out sets, for config.yml's featuriser (Rasa's default features) and for a window of
four positions with every feature Rasa knows (repeated names and part-of-speech tags
included)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.featurizers.sparse_featurizer.lexical_syntactic_featurizer import (
    LexicalSyntacticFeaturizer,
)
from rasa.nlu.tokenizers.spacy_tokenizer import POS_TAG_KEY
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from addons import lexical_features
from addons.lexical_features import ORIGINAL_PROCESS_MESSAGE, process_message
from bench.realistic_load import held_out_messages

ROOT = Path(__file__).resolve().parents[3]
EVERY_FEATURE = [
    ["low", "title", "BOS", "suffix2"],
    ["upper", "pos2", "prefix2", "EOS", "upper"],
    [
        *("BOS", "EOS", "low", "upper", "title", "digit", "prefix5", "prefix2"),
        *("suffix5", "suffix3", "suffix2", "suffix1", "pos", "pos2", "low"),
    ],
    ["title", "pos", "suffix3"],
]
CONFIGS = {"config.yml": {}, "every feature": {"features": EVERY_FEATURE}}


def texts() -> list[str]:
    found = held_out_messages(ROOT / "data" / "nlu")
    for folder in ("tests/nlu", "tests/nlu_real", "tests/nlu_en"):
        found += held_out_messages(ROOT / folder)
    return list(dict.fromkeys(found))


def tokenised(messages: list[str]) -> list[Message]:
    """Rasa's whitespace tokens; two tokens in three get a part-of-speech tag."""
    tokenizer = WhitespaceTokenizer.create(
        WhitespaceTokenizer.get_default_config(),
        None,
        Resource("t"),
        ExecutionContext(GraphSchema({}), "test"),
    )
    data = TrainingData([Message(data={TEXT: text}) for text in messages])
    tokenizer.process_training_data(data)
    for message in data.training_examples:
        for number, token in enumerate(message.get("text_tokens")):
            if number % 3 != 2:
                token.set(POS_TAG_KEY, ("NOUN", "VERB", "ADJ")[len(token.text) % 3])
    return data.training_examples


@pytest.fixture(scope="module")
def corpus() -> tuple[list[Message], TrainingData]:
    everything = tokenised(texts())
    training = TrainingData(tokenised(held_out_messages(ROOT / "data" / "nlu")))
    return everything, training


def featurizer(options: dict[str, Any], tmp_path: Path) -> LexicalSyntacticFeaturizer:
    return LexicalSyntacticFeaturizer.create(
        {**LexicalSyntacticFeaturizer.get_default_config(), **options},
        LocalModelStorage(tmp_path),
        Resource("l"),
        ExecutionContext(GraphSchema({}), "test"),
    )


def features(method: Any, component: LexicalSyntacticFeaturizer, message: Message) -> Any:
    copy = Message(data=dict(message.data))
    method(component, copy)
    return copy.features


@pytest.mark.parametrize("options", CONFIGS.values(), ids=CONFIGS.keys())
def test_the_features_are_rasas_matrices(
    corpus: tuple[list[Message], TrainingData], options: dict[str, Any], tmp_path: Path
) -> None:
    messages, training = corpus
    component = featurizer(options, tmp_path)
    component.train(training)
    assert len(messages) > 5000
    counted = 0
    for message in [*messages, Message(data={TEXT: ""})]:
        theirs = features(ORIGINAL_PROCESS_MESSAGE, component, message)
        ours = features(process_message, component, message)
        assert len(ours) == len(theirs)
        for mine, expected in zip(ours, theirs, strict=True):
            assert (mine.type, mine.attribute, mine.origin) == (
                expected.type,
                expected.attribute,
                expected.origin,
            )
            got, want = mine.features, expected.features
            assert isinstance(got, scipy.sparse.coo_matrix) and got.shape == want.shape
            for part in ("row", "col", "data"):
                mine_part, their_part = getattr(got, part), getattr(want, part)
                assert mine_part.dtype == their_part.dtype, part
                assert mine_part.tolist() == their_part.tolist(), part
            counted += want.nnz
    assert counted > 50_000  # features were really found


def test_an_untrained_featuriser_goes_through_rasa(tmp_path: Path) -> None:
    component = featurizer({}, tmp_path)
    message = tokenised(["bonjour"])[0]
    with pytest.warns(UserWarning, match="has not been trained"):
        process_message(component, message)
    assert message.features == []


def test_a_feature_rasa_does_not_know_goes_through_rasa(tmp_path: Path) -> None:
    component = featurizer({}, tmp_path)
    component.train(TrainingData(tokenised(["Bonjour Marie", "ma carte vitale"])))
    component._feature_config = [["low", "shouting"]]
    assert lexical_features.plan(component) is None


def test_the_plan_follows_a_new_vocabulary(tmp_path: Path) -> None:
    component = featurizer({}, tmp_path)
    component.train(TrainingData(tokenised(["Bonjour Marie"])))
    first = lexical_features.plan(component)
    component.train(TrainingData(tokenised(["Bonjour Marie", "1234 ETAT"])))
    assert lexical_features.plan(component) is not first
    message = tokenised(["1234 ETAT"])[0]
    ours = features(process_message, component, message)
    theirs = features(ORIGINAL_PROCESS_MESSAGE, component, message)
    assert ours[0].features.nnz > 0
    assert ours[0].features.toarray().tolist() == theirs[0].features.toarray().tolist()


def test_install_replaces_rasas_features(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(LexicalSyntacticFeaturizer, "_process_message", ORIGINAL_PROCESS_MESSAGE)
    lexical_features.install()
    assert LexicalSyntacticFeaturizer._process_message is process_message
