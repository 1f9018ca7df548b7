"""DIET and TED that load in seconds instead of most of a minute.

To load a trained DIET or TED model, Rasa 3.6 builds the Keras model by *training it*
on one example (``model.fit``), which makes TensorFlow trace the whole training graph
(forward, backward, optimiser) only to create variables of the right shapes, then
overwrites them with the saved weights. On this 2-core machine that tracing is 45 of the
75 seconds of a cold start (bench/profile.md).

Here the saved weights are attached first and the variables are created by the one
prediction Rasa runs anyway to warm the model up; TensorFlow restores each variable as
it is created. The checkpoint must then match every variable the prediction created,
or loading falls back to Rasa's way. With ``DIET_NUMPY=0``, TED's first prediction runs
in a thread beside the server's start (``WarmUp``), while DIET traces its graph.
Training is untouched (same classes, same seeds); ``tests/integration/test_model_loading.py``
checks that intents, confidences, entities and TED's action probabilities are identical
to Rasa's own loading.

DIET and TED then predict in NumPy from their own weights (addons/diet_numpy.py,
addons/ted_numpy.py; ``DIET_NUMPY=0``, ``TED_NUMPY=0`` for TensorFlow's graphs):
TensorFlow only creates and restores the variables, eagerly, without tracing a graph
(``build_branches`` reaches the layers an eager prediction of the loading example does
not), and predicts what the NumPy prediction leaves to it.

Use them in config.yml in place of ``DIETClassifier`` and ``TEDPolicy``.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
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
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa.utils.tensorflow.constants import FEATURIZERS, SENTENCE, SEQUENCE
from rasa.utils.tensorflow.model_data import RasaModelData
from rasa.utils.tensorflow.models import RasaModel

from addons import diet_chunks, diet_numpy, diet_weights, fast_training, ted_weights
from addons.fast_training import LENGTH_CHUNKS, TRACED_ONCE, TracedOnce
from addons.ted_numpy import NumpyTED
from addons.ted_on_demand import DeferredPrediction
from secu.settings import get_settings

logger = logging.getLogger(__name__)

NUMPY_TWIN = "_secu_numpy_twin"
NUMPY_COUNTS = {"numpy": 0, "left_to_tensorflow": 0}
"""Messages DIET predicted in NumPy, and those whose NumPy prediction was ambiguous."""
TED_COUNTS = {"numpy": 0}
"""TED's predictions made in NumPy."""

LOADED_FAST: list[str] = []
"""The models of this process that loaded without training (a fallback to Rasa's way is
logged as a warning and not listed: tests check the fast path was really taken)."""


WARM_UP = "_secu_warm_up"


class WarmUp(threading.Thread):
    """A model's first prediction (which creates its variables, restored from the
    checkpoint as they are created, and traces its graph), run beside the server's start.

    ``model()`` waits for it and gives the model to predict with: the one warmed up, or,
    if the checkpoint did not match the variables, the same model loaded Rasa's way. An
    error of the warm-up is raised there, to the prediction that needs the model."""

    def __init__(
        self,
        model: RasaModel,
        status: Any,
        example: RasaModelData,
        rasa_way: Callable[[], RasaModel],
        checkpoint: Path | None = None,
    ) -> None:
        super().__init__(name=f"warm-up-{type(model).__name__}", daemon=True)
        self._model, self._status, self._example, self._rasa_way = model, status, example, rasa_way
        self._checkpoint = checkpoint  # a folder removed once the variables are restored
        self._ready: RasaModel | None = None
        self._error: BaseException | None = None
        self._done = threading.Event()

    def run(self) -> None:
        try:
            RasaModel.run_inference(self._model, self._example)  # not the waiting override
            self._ready = checked(self._model, self._status) or self._rasa_way()
        except BaseException as error:  # kept for the prediction that needs the model
            self._error = error
        finally:
            if self._checkpoint is not None:
                shutil.rmtree(self._checkpoint, ignore_errors=True)
            self._done.set()

    def model(self) -> RasaModel:
        self._done.wait()
        if self._error is not None:
            raise RuntimeError(f"{self.name} failed") from self._error
        assert self._ready is not None
        return self._ready


def checked(model: RasaModel, status: Any) -> RasaModel | None:
    """The model, if every variable its prediction created was restored from the
    checkpoint; None (and a warning) if not."""
    try:
        status.assert_existing_objects_matched()
    except AssertionError as error:
        logger.warning("fast loading of %s did not match (%s): Rasa's way", type(model), error)
        return None
    status.expect_partial()  # the optimiser's state is in the file, not needed to predict
    LOADED_FAST.append(type(model).__name__)
    logger.info("%s loaded without training", type(model).__name__)
    return model


