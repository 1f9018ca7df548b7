"""The NumPy twin of a loaded Rasa ``DIET`` model (addons/diet_numpy.py), its weights
read once from the model's Keras layers: the kernels of the randomly connected layers
as they predict (masked), the layer norms, the CRF's transitions, and the labels'
embeddings Rasa computed when it prepared the model for prediction."""

from __future__ import annotations

import logging
from typing import Any

import numpy as np

from addons.diet_numpy import (
    Array,
    Dense,
    Encoder,
    EncoderLayer,
    EntityHead,
    FeatureCombiner,
    LayerNorm,
    NumpyDIET,
)

logger = logging.getLogger(__name__)


def array(variable: Any) -> Array:
    return np.asarray(variable.numpy(), dtype=np.float32)


def dense(layer: Any) -> Dense:
    kernel = array(layer.kernel)
    mask = getattr(layer, "kernel_mask", None)
    if mask is not None:
        kernel = kernel * array(mask)
    activation = getattr(layer, "activation", None)
    name = getattr(activation, "__name__", "linear")
    if name not in {"linear", "gelu"}:
        raise Unsupported(f"activation {name}")
    bias = array(layer.bias) if getattr(layer, "use_bias", False) else None
    return Dense(kernel, bias, "gelu" if name == "gelu" else None)


def _norm(layer: Any) -> LayerNorm:
    if not (layer.center and layer.scale) or list(layer.axis) not in ([-1], [2], [1]):
        raise Unsupported("layer normalisation")
    return LayerNorm(array(layer.gamma), array(layer.beta), float(layer.epsilon))


def ffnn(layer: Any) -> list[Dense]:
    return [dense(sub) for sub in layer._ffn_layers if hasattr(sub, "kernel")]


class Unsupported(Exception):
    """The model uses something this module does not reproduce."""


def _combiner(combining: Any, feature_type: str, signature: list[Any]) -> FeatureCombiner:
    concat = combining._tf_layers[f"sparse_dense.{feature_type}"]
    sparse_layer = concat._tf_layers.get(concat.SPARSE_TO_DENSE)
    parts: list[Dense | None] = []
    for feature in signature:
        if feature.is_sparse:
            if sparse_layer is None:  # pragma: no cover - Rasa always builds it
                raise Unsupported("sparse features without a dense layer")
            parts.append(dense(sparse_layer))
        else:
            parts.append(None)
    unify_layer = combining._tf_layers.get(f"unify_dims_before_seq_sent_concat.{feature_type}")
    return FeatureCombiner(parts, ffnn(unify_layer) if unify_layer is not None else [])


def encoder(transformer: Any, heads: int) -> Encoder | None:
    if not hasattr(transformer, "_enc_layers"):
        return None  # no transformer layers: Rasa's identity
    if transformer.unidirectional:
        raise Unsupported("unidirectional encoder")
    layers = []
    for layer in transformer._enc_layers:
        attention = layer._mha
        if attention.use_key_relative_position or attention.use_value_relative_position:
            raise Unsupported("relative attention")
        norm_ffn, ffn_in, _, ffn_out, _ = layer._ffn_layers
        layers.append(
            EncoderLayer(
                _norm(layer._layer_norm),
                dense(attention._query_dense_layer),
                dense(attention._key_dense_layer),
                dense(attention._value_dense_layer),
                dense(attention._output_dense_layer),
                _norm(norm_ffn),
                dense(ffn_in),
                dense(ffn_out),
                heads,
            )
        )
    angles = np.asarray(transformer._angles, dtype=np.float32).reshape(-1)
    return Encoder(
        dense(transformer._embedding), layers, _norm(transformer._layer_norm),
        int(transformer.units), angles,
    )  # fmt: skip


