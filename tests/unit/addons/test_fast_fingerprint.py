"""addons/fast_fingerprint.py: tokens and sparse features fingerprinted in one pass tell
equal contents from different ones as Rasa's fingerprints do."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.importers.rasa import RasaFileImporter
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from addons import fast_fingerprint

RASA_FINGERPRINT = Features.fingerprint
RASA_TOKEN_FINGERPRINT = Token.fingerprint
RASA_MESSAGE_FINGERPRINT = Message.fingerprint


@pytest.fixture(autouse=True)
def installed() -> Iterator[None]:
    assert fast_fingerprint.install()
    assert not fast_fingerprint.install()  # once only
    yield
    fast_fingerprint.uninstall()
    assert Features.fingerprint is RASA_FINGERPRINT
    assert Token.fingerprint is RASA_TOKEN_FINGERPRINT
    assert Message.fingerprint is RASA_MESSAGE_FINGERPRINT


def sparse(
    values: list[float] | None = None,
    shape: tuple[int, int] = (3, 50),
    fmt: str = "coo",
    attribute: str = TEXT,
    origin: str | list[str] = "CountVectorsFeaturizer",
    kind: str = "sequence",
) -> Features:
    values = values if values is not None else [1.0, 2.0, 1.0]
    matrix = scipy.sparse.coo_matrix((values, ([0, 1, 2], [4, 17, 4])), shape=shape)
    return Features(matrix.asformat(fmt), kind, attribute, origin)


def fingerprint(features: Features) -> str:
    return features.fingerprint()


def test_equal_features_have_equal_fingerprints_whatever_their_format() -> None:
    reference = fingerprint(sparse())
    assert fingerprint(sparse(fmt="csr")) == fingerprint(sparse(fmt="csc")) == reference
    reordered = scipy.sparse.coo_matrix(([1.0, 1.0, 2.0], ([2, 0, 1], [4, 4, 17])), shape=(3, 50))
    assert fingerprint(Features(reordered, "sequence", TEXT, "CountVectorsFeaturizer")) == reference
    split = scipy.sparse.coo_matrix(  # a value stored as two entries, as COO allows
        ([1.0, 1.5, 0.5, 1.0], ([0, 1, 1, 2], [4, 17, 17, 4])), shape=(3, 50)
    )
    assert fingerprint(Features(split, "sequence", TEXT, "CountVectorsFeaturizer")) == reference


@pytest.mark.parametrize(
    "changed",
    [
        {"values": [1.0, 2.0, 2.0]},
        {"shape": (3, 51)},
        {"shape": (4, 50)},
        {"attribute": "intent"},
        {"origin": "RegexFeaturizer"},
        {"origin": ["CountVectorsFeaturizer", "RegexFeaturizer"]},
        {"kind": "sentence"},
    ],
)
def test_any_change_gives_another_fingerprint(changed: dict) -> None:
    assert fingerprint(sparse(**changed)) != fingerprint(sparse())


def test_a_value_moved_gives_another_fingerprint() -> None:
    moved = scipy.sparse.coo_matrix(([1.0, 2.0, 1.0], ([0, 1, 2], [4, 18, 4])), shape=(3, 50))
    assert fingerprint(Features(moved, "sequence", TEXT, "CountVectorsFeaturizer")) != fingerprint(
        sparse()
    )


def test_dense_features_keep_rasas_fingerprint() -> None:
    dense = Features(np.arange(6.0).reshape(2, 3), "sequence", TEXT, "SpacyFeaturizer")
    assert fingerprint(dense) == RASA_FINGERPRINT(
        Features(np.arange(6.0).reshape(2, 3), "sequence", TEXT, "SpacyFeaturizer")
    )


def test_training_data_fingerprints_tell_their_features_apart() -> None:
    def data(values: list[float]) -> TrainingData:
        message = Message(data={TEXT: "bonjour"})
        message.add_features(sparse(values))
        return TrainingData([message])

    assert data([1.0, 2.0, 1.0]).fingerprint() == data([1.0, 2.0, 1.0]).fingerprint()
    assert data([1.0, 2.0, 1.0]).fingerprint() != data([1.0, 2.0, 3.0]).fingerprint()


def token(**changed: object) -> Token:
    fields = {"text": "caisse", "start": 7, "end": 13, "lemma": "caisse"}
    data = changed.pop("data", {"pos": "NOUN", "pattern": {"country": False}})
    return Token(**{**fields, **changed}, data=data)  # type: ignore[arg-type]


def test_tokens_fingerprints_tell_equal_tokens_from_different_ones() -> None:
    reference = token().fingerprint()
    assert token(data={"pattern": {"country": False}, "pos": "NOUN"}).fingerprint() == reference
    for changed in (
        {"text": "Caisse"},
        {"start": 8},
        {"end": 14},
        {"lemma": "caisses"},
        {"data": {"pos": "NOUN", "pattern": {"country": True}}},
        {"data": {"pos": "NOUN"}},
    ):
        assert token(**changed).fingerprint() != reference, changed
    later = token()
    later.set("pattern", {"country": True})  # RegexFeaturizer sets patterns on tokens
    assert later.fingerprint() != reference


def test_a_token_json_cannot_write_keeps_rasas_fingerprint() -> None:
    odd = token(data={("pattern", 1): "one"})  # a key JSON cannot write
    assert odd.fingerprint() == RASA_TOKEN_FINGERPRINT(odd)

    def with_value(value: object) -> str:  # a value JSON writes as its text
        return token(data={"pos": "NOUN", "weight": value}).fingerprint()

    assert with_value(np.float32(0.5)) == with_value(np.float32(0.5))
    assert with_value(np.float32(0.5)) != with_value(np.float32(0.25))


def message(text: str = "ma caisse", intent: str = "organism", **data: object) -> Message:
    built = Message(data={TEXT: text, "intent": intent, **data})
    built.set("text_tokens", [token(), token(text="ma", start=0, end=2, lemma="mon")])
    return built


def test_messages_fingerprints_tell_equal_messages_from_different_ones() -> None:
    reference = message()
    assert message().fingerprint() == reference.fingerprint()
    assert message() == reference and len({message(), reference}) == 1  # hash and equality
    assert message(text="ta caisse").fingerprint() != reference.fingerprint()
    assert message(intent="contact").fingerprint() != reference.fingerprint()
    entities = [{"entity": "country", "value": "Maroc", "start": 0, "end": 5}]
    assert message(entities=entities).fingerprint() != reference.fingerprint()
    featured = message()
    featured.add_features(sparse())
    assert featured.fingerprint() != reference.fingerprint()  # features count
    other = message()
    other.add_features(sparse([1.0, 2.0, 5.0]))
    assert other.fingerprint() != featured.fingerprint()
    changed = message()
    changed.get("text_tokens")[0].set("pattern", {"country": True})
    changed.set("intent", "organism")  # Rasa forgets a message's fingerprint when it is set
    assert changed.fingerprint() != reference.fingerprint()


def test_a_message_json_cannot_write_keeps_rasas_fingerprint() -> None:
    odd = message(odd={("a", 1): "b"})
    assert odd.fingerprint() == RASA_MESSAGE_FINGERPRINT(odd)


def test_the_project_data_keeps_the_same_examples_in_the_same_order() -> None:
    """Rasa drops repeated examples by their fingerprints (``TrainingData``'s
    ``sanitize_examples``): the new fingerprints keep and drop the same ones."""
    folder = str(Path(__file__).resolve().parents[3] / "data" / "nlu")

    def examples() -> list[tuple[str, str]]:
        data = RasaFileImporter(training_data_paths=[folder]).get_nlu_data("fr")
        return [(m.get(TEXT), m.get("intent")) for m in data.training_examples]

    ours = examples()
    fast_fingerprint.uninstall()
    assert examples() == ours and len(ours) > 5000
