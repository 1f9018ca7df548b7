"""Run by test_model_loading.py in a fresh process: load the trained model (``fast``: our
way, with what ``addons.startup.install()`` puts in the Rasa server: spaCy without its
entity recogniser, TED run on demand, the event table; ``rasa``: Rasa's own
``RasaModel.load``, spaCy and TED as shipped) and print, as JSON, the NLU results for
held-out messages, TED's action probabilities after each of them, what the whole
ensemble of policies picks after each message and after the action it picked, and what
it picks at each action of the training stories and of a few dialogues where a user goes
``/back`` (``story_picked``: intents given, not parsed, so that whatever a training's NLU
makes of the held-out messages, the ensemble's choice between the rules and TED is
compared: the rules decide every held-out message of some trainings)."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import yaml
from rasa.core.agent import load_agent
from rasa.core.channels.channel import UserMessage
from rasa.core.policies.ted_policy import TEDPolicy
from rasa.nlu.utils.spacy_utils import SpacyNLP
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader
from rasa.utils.tensorflow.models import RasaModel

from addons import startup
from addons.fast_load import (
    LOADED_FAST,
    NUMPY_COUNTS,
    TED_COUNTS,
    FastDIET,
    FastLoadingTEDPolicy,
    FastTED,
)
from addons.ted_on_demand import COUNTS
from tests.integration.probe_output import emit

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
    nlu, core, picked = [], [], []
    ted = component(agent, FastLoadingTEDPolicy)
    for index, text in enumerate(held_out_texts(limit)):
        parsed = await agent.processor.parse_message(UserMessage(text))
        nlu.append(
            [
                parsed["intent"]["name"],
                parsed["intent"]["confidence"],  # compared within a tolerance
                sorted((e["entity"], str(e["value"])) for e in parsed["entities"]),
            ]
        )
        tracker = DialogueStateTracker(f"probe-{index}", agent.domain.slots)
        tracker.update(ActionExecuted("action_listen"))
        tracker.update(UserUttered(text, parsed["intent"], parsed["entities"], parsed))
        prediction = ted.predict_action_probabilities(tracker, agent.domain, precomputations=None)
        core.append([float(p) for p in prediction.probabilities])  # compared within 1e-5
        for _ in range(2):  # after the message, then after the action picked
            picked.append(pick(agent, tracker))
            tracker.update(ActionExecuted(picked[-1][1]))
    return {
        "nlu": nlu,
        "core": core,
        "picked": picked,
        "story_picked": story_picks(agent, stories=40) + back_picks(agent),
        "loaded_fast": sorted(LOADED_FAST),
        "diet_numpy": NUMPY_COUNTS["numpy"],
        "ted_numpy": TED_COUNTS["numpy"],
        "spacy_pipes": spacy_pipes(agent),
        "spacy_models": spacy_models(agent),
        "spacy_tables": spacy_tables(agent),
        "memo_compressed": memo_compressed(agent),
        "ted_computed": COUNTS["computed"],
        "ted_asked": COUNTS["deferred"],
    }


def story_picks(agent, stories: int) -> list[list]:
    """What the ensemble picks before each action of the first ``stories`` training
    stories, the story's own events applied in between (its intents given, not parsed)."""
    reader = YAMLStoryReader(agent.domain)
    steps = [
        step
        for path in sorted((ROOT / "data" / "stories").glob("*.yml"))
        for step in reader.read_from_file(path)
    ][:stories]
    picks: list[list] = []
    for index, step in enumerate(steps):
        tracker = DialogueStateTracker(f"story-{index}", agent.domain.slots)
        tracker.update(ActionExecuted("action_listen"))
        for event in step.explicit_events(agent.domain):
            if isinstance(event, ActionExecuted):
                picks.append(pick(agent, tracker))
            tracker.update(event)
    return picks


def back_picks(agent) -> list[list]:
    """A question answered, then ``/back``: the rules answer with ``action_back``, and
    then no rule covers the state: TED decides."""
    picks: list[list] = []
    for first in ("affirm", "ask_cost", "ambiguous_number"):
        tracker = DialogueStateTracker(f"back-{first}", agent.domain.slots)
        tracker.update(ActionExecuted("action_listen"))
        for intent in (first, "back"):
            tracker.update(UserUttered(f"/{intent}", {"name": intent, "confidence": 1.0}, []))
            for _ in range(3):  # the answer's actions, up to listening again
                picks.append(pick(agent, tracker))
                tracker.update(ActionExecuted(picks[-1][1]))
                if picks[-1][1] == "action_listen":
                    break
    return picks


def pick(agent, tracker: DialogueStateTracker) -> list:
    """The ensemble's next action for ``tracker``: [policy, action, confidence]."""
    chosen = agent.processor._predict_next_with_tracker(tracker)
    best = max(range(len(chosen.probabilities)), key=chosen.probabilities.__getitem__)
    action = agent.domain.action_names_or_texts[best]
    return [chosen.policy_name, action, float(chosen.max_confidence)]


def component(agent, cls):
    """The first component of the loaded graph that is a ``cls``."""
    return next(
        node._component
        for node in agent.processor.graph_runner._instantiated_nodes.values()
        if isinstance(getattr(node, "_component", None), cls)
    )


def spacy_model(agent):
    return component(agent, SpacyNLP).provide().model


def spacy_pipes(agent) -> list[str]:
    return spacy_model(agent).pipe_names


def memo_compressed(agent) -> list[bool]:
    """Whether each memoisation policy of the graph compresses its keys (addons/memo_keys.py)."""
    from rasa.core.policies.memoization import MemoizationPolicy
    from rasa.core.policies.rule_policy import RulePolicy

    return [
        node._component.config["enable_feature_string_compression"]
        for node in agent.processor.graph_runner._instantiated_nodes.values()
        if isinstance(getattr(node, "_component", None), MemoizationPolicy)
        and not isinstance(node._component, RulePolicy)
    ]


def spacy_tables(agent) -> list[str]:
    """The class of the vectors' key table that addons/compact_spacy.py reshapes."""
    return [type(spacy_model(agent).vocab.vectors.key2row).__name__]


def spacy_models(agent) -> int:
    """How many distinct spaCy models the graph's SpacyNLP nodes hold (Rasa's: two)."""
    return len(
        {
            id(node._component.provide().model)
            for node in agent.processor.graph_runner._instantiated_nodes.values()
            if isinstance(getattr(node, "_component", None), SpacyNLP)
        }
    )


def main() -> None:
    how, model, limit = sys.argv[1], sys.argv[2], int(sys.argv[3])
    if how == "rasa":
        FastDIET.load = classmethod(RasaModel.load.__func__)  # type: ignore[method-assign]
        FastTED.load = classmethod(RasaModel.load.__func__)  # type: ignore[method-assign]
        FastLoadingTEDPolicy.predict_action_probabilities = (  # type: ignore[method-assign]
            TEDPolicy.predict_action_probabilities
        )
    else:
        startup.install()
    emit(asyncio.run(probe(model, limit)))


if __name__ == "__main__":
    main()
