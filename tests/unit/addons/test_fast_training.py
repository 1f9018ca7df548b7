"""DIET trained without its batches' padding (addons/diet_chunks.py,
addons/fast_training.py): Rasa's batches, example for example, only sorted inside; the
sequence layer on chunks giving the whole batch's outputs and the same loss as Rasa's;
the switch really reaching the training."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")

from rasa.engine.graph import ExecutionContext, GraphSchema  # noqa: E402
from rasa.engine.storage.local_model_storage import LocalModelStorage  # noqa: E402
from rasa.engine.storage.resource import Resource  # noqa: E402
from rasa.nlu.classifiers.diet_classifier import DIET  # noqa: E402
from rasa.nlu.constants import TOKENS_NAMES  # noqa: E402
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import (  # noqa: E402
    CountVectorsFeaturizer,
)
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer  # noqa: E402
from rasa.shared.nlu.constants import (  # noqa: E402
    FEATURE_TYPE_SENTENCE,
    FEATURE_TYPE_SEQUENCE,
    TEXT,
)
from rasa.shared.nlu.training_data.features import Features  # noqa: E402
from rasa.shared.nlu.training_data.message import Message  # noqa: E402
from rasa.shared.nlu.training_data.training_data import TrainingData  # noqa: E402
from rasa.utils import train_utils  # noqa: E402
from rasa.utils.tensorflow.constants import (  # noqa: E402
    BALANCED,
    SEQUENCE,
    SEQUENCE_LENGTH,
)
from rasa.utils.tensorflow.data_generator import RasaBatchDataGenerator  # noqa: E402
from rasa.utils.tensorflow.model_data import FeatureArray, RasaModelData  # noqa: E402

from addons import diet_chunks, fast_training  # noqa: E402
from addons.diet_chunks import SortedBatchGenerator, sorted_batches  # noqa: E402
from addons.fast_load import FastLoadingDIETClassifier, FastLoadingTEDPolicy  # noqa: E402
from addons.fast_training import (  # noqa: E402
    LEAN_STEPS,
    LENGTH_CHUNKS,
    TRACED_ONCE,
    fused_adam,
    merged_gradient,
)

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


def epoch(generator: RasaBatchDataGenerator) -> list[list[tuple[int, int]]]:
    """Each batch of one epoch: its messages (number, length) in the batch's order."""
    batches = []
    for index in range(len(generator)):
        arrays, _ = generator[index]  # (padded sequences, lengths, labels)
        batches.append([(int(s[0, 0]), int(n)) for s, n in zip(arrays[0], arrays[1], strict=True)])
    return batches


@pytest.mark.parametrize("strategy", [SEQUENCE, BALANCED])
def test_rasas_batches_each_sorted_by_length(strategy: str) -> None:
    data = model_data(1000)
    np.random.seed(42)
    rasa = epoch(RasaBatchDataGenerator(data, batch_size=64, epochs=1, batch_strategy=strategy))
    np.random.seed(42)
    ours = epoch(SortedBatchGenerator(data, batch_size=64, epochs=1, batch_strategy=strategy))
    assert [sorted(batch) for batch in ours] == [sorted(batch) for batch in rasa]
    for batch in ours:
        assert [n for _, n in batch] == sorted(n for _, n in batch)
    assert any(batch != sorted(batch, key=lambda x: x[1]) for batch in rasa)


def test_the_switch_reaches_rasas_training_and_is_undone() -> None:
    assert train_utils.RasaBatchDataGenerator is RasaBatchDataGenerator
    with sorted_batches():
        generator, _ = train_utils.create_data_generators(model_data(100), 16, 1)
        assert type(generator) is SortedBatchGenerator
    assert train_utils.RasaBatchDataGenerator is RasaBatchDataGenerator
    generator, _ = train_utils.create_data_generators(model_data(100), 16, 1)
    assert type(generator) is RasaBatchDataGenerator


