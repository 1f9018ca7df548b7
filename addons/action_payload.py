"""The action server is sent the conversation's last two user turns, not all of it.

For every call to the action server Rasa sends the whole tracker: every event of the
conversation as a dictionary (each user message with its intent ranking and entities),
encoded as JSON by the Rasa process and decoded by the action server, several times a
message. Under 20 concurrent conversations in people's words (bench/realistic_load.py,
1 December 2026) that was the largest single cost left: the encoding 5 to 6 % of a Sanic
worker's CPU, the decoding 17 % of the action server's.

What the actions read of the events goes back to the user message before the latest
one, never further: the action that message answered (``actions/adapter.py``,
``previous_action``), the latest input channel, the slots a form has to validate
(rasa_sdk: the ``SlotSet`` events after the latest other event). Everything else they
read (slots, latest message, active form, paused, latest action) is in the rest of the
tracker's state, which is sent unchanged. So the events sent start at the
``action_listen`` before the second-to-last user message (all of them in a shorter
conversation). ``tests/unit/addons/test_action_payload.py`` checks on long
conversations (fallbacks, a form, a revert) that at every point the actions read the
same thing from the shortened tracker as from the whole one. An action that needs to
look further back needs this changed.

Installed by ``addons.startup.install()``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rasa.core.actions.action import RemoteAction
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, Event, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity

USER_TURNS = 2
"""User messages whose turns are sent (the latest and the one before)."""

ORIGINAL_FORMAT = RemoteAction._action_call_format


def recent_events(events: Iterable[Event], user_turns: int = USER_TURNS) -> list[Event]:
    """The events from the ``action_listen`` before the ``user_turns``-th last user
    message on; all of them when there are fewer user messages."""
    events = list(events)
    seen = 0
    for index in range(len(events) - 1, -1, -1):
        if isinstance(events[index], UserUttered):
            seen += 1
            if seen == user_turns:
                before = events[index - 1] if index else None
                listened = (
                    isinstance(before, ActionExecuted) and before.action_name == ACTION_LISTEN_NAME
                )
                return events[index - 1 :] if listened else events[index:]
    return events


class RecentTurns:
    """What Rasa's call format reads of a tracker, with the recent events only."""

    def __init__(self, tracker: DialogueStateTracker) -> None:
        self.tracker = tracker
        self.sender_id = tracker.sender_id

    def current_state(self, event_verbosity: EventVerbosity = EventVerbosity.NONE) -> dict:
        state = self.tracker.current_state(EventVerbosity.NONE)  # all but the events
        state["events"] = [event.as_dict() for event in recent_events(self.tracker.events)]
        return state


def action_call_format(
    self: RemoteAction, tracker: DialogueStateTracker, domain: Domain
) -> dict[str, Any]:
    """Rasa's request to the action server, with the last two user turns' events."""
    return ORIGINAL_FORMAT(self, RecentTurns(tracker), domain)  # type: ignore[arg-type]


def install() -> None:
    RemoteAction._action_call_format = action_call_format  # type: ignore[method-assign]
