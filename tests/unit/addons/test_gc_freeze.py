"""What a model load leaves is kept out of full garbage collections, and a model loaded
in place of another does not keep the old one alive."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from addons import gc_freeze


class Model:
    """Stands for a loaded model: objects in reference cycles, as TensorFlow's are."""

    def __init__(self) -> None:
        self.parts = [{"owner": self} for _ in range(1_000)]


class FakeAgent:
    model: Model | None = None


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    def load_model(agent: FakeAgent, model_path: str, fingerprint: str | None = None) -> None:
        agent.model = Model()

    monkeypatch.setattr(gc_freeze, "ORIGINAL_LOAD_MODEL", load_model)
    gc.unfreeze()
    yield
    gc.unfreeze()


@pytest.mark.usefixtures("loads")
def test_a_loaded_model_is_frozen() -> None:
    agent = FakeAgent()
    gc_freeze.load_model_then_freeze(agent, "models/current.tar.gz")
    assert agent.model is not None
    assert gc.get_freeze_count() >= 1_000 + 1
    walked = {id(o) for o in gc.get_objects()}  # what a full collection walks
    assert id(agent.model) not in walked and id(agent.model.parts[0]) not in walked
    gc.collect()
    assert agent.model.parts[0]["owner"] is agent.model


@pytest.mark.usefixtures("loads")
def test_a_replaced_model_is_collected_not_kept_frozen() -> None:
    agent = FakeAgent()
    gc_freeze.load_model_then_freeze(agent, "models/first.tar.gz")
    first = weakref.ref(agent.model)
    gc_freeze.load_model_then_freeze(agent, "models/second.tar.gz")
    assert first() is None  # its cycles were collected before the new freeze
    assert agent.model is not None and gc.get_freeze_count() > 0


def test_the_server_gets_it() -> None:
    from rasa.core.agent import Agent

    from addons import startup

    startup.install()
    assert Agent.load_model is gc_freeze.load_model_then_freeze
