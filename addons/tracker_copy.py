"""A tracker copied from its state, not by replaying its whole conversation.

Before each action, Rasa's processor runs ``tracker.copy()`` (so that a rejected action
leaves the tracker as it was): ``travel_back_in_time(inf)``, a new tracker with the
domain's slots reset, into which every event of the conversation is applied again, one
by one. Two to three times a message, 40 events each on average: 0.44 to 0.69 ms of CPU
a message on this machine's slow state (1 December 2026, 600 realistic messages).

A tracker's state is, by Rasa's own rule ("MUST be re-creatable by processing all the
events", ``DialogueStateTracker.__init__``), what its events made of it. So the copy here
takes that state as it is: the same events in a new deque, each slot copied (its value
and whether it was set), the latest action's dictionary and the active loop copied, the
latest user and bot events (the very objects the replay would point to, or new empty
ones as the replay makes when the conversation has none), the follow-up
action and the pause; and, as ``init_copy`` gives it, no source, model or assistant id.
Only a plain ``DialogueStateTracker`` with its domain's slots is copied so; any other
(the training's trackers, a tracker without slots) is replayed as before.
``tests/unit/addons/test_tracker_copy.py`` compares every attribute of both copies on
every prefix of the stories' and rules' dialogues and on random conversations with
restarts, reverts, fallbacks and forms.
"""

from __future__ import annotations

import copy
import dataclasses
from collections import deque
from collections.abc import Callable, Iterable
from typing import Any

from rasa.shared.constants import DEFAULT_SENDER_ID
from rasa.shared.core.events import BotUttered, Event, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

ORIGINAL = DialogueStateTracker.copy


def copy_tracker(self: DialogueStateTracker) -> DialogueStateTracker:
    """``DialogueStateTracker.copy``: a tracker in the state the replay gives."""
    if type(self) is not DialogueStateTracker or type(self.slots) is not dict:
        return ORIGINAL(self)
    new = DialogueStateTracker.__new__(DialogueStateTracker)
    new._max_event_history = self._max_event_history
    new.events = deque(self.events, self._max_event_history)
    new.sender_id = self.sender_id or DEFAULT_SENDER_ID
    new.slots = {name: copy.copy(slot) for name, slot in self.slots.items()}
    new.sender_source = None
    new.is_rule_tracker = self.is_rule_tracker
    new._paused = self._paused
    new.followup_action = self.followup_action
    new.latest_action = None if self.latest_action is None else dict(self.latest_action)
    new.latest_message = latest(self.latest_message, self.events, UserUttered.empty)
    new.latest_bot_utterance = latest(self.latest_bot_utterance, self.events, BotUttered.empty)
    new.active_loop = None if self.active_loop is None else dataclasses.replace(self.active_loop)
    new.model_id = None
    new.assistant_id = None
    return new


def latest(value: Event | None, events: Iterable[Event], empty: Callable[[], Event]) -> Any:
    """The latest user (or bot) event as the replay leaves it: that very event of the
    conversation, or a new empty one when none was applied (``_reset``'s placeholder)."""
    if value is None:
        return None
    if any(event is value for event in reversed(events)):  # type: ignore[call-overload]
        return value
    return empty()


def install() -> None:
    DialogueStateTracker.copy = copy_tracker  # type: ignore[method-assign]
