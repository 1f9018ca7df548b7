"""DIET and TED that load in seconds instead of most of a minute.

To load a trained DIET or TED model, Rasa 3.6 builds the Keras model by *training it*
on one example (``model.fit``), which makes TensorFlow trace the whole training graph
(forward, backward, optimiser) only to create variables of the right shapes, then
overwrites them with the saved weights. On this 2-core machine that tracing is 45 of the
75 seconds of a cold start (bench/profile.md).

Here the saved weights are attached first and the variables are created by the one
prediction Rasa runs anyway to warm the model up; TensorFlow restores each variable as
it is created. The checkpoint must then match every variable the prediction created,
or loading falls back to Rasa's way. Training is untouched (same classes, same
seeds); ``tests/integration/test_model_loading.py`` checks that intents, confidences,
entities and TED's action probabilities are identical to Rasa's own loading.

Use them in config.yml in place of ``DIETClassifier`` and ``TEDPolicy``.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa.core.featurizers.precomputation import MessageContainerForCoreFeaturization
from rasa.core.policies.policy import PolicyPrediction
from rasa.core.policies.ted_policy import TED, TEDPolicy
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.nlu.classifiers.diet_classifier import DIET, DIETClassifier
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa.utils.tensorflow.model_data import RasaModelData
from rasa.utils.tensorflow.models import RasaModel

from addons.length_batches import batches_by_length
from addons.ted_on_demand import DeferredPrediction

logger = logging.getLogger(__name__)

BATCH_BY_LENGTH = "batch_by_length"

LOADED_FAST: list[str] = []
"""The models of this process that loaded without training (a fallback to Rasa's way is
logged as a warning and not listed: tests check the fast path was really taken)."""


def load_without_training(
    cls: Any,
    model_file_name: str,
    model_data_example: RasaModelData,
    predict_data_example: RasaModelData | None,
    finetune_mode: bool,
    *args: Any,
    **kwargs: Any,
) -> RasaModel:
    if not finetune_mode and predict_data_example is not None:
        model = cls(*args, **kwargs)
        status = model.load_weights(model_file_name)
        model.run_inference(predict_data_example)  # creates the variables: restored on creation
        try:
            status.assert_existing_objects_matched()
            status.expect_partial()  # the optimiser's state is in the file, not needed to predict
            LOADED_FAST.append(cls.__name__)
            logger.info("%s loaded without training", cls.__name__)
            return model
        except AssertionError as error:
            logger.warning("fast loading of %s did not match (%s): Rasa's way", cls, error)
    # training goes on (fine-tuning), or the checkpoint did not match: Rasa's way
    rasa_load = RasaModel.load.__func__  # type: ignore[attr-defined]
    return rasa_load(
        cls, model_file_name, model_data_example, predict_data_example, finetune_mode,
        *args, **kwargs,
    )  # fmt: skip


class LoadsWithoutTraining:
    """Mixed into Rasa's Keras models (before them): their ``load`` without ``fit``."""

    @classmethod
    def load(
        cls,
        model_file_name: str,
        model_data_example: RasaModelData,
        predict_data_example: RasaModelData | None = None,
        finetune_mode: bool = False,
        *args: Any,
        **kwargs: Any,
    ) -> RasaModel:
        return load_without_training(
            cls, model_file_name, model_data_example, predict_data_example, finetune_mode,
            *args, **kwargs,
        )  # fmt: skip


class FastDIET(LoadsWithoutTraining, DIET):
    pass


class FastTED(LoadsWithoutTraining, TED):
    pass


@DefaultV1Recipe.register(
    [
        DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER,
        DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR,
    ],
    is_trainable=True,
)
class FastLoadingDIETClassifier(DIETClassifier):
    """``DIETClassifier``, loaded without a training step; with ``batch_by_length: true``,
    trained on batches of messages of similar length (addons/length_batches.py)."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {**DIETClassifier.get_default_config(), BATCH_BY_LENGTH: False}

    @staticmethod
    def model_class() -> type[RasaModel]:
        return FastDIET

    def train(self, training_data: TrainingData) -> Resource:
        if not self.component_config.get(BATCH_BY_LENGTH):
            return super().train(training_data)
        with batches_by_length():
            return super().train(training_data)


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.POLICY_WITH_END_TO_END_SUPPORT, is_trainable=True
)
class FastLoadingTEDPolicy(TEDPolicy):
    """``TEDPolicy``, loaded without a training step, predicting on demand
    (addons/ted_on_demand.py: not at all when the rules or the memory decide)."""

    @staticmethod
    def model_class() -> type[TED]:
        return FastTED

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: dict[str, Any] | None = None,
        precomputations: MessageContainerForCoreFeaturization | None = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        predict = super().predict_action_probabilities
        if self.model is None or TEXT in self.fake_features:
            # untrained, or trained on the users' text: end-to-end predictions and
            # entity events are possible, so Rasa's ensemble must always see them
            return predict(tracker, domain, rule_only_data, precomputations, **kwargs)
        return DeferredPrediction(
            lambda: predict(tracker, domain, rule_only_data, precomputations, **kwargs),
            type(self).__name__,
            self.priority,
        )
