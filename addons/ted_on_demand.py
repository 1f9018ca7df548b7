"""TED's forward pass only when its prediction can change what the ensemble picks.

Rasa asks every policy for the next action twice per user message (after the message,
then after the action), and its ensemble picks the prediction with the highest
confidence, ties going to the policy of higher priority. A rule that applies predicts
with confidence 1.0 at priority 6, a memorised story 1.0 at priority 3; TED, priority 1,
predicts a softmax, so at most 1.0: whenever the rules or the memory decide, TED cannot
win, yet Rasa has already featurised the dialogue and run TED's network (a third of a
turn's time in bench/profile.md).

Here TED answers with a ``DeferredPrediction``: its probabilities are computed the first
time anything reads them. The ensemble's choice (``install()`` wraps
``DefaultPolicyPredictionEnsemble._pick_best_policy``) first looks at the other
predictions; when one of them has confidence 1.0 and a higher priority than every
deferred one, the deferred ones are left out, unread: the choice Rasa's rules give is
provably the same, since

- a deferred prediction comes only from a TED trained without the user's text (no
  end-to-end prediction, no events, no optional events): it never takes part when a
  "no user" or an end-to-end prediction is present, and adds no event when it loses;
- its confidence is at most 1.0 and its priority lower, so it loses every comparison.

In every other case (the rules' fallback at 0.3, an action rejected, a TED trained on
text) the ensemble reads the prediction and TED runs exactly as in Rasa.
``tests/unit/addons/test_ted_on_demand.py`` compares the wrapped choice with Rasa's on
generated predictions, and ``tests/integration/test_model_loading.py`` the predictions of
whole conversations with and without it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rasa.core.policies.ensemble import DefaultPolicyPredictionEnsemble
from rasa.core.policies.policy import PolicyPrediction

ORIGINAL_PICK: Callable[[list[PolicyPrediction]], PolicyPrediction] = (
    DefaultPolicyPredictionEnsemble._pick_best_policy
)

COUNTS = {"deferred": 0, "computed": 0}
"""How many TED predictions were deferred, and how many of them had to be computed (read
by ``make profile``)."""


class DeferredPrediction(PolicyPrediction):
    """A policy's prediction computed on first read of its probabilities.

    Only for predictions known in advance to carry no events, no optional events and no
    end-to-end flag: those fields are set at once, the rest comes from ``compute``.
    """

    def __init__(
        self, compute: Callable[[], PolicyPrediction], policy_name: str, policy_priority: int
    ) -> None:
        super().__init__([], policy_name, policy_priority)
        self._compute: Callable[[], PolicyPrediction] | None = compute
        COUNTS["deferred"] += 1

    @property
    def pending(self) -> bool:
        """True while nothing has read the probabilities."""
        return self.__dict__.get("_compute") is not None

    def _settle(self) -> None:
        compute = self.__dict__.get("_compute")
        if compute is None:
            return
        self._compute = None
        COUNTS["computed"] += 1
        result = compute()
        self._probabilities = result.probabilities
        self._diagnostic_data = result.diagnostic_data
        self.events = result.events
        self.optional_events = result.optional_events
        self.is_end_to_end_prediction = result.is_end_to_end_prediction
        self.is_no_user_prediction = result.is_no_user_prediction
        self.action_metadata = result.action_metadata

    @property  # type: ignore[override]
    def probabilities(self) -> list[float]:
        self._settle()
        return self._probabilities

    @probabilities.setter
    def probabilities(self, value: list[float]) -> None:
        self._probabilities = value

    @property  # type: ignore[override]
    def diagnostic_data(self) -> dict[str, Any]:
        self._settle()
        return self._diagnostic_data

    @diagnostic_data.setter
    def diagnostic_data(self, value: dict[str, Any]) -> None:
        self._diagnostic_data = value


def cannot_win(deferred: list[PolicyPrediction], others: list[PolicyPrediction]) -> bool:
    """True when Rasa's ensemble would pick one of ``others`` whatever the deferred
    predictions turn out to be (confidence ≤ 1.0, no user text, no events)."""
    if not others:
        return False
    if any(p.is_no_user_prediction or p.is_end_to_end_prediction for p in others):
        return True  # the deferred ones are filtered out by the ensemble's first two rules
    best_confidence, best_priority = max((p.max_confidence, p.policy_priority) for p in others)
    return best_confidence >= 1.0 and all(best_priority > p.policy_priority for p in deferred)


def pick_best_policy(predictions: list[PolicyPrediction]) -> PolicyPrediction:
    """Rasa's choice, without computing the deferred predictions that cannot win."""
    deferred = [p for p in predictions if isinstance(p, DeferredPrediction) and p.pending]
    if deferred:
        others = [p for p in predictions if not any(p is d for d in deferred)]
        if cannot_win(deferred, others):
            return ORIGINAL_PICK(others)
    return ORIGINAL_PICK(predictions)


def install() -> None:
    DefaultPolicyPredictionEnsemble._pick_best_policy = staticmethod(pick_best_policy)  # type: ignore[method-assign]
