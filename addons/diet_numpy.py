"""DIET's prediction for one message in NumPy, from the trained model's own weights.

Rasa predicts one message through a TensorFlow graph: it first builds a ``RasaModelData``
and a batch generator for the message, turns its sparse features into index, value and
shape arrays, then calls the traced graph with some twenty tensors; for a ten-word message
the arithmetic is a few hundred microseconds, and all that around it several milliseconds
a message (bench/profile.md). Here the same arithmetic runs in NumPy and SciPy on the
message's features as Rasa's featurisers left them, with the weights read once from the
loaded Keras layers:

- sparse features (count vectors, regexes, lexical features) times the ``DenseForSparse``
  kernels, concatenated with the dense ones (spaCy's vectors), for the tokens and for the
  sentence, the sentence's row put after the tokens' (``RasaFeatureCombiningLayer``);
- the optional feed-forward layers, then the transformer encoder (input projection scaled
  by √units, sinusoidal positions, per layer: layer norm, multi-head attention, residual,
  layer norm, GELU feed-forward, residual; a final layer norm), then GELU
  (``RasaSequenceLayer``); the dropouts are inactive when predicting;
- the intent: the sentence position embedded and compared with the labels' embeddings
  that Rasa computed when it prepared the model, softmax (``DotProductLoss``);
- the entities: the logits of each position and the CRF's Viterbi decoding, with the
  confidences Rasa's ``crf_decode`` gives, including what its backward scan does with
  the scores (it carries a score as the index of the next one; kept, for the same
  confidences).

This module knows nothing of Rasa: ``addons/diet_weights.py`` reads the weights, and
returns no twin for a model using what is not reproduced here (relative attention, a
unidirectional encoder, no intents), which then predicts as shipped; so does a message
when diagnostic data are asked for. Where float32 rounding decides whether a CRF
confidence is exactly 1.0 (the order of TensorFlow's sums, which depends on the CPU),
TensorFlow's own kernel computes that one step from the same scores
(``diet_weights.step_maxima``; without it, ``Ambiguous`` sends the message to Rasa's
graph). The outputs are the dictionary Rasa's graph returns, so the classifier's own code
turns them into the intent, its ranking and the entities.
``tests/integration/test_diet_numpy.py`` compares both on every held-out message (1,580):
same intents, rankings and entities, confidences within 1e-5 (measured: 5.4e-7 for the
intents, 3.8e-6 for the entities).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from addons.fast_erf import erf

Array = np.ndarray

_SQRT_HALF = np.float32(1 / np.sqrt(2.0))
ENTITY_TAGS = "entity"  # rasa.shared.nlu.constants.ENTITY_ATTRIBUTE_TYPE: feeds roles and groups


def gelu(x: Array) -> Array:
    """GELU as ``tf.nn.gelu`` with ``approximate=False``; erf within 6.1e-7 (fast_erf)."""
    return np.float32(0.5) * x * (np.float32(1.0) + erf(x * _SQRT_HALF))


def softmax(x: Array, axis: int = -1) -> Array:
    shifted = np.exp(x - x.max(axis=axis, keepdims=True))
    return shifted / shifted.sum(axis=axis, keepdims=True)


@dataclass(frozen=True)
class Dense:
    """``x @ kernel + bias`` then the activation: a Keras ``Dense`` (also
    ``RandomlyConnectedDense``, whose kernel is stored already masked, and
    ``DenseForSparse``, applied by ``sparse_times``)."""

    kernel: Array
    bias: Array | None = None
    activation: str | None = None  # None or "gelu"

    def __call__(self, x: Any) -> Array:
        y = np.asarray(x @ self.kernel, dtype=np.float32)
        if self.bias is not None:
            y = y + self.bias
        return gelu(y) if self.activation == "gelu" else y


@dataclass(frozen=True)
class LayerNorm:
    gamma: Array
    beta: Array
    epsilon: float

    def __call__(self, x: Array) -> Array:
        mean = x.mean(axis=-1, keepdims=True)
        variance = np.square(x - mean).mean(axis=-1, keepdims=True)
        scale = self.gamma / np.sqrt(variance + np.float32(self.epsilon))
        return (x - mean) * scale + self.beta


@dataclass(frozen=True)
class EncoderLayer:
    norm_attention: LayerNorm
    query: Dense
    key: Dense
    value: Dense
    output: Dense
    norm_ffn: LayerNorm
    ffn_in: Dense
    ffn_out: Dense
    heads: int

    def __call__(self, x: Array) -> Array:
        length, units = x.shape
        depth = units // self.heads
        normed = self.norm_attention(x)

        def split(y: Array) -> Array:  # (length, units) -> (heads, length, depth)
            return y.reshape(length, self.heads, depth).transpose(1, 0, 2)

        query, key, value = (
            split(self.query(normed)),
            split(self.key(normed)),
            split(self.value(normed)),
        )
        logits = (query @ key.transpose(0, 2, 1)) / np.sqrt(np.float32(depth))
        attended = softmax(logits) @ value  # (heads, length, depth)
        x = x + self.output(attended.transpose(1, 0, 2).reshape(length, units))
        return x + self.ffn_out(self.ffn_in(self.norm_ffn(x)))


@dataclass(frozen=True)
class Encoder:
    embedding: Dense
    layers: list[EncoderLayer]
    norm: LayerNorm
    units: int
    angles: Array  # (units,) float32

    def positions(self, length: int) -> Array:
        angle = np.arange(length, dtype=np.float32)[:, None] * self.angles[None, :]
        encoding = np.empty_like(angle)
        encoding[:, 0::2] = np.sin(angle[:, 0::2])
        encoding[:, 1::2] = np.cos(angle[:, 1::2])
        return encoding

    def __call__(self, x: Array) -> Array:
        x = self.embedding(x) * np.sqrt(np.float32(self.units))
        x = x + self.positions(x.shape[0])
        for layer in self.layers:
            x = layer(x)
        return self.norm(x)


def sparse_times(pieces: list[Any], layer: Dense) -> Array:
    """``layer`` applied to the SciPy sparse matrices ``pieces`` put side by side: the
    kernel's rows of each non-zero entry, scaled by it and summed by row (SciPy's own
    product costs a tenth of a millisecond or more a matrix in checks and conversions;
    a message has about 200 entries)."""
    rows, columns, values, offset = [], [], [], 0
    for piece in pieces:
        coo = piece if piece.format == "coo" else piece.tocoo()
        rows.append(coo.row)
        columns.append(coo.col + offset)
        values.append(coo.data)
        offset += piece.shape[-1]
    row = np.concatenate(rows)
    y = np.zeros((pieces[0].shape[0], layer.kernel.shape[1]), dtype=np.float32)
    if row.size:
        order = np.argsort(row, kind="stable")  # by row, each row's entries in order
        row = row[order]
        value = np.concatenate(values)[order].astype(np.float32)  # as Rasa feeds them
        scaled = layer.kernel[np.concatenate(columns)[order]] * value[:, None]
        starts = np.flatnonzero(np.concatenate(([True], row[1:] != row[:-1])))
        y[row[starts]] = np.add.reduceat(scaled, starts, axis=0)
    if layer.bias is not None:
        y = y + layer.bias
    return gelu(y) if layer.activation == "gelu" else y


@dataclass(frozen=True)
class FeatureCombiner:
    """One feature type's inputs (sparse, dense, in the model's order) side by side; each
    input is the list of its featurisers' matrices, in Rasa's order."""

    parts: list[Dense | None]  # a DenseForSparse for a sparse input, None for a dense one
    unify: list[Dense] = field(default_factory=list)  # only if the types' widths differ

    def __call__(self, features: list[list[Any]]) -> Array:
        columns = [
            np.concatenate(pieces, axis=-1).astype(np.float32, copy=False)
            if dense is None
            else sparse_times(pieces, dense)
            for dense, pieces in zip(self.parts, features, strict=True)
        ]
        combined = np.concatenate(columns, axis=-1) if len(columns) > 1 else columns[0]
        for layer in self.unify:
            combined = layer(combined)
        return combined


@dataclass(frozen=True)
class EntityHead:
    name: str
    logits: Dense
    transitions: Array  # (tags, tags): from the previous tag (row) to the next (column)
    tags_embed: Dense | None  # roles and groups: how they read the entity tags predicted
    num_tags: int
    exact_ones: Array | None = None  # per tag: see ``crf_decode``; None: ``packet_rule``
    step_maxima: Callable[[Array], Array] | None = None  # see ``crf_decode``


@dataclass(frozen=True)
class NumpyDIET:
    sequence: FeatureCombiner
    sentence: FeatureCombiner
    ffnn: list[Dense]
    encoder: Encoder | None
    text_embed: Dense
    labels_embed: Array  # (labels, dim): Rasa's ``all_labels_embed``
    cosine: bool
    confidence_softmax: bool  # model_confidence: softmax (else the raw similarities)
    entities: list[EntityHead]

    def transformed(self, sequence: list[Any], sentence: list[Any]) -> Array:
        """The encoder's output for the tokens, then the sentence: (tokens + 1, units)."""
        x = np.concatenate([self.sequence(sequence), self.sentence(sentence)], axis=0)
        for layer in self.ffnn:
            x = layer(x)
        return gelu(self.encoder(x)) if self.encoder is not None else x

    def predict(self, sequence: list[Any], sentence: list[Any]) -> dict[str, Array]:
        """Rasa's prediction outputs (``i_scores``, ``e_<tag>_ids``, ``e_<tag>_scores``)
        for one message, batch dimension included."""
        transformed = self.transformed(sequence, sentence)
        tokens = transformed.shape[0] - 1
        out = {"i_scores": self._intent_scores(transformed[-1])[None, :]}
        tags_input: Array | None = None
        for head in self.entities:
            features = transformed
            if tags_input is not None and head.tags_embed is not None:
                features = np.concatenate([features, head.tags_embed(tags_input)], axis=-1)
            ids, scores = crf_decode(
                head.logits(features), head.transitions, tokens, head.exact_ones, head.step_maxima
            )
            out[f"e_{head.name}_ids"] = ids[None, :]
            out[f"e_{head.name}_scores"] = scores[None, :]
            if head.name == ENTITY_TAGS:
                tags_input = np.eye(head.num_tags, dtype=np.float32)[ids]
        return out

    def _intent_scores(self, sentence_vector: Array) -> Array:
        embedded = self.text_embed(sentence_vector[None, :])[0]
        similarities = label_similarities(embedded, self.labels_embed, self.cosine)
        return softmax(similarities) if self.confidence_softmax else similarities