def load_without_training(
    cls: Any,
    model_file_name: str,
    model_data_example: RasaModelData,
    predict_data_example: RasaModelData | None,
    finetune_mode: bool,
    *args: Any,
    **kwargs: Any,
) -> RasaModel:
    def rasa_way(checkpoint: str = model_file_name) -> RasaModel:
        rasa_load = RasaModel.load.__func__  # type: ignore[attr-defined]
        return rasa_load(
            cls, checkpoint, model_data_example, predict_data_example, finetune_mode,
            *args, **kwargs,
        )  # fmt: skip

    if finetune_mode or predict_data_example is None:  # training goes on: Rasa's way
        return rasa_way()
    model = cls(*args, **kwargs)
    if cls.warms_up_in_background():
        # the variables are restored as the warm-up creates them, after Rasa has removed
        # the folder it unpacked the model into: the checkpoint is read from a copy
        copy = Path(tempfile.mkdtemp(prefix="warm-up-"))
        for part in Path(model_file_name).parent.glob(Path(model_file_name).name + ".*"):
            shutil.copy(part, copy / part.name)
        copied = str(copy / Path(model_file_name).name)
        status = model.load_weights(copied)
        warm_up = WarmUp(model, status, predict_data_example, lambda: rasa_way(copied), copy)
        model.__dict__[WARM_UP] = warm_up
        warm_up.start()
        return model
    status = model.load_weights(model_file_name)
    if cls.predicts_eagerly():
        model._run_eagerly = True  # Keras' switch, read by Rasa's _rasa_predict
    model.run_inference(predict_data_example)  # creates the variables: restored on creation
    if model._run_eagerly:
        model.build_branches()
    return checked(model, status) or rasa_way()


def attach_twin(component: Any, twin: Any) -> None:
    """Gives a loaded component its NumPy twin; without one (a model the twin does not
    reproduce), TensorFlow predicts everything, through a traced graph, not eagerly."""
    component.__dict__[NUMPY_TWIN] = twin
    if twin is None:
        component.model._run_eagerly = False


class LoadsWithoutTraining:
    """Mixed into Rasa's Keras models (before them): their ``load`` without ``fit``."""

    @staticmethod
    def warms_up_in_background() -> bool:
        """Whether the first prediction (the graph's tracing) runs beside the start."""
        return False

    @staticmethod
    def predicts_eagerly() -> bool:
        """Whether TensorFlow predicts without tracing a graph: only where another
        prediction does the usual work."""
        return False

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

    def build_branches(self) -> None:
        """Creates (and so restores) the variables of the layers an eager prediction of
        the loading example did not reach: eagerly, TensorFlow runs only the branch a
        ``tf.cond`` takes, where tracing a graph builds both."""

    def run_inference(self, *args: Any, **kwargs: Any) -> Any:
        warm_up: WarmUp | None = self.__dict__.get(WARM_UP)
        if warm_up is not None:
            model = warm_up.model()  # waits for the first prediction, if it still runs
            if model is not self:  # the checkpoint did not match: loaded Rasa's way
                return model.run_inference(*args, **kwargs)
        return super().run_inference(*args, **kwargs)  # type: ignore[misc]


class FastDIET(LoadsWithoutTraining, TracedOnce, fast_training.DIETTraining, DIET):
    @staticmethod
    def predicts_eagerly() -> bool:
        """With DIET's prediction in NumPy (addons/diet_numpy.py, the default), TensorFlow
        only creates and restores the variables and predicts the rare message left to it
        (``diet_numpy.Ambiguous``): tracing its graph would cost seconds at every start."""
        return get_settings().diet_numpy


class FastTED(LoadsWithoutTraining, TracedOnce, TED):
    """With TED predicting in NumPy (addons/ted_numpy.py, the default), TensorFlow only
    restores its variables, eagerly, like DIET's. With both through TensorFlow
    (``TED_NUMPY=0 DIET_NUMPY=0``), TED's first prediction (its graph traced) runs beside
    the server's start, while DIET traces its own: TED is needed only when no rule and no
    story decides (addons/ted_on_demand.py), and a prediction that needs it earlier waits
    for it. With DIET in NumPy nothing is left to hide TED's tracing behind: the server
    came up first, and a message that needed TED waited for it, 12 s once on a loaded
    machine (an integration test's timeout, 29 November 2026): TED warms up first."""

    @staticmethod
    def warms_up_in_background() -> bool:
        settings = get_settings()
        return not (settings.diet_numpy or settings.ted_numpy)

    @staticmethod
    def predicts_eagerly() -> bool:
        return get_settings().ted_numpy

    def build_branches(self) -> None:
        """The example Rasa keeps to load TED has every attribute absent (its "fake"
        branch): the layers of the intent, the action, the entities… are created here on
        an empty input of their signature's shape, while the checkpoint is there."""
        ted_weights.build_attribute_layers(self)