def test_chunks_of_any_batch_size() -> None:
    for size in (1, 2, 3, 7, 64, 255):
        bounds = [int(x) for x in diet_chunks.chunk_bounds(tf.constant(size))]
        assert bounds[0] == 0 and bounds[-1] == size
        assert bounds == sorted(bounds)


WORDS = ("carte", "vitale", "perdue", "numero", "secu", "naissance", "etranger", "vous", "caf")
INTENTS = ("lost", "abroad", "appointment")
ENTITY = "organisme"


def training_data(count: int = 60, seed: int = 3) -> TrainingData:
    """Messages of 1 to 30 words in three intents, some with an entity: the lengths of
    our data (most short, a few long)."""
    rng = np.random.default_rng(seed)
    messages = []
    for index in range(count):
        length = int(rng.choice([1, 2, 3, 5, 8, 12, 30]))
        words = [str(rng.choice(WORDS)) for _ in range(length)]
        text = " ".join(words)
        data: dict[str, Any] = {"intent": INTENTS[index % 3]}
        if "caf" in words:
            start = text.index("caf")
            data["entities"] = [{"start": start, "end": start + 3, "value": "caf",
                                 "entity": ENTITY}]  # fmt: skip
        messages.append(Message(data={TEXT: text, **data}))
    return TrainingData(messages)


def featurised(data: TrainingData, tmp: Path, **count_vectors: Any) -> tuple[Any, Any]:
    """``data`` tokenised on whitespace and featurised by Rasa's count vectors (their
    default options updated by ``count_vectors``), in place; the model storage and
    execution context a DIET of these tests is created with."""
    storage = LocalModelStorage(tmp)
    context = ExecutionContext(GraphSchema({}), "test")
    WhitespaceTokenizer.create(
        WhitespaceTokenizer.get_default_config(), storage, Resource("t"), context
    ).process_training_data(data)
    featurizer = CountVectorsFeaturizer.create(
        {**CountVectorsFeaturizer.get_default_config(), **count_vectors},
        storage, Resource("c"), context,
    )  # fmt: skip
    featurizer.train(data)
    featurizer.process_training_data(data)
    return storage, context


def with_dense_features(data: TrainingData, units: int = 6, seed: int = 4) -> TrainingData:
    """``data`` (tokenised) with a dense feature of ``units`` for each token and one for
    each message besides its sparse ones, as spaCy's vectors give the pipeline's."""
    rng = np.random.default_rng(seed)
    for message in data.training_examples:
        tokens = len(message.get(TOKENS_NAMES[TEXT]))
        for kind, rows in ((FEATURE_TYPE_SEQUENCE, tokens), (FEATURE_TYPE_SENTENCE, 1)):
            values = rng.normal(size=(rows, units)).astype(np.float32)
            message.add_features(Features(values, kind, TEXT, "dense"))
    return data


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, RasaModelData]:
    """A DIET of ours trained two epochs with chunks, and its training data's batch: its
    messages with sparse and dense features, as the pipeline's."""
    data = training_data()
    storage, context = featurised(
        data, tmp_path_factory.mktemp("diet"), analyzer="char_wb", min_ngram=2, max_ngram=3
    )
    with_dense_features(data)
    config = {**FastLoadingDIETClassifier.get_default_config(), "epochs": 2,
              "random_seed": 1, LENGTH_CHUNKS: [0.5, 0.75, 0.9],
              "number_of_transformer_layers": 1, "transformer_size": 32}  # fmt: skip
    classifier = FastLoadingDIETClassifier.create(config, storage, Resource("d"), context)
    classifier.train(data)
    return classifier.model, classifier.preprocess_train_data(data)


def losses(model: Any, batch: tuple[Any, ...]) -> tuple[float, float]:
    """The loss of a batch, ours and Rasa's (no dropout: the model not training; the
    intent loss's negative examples drawn from the same seed)."""
    model._training = False
    tf.random.set_seed(5)
    ours = float(model.batch_loss(batch))
    tf.random.set_seed(5)
    rasa = float(DIET.batch_loss(model, batch))
    return ours, rasa


