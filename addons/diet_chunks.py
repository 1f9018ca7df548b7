"""DIET's sequence layer run without its batches' padding, on Rasa's batches.

Rasa pads every message of a batch to the longest one. Our training messages are 12
tokens long on average and up to 50 (the long messages that tell a situation first): in
a batch of 160, DIET's dense layers and transformer computed 3.3 positions for each real
one (the sentence's included), most of its training time; cut into four chunks, 1.36.

Grouping whole batches by length (tried on 29 November 2026) removed the padding but
changed what a batch is: DIET's intent loss compares each message with the other
messages of its batch, and batches of similar lengths are batches of similar intents;
the held-out F1 fell below its minimum. Here the batches stay Rasa's, example for
example: ``SortedBatchGenerator`` only sorts each batch by length (an order inside a
batch that nothing in the loss depends on), and ``chunked_sequences`` runs Rasa's
sequence layer on a few consecutive chunks of the sorted batch, each cut to its own
longest message, and pads the outputs back to the batch's length. The loss is computed
on the whole batch as Rasa computes it: the outputs at every real position are what
they would have been on the padded batch (the transformer masks padded positions), so
the loss is the same function of the weights; only the floating-point order of sums and
the dropout's random draws differ. Used by ``addons.fast_training.ChunkedTraining``
(DIET's ``length_chunks`` option, config.yml).
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Iterator, Sequence

import numpy as np
import tensorflow as tf
from rasa.shared.nlu.constants import TEXT
from rasa.utils import train_utils
from rasa.utils.tensorflow.constants import SENTENCE, SEQUENCE, SEQUENCE_LENGTH
from rasa.utils.tensorflow.data_generator import RasaBatchDataGenerator
from rasa.utils.tensorflow.model_data import Data

CHUNK_SHARES = (0.5, 0.75, 0.9)
"""Where a sorted batch is cut, as shares of its size, for four chunks: the short half
together, the long tail apart (most messages are short, a few very long)."""


def within_batches(lengths: np.ndarray, batch_size: int) -> np.ndarray:
    """A permutation of ``range(len(lengths))`` that sorts each consecutive window of
    ``batch_size`` (a batch of Rasa's generator) by length and moves nothing across
    windows.

    >>> within_batches(np.array([5, 1, 9, 2, 8, 3, 7]), batch_size=3).tolist()
    [1, 0, 2, 3, 5, 4, 6]
    """
    count = len(lengths)
    window = max(1, batch_size)
    pieces = [
        start + np.argsort(lengths[start : start + window], kind="stable")
        for start in range(0, count, window)
    ]
    return np.concatenate(pieces) if pieces else np.array([], dtype=int)


def chunk_bounds(size: tf.Tensor, shares: Sequence[float] = CHUNK_SHARES) -> list[tf.Tensor]:
    """The starts of the chunks and the end of the last one, for a batch of ``size``.

    >>> [int(x) for x in chunk_bounds(tf.constant(256))]
    [0, 128, 192, 230, 256]
    """
    size = tf.cast(size, tf.float64)
    cuts = [tf.cast(tf.math.floor(size * share), tf.int32) for share in shares]
    return [tf.constant(0), *cuts, tf.cast(size, tf.int32)]


class SortedBatchGenerator(RasaBatchDataGenerator):
    """Rasa's batch generator, each batch's messages in the order of their length."""

    def _shuffle_and_balance(self, batch_size: int) -> Data:
        data = super()._shuffle_and_balance(batch_size)
        lengths = data.get(TEXT, {}).get(SEQUENCE_LENGTH)
        if not lengths or not batch_size:
            return data
        order = within_batches(np.asarray(lengths[0]).reshape(-1), batch_size)
        return self.model_data._data_for_ids(data, order)


@contextlib.contextmanager
def sorted_batches() -> Iterator[None]:
    """Within the block, Rasa's training builds ``SortedBatchGenerator``s."""
    original = train_utils.RasaBatchDataGenerator
    train_utils.RasaBatchDataGenerator = SortedBatchGenerator  # type: ignore[misc]
    try:
        yield
    finally:
        train_utils.RasaBatchDataGenerator = original  # type: ignore[misc]


def chunked_sequences(
    layer: tf.keras.layers.Layer,
    sequence_features: Sequence[tf.Tensor | tf.SparseTensor],
    sentence_features: Sequence[tf.Tensor | tf.SparseTensor],
    lengths: tf.Tensor,
    training: bool,
    shares: Sequence[float] = CHUNK_SHARES,
) -> tuple[tf.Tensor, tf.Tensor]:
    """Rasa's sequence layer (``RasaSequenceLayer``, without its masked language model)
    run on chunks of the batch, each cut to its longest message: its outputs and its
    mask of real positions, as the layer returns them for the whole batch (``[batch,
    positions + 1, units]``, the sentence features after each message's tokens), zeros
    where the layer's outputs are padding. Any order is right; a batch sorted by length
    is fast.

    The sparse features go through their sparse layers (dropout, ``DenseForSparse``) on
    the whole batch: that costs what their non-zero values cost, padding or not, and
    their gradient is one dense matrix a batch however many chunks. Everything after
    (Rasa's combining of the features with the dense ones and of the sentence with the
    tokens, the dense layers, the transformer) runs on each chunk: on the whole padded
    batch, the combining alone was a quarter of DIET's training step (TensorFlow's
    profiler, 1 December 2026)."""
    combining = layer._tf_layers[layer.FEATURE_COMBINING]
    sequence = [sparse_layers(combining, SEQUENCE, f, training) for f in sequence_features]
    sentence = [sparse_layers(combining, SENTENCE, f, training) for f in sentence_features]
    bounds = chunk_bounds(tf.shape(lengths)[0], shares)
    sizes = tf.stack([end - start for start, end in itertools.pairwise(bounds)])
    count = len(bounds) - 1
    # one row of zeros, of length 0, after each chunk's rows: TensorFlow's transformer
    # fails on a chunk without rows (a batch smaller than the chunks); dropped after
    chunks = zip(
        split_rows(sequence, sizes, count), split_rows(sentence, sizes, count),
        tf.split(lengths, sizes, num=count), strict=True,
    )  # fmt: skip
    outputs, masks = [], []
    for chunk_sequence, chunk_sentence, chunk_lengths in chunks:
        chunk_lengths = tf.concat([chunk_lengths, [0]], 0)  # the blank row's
        longest = tf.reduce_max(chunk_lengths)
        inputs = (
            [with_blank_row(f[:, :longest]) for f in chunk_sequence],
            [with_blank_row(f) for f in chunk_sentence],
            chunk_lengths,
        )
        x, mask = combining(inputs, training=training)
        x = layer._tf_layers[layer.FFNN](x, training)
        if layer._has_transformer:
            x, _ = layer._tf_layers[layer.TRANSFORMER](x, 1 - mask, training)
            x = tf.nn.gelu(x)
        outputs.append(x[:-1] * mask[:-1])
        masks.append(mask[:-1])
    total = tf.reduce_max([tf.shape(mask)[1] for mask in masks])
    return (
        tf.concat([pad_positions(x, total) for x in outputs], 0),
        tf.concat([pad_positions(mask, total) for mask in masks], 0),
    )


def sparse_layers(
    combining: tf.keras.layers.Layer,
    kind: str,
    feature: tf.Tensor | tf.SparseTensor,
    training: bool,
) -> tf.Tensor:
    """A sparse feature through Rasa's sparse layers of its kind (``SEQUENCE`` or
    ``SENTENCE``): dense, as Rasa's combining then takes it; a dense feature as it is."""
    if not isinstance(feature, tf.SparseTensor):
        return feature
    return combining._tf_layers[f"sparse_dense.{kind}"]._process_sparse_feature(feature, training)


def split_rows(
    features: Sequence[tf.Tensor], sizes: tf.Tensor, count: int
) -> list[list[tf.Tensor]]:
    """Each chunk's rows of every feature: ``count`` lists, one tensor a feature each."""
    if not features:
        return [[] for _ in range(count)]
    pieces = [tf.split(feature, sizes, num=count) for feature in features]
    return [list(chunk) for chunk in zip(*pieces, strict=True)]


def with_blank_row(feature: tf.Tensor) -> tf.Tensor:
    """``feature`` with one row of zeros after its rows."""
    return tf.concat([feature, tf.zeros_like(feature[:1])], 0)


def pad_positions(x: tf.Tensor, total: tf.Tensor) -> tf.Tensor:
    """``[rows, positions, units]`` padded with zeros to ``total`` positions."""
    return tf.pad(x, [[0, 0], [0, total - tf.shape(x)[1]], [0, 0]])