def label_similarities(embedded: Array, labels: Array, cosine: bool) -> Array:
    """The similarity of one embedded input with each label's embedding (Rasa's
    ``DotProductLoss.sim``): the inner product, of the normalised vectors if ``cosine``."""
    if cosine:
        embedded = embedded / np.maximum(np.linalg.norm(embedded), np.float32(1e-12) ** 0.5)
        labels = labels / np.maximum(
            np.linalg.norm(labels, axis=-1, keepdims=True), np.float32(1e-12) ** 0.5
        )
    return (labels * embedded[None, :]).sum(axis=-1)


class Ambiguous(Exception):
    """A result that float32 rounding could make differ from TensorFlow's: the caller
    predicts that message through Rasa's graph instead."""


_BELOW_ONE = np.nextafter(np.float32(1.0), np.float32(0.0))  # 0.99999994
_HALF_ULP_AT_ONE = 2.0**-24  # float32: 1 + x rounds to 1 when x is less than this


TF_PACKET = 8
"""Floats TensorFlow's CPU kernels handle at once with AVX (16 with AVX-512). Its softmax
along the CRF's previous-tag axis multiplies by reciprocals of the sums taken a packet at
a time with an approximate instruction (1/1.0 gave 0.99999994 with AVX), the remainder
one by one, exactly: a saturated confidence is exactly 1.0 only for a tag past the last
full packet. Which tags those are depends on the CPU: ``diet_weights.exact_ones`` asks
TensorFlow on the machine; ``packet_rule`` is the AVX answer, for use without it."""


