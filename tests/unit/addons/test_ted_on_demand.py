"""TED is left out only when Rasa's ensemble would not have picked it: the choice, its
probabilities, policy and events are the same as Rasa's, on generated predictions."""

from __future__ import annotations

import random

import pytest
from rasa.core.policies.ensemble import DefaultPolicyPredictionEnsemble
from rasa.core.policies.policy import PolicyPrediction
from rasa.shared.core.events import ActionExecutionRejected, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

from addons import ted_on_demand
from addons.ted_on_demand import ORIGINAL_PICK, DeferredPrediction, pick_best_policy

ACTIONS = 6


def probabilities(rng: random.Random) -> list[float]:
    kind = rng.choice(["certain", "fallback", "soft", "zero"])
    values = [0.0] * ACTIONS
    if kind == "certain":
        values[rng.randrange(ACTIONS)] = 1.0
    elif kind == "fallback":
        values[rng.randrange(ACTIONS)] = 0.3
    elif kind == "soft":
        raw = [rng.random() ** 3 for _ in range(ACTIONS)]
        values = [v / sum(raw) for v in raw]
        if rng.random() < 0.2:  # TED sure of itself: a softmax can reach 1.0
            values = [0.0] * ACTIONS
            values[rng.randrange(ACTIONS)] = 1.0
    return values


def case(rng: random.Random) -> tuple[list[PolicyPrediction], list[PolicyPrediction], list[int]]:
    """Rule (priority 6), memoization (3) and TED (1): eager, and the same with TED
    deferred (counting its computations)."""
    rule = PolicyPrediction(
        probabilities(rng),
        "RulePolicy",
        6,
        events=[SlotSet("status", "x")] if rng.random() < 0.2 else None,
        is_no_user_prediction=rng.random() < 0.15,
        hide_rule_turn=rng.random() < 0.5,
    )
    memo = PolicyPrediction(
        probabilities(rng), "MemoizationPolicy", 3, is_end_to_end_prediction=rng.random() < 0.1
    )
    ted_probabilities = probabilities(rng)
    ted = PolicyPrediction(ted_probabilities, "TEDPolicy", 1, diagnostic_data={"x": 1})
    computed: list[int] = []

    def compute() -> PolicyPrediction:
        computed.append(1)
        return PolicyPrediction(list(ted_probabilities), "TEDPolicy", 1, diagnostic_data={"x": 1})

    deferred = DeferredPrediction(compute, "TEDPolicy", 1)
    order = rng.sample(range(3), 3)  # whatever order the graph gives them in
    eager = [[rule, memo, ted][i] for i in order]
    lazy = [[rule, memo, deferred][i] for i in order]
    return eager, lazy, computed


def summary(prediction: PolicyPrediction) -> tuple:
    return (
        prediction.policy_name,
        prediction.policy_priority,
        list(prediction.probabilities),
        [type(e).__name__ for e in prediction.events],
        prediction.is_end_to_end_prediction,
        prediction.is_no_user_prediction,
        prediction.diagnostic_data,
        prediction.hide_rule_turn,
    )


def test_the_choice_is_rasas_on_generated_predictions() -> None:
    rng = random.Random(17)
    left_out = computed_total = 0
    for _ in range(3000):
        eager, lazy, computed = case(rng)
        assert summary(pick_best_policy(lazy)) == summary(ORIGINAL_PICK(eager))
        left_out += not computed
        computed_total += len(computed)
    assert computed_total + left_out == 3000
    assert left_out > 1000 and computed_total > 500  # both paths really taken


def test_ted_is_not_run_when_a_rule_decides() -> None:
    ran: list[int] = []
    rule = PolicyPrediction([0.0, 1.0, 0.0], "RulePolicy", 6)
    ted = DeferredPrediction(lambda: ran.append(1) or PolicyPrediction([1.0, 0, 0], "T", 1), "T", 1)
    assert pick_best_policy([rule, ted]).policy_name == "RulePolicy"
    assert ran == [] and ted.pending


def deferred_ted(values: list[float]) -> DeferredPrediction:
    return DeferredPrediction(lambda: PolicyPrediction(values, "TEDPolicy", 1), "TEDPolicy", 1)


def test_ted_runs_when_the_rules_only_fall_back() -> None:
    rule = PolicyPrediction([0.3, 0.0, 0.0], "RulePolicy", 6)
    ted = deferred_ted([0.1, 0.8, 0.1])
    best = pick_best_policy([rule, ted])
    assert best.policy_name == "TEDPolicy" and best.probabilities == [0.1, 0.8, 0.1]
    assert not ted.pending


def test_a_rejected_action_is_zeroed_in_teds_prediction_as_in_rasas(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Rasa sets the rejected action's probability to 0 in every prediction before it
    picks: the deferred prediction is computed, and the change is kept."""
    monkeypatch.setattr(
        DefaultPolicyPredictionEnsemble, "_pick_best_policy", staticmethod(pick_best_policy)
    )

    class Domain:
        @staticmethod
        def index_for_action(name: str) -> int:
            return 1

    tracker = DialogueStateTracker("rejected", [])
    tracker.update(ActionExecutionRejected("action_b"))
    rule = PolicyPrediction([0.0, 1.0, 0.0], "RulePolicy", 6)
    ted = deferred_ted([0.2, 0.7, 0.1])
    best = DefaultPolicyPredictionEnsemble._best_policy_prediction([rule, ted], tracker, Domain())
    assert best.policy_name == "TEDPolicy"
    assert best.probabilities == [0.2, 0.0, 0.1]


def test_install_replaces_the_ensembles_choice_idempotently() -> None:
    saved = DefaultPolicyPredictionEnsemble.__dict__["_pick_best_policy"]
    try:
        ted_on_demand.install()
        ted_on_demand.install()
        assert DefaultPolicyPredictionEnsemble._pick_best_policy is pick_best_policy
    finally:
        DefaultPolicyPredictionEnsemble._pick_best_policy = saved