@DefaultV1Recipe.register(
    [
        DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER,
        DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR,
    ],
    is_trainable=True,
)
class FastLoadingDIETClassifier(DIETClassifier):
    """``DIETClassifier``, loaded without a training step; with ``length_chunks``, trained
    without computing its batches' padding; with ``lean_steps``, each training step with
    less work for the same update (addons/fast_training.py)."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {**DIETClassifier.get_default_config(), **fast_training.diet_defaults()}

    @staticmethod
    def model_class() -> type[RasaModel]:
        return FastDIET

    def train(self, training_data: TrainingData) -> Resource:
        if not self.component_config.get(LENGTH_CHUNKS):
            return super().train(training_data)
        with diet_chunks.sorted_batches():
            return super().train(training_data)

    @classmethod
    def load(cls, *args: Any, **kwargs: Any) -> FastLoadingDIETClassifier:
        classifier = super().load(*args, **kwargs)
        if classifier.model is not None and get_settings().diet_numpy:
            attach_twin(classifier, diet_weights.from_model(classifier.model))
        return classifier

    def _predict(self, message: Message) -> dict[str, Any] | None:
        twin: diet_numpy.NumpyDIET | None = self.__dict__.get(NUMPY_TWIN)
        if twin is not None and not self._execution_context.should_add_diagnostic_data:
            inputs = self._numpy_inputs(message)
            if inputs is not None:
                try:
                    predicted = twin.predict(*inputs)
                except diet_numpy.Ambiguous:
                    NUMPY_COUNTS["left_to_tensorflow"] += 1
                else:
                    NUMPY_COUNTS["numpy"] += 1
                    return predicted
        return super()._predict(message)

    def _numpy_inputs(self, message: Message) -> tuple[list[Any], list[Any]] | None:
        """The message's token and sentence features in the order of the model's
        signature, each a list of the featurisers' matrices in the order Rasa would have
        put them side by side (without its copies and ``hstack``), or None if they do not
        match the signature (then Rasa's own prediction decides, as it would have)."""
        featurizers = self.component_config[FEATURIZERS]
        signature = self.model.predict_data_signature[TEXT]
        inputs = []
        for feature_type in (SEQUENCE, SENTENCE):
            present = []
            for sparse in (True, False):  # Rasa's order: the sparse ones, then the dense
                pieces = [
                    f.features
                    for f in message.features
                    if f.attribute == TEXT
                    and f.type == feature_type
                    and f.is_sparse() == sparse
                    and (f.origin in featurizers or not featurizers)
                ]
                if pieces:
                    present.append((sparse, pieces))
            expected = signature.get(feature_type, [])
            if len(present) != len(expected) or any(
                sparse != s.is_sparse or sum(piece.shape[-1] for piece in pieces) != s.units
                for (sparse, pieces), s in zip(present, expected, strict=True)
            ):
                return None
            inputs.append([pieces for _, pieces in present])
        if inputs[0][0][0].shape[0] == 0:  # no token: Rasa's path decides
            return None
        return inputs[0], inputs[1]


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.POLICY_WITH_END_TO_END_SUPPORT, is_trainable=True
)
class FastLoadingTEDPolicy(TEDPolicy):
    """``TEDPolicy``, loaded without a training step, predicting on demand
    (addons/ted_on_demand.py: not at all when the rules or the memory decide), in NumPy
    (addons/ted_numpy.py; ``TED_NUMPY=0`` for TensorFlow's graph)."""

    @staticmethod
    def model_class() -> type[TED]:
        return FastTED

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {**TEDPolicy.get_default_config(), TRACED_ONCE: False}

    @classmethod
    def load(cls, *args: Any, **kwargs: Any) -> FastLoadingTEDPolicy:
        policy = super().load(*args, **kwargs)
        if policy.model is not None and get_settings().ted_numpy:
            attach_twin(policy, ted_weights.from_model(policy.model))
        return policy

    def _predict_now(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: dict[str, Any] | None,
        precomputations: MessageContainerForCoreFeaturization | None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        # without TensorFlow's attention weights as diagnostic data (nothing reads them
        # outside the policies; Rasa's DIET only adds its own when asked to)
        twin: NumpyTED | None = self.__dict__.get(NUMPY_TWIN)
        if twin is not None:
            states = self._featurize_tracker(tracker, domain, precomputations, rule_only_data)
            signature = self.model.predict_data_signature
            confidence = ted_weights.confidences(twin, signature, self.config, states)
            if confidence is not None:
                TED_COUNTS["numpy"] += 1
                return self._prediction(confidence.tolist())
        return super().predict_action_probabilities(
            tracker, domain, rule_only_data, precomputations, **kwargs
        )

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
            lambda: self._predict_now(tracker, domain, rule_only_data, precomputations, **kwargs),
            type(self).__name__,
            self.priority,
        )
