"""TED's prediction in NumPy (addons/ted_numpy.py) on small hand-made weights: where each
attribute of each turn goes, what an absent attribute gives, which turn the prediction
reads; and the turns' features checked against the model's signature
(addons/ted_weights.py). The whole against Rasa's TensorFlow graph, on the trained model:
tests/integration/test_ted_numpy.py."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
import scipy.sparse

from addons.diet_numpy import Dense, FeatureCombiner, gelu, softmax
from addons.ted_numpy import NumpyTED, StateAttribute
from addons.ted_weights import turn_inputs


def one_hot(index: int, width: int) -> scipy.sparse.coo_matrix:
    return scipy.sparse.coo_matrix(([1.0], ([0], [index])), shape=(1, width), dtype=np.float32)


def identity_attribute(name: str, width: int, encoded: bool = False) -> StateAttribute:
    """A one-hot attribute whose dense layer is the identity plus a bias of 1 (so that
    an absent attribute, zeros, is told from a present one)."""
    sparse = Dense(np.eye(width, dtype=np.float32), np.ones(width, dtype=np.float32))
    encoding = [Dense(np.eye(width, dtype=np.float32) * 2)] if encoded else []
    return StateAttribute(name, FeatureCombiner([sparse]), encoding, width)


def ted(labels: np.ndarray) -> NumpyTED:
    return NumpyTED(
        groups=[
            [identity_attribute("intent", 3, encoded=True)],
            [identity_attribute("action_name", 2, encoded=True)],
            [identity_attribute("entities", 2)],
        ],
        encoder=None,
        dialogue_embed=Dense(np.eye(7, dtype=np.float32)),
        labels_embed=labels,
        cosine=False,
        confidence_softmax=True,
    )


def test_each_turn_puts_the_user_then_the_action_then_the_others_and_zeros_when_absent() -> None:
    model = ted(np.eye(7, dtype=np.float32))
    turns = [
        {"action_name": [[one_hot(0, 2)]]},  # no user: zeros where the intent goes
        {"intent": [[one_hot(2, 3)]], "action_name": [[one_hot(1, 2)]]},
        {"intent": [[one_hot(0, 3)]], "entities": [[one_hot(1, 2)]]},
    ]
    x = model.turns(turns)
    assert x.shape == (3, 7)
    # the intent's encoding doubles (one-hot + bias 1); the entities' bias shows alone
    assert x[0].tolist() == [0, 0, 0, 4, 2, 0, 0]
    assert x[1].tolist() == [2, 2, 4, 2, 4, 0, 0]
    assert x[2].tolist() == [4, 2, 2, 0, 0, 1, 2]


def test_the_prediction_reads_the_last_turn() -> None:
    labels = np.random.default_rng(1).normal(size=(4, 7)).astype(np.float32)
    model = ted(labels)
    first = {"intent": [[one_hot(1, 3)]], "action_name": [[one_hot(0, 2)]]}
    last = {"intent": [[one_hot(2, 3)]], "action_name": [[one_hot(1, 2)]]}
    similarities, confidences = model.predict([first, last])
    expected = labels @ gelu(model.turns([last])[0])
    np.testing.assert_allclose(similarities, expected, rtol=1e-6)
    np.testing.assert_allclose(confidences, softmax(expected), rtol=1e-6)
    # without a transformer, the earlier turns do not change it
    np.testing.assert_allclose(model.predict([last])[0], similarities, rtol=1e-6)
    assert not np.allclose(model.predict([first])[0], similarities)


@dataclass
class Signature:
    is_sparse: bool
    units: int


@dataclass
class Features:
    features: Any
    sparse: bool
    type: str = "sentence"

    def is_sparse(self) -> bool:
        return self.sparse


SIGNATURE = {
    "intent": {"sentence": [Signature(True, 3)]},
    "action_name": {"sentence": [Signature(True, 2)]},
    "entities": {"sentence": [Signature(True, 2)]},
}


def test_rasas_features_become_the_twins_inputs_checked_against_the_signature() -> None:
    model = ted(np.eye(7, dtype=np.float32))
    intent, action = one_hot(2, 3), one_hot(1, 2)
    turns = [{"intent": [Features(intent, True)], "action_name": [Features(action, True)]}]
    assert turn_inputs(model, SIGNATURE, turns) == [
        {"intent": [[intent]], "action_name": [[action]]}
    ]
    # an attribute the model was not trained with is left out, as Rasa leaves it
    with_slots = [{**turns[0], "slots": [Features(one_hot(0, 4), True)]}]
    assert turn_inputs(model, SIGNATURE, with_slots) == [
        {"intent": [[intent]], "action_name": [[action]]}
    ]


@pytest.mark.parametrize(
    "intent_features",
    [
        [Features(one_hot(2, 4), True)],  # another width than the model's
        [Features(np.zeros((1, 3), np.float32), False)],  # dense where it was sparse
        [Features(one_hot(2, 3), True), Features(one_hot(1, 3), True)],  # two of them
        [Features(one_hot(2, 3), True, "sequence")],  # token features
    ],
)
def test_features_the_model_was_not_trained_on_are_left_to_rasa(
    intent_features: list[Features],
) -> None:
    model = ted(np.eye(7, dtype=np.float32))
    turns = [{"intent": intent_features, "action_name": [Features(one_hot(1, 2), True)]}]
    assert turn_inputs(model, SIGNATURE, turns) is None
