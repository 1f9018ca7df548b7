"""Run by test_diet_numpy.py in a fresh process: load the trained model as the server does
and parse every held-out message twice, once with DIET's NumPy prediction
(addons/diet_numpy.py) and once through Rasa's TensorFlow graph; print, as JSON, how the
two parses compare."""

from __future__ import annotations

import asyncio
import itertools
import sys
import time
from pathlib import Path
from typing import Any

from rasa.core.agent import load_agent
from rasa.core.channels.channel import UserMessage
from rasa.shared.nlu.training_data.loading import load_data

from addons import startup
from addons.diet_weights import STEP_COUNTS
from addons.fast_load import NUMPY_COUNTS, NUMPY_TWIN, FastLoadingDIETClassifier
from tests.integration.predictions_probe import component
from tests.integration.probe_output import emit

ROOT = Path(__file__).resolve().parents[2]
HELD_OUT = ["tests/nlu", "tests/nlu_real", "tests/nlu_en"]


def held_out_texts() -> list[str]:
    texts: list[str] = []
    for folder in HELD_OUT:
        for path in sorted((ROOT / folder).glob("*.yml")):
            texts += [message.get("text") for message in load_data(str(path)).intent_examples]
    return list(dict.fromkeys(texts))


def entities(parse: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [
        (e["entity"], str(e["value"]), e["start"], e["end"], e.get("extractor"))
        for e in parse["entities"]
    ]


def entity_confidences(parse: dict[str, Any]) -> list[float]:
    return [e["confidence_entity"] for e in parse["entities"] if "confidence_entity" in e]


TIE = 1e-6
"""Intents whose confidences are this close are tied: float rounding orders them."""


def ranking_agrees(fast: list[dict[str, Any]], rasa: list[dict[str, Any]]) -> bool:
    """The same intents ranked in the same order, but for intents tied within ``TIE``,
    whose order the last bit of a sum decides (two intents at 3.3335e-4, 1e-9 apart, one
    draw of the model, 1 December 2026: swapped, each confidence within 2e-9).
    """
    names = [[r["name"] for r in ranking] for ranking in (fast, rasa)]
    if sorted(names[0]) != sorted(names[1]):
        return False
    confidence = {r["name"]: r["confidence"] for r in rasa}
    place = {name: index for index, name in enumerate(names[0])}
    return all(
        place[above] < place[below]
        for above, below in itertools.combinations(names[1], 2)
        if confidence[above] - confidence[below] > TIE
    )


async def probe() -> dict[str, Any]:
    agent = await load_agent(model_path=sys.argv[1])
    diet = component(agent, FastLoadingDIETClassifier)
    twin = diet.__dict__.get(NUMPY_TWIN)
    eager = bool(diet.model._run_eagerly)
    texts = held_out_texts()
    report: dict[str, Any] = {
        "twin": type(twin).__name__,
        "messages": len(texts),
        "intent_differs": [],
        "ranking_differs": [],
        "entities_differ": [],
        "max_intent_delta": 0.0,
        "max_entity_delta": 0.0,
        "entities_seen": 0,
        "intents_seen": set(),
        "seconds": {"numpy": 0.0, "tensorflow": 0.0},
    }
    for text in texts:
        parses = {}
        for how in ("numpy", "tensorflow"):
            diet.__dict__[NUMPY_TWIN] = twin if how == "numpy" else None
            # TensorFlow through its traced graph, as Rasa predicts, not eagerly
            diet.model._run_eagerly = how == "numpy" and eager
            start = time.perf_counter()
            parses[how] = await agent.processor.parse_message(UserMessage(text))
            report["seconds"][how] += time.perf_counter() - start
        fast, rasa = parses["numpy"], parses["tensorflow"]
        report["intents_seen"].add(rasa["intent"]["name"])
        if fast["intent"]["name"] != rasa["intent"]["name"]:
            report["intent_differs"].append(text)
        if not ranking_agrees(fast["intent_ranking"], rasa["intent_ranking"]):
            report["ranking_differs"].append(text)
        deltas = [
            abs(a["confidence"] - b["confidence"])
            for a, b in zip(fast["intent_ranking"], rasa["intent_ranking"], strict=False)
        ]
        report["max_intent_delta"] = max([report["max_intent_delta"], *deltas])
        if entities(fast) != entities(rasa):
            report["entities_differ"].append(text)
        else:
            for a, b in zip(entity_confidences(fast), entity_confidences(rasa), strict=True):
                report["max_entity_delta"] = max(report["max_entity_delta"], abs(a - b))
            report["entities_seen"] += len(entity_confidences(rasa))
    diet.__dict__[NUMPY_TWIN] = twin
    report["intents_seen"] = len(report["intents_seen"])
    report["eager"] = eager
    report["counts"] = NUMPY_COUNTS
    report["crf_steps_asked_of_tensorflow"] = STEP_COUNTS["asked"]
    return report


def main() -> None:
    startup.install()
    emit(asyncio.run(probe()))


if __name__ == "__main__":
    main()
