"""DIET's batches grouped by message length: the same examples as Rasa's epoch, each once,
far less padding, and the switch really reaching Rasa's training."""

from __future__ import annotations

import numpy as np
import pytest
from rasa.shared.nlu.constants import TEXT
from rasa.utils import train_utils
from rasa.utils.tensorflow.constants import BALANCED, SEQUENCE, SEQUENCE_LENGTH
from rasa.utils.tensorflow.data_generator import RasaBatchDataGenerator
from rasa.utils.tensorflow.model_data import FeatureArray, RasaModelData

from addons.fast_load import BATCH_BY_LENGTH, FastLoadingDIETClassifier
from addons.length_batches import LengthBatchGenerator, batches_by_length

LABEL = "label"


def model_data(count: int, seed: int = 0) -> RasaModelData:
    """``count`` messages of 1 to 80 tokens (a token's feature is its message's number,
    so that an example can be followed through the batches) in 5 intents."""
    rng = np.random.default_rng(seed)
    lengths = rng.integers(1, 81, size=count)
    labels = rng.integers(0, 5, size=count)
    sequences = np.empty(count, dtype=object)
    for index, length in enumerate(lengths):
        sequences[index] = np.full((length, 1), index, dtype=np.float32)
    data = {
        TEXT: {
            SEQUENCE: [FeatureArray(sequences, number_of_dimensions=3)],
            SEQUENCE_LENGTH: [FeatureArray(lengths.astype(np.int64), number_of_dimensions=1)],
        },
        LABEL: {
            "ids": [FeatureArray(labels.reshape(-1, 1).astype(np.float32), number_of_dimensions=2)]
        },
    }
    return RasaModelData(label_key=LABEL, label_sub_key="ids", data=data)


def epoch(generator: RasaBatchDataGenerator) -> list[tuple[list[int], int]]:
    """Each batch of one epoch: its messages' lengths and the length it is padded to."""
    batches = []
    for index in range(len(generator)):
        arrays, _ = generator[index]  # (padded sequences, lengths, labels)
        batches.append(([int(x) for x in arrays[1]], arrays[0].shape[1]))
    return batches


def padded_positions(generator: RasaBatchDataGenerator) -> int:
    return sum(len(lengths) * longest for lengths, longest in epoch(generator))


@pytest.mark.parametrize("strategy", [SEQUENCE, BALANCED])
def test_same_examples_far_less_padding(strategy: str) -> None:
    data = model_data(1000)
    np.random.seed(42)
    rasa = RasaBatchDataGenerator(data, batch_size=64, epochs=1, batch_strategy=strategy)
    np.random.seed(42)
    ours = LengthBatchGenerator(data, batch_size=64, epochs=1, batch_strategy=strategy)
    rasa_lengths = sorted(x for lengths, _ in epoch(rasa) for x in lengths)
    our_lengths = sorted(x for lengths, _ in epoch(ours) for x in lengths)
    assert our_lengths == rasa_lengths  # the same epoch, reordered
    assert len(ours) == len(rasa)
    real = sum(rasa_lengths)
    assert padded_positions(rasa) > 1.8 * real  # messages of 1 to 80 tokens
    assert padded_positions(ours) < 1.3 * real


def test_every_example_once_and_the_short_batch_last() -> None:
    data = model_data(1000)
    np.random.seed(1)
    generator = LengthBatchGenerator(data, batch_size=64, epochs=1, batch_strategy=SEQUENCE)
    seen: list[int] = []
    sizes = []
    for index in range(len(generator)):
        arrays, _ = generator[index]
        sizes.append(len(arrays[1]))
        seen += [int(x) for x in arrays[0][:, 0, 0]]  # a token's feature: its message
    assert sorted(seen) == list(range(1000))
    assert sizes == [64] * 15 + [40]


def test_the_order_of_batches_is_random_but_repeatable() -> None:
    data = model_data(1000)

    def firsts(seed: int) -> list[int]:
        np.random.seed(seed)
        generator = LengthBatchGenerator(data, batch_size=64, epochs=1, batch_strategy=SEQUENCE)
        return [int(generator[i][0][1][0]) for i in range(len(generator))]

    assert firsts(7) == firsts(7)
    assert firsts(7) != firsts(8)
    assert firsts(7) != sorted(firsts(7))  # not simply shortest first


def test_the_switch_reaches_rasas_training_and_is_undone() -> None:
    assert train_utils.RasaBatchDataGenerator is RasaBatchDataGenerator
    with batches_by_length():
        generator, _ = train_utils.create_data_generators(model_data(100), 16, 1)
        assert type(generator) is LengthBatchGenerator
    assert train_utils.RasaBatchDataGenerator is RasaBatchDataGenerator
    generator, _ = train_utils.create_data_generators(model_data(100), 16, 1)
    assert type(generator) is RasaBatchDataGenerator


def test_an_option_of_our_diet_off_by_default() -> None:
    assert FastLoadingDIETClassifier.get_default_config()[BATCH_BY_LENGTH] is False