def packet_rule(tags: int) -> Array:
    """Whether each tag's saturated confidence is exactly 1.0, with packets of 8."""
    exact = np.zeros(tags, dtype=bool)
    exact[tags - tags % TF_PACKET :] = True
    return exact


def _softmax_maxima(rows: Array) -> Array:
    """The largest softmax of each row (rows, tags), each computed as ``softmax`` computes
    one row alone (the same element-wise operations and row sums)."""
    return softmax(rows, axis=-1).max(axis=-1)


def _saturation(rows: Array) -> Array:
    """For each row, whether TensorFlow's float32 softmax gives exactly 1.0 for its largest
    element whatever the order its sum was taken in: 1 (yes), 0 (no), -1 where that order
    (or a rounding of ``exp``) can decide it (``Ambiguous`` if the row is used).

    The largest element's probability is 1 / (1 + t), t the sum of the others'
    exponentials relative to it: exactly 1.0 if every partial sum of t stays under half
    a unit in the last place of 1, never if one term alone exceeds it."""
    terms = np.exp(rows.astype(np.float64) - rows.max(axis=-1, keepdims=True))
    np.put_along_axis(terms, rows.argmax(axis=-1)[:, None], 0.0, axis=-1)
    above = terms.max(axis=-1) >= _HALF_ULP_AT_ONE * (1 + 1e-3)
    below = terms.sum(axis=-1) < _HALF_ULP_AT_ONE * (1 - 1e-3)
    return np.where(above, 0, np.where(below, 1, -1))


