"""Run by test_model_loading.py in a fresh process: load the trained model (``fast``: our
way, ``rasa``: Rasa's own ``RasaModel.load``) and print, as JSON, the NLU results for
held-out messages and TED's action probabilities after each of them."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

import yaml
from rasa.core.agent import load_agent
from rasa.core.channels.channel import UserMessage
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.tensorflow.models import RasaModel

from addons.fast_load import LOADED_FAST, FastDIET, FastLoadingTEDPolicy, FastTED

ROOT = Path(__file__).resolve().parents[2]


def held_out_texts(limit: int) -> list[str]:
    data = yaml.safe_load((ROOT / "tests" / "nlu" / "test_nlu.yml").read_text(encoding="utf-8"))
    texts = []
    for block in data["nlu"]:
        examples = [line[2:].strip() for line in block["examples"].splitlines() if line.strip()]
        texts += examples[:4]
    return texts[:limit]


async def probe(model: str, limit: int) -> dict:
    agent = await load_agent(model_path=model)
    nlu, core = [], []
    ted = next(
        node._component
        for node in agent.processor.graph_runner._instantiated_nodes.values()
        if isinstance(getattr(node, "_component", None), FastLoadingTEDPolicy)
    )
    for index, text in enumerate(held_out_texts(limit)):
        parsed = await agent.processor.parse_message(UserMessage(text))
        nlu.append(
            [
                parsed["intent"]["name"],
                round(parsed["intent"]["confidence"], 5),
                sorted((e["entity"], str(e["value"])) for e in parsed["entities"]),
            ]
        )
        tracker = DialogueStateTracker(f"probe-{index}", agent.domain.slots)
        tracker.update(ActionExecuted("action_listen"))
        tracker.update(UserUttered(text, parsed["intent"], parsed["entities"], parsed))
        prediction = ted.predict_action_probabilities(tracker, agent.domain, precomputations=None)
        core.append([round(float(p), 5) for p in prediction.probabilities])
    return {"nlu": nlu, "core": core, "loaded_fast": sorted(LOADED_FAST)}


def main() -> None:
    how, model, limit = sys.argv[1], sys.argv[2], int(sys.argv[3])
    if how == "rasa":
        FastDIET.load = classmethod(RasaModel.load.__func__)  # type: ignore[method-assign]
        FastTED.load = classmethod(RasaModel.load.__func__)  # type: ignore[method-assign]
    print(json.dumps(asyncio.run(probe(model, limit))))


if __name__ == "__main__":
    main()
