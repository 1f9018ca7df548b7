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
The events that apply (``applied_events``: what undos and restarts leave) are found
once for all the arguments.
The caller gets its own copy of each state (the featurizers edit the last one), made of
the same values.

Across predictions, and across turns (the tracker is read again from the store each
turn), Rasa's scan of the events is resumed instead of started over: for each
conversation and set of arguments, the scan's replayed tracker, the states so far and
its two flags are kept after the last event it saw (``Scan``), with a fingerprint of
each event (type, timestamp, name); a dialogue whose events begin with those goes on
from there, any other (a reverted event, a restart, the window of
addons/conversation_window.py moving on, another domain) is scanned from its start. The
state after the last event is computed each time on a copy, as Rasa's scan ends.

Installed by ``addons.startup.install()``; ``tests/unit/addons/test_states_cache.py``
compares it with Rasa's on the dialogues of the stories and rules.
"""

from __future__ import annotations

import copy
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from rasa.shared.core.constants import PREVIOUS_ACTION
from rasa.shared.core.domain import Domain, State
from rasa.shared.core.events import ActionExecuted, Event
from rasa.shared.core.trackers import DialogueStateTracker

from addons.rule_cache import hashable

ORIGINAL_PAST_STATES = DialogueStateTracker.past_states
_CACHE = "_secu_past_states"
MAX_SCANS = 256
"""Conversations whose scan is kept (least recently used dropped): a scan holds the
replayed copy of a conversation's window of events."""


@dataclass
class Scan:
    """``Domain.states_for_tracker_history``'s loop, stopped after some events."""

    domain: Domain
    replayed: DialogueStateTracker
    prints: list[tuple[Any, ...]] = field(default_factory=list)
    states: list[State] = field(default_factory=list)
    last_ml_action: Any = None
    turn_was_hidden: bool = False

    def visit(
        self,
        tracker: DialogueStateTracker,
        hide_rule_turn: bool,
        omit_unset_slots: bool,
        ignore_rule_only_turns: bool,
        rule_only_data: dict[str, Any] | None,
    ) -> None:
        """One turn of Rasa's loop: the state before an action (or at the end)."""
        domain = self.domain
        if ignore_rule_only_turns:
            if not self.turn_was_hidden:
                self.last_ml_action = domain._get_prev_action_sub_state(tracker)
            if not tracker.followup_action and tracker.latest_action_name != (
                tracker.active_loop_name
            ):
                self.turn_was_hidden = hide_rule_turn
            if self.turn_was_hidden:
                return
        state = domain.get_active_state(tracker, omit_unset_slots=omit_unset_slots)
        if ignore_rule_only_turns:
            domain._remove_rule_only_features(state, rule_only_data)
            if self.states:
                domain._substitute_rule_only_user_input(state, self.states[-1])
            if self.last_ml_action:
                state[PREVIOUS_ACTION] = self.last_ml_action
        self.states.append(domain._clean_state(state))


_SCANS: OrderedDict[tuple[Any, ...], Scan] = OrderedDict()
SCAN_COUNTS = {"started": 0, "resumed": 0, "events": 0}
"""Scans started from the first event, scans resumed, events replayed (tests, profile)."""


def fingerprint(event: Event) -> tuple[Any, ...]:
    return (
        type(event),
        event.timestamp,
        getattr(event, "action_name", None),
        getattr(event, "key", None),
        getattr(event, "text", None),
    )


def scanned_states(
    tracker: DialogueStateTracker,
    domain: Domain,
    omit_unset_slots: bool = False,
    ignore_rule_only_turns: bool = False,
    rule_only_data: dict[str, Any] | None = None,
    applied: list[Event] | None = None,
) -> list[State]:
    """``Domain.states_for_tracker_history``, resumed from where the conversation's last
    scan stopped when its events begin with the ones that scan saw. ``applied``: the
    tracker's ``applied_events()``, when the caller has them already."""
    arguments = (omit_unset_slots, ignore_rule_only_turns, rule_only_data)
    if applied is None:
        applied = tracker.applied_events()
    key = (tracker.sender_id, id(domain), omit_unset_slots, ignore_rule_only_turns)
    key += (hashable(rule_only_data),)
    scan = _SCANS.pop(key, None)
    if (
        scan is None
        or scan.domain is not domain
        or len(applied) < len(scan.prints)
        or any(fingerprint(e) != p for e, p in zip(applied, scan.prints))  # noqa: B905
    ):
        scan = Scan(domain, tracker.init_copy())
        SCAN_COUNTS["started"] += 1
    else:
        SCAN_COUNTS["resumed"] += 1
    SCAN_COUNTS["events"] += len(applied) - len(scan.prints)
    for event in applied[len(scan.prints) :]:
        if isinstance(event, ActionExecuted):
            scan.visit(scan.replayed, event.hide_rule_turn, *arguments)
        scan.replayed.update(event)
        scan.prints.append(fingerprint(event))
    _SCANS[key] = scan
    while len(_SCANS) > MAX_SCANS:
        _SCANS.popitem(last=False)
    ended = copy.copy(scan)  # the end of Rasa's scan, on a copy: more events may come
    ended.states = list(scan.states)
    ended.visit(scan.replayed, False, *arguments)
    return ended.states


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
        # the states for each set of arguments, and the applied events they all start from
        entry = (last, len(events), domain, {}, self.applied_events())
        self.__dict__[_CACHE] = entry
    key = (omit_unset_slots, ignore_rule_only_turns, hashable(rule_only_data))
    states = entry[3].get(key)
    if states is None:
        states = entry[3][key] = scanned_states(
            self, domain, omit_unset_slots, ignore_rule_only_turns, rule_only_data, entry[4]
        )
    return copied(states)


def install() -> None:
    DialogueStateTracker.past_states = past_states  # type: ignore[method-assign]
