"""Rasa's graphs give the same outputs run in our loop as through dask: the same nodes
run (only those the targets need), with the same inputs, and the same errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rasa.engine.exceptions import GraphComponentException, GraphRunError
from rasa.engine.graph import ExecutionContext, GraphComponent, GraphSchema, SchemaNode
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.engine.storage.local_model_storage import LocalModelStorage

from addons import graph_runner
from addons.graph_runner import SequentialGraphRunner

CALLS: list[str] = []


class Step(GraphComponent):
    @classmethod
    def create(cls, config: dict[str, Any], *args: Any, **kwargs: Any) -> Step:
        return cls(config)

    def __init__(self, config: dict[str, Any]) -> None:
        self.name = config["name"]

    def run(self, **parts: Any) -> Any:
        CALLS.append(self.name)
        if self.name == "broken":
            raise ValueError("boom")
        return [self.name, sorted((key, value) for key, value in parts.items())]


def node(name: str, needs: dict[str, str], target: bool = False) -> SchemaNode:
    return SchemaNode(
        needs=needs,
        uses=Step,
        constructor_name="create",
        fn="run",
        config={"name": name},
        is_target=target,
        eager=True,
    )


SCHEMA = GraphSchema(
    {
        "tokens": node("tokens", {"message": "__message__"}),
        "features": node("features", {"tokens": "tokens", "message": "__message__"}),
        "intent": node("intent", {"features": "features"}, target=True),
        "tracker_state": node("tracker_state", {"tracker": "__tracker__"}),
        "rules": node("rules", {"state": "tracker_state"}),
        "ted": node("ted", {"state": "tracker_state", "intent": "intent"}),
        "choice": node("choice", {"rules": "rules", "ted": "ted"}, target=True),
        "unused": node("unused", {"message": "__message__"}),
        "broken": node("broken", {"message": "__message__"}),
        "missing": node("missing", {"x": "__never_given__"}),
    }
)


def runners(tmp_path: Path) -> tuple[DaskGraphRunner, SequentialGraphRunner]:
    storage = LocalModelStorage(tmp_path)
    context = ExecutionContext(SCHEMA, "model")
    dask_way = DaskGraphRunner(SCHEMA, storage, context)
    return dask_way, SequentialGraphRunner(SCHEMA, storage, context)


def outcome(runner: DaskGraphRunner, inputs: dict[str, Any], targets: list[str] | None) -> Any:
    CALLS.clear()
    try:
        result = runner.run(inputs, targets)
    except Exception as error:
        return type(error).__name__, sorted(CALLS)
    return result, sorted(CALLS)


@pytest.mark.parametrize(
    "targets",
    [["intent"], ["choice"], ["intent", "choice"], None, ["tokens"], ["broken"], ["missing"]],
)
def test_same_outputs_same_nodes_same_errors(tmp_path: Path, targets: list[str] | None) -> None:
    dask_way, ours = runners(tmp_path)
    inputs = {"__message__": "j'ai perdu mon numero", "__tracker__": "tracker"}
    expected = outcome(dask_way, inputs, targets)
    assert outcome(ours, inputs, targets) == expected
    assert outcome(ours, inputs, targets) == expected  # the plan, reused


def test_unused_nodes_do_not_run_and_errors_keep_their_type(tmp_path: Path) -> None:
    _, ours = runners(tmp_path)
    result, calls = outcome(ours, {"__message__": "m", "__tracker__": "t"}, ["intent"])
    assert calls == ["features", "intent", "tokens"]
    assert result["intent"][0] == "intent"
    with pytest.raises(GraphComponentException):
        ours.run({"__message__": "m"}, ["broken"])
    with pytest.raises(GraphRunError):
        ours.run({}, ["missing"])  # an input nobody gave: Rasa's error


def test_an_input_named_like_a_node_is_left_to_dask(tmp_path: Path) -> None:
    dask_way, ours = runners(tmp_path)
    inputs = {"__message__": "m", "__tracker__": "t", "tokens": "given"}
    assert outcome(ours, inputs, ["intent"]) == outcome(dask_way, inputs, ["intent"])


def test_install_gives_rasas_processor_this_runner(monkeypatch: pytest.MonkeyPatch) -> None:
    import rasa.core.processor

    monkeypatch.setattr(rasa.core.processor, "DaskGraphRunner", DaskGraphRunner)
    graph_runner.install()
    assert rasa.core.processor.DaskGraphRunner is SequentialGraphRunner
