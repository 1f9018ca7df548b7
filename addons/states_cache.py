"""A dialogue's states computed once per prediction instead of once per policy.

To predict the next action, each policy asks the tracker for the dialogue's states
(``DialogueStateTracker.past_states``), which replays every event of the conversation
into a copy of the tracker and builds a state at each action: the RulePolicy twice (with
and without the text of the last message), the memoisation and TED once each, after the
user's message and again after each action. The answer depends only on the tracker's
events, the domain and the three arguments; between two predictions the events change.

So the states are kept on the tracker with what they were computed from (the number of
events and the last event itself, the domain, the arguments), and reused while these
are the same: a new event, a reverted one or another domain makes them computed again.
The caller gets its own copy of each state (the featurizers edit the last one), made of
the same values.

Installed by ``addons.startup.install()``; ``tests/unit/addons/test_states_cache.py``
compares it with Rasa's on the dialogues of the stories and rules.
"""

from __future__ import annotations

from typing import Any

from rasa.shared.core.domain import Domain, State
from rasa.shared.core.trackers import DialogueStateTracker

from addons.rule_cache import hashable

ORIGINAL_PAST_STATES = DialogueStateTracker.past_states
_CACHE = "_secu_past_states"


def copied(states: list[State]) -> list[State]:
    """A copy of each state and sub-state (their values are strings and tuples)."""
    return [{kind: dict(sub) for kind, sub in state.items()} for state in states]


def past_states(
    self: DialogueStateTracker,
    domain: Domain,
    omit_unset_slots: bool = False,
    ignore_rule_only_turns: bool = False,
    rule_only_data: dict[str, Any] | None = None,
) -> list[State]:
    """``DialogueStateTracker.past_states``, computed once per events, domain and arguments."""
    events = self.events
    last = events[-1] if events else None
    entry = self.__dict__.get(_CACHE)
    if entry is None or entry[0] is not last or entry[1] != len(events) or entry[2] is not domain:
        entry = (last, len(events), domain, {})
        self.__dict__[_CACHE] = entry
    key = (omit_unset_slots, ignore_rule_only_turns, hashable(rule_only_data))
    states = entry[3].get(key)
    if states is None:
        states = entry[3][key] = ORIGINAL_PAST_STATES(
            self, domain, omit_unset_slots, ignore_rule_only_turns, rule_only_data
        )
    return copied(states)


def install() -> None:
    DialogueStateTracker.past_states = past_states  # type: ignore[method-assign]
