"""DIET trained on batches of messages of similar length.

Rasa pads every message of a batch to the longest one. Our training messages are 10
tokens long at the median and up to 83 (the long messages that tell a situation first):
in a random batch of 256, about 4.5 times more padded positions than real tokens go
through the transformer and the entity tagger, which is most of DIET's training time.

``LengthBatchGenerator`` keeps Rasa's epoch (shuffled, then balanced between intents,
with its linearly increasing batch size) and only reorders it: each window of
``POOL`` batches is sorted by length and cut into batches, and the order of the full
batches is shuffled (a short last batch stays last, where Rasa expects it). Every example
of Rasa's epoch is seen exactly once in it; the batches are more homogeneous in length,
not in intent (a window holds hundreds of examples of every common intent). The random
draws come from NumPy's global generator, which Rasa seeds with ``random_seed``: a
training is as repeatable as Rasa's.

Used by ``addons.fast_load.FastLoadingDIETClassifier`` when its ``batch_by_length``
option is on (config.yml). Prediction is not concerned (one message at a time).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import numpy as np
from rasa.shared.nlu.constants import TEXT
from rasa.utils import train_utils
from rasa.utils.tensorflow.constants import SEQUENCE_LENGTH
from rasa.utils.tensorflow.data_generator import RasaBatchDataGenerator
from rasa.utils.tensorflow.model_data import Data

POOL = 4
"""Batches sorted together: large enough to group lengths, small enough that each window
is a fair sample of the epoch."""


def length_order(lengths: np.ndarray, batch_size: int, pool: int = POOL) -> np.ndarray:
    """A permutation of ``range(len(lengths))``: windows of ``pool`` batches sorted by
    length (stable), cut into batches, the full batches in a random order, the short last
    batch (if any) last.

    >>> lengths = np.array([5, 1, 9, 2, 8, 3, 7])
    >>> order = length_order(lengths, batch_size=2, pool=4)
    >>> sorted(order.tolist()) == list(range(7))  # every example once
    True
    >>> sorted(sorted(lengths[order[i : i + 2]].tolist()) for i in (0, 2, 4))
    [[1, 2], [3, 5], [7, 8]]
    >>> int(lengths[order[-1]])  # the longest is left over: the short batch stays last
    9
    """
    count = len(lengths)
    window = max(1, batch_size * pool)
    order = np.concatenate(
        [
            start + np.argsort(lengths[start : start + window], kind="stable")
            for start in range(0, count, window)
        ]
        or [np.array([], dtype=int)]
    )
    full = count // batch_size if batch_size else 0
    if not full:
        return order
    batches = order[: full * batch_size].reshape(full, batch_size)
    shuffled = batches[np.random.permutation(full)].reshape(-1)
    return np.concatenate([shuffled, order[full * batch_size :]])


class LengthBatchGenerator(RasaBatchDataGenerator):
    """Rasa's batch generator, with each epoch's batches grouped by message length."""

    def _shuffle_and_balance(self, batch_size: int) -> Data:
        data = super()._shuffle_and_balance(batch_size)
        lengths = data.get(TEXT, {}).get(SEQUENCE_LENGTH)
        if not lengths or not batch_size:
            return data
        order = length_order(np.asarray(lengths[0]).reshape(-1), batch_size)
        return self.model_data._data_for_ids(data, order)


@contextlib.contextmanager
def batches_by_length() -> Iterator[None]:
    """Within the block, Rasa's training builds ``LengthBatchGenerator``s."""
    original = train_utils.RasaBatchDataGenerator
    train_utils.RasaBatchDataGenerator = LengthBatchGenerator  # type: ignore[misc]
    try:
        yield
    finally:
        train_utils.RasaBatchDataGenerator = original  # type: ignore[misc]
