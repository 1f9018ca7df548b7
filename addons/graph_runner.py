"""Rasa's prediction graphs run in a plain loop instead of through dask.

For every message Rasa runs its graphs three times (the NLU, then the policies after the
message and after each action) with ``DaskGraphRunner``: each run rebuilds the minimal
graph for its targets, a dask task graph from it, has dask order the tasks and execute
them one by one (dask's synchronous scheduler). The graphs never change while the model
is loaded, so the order of their nodes is worked out once per set of targets and the
nodes are called in it, each with the outputs of the nodes it needs, exactly as dask
calls them (a ``(name, output)`` pair per input, the bare name for an input nobody
gave). The nodes run are the same (the targets and everything they depend on, nothing
else) and every node sees the same inputs; the graphs are chains or pure functions of the
tracker, so the order among independent nodes (dask's or ours) changes nothing.

Only the prediction graphs of the Rasa server: training keeps Rasa's runner. Installed
by ``addons.startup.install()``; ``tests/unit/addons/test_graph_runner.py`` runs graphs
both ways, and ``tests/integration/test_model_loading.py`` compares predictions.
"""

from __future__ import annotations

import logging
from typing import Any

import rasa.core.processor
from rasa.engine.exceptions import GraphRunError
from rasa.engine.runner.dask import DaskGraphRunner

logger = logging.getLogger(__name__)

Plan = list[tuple[str, tuple[str, ...]]]


class SequentialGraphRunner(DaskGraphRunner):
    """``DaskGraphRunner`` whose ``run`` calls the nodes in a loop, in an order computed
    once per set of targets."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._plans: dict[tuple[str, ...], Plan] = {}
        self._planned: dict[tuple[str, ...], frozenset[str]] = {}

    def plan(self, targets: tuple[str, ...]) -> Plan:
        """The nodes the targets need, each after the nodes it needs (depth first)."""
        plan = self._plans.get(targets)
        if plan is None:
            nodes = self._graph_schema.minimal_graph_schema(list(targets)).nodes
            plan, seen = [], set()

            def visit(name: str) -> None:
                if name in seen or name not in nodes:
                    return  # already planned, or an input of the run
                seen.add(name)
                needs = tuple(nodes[name].needs.values())
                for need in needs:
                    visit(need)
                plan.append((name, needs))

            for target in targets:
                visit(target)
            self._plans[targets] = plan
            self._planned[targets] = frozenset(name for name, _ in plan)
        return plan

    def run(
        self, inputs: dict[str, Any] | None = None, targets: list[str] | None = None
    ) -> dict[str, Any]:
        run_targets = tuple(targets if targets else self._graph_schema.target_names)
        plan = self.plan(run_targets)
        planned = self._planned[run_targets]
        inputs = inputs or {}
        if any(name in planned for name in inputs) or any(
            isinstance(value, str) and value in planned for value in inputs.values()
        ):
            return super().run(inputs, targets)  # an input replacing a node: dask's way
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug(f"Running graph with inputs: {inputs}, targets: {targets}.")
        values: dict[str, Any] = {name: (name, value) for name, value in inputs.items()}
        try:
            for name, needs in plan:
                node = self._instantiated_nodes[name]
                values[name] = node(*(values.get(need, need) for need in needs))
        except RuntimeError as error:
            raise GraphRunError("Error running runner.") from error
        return dict(values[target] for target in run_targets)


def install() -> None:
    """The Rasa server loads its model with this runner (``MessageProcessor._load_model``
    names the runner class it gives Rasa's loader)."""
    rasa.core.processor.DaskGraphRunner = SequentialGraphRunner  # type: ignore[misc]
