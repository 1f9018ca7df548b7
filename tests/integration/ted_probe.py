"""Run by test_ted_numpy.py in a fresh process: load the trained model as the server does
and ask TED for the next action at every decision point of many dialogues, once with its
NumPy prediction (addons/ted_numpy.py) and once through Rasa's TensorFlow graph; print,
as JSON, how the two compare.

The dialogues: every story and rule it was trained on and every held-out conversation
test (before each action they contain: slots, forms, entities, follow-ups), and every
held-out message as the first of a conversation, before the action the ensemble picks
and before the one after it."""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path
from typing import Any

from rasa.core.agent import load_agent
from rasa.core.channels.channel import UserMessage
from rasa.core.training import load_data
from rasa.graph_components.providers.rule_only_provider import RuleOnlyDataProvider
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from addons import startup
from addons.fast_load import NUMPY_TWIN, TED_COUNTS, FastLoadingTEDPolicy
from tests.integration.diet_probe import held_out_texts
from tests.integration.predictions_probe import component
from tests.integration.probe_output import emit

ROOT = Path(__file__).resolve().parents[2]
STORIES = ["data/stories", "data/rules", "tests/conversations"]


def story_prefixes(domain: Any) -> list[DialogueStateTracker]:
    """For every story, rule and conversation test, the dialogue before each action."""
    prefixes = []
    for folder in STORIES:
        trackers = load_data(str(ROOT / folder), domain, augmentation_factor=0)
        for tracker in trackers:
            events = list(tracker.events)
            for index, event in enumerate(events):
                if isinstance(event, ActionExecuted) and index > 0:
                    prefixes.append(
                        DialogueStateTracker.from_events(
                            tracker.sender_id, events[:index], domain.slots
                        )
                    )
    return prefixes


class Compare:
    def __init__(self, policy: FastLoadingTEDPolicy, domain: Any, rule_only: Any) -> None:
        self.policy, self.domain, self.rule_only = policy, domain, rule_only
        self.twin = policy.__dict__[NUMPY_TWIN]
        self.report: dict[str, Any] = {
            "twin": type(self.twin).__name__,
            "dialogues": 0,
            "best_differs": [],
            "max_delta": 0.0,
            "actions_seen": set(),
            "seconds": {"numpy": 0.0, "tensorflow": 0.0},
        }

    def __call__(self, tracker: DialogueStateTracker) -> str:
        """Both predictions for ``tracker``; the action TensorFlow's ranks first."""
        probabilities = {}
        for how in ("numpy", "tensorflow"):
            self.policy.__dict__[NUMPY_TWIN] = self.twin if how == "numpy" else None
            start = time.perf_counter()
            prediction = self.policy._predict_now(tracker, self.domain, self.rule_only, None)
            self.report["seconds"][how] += time.perf_counter() - start
            probabilities[how] = prediction.probabilities
        self.policy.__dict__[NUMPY_TWIN] = self.twin
        fast, rasa = probabilities["numpy"], probabilities["tensorflow"]
        best = max(range(len(rasa)), key=rasa.__getitem__)
        best_action = self.domain.action_names_or_texts[best]
        self.report["dialogues"] += 1
        self.report["actions_seen"].add(best_action)
        if max(range(len(fast)), key=fast.__getitem__) != best:
            self.report["best_differs"].append(tracker.sender_id)
        delta = max(abs(a - b) for a, b in zip(fast, rasa, strict=True))
        self.report["max_delta"] = max(self.report["max_delta"], delta)
        return best_action


async def probe() -> dict[str, Any]:
    agent = await load_agent(model_path=sys.argv[1])
    policy = component(agent, FastLoadingTEDPolicy)
    eager = bool(policy.model._run_eagerly)  # loaded without tracing a graph
    policy.model._run_eagerly = False  # TensorFlow through its traced graph, as Rasa predicts
    rule_only = component(agent, RuleOnlyDataProvider).provide()  # as the graph gives TED
    compare = Compare(policy, agent.domain, rule_only)
    stories = story_prefixes(agent.domain)
    for tracker in stories:
        compare(tracker)
    texts = held_out_texts()
    for index, text in enumerate(texts):
        parsed = await agent.processor.parse_message(UserMessage(text))
        tracker = DialogueStateTracker(f"held-out-{index}", agent.domain.slots)
        tracker.update(ActionExecuted("action_listen"))
        tracker.update(UserUttered(text, parsed["intent"], parsed["entities"], parsed))
        for _ in range(2):  # before the action picked, then before the next one
            compare(tracker)
            chosen = agent.processor._predict_next_with_tracker(tracker)
            best = max(range(len(chosen.probabilities)), key=chosen.probabilities.__getitem__)
            tracker.update(ActionExecuted(agent.domain.action_names_or_texts[best]))
    report = compare.report
    report["story_dialogues"] = len(stories)
    report["messages"] = len(texts)
    report["actions_seen"] = len(report["actions_seen"])
    report["numpy_counted"] = TED_COUNTS["numpy"]
    report["eager_load"] = eager
    return report


def main() -> None:
    startup.install()
    emit(asyncio.run(probe()))


if __name__ == "__main__":
    main()
