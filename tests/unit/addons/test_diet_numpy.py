"""The NumPy pieces of DIET's prediction (addons/diet_numpy.py) against Rasa's own
TensorFlow layers, on random weights and inputs: the CRF's decoding (tags and Rasa's
confidences, padding included) and the transformer encoder."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse

tf = pytest.importorskip("tensorflow")

from rasa.utils.tensorflow import crf as rasa_crf  # noqa: E402
from rasa.utils.tensorflow.layers import DenseForSparse  # noqa: E402
from rasa.utils.tensorflow.transformer import TransformerEncoder  # noqa: E402

from addons import diet_numpy, diet_weights  # noqa: E402


def rasa_decode(potentials: np.ndarray, transitions: np.ndarray, lengths: np.ndarray):
    """Rasa's CRF layer's call: crf_decode, then the padding set to 0."""
    ids, scores, _ = rasa_crf.crf_decode(
        tf.constant(potentials), tf.constant(transitions), tf.constant(lengths)
    )
    mask = tf.sequence_mask(lengths, maxlen=tf.shape(ids)[1], dtype=ids.dtype)
    return (ids * mask).numpy(), (scores * tf.cast(mask, tf.float32)).numpy()


@pytest.mark.parametrize("ask_tensorflow", [False, True])
@pytest.mark.parametrize("scale", [1.0, 30.0])  # 30: softmaxes saturate to exactly 1.0
def test_crf_decode_gives_rasas_tags_and_confidences(scale: float, ask_tensorflow: bool) -> None:
    rng = np.random.default_rng(7)
    checked = ambiguous = 0
    for positions in (2, 3, 5, 8):
        for tags in (2, 5, 8, 9, 12, 17):  # TensorFlow's packets of 8, and remainders
            transitions = (rng.normal(size=(tags, tags)) * scale).astype(np.float32)
            for _ in range(4):
                potentials = (rng.normal(size=(1, positions, tags)) * scale).astype(np.float32)
                # one message at a time, as DIET predicts; mostly DIET's case, where the
                # last position (the sentence's) is padding
                length = int(rng.choice([positions - 1, rng.integers(1, positions + 1)]))
                length = max(length, 1)
                lengths = np.array([length], dtype=np.int32)
                expected_ids, expected_scores = rasa_decode(potentials, transitions, lengths)
                try:
                    ids, scores = diet_numpy.crf_decode(
                        potentials[0],
                        transitions,
                        length,
                        diet_weights.exact_ones(tags),
                        diet_weights.step_maxima if ask_tensorflow else None,
                    )
                except diet_numpy.Ambiguous:  # left to TensorFlow by the classifier
                    ambiguous += 1
                    continue
                assert ids.tolist() == expected_ids[0].tolist()
                np.testing.assert_allclose(scores, expected_scores[0], atol=1e-6)
                checked += 1
    assert checked + ambiguous == 4 * 6 * 4
    print(f"{checked} checked, {ambiguous} ambiguous")
    assert ambiguous <= checked // 20  # rare, even with logits this large
    if ask_tensorflow:  # TensorFlow's kernel decides them, as in Rasa
        assert ambiguous == 0


def test_crf_confidences_follow_rasas_backward_scan_not_the_best_path() -> None:
    """Rasa's backward scan over the scores carries each score it gathers as the index of
    the next one: kept, since the confidences must be Rasa's."""
    rng = np.random.default_rng(3)
    found = False
    for _ in range(200):
        potentials = rng.normal(size=(1, 5, 4)).astype(np.float32)
        transitions = rng.normal(size=(4, 4)).astype(np.float32)
        _, expected = rasa_decode(potentials, transitions, np.array([5], dtype=np.int32))
        ids, scores = diet_numpy.crf_decode(
            potentials[0], transitions, 5, diet_weights.exact_ones(4)
        )
        np.testing.assert_allclose(scores, expected[0], atol=1e-6)
        # what a decoder following the best path would give for the third position
        state = potentials[0, 0]
        steps = []
        for position in range(1, 5):
            scored = state[:, None] + transitions
            steps.append(diet_numpy.softmax(scored, axis=0).max(axis=0))
            state = potentials[0, position] + scored.max(axis=0)
        found |= not np.isclose(scores[2], steps[2][ids[3]])
    assert found


@pytest.mark.parametrize("density", [0.2, 1.0])
def test_encoder_computes_what_rasas_transformer_encoder_computes(density: float) -> None:
    tf.random.set_seed(11)
    encoder = TransformerEncoder(
        num_layers=2, units=16, num_heads=4, filter_units=64, reg_lambda=0.001, density=density
    )
    rng = np.random.default_rng(5)
    for length in (1, 3, 12):
        x = rng.normal(size=(1, length, 24)).astype(np.float32)
        expected, _ = encoder(tf.constant(x), pad_mask=None, training=False)
        twin = diet_weights.encoder(encoder, heads=4)
        assert twin is not None
        np.testing.assert_allclose(twin(x[0]), expected.numpy()[0], atol=2e-5)


def test_dense_for_sparse_matches_on_the_featurisers_matrices() -> None:
    layer = DenseForSparse(units=8, reg_lambda=0.001)
    matrix = scipy.sparse.random(5, 40, density=0.1, format="coo", dtype=np.float32, random_state=1)
    sparse = tf.SparseTensor(
        indices=np.vstack([np.zeros_like(matrix.row), matrix.row, matrix.col]).T.astype(np.int64),
        values=matrix.data,
        dense_shape=(1, 5, 40),
    )
    expected = layer(sparse).numpy()[0]
    # the featurisers' matrices as Rasa would have put them side by side
    pieces = [
        matrix.tocsc()[:, :15].tocoo(),
        matrix.tocsc()[:, 15:32].tocoo(),
        matrix.tocsc()[:, 32:],
    ]
    twin = diet_numpy.sparse_times(pieces, diet_weights.dense(layer))
    np.testing.assert_allclose(twin, expected, atol=1e-6)


def test_an_unsupported_model_keeps_rasas_prediction() -> None:
    class Untrained:
        config = {"intent_classification": True}
        all_labels_embed = None

    assert diet_weights.from_model(Untrained()) is None
