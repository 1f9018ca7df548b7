"""The CRF's normaliser with matrix products (addons/crf_norm.py) against Rasa's own:
the same values and gradients, to float rounding, on the batches DIET trains on."""

from __future__ import annotations

import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")

from rasa.utils.tensorflow.crf import crf_log_norm  # noqa: E402
from rasa.utils.tensorflow.layers import CRF  # noqa: E402

from addons.crf_norm import crf_loss, log_norm  # noqa: E402

TAGS = 25  # DIET's entity tags on our data


def batch(size: int, positions: int, scale: float, seed: int) -> tuple[tf.Variable, tf.Tensor]:
    """Scores of ``size`` sequences padded to ``positions``, lengths 0 to ``positions``
    (the longest one present)."""
    rng = np.random.default_rng(seed)
    scores = tf.Variable(rng.normal(scale=scale, size=(size, positions, TAGS)).astype(np.float32))
    lengths = rng.integers(0, positions + 1, size=size)
    lengths[0] = positions
    return scores, tf.constant(lengths, dtype=tf.int64)


def with_gradients(function, scores, lengths, transitions):  # type: ignore[no-untyped-def]
    weights = tf.range(1.0, scores.shape[0] + 1.0)  # each sequence its own weight
    with tf.GradientTape() as tape:
        value = function(scores, lengths, transitions)
        total = tf.reduce_sum(value * weights)
    variables = [scores, transitions]
    gradients = tape.gradient(total, variables)  # None: not used (a single position)
    return value.numpy(), [
        np.zeros(v.shape) if g is None else g.numpy()
        for g, v in zip(gradients, variables, strict=True)
    ]


@pytest.mark.parametrize(
    ("size", "positions", "scale"),
    [(160, 50, 1.0), (64, 12, 3.0), (7, 1, 1.0), (5, 2, 1.0), (32, 20, 20.0)],
)
def test_the_normaliser_and_its_gradients_are_rasas(
    size: int, positions: int, scale: float
) -> None:
    scores, lengths = batch(size, positions, scale, seed=size + positions)
    rng = np.random.default_rng(7)
    transitions = tf.Variable(rng.normal(scale=scale, size=(TAGS, TAGS)).astype(np.float32))
    ours, our_gradients = with_gradients(log_norm, scores, lengths, transitions)
    rasa, rasa_gradients = with_gradients(crf_log_norm, scores, lengths, transitions)
    np.testing.assert_allclose(ours, rasa, rtol=1e-5, atol=1e-5)
    assert (ours[lengths.numpy() == 0] == 0).all()
    for mine, theirs in zip(our_gradients, rasa_gradients, strict=True):
        assert np.isfinite(mine).all()
        np.testing.assert_allclose(
            mine, theirs, rtol=1e-4, atol=1e-4 * max(np.abs(theirs).max(), 1e-3)
        )


def test_no_infinity_where_a_sum_underflows() -> None:
    """Transition scores 200 apart: Rasa's log-sum-exp stays finite, and ours (its sum
    held at the smallest float) stays finite with finite gradients."""
    scores, lengths = batch(8, 6, 1.0, seed=3)
    values = np.zeros((TAGS, TAGS), dtype=np.float32)
    values[:, 0] = 200.0
    transitions = tf.Variable(values)
    ours, gradients = with_gradients(log_norm, scores, lengths, transitions)
    rasa, _ = with_gradients(crf_log_norm, scores, lengths, transitions)
    assert np.isfinite(ours).all() and all(np.isfinite(g).all() for g in gradients)
    np.testing.assert_allclose(ours, rasa, rtol=1e-5)


@pytest.mark.parametrize("scale_loss", [False, True])
def test_the_loss_is_the_crf_layers(scale_loss: bool) -> None:
    scores, lengths = batch(40, 15, 2.0, seed=11)
    tags = tf.constant(np.random.default_rng(5).integers(0, TAGS, size=(40, 15)))
    crf = CRF(TAGS, None, scale_loss=scale_loss)
    crf(scores, lengths)  # builds its transitions
    expected = float(crf.loss(scores, tags, lengths))
    assert float(crf_loss(crf, scores, tags, lengths)) == pytest.approx(expected, rel=1e-5)