def exact_ones(tags: int) -> Array:
    """For each of ``tags`` tags, whether TensorFlow's softmax in the CRF's decoding
    (``rasa.utils.tensorflow.crf``: over the previous tags) gives exactly 1.0 to a column
    that saturates, on this machine's CPU (``diet_numpy.TF_PACKET``): asked once."""
    import tensorflow as tf

    scores = np.zeros((1, tags, tags), dtype=np.float32)
    scores[0, 0, :] = 100.0  # every tag reached from tag 0 for sure: a sum of exactly 1.0
    maxima = tf.reduce_max(tf.nn.softmax(tf.constant(scores), axis=1), [1]).numpy()[0]
    return maxima == np.float32(1.0)


STEP_COUNTS = {"asked": 0}
"""CRF steps whose confidences TensorFlow's kernel gave (``step_maxima``)."""


def step_maxima(scores: Array) -> Array:
    """TensorFlow's own confidences for one step of the CRF's decoding of one message
    (``CrfDecodeForwardRnnCell``: the softmax over the previous tags, its largest for each
    next tag) from the step's scores ``(previous, next)``: asked only where float32
    rounding, in an order of summation that depends on the CPU, decides whether one is
    exactly 1.0 (``diet_numpy.crf_decode``)."""
    import tensorflow as tf

    STEP_COUNTS["asked"] += 1
    return tf.reduce_max(tf.nn.softmax(tf.constant(scores[None]), axis=1), [1]).numpy()[0]


def label_scoring(config: dict[str, Any]) -> tuple[bool, bool]:
    """Whether a model compares with its labels by cosine, and whether its confidences
    are the softmax of the similarities."""
    from rasa.utils.tensorflow.constants import COSINE, MODEL_CONFIDENCE, SIMILARITY_TYPE, SOFTMAX

    return config[SIMILARITY_TYPE] == COSINE, config[MODEL_CONFIDENCE] == SOFTMAX


def from_model(model: Any) -> NumpyDIET | None:
    """The NumPy twin of a loaded, prepared Rasa ``DIET`` model, or None if it uses
    something not reproduced here (then Rasa's own prediction is kept)."""
    from rasa.shared.nlu.constants import ENTITY_ATTRIBUTE_TYPE
    from rasa.utils.tensorflow.constants import ENTITY_RECOGNITION, INTENT_CLASSIFICATION, NUM_HEADS

    try:
        config = model.config
        if not config[INTENT_CLASSIFICATION] or getattr(model, "all_labels_embed", None) is None:
            raise Unsupported("no intent classification")
        signature = model.predict_data_signature["text"]
        layer = model._tf_layers["sequence_layer.text"]
        combining = layer._tf_layers[layer.FEATURE_COMBINING]
        if not (signature.get("sequence") and signature.get("sentence")):
            raise Unsupported("text without both token and sentence features")
        entities: list[EntityHead] = []
        for spec in model._entity_tag_specs if config[ENTITY_RECOGNITION] else []:
            if spec.num_tags == 0:
                continue
            name = spec.tag_name
            tags_embed = None
            if any(head.name == ENTITY_ATTRIBUTE_TYPE for head in entities):
                # roles and groups read the entity tags through their own embedding
                tags_embed = dense(model._tf_layers[f"embed.{name}.tags"]._dense)
            entities.append(
                EntityHead(
                    name,
                    dense(model._tf_layers[f"embed.{name}.logits"]._dense),
                    array(model._tf_layers[f"crf.{name}"].transition_params),
                    tags_embed,
                    int(spec.num_tags),
                    exact_ones(int(spec.num_tags)),
                    step_maxima,
                )
            )
        cosine, confidence_softmax = label_scoring(config)
        return NumpyDIET(
            sequence=_combiner(combining, "sequence", signature["sequence"]),
            sentence=_combiner(combining, "sentence", signature["sentence"]),
            ffnn=ffnn(layer._tf_layers[layer.FFNN]),
            encoder=encoder(layer._tf_layers[layer.TRANSFORMER], int(config[NUM_HEADS])),
            text_embed=dense(model._tf_layers["embed.text"]._dense),
            labels_embed=array(model.all_labels_embed),
            cosine=cosine,
            confidence_softmax=confidence_softmax,
            entities=entities,
        )
    except (Unsupported, KeyError, AttributeError, ValueError) as error:
        logger.warning("DIET predicts through TensorFlow: %s", error)
        return None
