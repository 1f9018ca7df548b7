"""A message runs a bounded number of actions even when its events reset Rasa's count."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.policies.policy import PolicyPrediction
from rasa.core.processor import MessageProcessor
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from addons import action_limit

RUNAWAY = 500
"""Actions after which the fake processor gives up by itself (the loop never ends)."""


class Ran(Exception):
    pass


def processor(replays_listen: bool, limit: int = 10) -> tuple[MessageProcessor, list[str]]:
    """A MessageProcessor whose every prediction is one action; each run logs the action
    and, like the two-stage fallback replaying a message, ``action_listen`` and the
    message again when ``replays_listen``, else the action alone."""
    domain = Domain.from_dict({"intents": ["greet"], "actions": ["action_two_stage_fallback"]})
    runner = MessageProcessor.__new__(MessageProcessor)
    runner.domain = domain
    runner.max_number_of_predictions = limit
    runner.on_circuit_break = None
    runner.action_endpoint = None
    runner.nlg = None
    ran: list[str] = []

    def predict(tracker: DialogueStateTracker) -> PolicyPrediction:
        probabilities = [0.0] * domain.num_actions
        probabilities[domain.index_for_action("action_two_stage_fallback")] = 1.0
        return PolicyPrediction(probabilities, "RulePolicy")

    async def run_action(action: Any, tracker: DialogueStateTracker, *args: Any) -> bool:
        ran.append(action.name())
        if len(ran) >= RUNAWAY:
            raise Ran(f"{len(ran)} actions for one message")
        tracker.update(ActionExecuted(action.name()))
        if replays_listen:
            tracker.update(ActionExecuted("action_listen"))
            tracker.update(UserUttered("bonjour", {"name": "greet", "confidence": 1.0}))
        return True

    runner._predict_next_with_tracker = predict  # type: ignore[method-assign]
    runner._run_action = run_action  # type: ignore[method-assign,assignment]
    runner._should_handle_message = lambda tracker: True  # type: ignore[method-assign]
    return runner, ran


def one_message(runner: MessageProcessor) -> DialogueStateTracker:
    tracker = DialogueStateTracker.from_events(
        "limit",
        [ActionExecuted("action_listen"), UserUttered("bonjour", {"name": "greet"})],
        [],
    )
    asyncio.run(runner._run_prediction_loop(CollectingOutputChannel(), tracker))
    return tracker


def test_a_loop_that_logs_action_listen_is_stopped(monkeypatch) -> None:
    monkeypatch.setattr(MessageProcessor, "_run_prediction_loop", action_limit.ORIGINAL_LOOP)
    monkeypatch.setattr(
        MessageProcessor, "predict_next_with_tracker_if_should", action_limit.ORIGINAL_PREDICT
    )
    runner, ran = processor(replays_listen=True)
    with contextlib.suppress(Ran):  # Rasa alone: its count restarts at each action_listen
        one_message(runner)
    assert len(ran) == RUNAWAY
    action_limit.install()
    runner, ran = processor(replays_listen=True)
    one_message(runner)
    assert len(ran) == 2 * 10


def test_rasas_own_limit_still_stops_first(monkeypatch) -> None:
    action_limit.install()
    runner, ran = processor(replays_listen=False)
    one_message(runner)
    assert len(ran) == 10  # Rasa's limit: 10 actions since the last action_listen


def test_each_message_has_its_own_count() -> None:
    action_limit.install()
    runner, ran = processor(replays_listen=True, limit=3)
    one_message(runner)
    one_message(runner)
    assert len(ran) == 2 * 2 * 3