def _viterbi(potentials: Array, transitions: Array, length: int) -> tuple[Array, Array]:
    """The forward pass over the first ``length`` positions: each step's scores (next
    tag, previous tag), and the last position's scores."""
    tags = transitions.shape[0]
    into = np.ascontiguousarray(transitions.T)  # (next, previous): rows reduced, faster
    steps = np.empty((length - 1, tags, tags), dtype=np.float32)
    state = potentials[0]
    for position in range(1, length):
        scores = steps[position - 1]
        np.add(into, state, out=scores)
        state = potentials[position] + scores.max(axis=1)
    return steps, state


def crf_decode(
    potentials: Array,
    transitions: Array,
    length: int,
    exact_ones: Array | None = None,
    step_maxima: Callable[[Array], Array] | None = None,
) -> tuple[Array, Array]:
    """Tags and confidences of ``rasa.utils.tensorflow.crf.crf_decode`` and the CRF
    layer's masking, for one sequence: ``potentials`` (positions, tags) of which the first
    ``length`` are real. Returns (positions,) int32 tags and float32 confidences, 0 after
    ``length``.

    Rasa's backward scan over the confidences carries each confidence it gathers as the
    index (truncated) of the next one it gathers: a confidence of exactly 1.0 picks index
    1, any other index 0. Kept, for Rasa's confidences; where float32 rounding could
    decide between 1.0 and just under it (the order of TensorFlow's sum decides),
    ``step_maxima`` gives that step's confidences as TensorFlow's own kernel computes
    them from the same scores, or, without it, ``Ambiguous`` is raised. ``exact_ones``
    tells, for each tag, whether TensorFlow's softmax can give it exactly 1.0 on this CPU
    (``TF_PACKET``; by default ``packet_rule``)."""
    positions = potentials.shape[0]
    ids = np.zeros(positions, dtype=np.int32)
    confidences = np.zeros(positions, dtype=np.float32)
    if length <= 0:
        return ids, confidences
    if positions == 1:  # Rasa's single-position branch
        ids[0] = int(np.argmax(potentials[0]))
        confidences[0] = softmax(potentials[0]).max()
        return ids, confidences
    steps, state = _viterbi(potentials, transitions, length)
    tag = int(np.argmax(state))
    ids[length - 1] = tag
    confidences[length - 1] = softmax(state).max()
    pointers = steps.argmax(axis=2).tolist()  # the best previous tag of each next tag
    for position in range(length - 2, -1, -1):
        tag = pointers[position][tag]
        ids[position] = tag
    if length > 1:
        _scan_confidences(steps, int(ids[length - 1]), confidences, exact_ones, step_maxima)
    return ids, confidences


def _scan_confidences(
    steps: Array,
    last: int,
    confidences: Array,
    exact_ones: Array | None,
    step_maxima: Callable[[Array], Array] | None,
) -> None:
    """Rasa's backward scan: from the last tag's scores, each confidence gathered carried
    as the index of the next one (1 after exactly 1.0, else 0). The three rows it can
    read at each step (tags 0 and 1, the last tag) are computed for every step at once,
    then the scan picks, with Python numbers of the same values."""
    tags = steps.shape[1]
    exact = (packet_rule(tags) if exact_ones is None else exact_ones).tolist()
    rows = steps[:, [0, min(1, tags - 1), last], :].reshape(-1, tags)  # 3 rows a step
    maxima = _softmax_maxima(rows).reshape(-1, 3).tolist()
    saturated = _saturation(rows).reshape(-1, 3).tolist()
    below_one = float(_BELOW_ONE)
    slot = 2  # the last tag's row first
    for position in range(len(steps) - 1, 0, -1):
        confidence = min(maxima[position][slot], below_one)
        index = last if slot == 2 else slot
        if exact[index] and saturated[position][slot] == 1:
            confidence = 1.0
        elif exact[index] and saturated[position][slot] == -1:
            if step_maxima is None:
                raise Ambiguous("a CRF confidence within a rounding of 1.0")
            confidence = float(step_maxima(steps[position].T)[index])
        confidences[position] = confidence
        slot = 1 if confidence == 1.0 else 0
    confidences[0] = maxima[0][slot]  # the last one gathered is not carried further
