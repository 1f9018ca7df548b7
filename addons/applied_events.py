"""The events that apply to a tracker, found with one table lookup an event.

``DialogueStateTracker.applied_events`` (what restarts, reverts and loops leave of a
conversation) walks the events with up to five ``isinstance`` checks each; Rasa's event
classes are abstract base classes, whose ``isinstance`` goes through ``ABCMeta``'s
Python-level check. It runs about four times a message (the policies' states, the
session's check, the action server's payload, the rules' replay): 0.8 ms of CPU a
message on this machine's slow state (1 December 2026, 600 realistic messages), 440,000
``isinstance`` calls.

Here each event class is classified once (``kind``: the same ``issubclass`` tests, in
Rasa's order) and the walk reads the class's kind from a dictionary; what each kind does
(reset the list, undo to the previous action or user message, undo a loop's execution)
is Rasa's own code, called as Rasa calls it. ``tests/unit/addons/test_applied_events.py``
compares the result with Rasa's, event for event, on the stories', rules' and generated
conversations (restarts, reverts, forms with unhappy paths).
"""

from __future__ import annotations

from rasa.shared.core.events import (
    ActionExecuted,
    ActionReverted,
    ActiveLoop,
    Event,
    Restarted,
    SessionStarted,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

ORIGINAL = DialogueStateTracker.applied_events

RESET, ACTION_REVERTED, UTTERANCE_REVERTED, ACTION, OTHER = range(1, 6)
_KINDS: dict[type, tuple[int, bool]] = {}


def kind(cls: type) -> tuple[int, bool]:
    """What ``applied_events`` does with an event of this class (Rasa's tests, in its
    order), and whether it is an ``ActiveLoop`` (whose name Rasa collects first)."""
    found = _KINDS.get(cls)
    if found is None:
        if issubclass(cls, Restarted | SessionStarted):
            action = RESET
        elif issubclass(cls, ActionReverted):
            action = ACTION_REVERTED
        elif issubclass(cls, UserUtteranceReverted):
            action = UTTERANCE_REVERTED
        elif issubclass(cls, ActionExecuted):
            action = ACTION
        else:
            action = OTHER
        found = _KINDS[cls] = (action, issubclass(cls, ActiveLoop))
    return found


def applied_events(self: DialogueStateTracker) -> list[Event]:
    """``DialogueStateTracker.applied_events``: the same events, in the same order."""
    events = list(self.events)
    kinds = [_KINDS.get(type(event)) or kind(type(event)) for event in events]
    loop_names = [
        event.name  # type: ignore[attr-defined]
        for event, (_, is_loop) in zip(events, kinds, strict=True)
        if is_loop and event.name  # type: ignore[attr-defined]
    ]
    applied: list[Event] = []
    for event, (action, _) in zip(events, kinds, strict=True):
        if action == RESET:
            applied = []
        elif action == ACTION_REVERTED:
            self._undo_till_previous(ActionExecuted, applied)
        elif action == UTTERANCE_REVERTED:
            self._undo_till_previous(UserUttered, applied)
            self._undo_till_previous(ActionExecuted, applied)
        elif (
            action == ACTION
            and loop_names
            and event.action_name in loop_names  # type: ignore[attr-defined]
            and not self._first_loop_execution_or_unhappy_path(
                event.action_name,  # type: ignore[attr-defined]
                applied,
            )
        ):
            self._undo_till_previous_loop_execution(
                event.action_name,  # type: ignore[attr-defined]
                applied,
            )
        else:
            applied.append(event)
    return applied


def install() -> None:
    DialogueStateTracker.applied_events = applied_events  # type: ignore[method-assign]
