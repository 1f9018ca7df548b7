"""DIET and TED trained faster, on Rasa's batches and losses.

``ChunkedTraining`` computes DIET's training loss with its sequence layer run on chunks
of each batch sorted by length (addons/diet_chunks.py): the same loss as Rasa's, without
most of the padding; used by ``addons.fast_load.FastLoadingDIETClassifier`` when its
``length_chunks`` option is set (config.yml).

``TracedOnce`` creates the variables before Keras traces the training step, which
TensorFlow would otherwise trace twice (DIET and TED).

``LeanSteps`` does the same training step with less work: Adam's update in one fused
kernel, the regularisation's gradients merged without a tensor of zeros, the entities'
CRF normaliser computed with matrix products, and no Viterbi decoding of the entities in
training (it only fed a progress-bar metric).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import tensorflow as tf
from rasa.shared.nlu.constants import (
    ENTITY_ATTRIBUTE_GROUP,
    ENTITY_ATTRIBUTE_ROLE,
    ENTITY_ATTRIBUTE_TYPE,
    TEXT,
)
from rasa.utils.tensorflow.constants import (
    ENTITY_RECOGNITION,
    INTENT_CLASSIFICATION,
    MASKED_LM,
    SENTENCE,
    SEQUENCE,
)
from rasa.utils.tensorflow.data_generator import RasaBatchDataGenerator

from addons import crf_norm, diet_chunks

TRACED_ONCE = "traced_once"
"""DIET's and TED's option: their variables created before Keras traces the training step
(``TracedOnce``)."""

LENGTH_CHUNKS = "length_chunks"
"""DIET's option: the shares of a sorted batch where it is cut into chunks for the
sequence layer (``[]``: Rasa's whole padded batch)."""


class ChunkedTraining:
    """Mixed into DIET's Keras model (before it): its training loss with the sequence
    layer run on chunks of the batch (``chunked_sequences``), the rest as Rasa's."""

    def batch_loss(self, batch_in: Sequence[tf.Tensor]) -> tf.Tensor:
        model: Any = self
        shares = model.config.get(LENGTH_CHUNKS) or []
        if not shares or model.config[MASKED_LM]:
            return super().batch_loss(batch_in)  # type: ignore[misc]
        data = model.batch_to_model_data_format(batch_in, model.data_signature)
        lengths = model._get_sequence_feature_lengths(data, TEXT)
        transformed, mask = diet_chunks.chunked_sequences(
            model._tf_layers[f"sequence_layer.{model.text_name}"],
            data[TEXT][SEQUENCE], data[TEXT][SENTENCE], lengths, model._training, shares,
        )  # fmt: skip
        losses = []
        if model.config[INTENT_CLASSIFICATION]:
            with_sentence = lengths + model._get_sentence_feature_lengths(data, TEXT)
            losses.append(model._batch_loss_intent(with_sentence, transformed, data))
        if model.config[ENTITY_RECOGNITION]:
            losses += model._batch_loss_entities(mask, lengths, transformed, data)
        return tf.math.add_n(losses)


class TracedOnce:
    """Mixed into Rasa's Keras models (before them): their training function traced once.

    TensorFlow traces a function a second time when its first trace created variables,
    and Keras creates the layers' and the optimizer's variables in the first training
    step: tracing DIET's training step (its CRF above all) takes about 20 s on two
    cores, paid twice. The variables are created eagerly here, by the loss of the first
    batch (no gradient applied: the training is Rasa's, step for step) and the
    optimizer's ``build``, before Keras traces the step.

    Not for a fit of a single batch: Rasa's own ``RasaModel.load`` builds a model by
    fitting one example, which may not take every branch of the loss (TED's action-name
    layers), and the optimizer built over the variables it created would refuse the
    ones the traced step adds."""

    def fit(self, x: Any = None, *args: Any, **kwargs: Any) -> Any:
        model: Any = self
        if (
            model.config.get(TRACED_ONCE)
            and isinstance(x, RasaBatchDataGenerator)
            and len(x) > 1
            and not model.run_eagerly
            and not model.optimizer.__dict__.get("_built")
        ):
            model._training = True
            model.batch_loss(x[0][0])
            build_optimizer(model.optimizer, model.trainable_variables)
        return super().fit(x, *args, **kwargs)  # type: ignore[misc]


def build_optimizer(optimizer: Any, variables: Sequence[tf.Variable]) -> None:
    """The optimizer's variables (its step, its slots for ``variables``) created now, by
    Keras' optimizer's ``build`` or the legacy one's (``fused_adam``) own method."""
    if isinstance(optimizer, tf.keras.optimizers.legacy.Optimizer):
        optimizer._create_all_weights(variables)
    else:
        optimizer.build(variables)


LEAN_STEPS = "lean_steps"
"""DIET's option: the same training step with less work (``LeanSteps``). Not TED's: its
variables are small, and its 60 epochs took 41 s both ways (30 November 2026)."""


def fused_adam(optimizer: tf.keras.optimizers.Optimizer) -> tf.keras.optimizers.Optimizer:
    """Keras' Adam with the same settings, its update in one fused kernel per variable.

    TensorFlow 2.12's Adam updates each variable with a dozen element-wise operations,
    each allocating a tensor the size of the variable: over DIET's 4.1 million
    sparse-input weights they cost more than the model's forward pass. The legacy Adam
    runs the same arithmetic (``m += (g - m)(1 - beta_1)``, ``v += (g^2 - v)(1 - beta_2)``,
    ``var -= alpha m / (sqrt(v) + epsilon)``, alpha from the step's bias corrections) in
    one kernel, in place. Any other optimizer is returned as it is.

    >>> fused = fused_adam(tf.keras.optimizers.Adam(0.002))
    >>> type(fused).__module__.split(".")[-2:], round(float(fused.learning_rate), 6)
    (['legacy', 'adam'], 0.002)
    """
    if not isinstance(optimizer, tf.keras.optimizers.Adam):
        return optimizer
    config = optimizer.get_config()
    if config.get("amsgrad") or any(
        config.get(key) for key in ("clipnorm", "clipvalue", "global_clipnorm")
    ):
        return optimizer
    return tf.keras.optimizers.legacy.Adam(
        learning_rate=config["learning_rate"],
        beta_1=config["beta_1"],
        beta_2=config["beta_2"],
        epsilon=config["epsilon"],
    )


def merged_gradient(prediction: tf.Tensor | None, regularization: tf.Tensor | None) -> Any:
    """A variable's gradient as Rasa's training step merges its two parts: the
    regularisation's only where the prediction's is positive (``RasaModel.train_step``),
    computed without Rasa's tensor of zeros the size of the variable.

    >>> merged_gradient(tf.constant([1.0, 0.0, -2.0]), tf.constant([0.5, 0.5, 0.5])).numpy()
    array([ 1.5,  0. , -2. ], dtype=float32)
    >>> merged_gradient(tf.constant([1.0]), None).numpy()
    array([1.], dtype=float32)
    """
    if prediction is None or regularization is None:
        return prediction
    return tf.where(prediction > 0, prediction + regularization, prediction)


class LeanSteps:
    """Mixed into DIET's Keras model (before it): Rasa's training step, the same loss,
    gradients and Adam's arithmetic, with less work (``lean_steps: true``). Profiled on
    DIET's training (TensorFlow's profiler, 12 steps): the regularisation's merge and
    Adam's update over the sparse features' 4.1 million weights, and the Viterbi
    decoding of each batch's entities, were together about half of a step.

    - Adam: ``fused_adam``.
    - The gradients: ``merged_gradient``, the same values as Rasa's merge.
    - DIET's entities (``LeanEntities``): the loss is the conditional random field's
      likelihood, its normaliser computed with matrix products (addons/crf_norm.py, the
      same values to float rounding); Rasa also decoded the best tags of every training
      batch, only for the entity F1 shown on the progress bar. In training that decoding
      is skipped and the bar shows the entity loss instead; validation, when
      configured, still decodes and measures F1.
    """

    def compile(self, optimizer: Any = None, *args: Any, **kwargs: Any) -> Any:
        model: Any = self
        if model.config.get(LEAN_STEPS):
            optimizer = fused_adam(optimizer)
        return super().compile(optimizer, *args, **kwargs)  # type: ignore[misc]

    def train_step(self, batch_in: Sequence[tf.Tensor]) -> dict[str, Any]:
        model: Any = self
        if not model.config.get(LEAN_STEPS):
            return super().train_step(batch_in)  # type: ignore[misc]
        model._training = True
        with tf.GradientTape(persistent=True) as tape:
            prediction_loss = model.batch_loss(batch_in)
            regularization_loss = tf.math.add_n(model.losses)
            total_loss = prediction_loss + regularization_loss
        model.total_loss.update_state(total_loss)
        variables = model.trainable_variables
        predictions = tape.gradient(prediction_loss, variables)
        regularizations = tape.gradient(regularization_loss, variables)
        del tape
        gradients = [
            merged_gradient(*pair) for pair in zip(predictions, regularizations, strict=True)
        ]
        model.optimizer.apply_gradients(zip(gradients, variables, strict=True))
        model._training = None
        return model._training_metric_results()

    def _training_metric_results(self) -> dict[str, Any]:
        return self._get_metric_results()  # type: ignore[attr-defined]


class LeanEntities:
    """Mixed into DIET's Keras model (before ``LeanSteps``): with ``lean_steps``, no
    Viterbi decoding of the entities in training (``LeanSteps``)."""

    def _calculate_entity_loss(
        self,
        inputs: tf.Tensor,
        tag_ids: tf.Tensor,
        mask: tf.Tensor,
        sequence_lengths: tf.Tensor,
        tag_name: str,
        entity_tags: tf.Tensor | None = None,
    ) -> tuple[tf.Tensor, tf.Tensor | None, tf.Tensor]:
        model: Any = self
        crf = model._tf_layers[f"crf.{tag_name}"]
        if not (model.config.get(LEAN_STEPS) and model._training and crf.built):
            return super()._calculate_entity_loss(  # type: ignore[misc]
                inputs, tag_ids, mask, sequence_lengths, tag_name, entity_tags
            )
        if entity_tags is not None:
            inputs = tf.concat(
                [inputs, model._tf_layers[f"embed.{tag_name}.tags"](entity_tags)], -1
            )
        logits = model._tf_layers[f"embed.{tag_name}.logits"](inputs)
        loss = crf_norm.crf_loss(crf, logits, tag_ids[:, :, 0], sequence_lengths)
        return loss, None, logits

    def _update_entity_metrics(self, loss: tf.Tensor, f1: tf.Tensor | None, tag_name: str) -> None:
        if f1 is not None:
            return super()._update_entity_metrics(loss, f1, tag_name)  # type: ignore[misc]
        model: Any = self
        getattr(model, ENTITY_LOSSES[tag_name]).update_state(loss)  # not decoded: no F1
        return None

    def _training_metric_results(self) -> dict[str, Any]:
        """The progress bar's metrics, each entity F1 (not measured in training) replaced
        by its entity loss."""
        model: Any = self
        shown = {name[0] + "_loss" if name in ENTITY_F1 else name for name in model.metrics_to_log}
        return {metric.name: metric.result() for metric in model.metrics if metric.name in shown}


ENTITY_LOSSES = {
    ENTITY_ATTRIBUTE_TYPE: "entity_loss",
    ENTITY_ATTRIBUTE_GROUP: "entity_group_loss",
    ENTITY_ATTRIBUTE_ROLE: "entity_role_loss",
}
"""The attribute of Rasa's models that averages each kind of entity tag's loss."""
ENTITY_F1 = ("e_f1", "g_f1", "r_f1")


class DIETTraining(LeanEntities, LeanSteps, ChunkedTraining):
    """DIET's training options of this module, mixed into DIET's Keras model (before it)."""


def diet_defaults() -> dict[str, Any]:
    """DIET's options of this module, all off: Rasa's training."""
    return {LENGTH_CHUNKS: [], TRACED_ONCE: False, LEAN_STEPS: False}