@pytest.mark.parametrize("order", ["as given", "sorted", "reversed"])
def test_the_loss_of_a_batch_is_rasas(trained: tuple[Any, RasaModelData], order: str) -> None:
    model, data = trained
    lengths = np.asarray(data.data[TEXT][SEQUENCE_LENGTH][0]).reshape(-1)
    ids = np.arange(len(lengths))
    if order != "as given":
        ids = np.argsort(lengths, kind="stable")
        ids = ids[::-1] if order == "reversed" else ids
    batch = RasaBatchDataGenerator.prepare_batch(data._data_for_ids(data.data, ids))
    ours, rasa = losses(model, batch)
    assert ours == pytest.approx(rasa, rel=1e-5, abs=1e-5)


def test_the_gradients_are_rasas(trained: tuple[Any, RasaModelData]) -> None:
    """The same function of the weights: every variable's gradient as Rasa's loss gives
    it (a sparse layer's included), the batch in no particular order."""
    model, data = trained
    batch = RasaBatchDataGenerator.prepare_batch(data.data)
    model._training = False
    gradients = []
    for loss in (model.batch_loss, lambda b: DIET.batch_loss(model, b)):
        tf.random.set_seed(5)
        with tf.GradientTape() as tape:
            value = loss(batch)
        gradients.append(tape.gradient(value, model.trainable_variables))
    compared = 0
    for ours, rasa in zip(*gradients, strict=True):
        if rasa is None:
            assert ours is None
            continue
        np.testing.assert_allclose(
            tf.convert_to_tensor(ours).numpy(), tf.convert_to_tensor(rasa).numpy(),
            rtol=1e-4, atol=1e-5,
        )  # fmt: skip
        compared += 1
    assert compared > 20


def test_outputs_at_real_positions_are_rasas(trained: tuple[Any, RasaModelData]) -> None:
    model, data = trained
    tf_data = model.batch_to_model_data_format(
        RasaBatchDataGenerator.prepare_batch(data.data), model.data_signature
    )
    layer = model._tf_layers[f"sequence_layer.{model.text_name}"]
    lengths = model._get_sequence_feature_lengths(tf_data, TEXT)
    inputs = (tf_data[TEXT][SEQUENCE], tf_data[TEXT]["sentence"], lengths)
    for features in inputs[:2]:  # sparse and dense, as the pipeline's
        assert {isinstance(feature, tf.SparseTensor) for feature in features} == {True, False}
    expected, _, expected_mask, *_ = layer(inputs, training=False)
    outputs, mask = diet_chunks.chunked_sequences(layer, *inputs, training=False)
    assert outputs.shape == expected.shape
    np.testing.assert_array_equal(mask.numpy(), expected_mask.numpy())
    real = expected_mask.numpy()[..., 0] == 1
    np.testing.assert_allclose(outputs.numpy()[real], expected.numpy()[real], atol=2e-5)
    assert not outputs.numpy()[~real].any()


def test_a_batch_smaller_than_its_chunks(trained: tuple[Any, RasaModelData]) -> None:
    model, data = trained
    for size in (1, 2, 3):
        batch = RasaBatchDataGenerator.prepare_batch(data._data_for_ids(data.data, np.arange(size)))
        ours, rasa = losses(model, batch)
        assert ours == pytest.approx(rasa, rel=1e-5, abs=1e-5)


def test_training_with_chunks_goes_through_them(
    trained: tuple[Any, RasaModelData], monkeypatch: pytest.MonkeyPatch
) -> None:
    model, data = trained
    calls = []
    original = diet_chunks.chunked_sequences
    monkeypatch.setattr(
        diet_chunks, "chunked_sequences",
        lambda *args, **kwargs: calls.append(1) or original(*args, **kwargs),
    )  # fmt: skip
    model._training = True
    loss = model.batch_loss(RasaBatchDataGenerator.prepare_batch(data.data))
    assert np.isfinite(float(loss))
    assert calls == [1]
    model.config[LENGTH_CHUNKS] = []
    try:
        model.batch_loss(RasaBatchDataGenerator.prepare_batch(data.data))
    finally:
        model.config[LENGTH_CHUNKS] = [0.5, 0.75, 0.9]
    assert calls == [1]  # Rasa's own loss


