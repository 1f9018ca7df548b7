"""TED's warm-up beside the server's start: a prediction waits for it, gets the warmed
model, Rasa's way when the checkpoint did not match, or the warm-up's error."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from rasa.utils.tensorflow.models import RasaModel

from addons import fast_load
from addons.fast_load import WARM_UP, LoadsWithoutTraining, WarmUp


class Status:
    def __init__(self, matched: bool) -> None:
        self.matched = matched

    def assert_existing_objects_matched(self) -> None:
        if not self.matched:
            raise AssertionError("unmatched variable")

    def expect_partial(self) -> None:
        pass


class Base:
    def run_inference(self, data: Any) -> str:
        return f"{self.name} predicted {data}"  # type: ignore[attr-defined]


class Model(LoadsWithoutTraining, Base):
    def __init__(self, name: str) -> None:
        self.name = name


@pytest.fixture
def first_predictions(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The warm-up's first prediction, held until the test lets it go."""
    calls: list[Any] = []
    release = threading.Event()

    def first(model: Any, example: Any) -> None:
        release.wait(10)
        calls.append((model.name, example))

    monkeypatch.setattr(RasaModel, "run_inference", first)
    monkeypatch.setattr(fast_load, "LOADED_FAST", [])
    calls.append(release)
    return calls


def test_a_prediction_waits_for_the_warm_up(first_predictions: list[Any]) -> None:
    release = first_predictions.pop()
    model = Model("ted")
    warm_up = WarmUp(model, Status(True), "example", lambda: Model("rasa's way"))  # type: ignore[arg-type]
    model.__dict__[WARM_UP] = warm_up
    warm_up.start()
    answers: list[str] = []
    waiting = threading.Thread(target=lambda: answers.append(model.run_inference("x")))
    waiting.start()
    waiting.join(0.3)
    assert answers == [] and waiting.is_alive()  # not before the warm-up
    release.set()
    waiting.join(10)
    assert answers == ["ted predicted x"]
    assert first_predictions == [("ted", "example")]
    assert fast_load.LOADED_FAST == ["Model"]


def test_a_checkpoint_that_does_not_match_gives_rasas_way(first_predictions: list[Any]) -> None:
    first_predictions.pop().set()
    model = Model("ted")
    warm_up = WarmUp(model, Status(False), "example", lambda: Model("rasa's way"))  # type: ignore[arg-type]
    model.__dict__[WARM_UP] = warm_up
    warm_up.start()
    assert model.run_inference("x") == "rasa's way predicted x"
    assert fast_load.LOADED_FAST == []


def test_an_error_of_the_warm_up_reaches_the_prediction(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(model: Any, example: Any) -> None:
        raise ValueError("no graph")

    monkeypatch.setattr(RasaModel, "run_inference", broken)
    model = Model("ted")
    warm_up = WarmUp(model, Status(True), "example", lambda: Model("rasa's way"))  # type: ignore[arg-type]
    model.__dict__[WARM_UP] = warm_up
    warm_up.start()
    with pytest.raises(RuntimeError, match="warm-up-Model failed") as raised:
        model.run_inference("x")
    assert isinstance(raised.value.__cause__, ValueError)


def test_without_a_warm_up_the_model_predicts_at_once() -> None:
    assert Model("diet").run_inference("x") == "diet predicted x"


@pytest.mark.parametrize("ted_numpy", ["1", "0"])
@pytest.mark.parametrize("diet_numpy", ["1", "0"])
def test_only_ted_warms_up_in_the_background_and_only_beside_diets_tracing(
    monkeypatch: pytest.MonkeyPatch, diet_numpy: str, ted_numpy: str
) -> None:
    from secu.settings import get_settings

    monkeypatch.setenv("DIET_NUMPY", diet_numpy)
    monkeypatch.setenv("TED_NUMPY", ted_numpy)
    get_settings.cache_clear()
    try:
        # TED traces its graph beside the start only while DIET traces its own; a model
        # predicting in NumPy has TensorFlow only restore its variables, without a graph
        both_tensorflow = diet_numpy == ted_numpy == "0"
        assert fast_load.FastTED.warms_up_in_background() is both_tensorflow
        assert fast_load.FastDIET.warms_up_in_background() is False
        assert fast_load.FastDIET.predicts_eagerly() is (diet_numpy == "1")
        assert fast_load.FastTED.predicts_eagerly() is (ted_numpy == "1")
    finally:
        get_settings.cache_clear()


def test_the_checkpoints_copy_is_removed_after_the_warm_up(
    first_predictions: list[Any], tmp_path: Any
) -> None:
    first_predictions.pop().set()
    copy = tmp_path / "warm-up-copy"
    copy.mkdir()
    (copy / "ted_policy.tf_model.index").write_bytes(b"index")
    model = Model("ted")
    warm_up = WarmUp(model, Status(True), "example", lambda: Model("rasa"), copy)  # type: ignore[arg-type]
    model.__dict__[WARM_UP] = warm_up
    warm_up.start()
    assert model.run_inference("x") == "ted predicted x"
    assert not copy.exists()
