"""The NumPy twin of a loaded Rasa ``TED`` model (addons/ted_numpy.py), its weights read
once from the model's Keras layers, and the dialogue's turns as Rasa's state featuriser
made them, put in the twin's input format."""

from __future__ import annotations

import logging
from typing import Any

import tensorflow as tf
from rasa.core.constants import DIALOGUE
from rasa.core.policies.ted_policy import (
    INDICES,
    LENGTH,
    SENTENCE_FEATURES_TO_ENCODE,
    STATE_LEVEL_FEATURES,
)
from rasa.shared.nlu.constants import ACTION_NAME, ACTION_TEXT, INTENT, TEXT
from rasa.utils.tensorflow.constants import (
    FEATURIZERS,
    MASK,
    MODEL_CONFIDENCE,
    NUM_HEADS,
    RANKING_LENGTH,
    RENORMALIZE_CONFIDENCES,
    SENTENCE,
    SOFTMAX,
)
from rasa.utils.train_utils import rank_and_mask

from addons.diet_numpy import FeatureCombiner
from addons.diet_weights import Unsupported, array, dense, encoder, ffnn, label_scoring
from addons.ted_numpy import Array, Inputs, NumpyTED, StateAttribute

logger = logging.getLogger(__name__)


def _attribute(model: Any, name: str, signature: dict[str, list[Any]]) -> StateAttribute:
    if SENTENCE not in signature or set(signature) - {SENTENCE, MASK}:
        raise Unsupported(f"{name}: features other than the sentence's")
    concat = model._tf_layers[f"sparse_dense_concat_layer.{name}"]
    sparse_layer = concat._tf_layers.get(concat.SPARSE_TO_DENSE)
    parts = []
    for feature in signature[SENTENCE]:
        if feature.is_sparse and sparse_layer is None:  # pragma: no cover - Rasa builds it
            raise Unsupported("sparse features without a dense layer")
        parts.append(dense(sparse_layer) if feature.is_sparse else None)
    encoding = []
    if name in SENTENCE_FEATURES_TO_ENCODE:
        encoding = ffnn(model._tf_layers[f"encoding_layer.{name}"])
    width = encoding[-1].kernel.shape[1] if encoding else int(concat.output_units)
    return StateAttribute(name, FeatureCombiner(parts), encoding, width)


def from_model(model: Any) -> NumpyTED | None:
    """The NumPy twin of a loaded, prepared Rasa ``TED`` model, or None if it uses
    something not reproduced here (then Rasa's own prediction is kept)."""
    try:
        config = model.config
        signature = model.predict_data_signature
        if TEXT in signature or ACTION_TEXT in signature:
            raise Unsupported("the user's or the bot's text as a feature (end-to-end)")
        if config[FEATURIZERS]:
            raise Unsupported("featurisers chosen by name")
        if not model.max_history_featurizer_is_used:
            raise Unsupported("a unidirectional dialogue transformer")
        if getattr(model, "all_labels_embed", None) is None:
            raise Unsupported("not prepared for prediction")
        attributes = {
            name: _attribute(model, name, features)
            for name, features in signature.items()
            if name in SENTENCE_FEATURES_TO_ENCODE + STATE_LEVEL_FEATURES
        }
        # the user's attributes, the action's, then the others in the model's order
        groups = [[attributes.pop(INTENT)], [attributes.pop(ACTION_NAME)]]
        groups += [[attribute] for attribute in attributes.values()]
        cosine, confidence_softmax = label_scoring(config)
        return NumpyTED(
            groups=groups,
            encoder=encoder(model._tf_layers["transformer.dialogue"], int(config[NUM_HEADS])),
            dialogue_embed=dense(model._tf_layers["embed.dialogue"]._dense),
            labels_embed=array(model.all_labels_embed),
            cosine=cosine,
            confidence_softmax=confidence_softmax,
        )
    except (Unsupported, KeyError, AttributeError, ValueError) as error:
        logger.warning("TED predicts through TensorFlow: %s", error)
        return None


def turn_inputs(
    twin: NumpyTED, signature: dict[str, Any], turns: list[dict[str, list[Any]]]
) -> list[dict[str, Inputs]] | None:
    """The dialogue's turns (each attribute's Rasa ``Features``) as the twin's inputs:
    for each attribute the twin reads, its sentence features, sparse then dense as in
    Rasa's model data, each checked against the model's signature; None where one does
    not match it (then Rasa's own prediction decides, as it would have)."""
    converted: list[dict[str, Inputs]] = []
    for turn in turns:
        inputs: dict[str, Inputs] = {}
        for attribute in twin.attributes:
            features = turn.get(attribute.name)
            if features is None:  # absent from this turn: zeros, Rasa's fake features
                continue
            if any(f.type != SENTENCE for f in features):
                return None
            present = []
            for sparse in (True, False):
                pieces = [f.features for f in features if f.is_sparse() == sparse]
                if pieces:
                    present.append((sparse, pieces))
            expected = signature[attribute.name][SENTENCE]
            if len(present) != len(expected) or any(
                sparse != s.is_sparse or len(pieces) != 1 or pieces[0].shape != (1, s.units)
                for (sparse, pieces), s in zip(present, expected, strict=True)
            ):
                return None
            inputs[attribute.name] = [pieces for _, pieces in present]
        converted.append(inputs)
    return converted


def confidences(
    twin: NumpyTED, signature: dict[str, Any], config: dict[str, Any], states: list[Any]
) -> Array | None:
    """TED's confidences for the one dialogue Rasa featurised (``states``), ranked as
    ``TEDPolicy.predict_action_probabilities`` ranks them; None where the twin cannot
    predict it (two dialogues, features not matching the model)."""
    turns = turn_inputs(twin, signature, states[0]) if len(states) == 1 else None
    if turns is None:
        return None
    confidence = twin.predict(turns)[1]
    ranking_length = config[RANKING_LENGTH]
    if 0 < ranking_length < len(confidence):
        renormalize = config[RENORMALIZE_CONFIDENCES] and config[MODEL_CONFIDENCE] == SOFTMAX
        _, confidence = rank_and_mask(confidence, ranking_length, renormalize)
    return confidence


def build_attribute_layers(model: Any) -> None:
    """Runs each attribute's layers of a Rasa ``TED`` model (``sparse_dense_concat_layer``
    and ``encoding_layer``) once, eagerly, on an empty turn of the signature's shapes."""
    for name, signature in model.predict_data_signature.items():
        if f"sparse_dense_concat_layer.{name}" not in model._tf_layers:
            continue
        features = [
            tf.SparseTensor(tf.zeros((0, 3), tf.int64), tf.zeros((0,), tf.float32), (1, 1, s.units))
            if s.is_sparse
            else tf.zeros((1, 1, s.units), tf.float32)
            for s in signature.get(SENTENCE, [])
        ]
        batch = {
            name: {SENTENCE: features, MASK: [tf.ones((1, 1, 1), tf.float32)]},
            DIALOGUE: {LENGTH: [tf.ones((1,), tf.int32)], INDICES: [tf.zeros((1,), tf.int32)]},
        }
        model._encode_real_features_per_attribute(batch, name)