def test_options_of_our_diet_and_ted_off_by_default() -> None:
    assert FastLoadingDIETClassifier.get_default_config()[LENGTH_CHUNKS] == []
    assert FastLoadingDIETClassifier.get_default_config()[TRACED_ONCE] is False
    assert FastLoadingDIETClassifier.get_default_config()[LEAN_STEPS] is False
    assert FastLoadingTEDPolicy.get_default_config()[TRACED_ONCE] is False


@pytest.mark.parametrize(
    ("ours", "batch_size", "expected"),
    [(True, 8, [True, False]), (False, 8, [False, False]), (True, 64, [False, False])],
)
def test_the_training_step_is_traced_once(
    ours: bool,
    batch_size: int,
    expected: list[bool],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The loss's Python runs once eagerly (the variables) and once traced, where Keras
    alone traces it twice (a first trace that creates variables is traced again); a fit
    of one batch (how Rasa's ``RasaModel.load`` builds a model) is left to Keras."""
    calls: list[bool] = []
    original = fast_training.ChunkedTraining.batch_loss

    def counted(self: Any, batch_in: Any) -> Any:
        calls.append(tf.executing_eagerly())
        return original(self, batch_in)

    monkeypatch.setattr(fast_training.ChunkedTraining, "batch_loss", counted)
    data = training_data(30)
    storage, context = featurised(data, tmp_path)
    config = {
        **FastLoadingDIETClassifier.get_default_config(),
        "epochs": 3,
        "number_of_transformer_layers": 0,
        "batch_size": batch_size,
        TRACED_ONCE: ours,
    }
    classifier = FastLoadingDIETClassifier.create(config, storage, Resource("d"), context)
    classifier.train(data)
    assert calls == expected


def test_the_merged_gradient_is_rasas() -> None:
    """Rasa adds the regularisation's gradient where the prediction's is positive; the
    merge without its tensor of zeros gives the same numbers, zeros and negatives
    included."""
    rng = np.random.default_rng(0)
    prediction = rng.normal(size=(300, 16)).astype(np.float32)
    prediction[rng.random(prediction.shape) < 0.6] = 0.0  # most rows of a sparse kernel
    regularization = rng.normal(size=(300, 16)).astype(np.float32)
    p, r = tf.constant(prediction), tf.constant(regularization)
    rasa = p + tf.where(p > 0, r, tf.zeros_like(r))
    np.testing.assert_array_equal(merged_gradient(p, r).numpy(), rasa.numpy())
    assert merged_gradient(None, r) is None


def test_the_fused_adam_takes_kerass_steps() -> None:
    """Three steps of the fused Adam and of Keras' Adam from the same weights and
    gradients: the same weights, float rounding apart (a few units in the last place,
    against moves of about 0.03)."""
    rng = np.random.default_rng(1)
    start = rng.normal(size=(50, 8)).astype(np.float32)
    gradients = [rng.normal(size=(50, 8)).astype(np.float32) for _ in range(3)]
    results = []
    for optimizer in (tf.keras.optimizers.Adam(0.01), fused_adam(tf.keras.optimizers.Adam(0.01))):
        variable = tf.Variable(start)
        for gradient in gradients:
            optimizer.apply_gradients([(tf.constant(gradient), variable)])
        results.append(variable.numpy())
    assert not np.allclose(results[0], start)
    np.testing.assert_allclose(results[1], results[0], rtol=1e-6, atol=1e-6)


def test_other_optimizers_are_kept() -> None:
    sgd = tf.keras.optimizers.SGD(0.1)
    assert fused_adam(sgd) is sgd
    amsgrad = tf.keras.optimizers.Adam(0.1, amsgrad=True)
    assert fused_adam(amsgrad) is amsgrad


NO_DROPOUT = {"drop_rate": 0.0, "drop_rate_attention": 0.0, "use_sparse_input_dropout": False,
              "use_dense_input_dropout": False}  # fmt: skip


@pytest.fixture(scope="module")
def untrained(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Any]:
    """A DIET of ours without dropout, trained one epoch (its variables created), and a
    batch of its training data with entities."""
    data = training_data()
    storage, context = featurised(data, tmp_path_factory.mktemp("lean"))
    config = {**FastLoadingDIETClassifier.get_default_config(), **NO_DROPOUT, "epochs": 1,
              "random_seed": 1, "number_of_transformer_layers": 1,
              "transformer_size": 32}  # fmt: skip
    classifier = FastLoadingDIETClassifier.create(config, storage, Resource("d"), context)
    classifier.train(data)
    batch = RasaBatchDataGenerator.prepare_batch(classifier.preprocess_train_data(data).data)
    return classifier.model, batch


def test_a_lean_step_is_rasas_step(untrained: tuple[Any, Any]) -> None:
    """From the same weights, one training step Rasa's way (Keras' Adam) and one lean
    step (the fused Adam, the merge, the CRF's normaliser with products, no decoding):
    the same gradients applied (float rounding apart), every variable moved by the
    step, the same loss, and the entity loss shown instead of an F1 never measured."""
    model, batch = untrained
    start = [variable.numpy() for variable in model.trainable_variables]
    applied: list[list[np.ndarray]] = []
    metrics = []
    for lean in (False, True):
        for variable, value in zip(model.trainable_variables, start, strict=True):
            variable.assign(value)
        model.config[LEAN_STEPS] = lean
        model.compile(optimizer=tf.keras.optimizers.Adam(0.001))
        assert ("legacy" in type(model.optimizer).__module__) is lean
        apply = model.optimizer.apply_gradients

        def recorded(pairs: Any, *args: Any, apply: Any = apply, **kwargs: Any) -> Any:
            pairs = list(pairs)
            applied.append([tf.convert_to_tensor(g).numpy() for g, _ in pairs])
            return apply(pairs, *args, **kwargs)

        model.optimizer.apply_gradients = recorded
        model.reset_metrics()  # the bar's means: of this step only
        tf.random.set_seed(5)  # the intent loss's negative examples
        metrics.append(model.train_step(batch))
    model.config[LEAN_STEPS] = False
    for rasa, lean in zip(*applied, strict=True):
        scale = max(float(np.abs(rasa).max()), 1e-6)
        np.testing.assert_allclose(lean, rasa, rtol=1e-4, atol=1e-5 * scale)
    moved = [
        not np.array_equal(v.numpy(), s)
        for v, s in zip(model.trainable_variables, start, strict=True)
    ]
    assert len(applied[0]) == len(start) and all(moved)
    assert "e_f1" in metrics[0] and "e_loss" not in metrics[0]
    assert "e_loss" in metrics[1] and "e_f1" not in metrics[1]
    assert float(metrics[1]["t_loss"]) == pytest.approx(float(metrics[0]["t_loss"]), rel=1e-5)


def test_lean_steps_skip_the_decoding_in_training_only(
    untrained: tuple[Any, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    model, batch = untrained
    crf = model._tf_layers["crf.entity"]
    decoded = []
    original = type(crf).call

    def counted(self: Any, *args: Any, **kwargs: Any) -> Any:
        decoded.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(type(crf), "call", counted)
    model.config[LEAN_STEPS] = True
    try:
        model._training = True
        model.batch_loss(batch)
        assert decoded == []
        model._training = False  # validation: decoded, F1 measured
        model.batch_loss(batch)
        assert decoded == [1]
    finally:
        model.config[LEAN_STEPS] = False
