"""A long conversation shown to Rasa as its state plus its last turns.

Every turn, Rasa rebuilds the conversation from all its events and its policies replay
that history several times to compute the dialogue states, although they look at the
last few only (``max_history: 4``). The cost of a turn grows with the conversation:
measured here 107 ms at turn 1 and 1 s at turn 500, for stock Rasa too.

A *window* keeps the cost flat. Past ``2 × keep_turns`` user turns, the events before
the ``keep_turns``-th last user turn are replaced by the state they led to: one
``SlotSet`` per slot that is not at its initial value, the active form (with its
rejected flag), then the ``action_listen`` the kept turns start from. Everything the
policies and our actions look at (the last turns, the slots, the form) is the same, and
``tests/unit/test_conversation_window.py`` checks that the dialogue states and the
predictions of the trained policies are identical. Nothing is deleted: the database
keeps every event; only what is handed to Rasa for a turn is shorter.

Never cut while Rasa's two-stage fallback waits for an answer ("did you mean…?"): when
the person then types a clear message, the fallback ends by reverting the message that
started it, which a cut would have left out. The revert then kept the fallback active,
the fallback ran again, reverted again, for ever: the message never got an answer and
its Sanic worker spun until killed (found under a realistic load on 1 December 2026, a
fallback answered by a new question in the 21st turn). The cut moves back to the
nearest earlier turn where no fallback is pending.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from rasa.shared.core.constants import ACTION_LISTEN_NAME, ACTION_TWO_STAGE_FALLBACK_NAME
from rasa.shared.core.events import (
    ActionExecuted,
    ActionExecutionRejected,
    ActiveLoop,
    Event,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.slots import Slot
from rasa.shared.core.trackers import DialogueStateTracker

KEEP_TURNS = 10
"""User turns handed to Rasa in full (the policies look at the last 4 states)."""


def user_turn_starts(events: Sequence[Event]) -> list[int]:
    """Indexes of the ``action_listen`` events that a user message directly follows."""
    return [
        index - 1
        for index, event in enumerate(events)
        if isinstance(event, UserUttered)
        and index > 0
        and isinstance(events[index - 1], ActionExecuted)
        and events[index - 1].action_name == ACTION_LISTEN_NAME
    ]


def cut_candidates(events: Sequence[Event], keep_turns: int = KEEP_TURNS) -> list[int]:
    """Where the kept turns may start, best first; none when the conversation is short.

    Cut only past twice ``keep_turns``, so that the state is recomputed once every
    ``keep_turns`` turns, not every turn; at the ``keep_turns``-th last user turn, else
    (see ``cut_point``) at an earlier one.
    """
    starts = user_turn_starts(events)
    if len(starts) <= 2 * keep_turns:
        return []
    return starts[len(starts) - keep_turns :: -1]


def cut_point(
    events: Sequence[Event], slots: Iterable[Slot] = (), keep_turns: int = KEEP_TURNS
) -> tuple[int, DialogueStateTracker | None]:
    """Where the kept turns start (0: nowhere) and the tracker of the events before it:
    the first candidate where no two-stage fallback waits for an answer."""
    slots = list(slots)
    for cut in cut_candidates(events, keep_turns):
        before = DialogueStateTracker.from_events("window", list(events[:cut]), slots)
        if before.active_loop_name != ACTION_TWO_STAGE_FALLBACK_NAME:
            return cut, before
    return 0, None


def state_events(tracker: DialogueStateTracker) -> list[Event]:
    """Events that bring a fresh tracker to the state of ``tracker``: slots and form."""
    state: list[Event] = [
        SlotSet(name, slot.value)
        for name, slot in tracker.slots.items()
        if slot.value != slot.initial_value
    ]
    loop = tracker.active_loop
    if loop is not None and loop.name:
        state.append(ActiveLoop(loop.name))
        if loop.rejected:
            state.append(ActionExecutionRejected(loop.name))
    return state


def windowed(
    sender_id: str, events: Sequence[Event], slots: Iterable[Slot], keep_turns: int = KEEP_TURNS
) -> tuple[DialogueStateTracker, int, list[Event]]:
    """The tracker Rasa gets; the index in ``events`` of the first kept event and the
    state events that replace the ones before it (0 and [] when nothing is replaced)."""
    slots = list(slots)
    cut, before = cut_point(events, slots, keep_turns)
    if before is None:
        return DialogueStateTracker.from_events(sender_id, list(events), slots), 0, []
    state = state_events(before)
    tracker = DialogueStateTracker.from_events(sender_id, state + list(events[cut:]), slots)
    return tracker, cut, state


@dataclass(frozen=True)
class Window:
    """Where a conversation's kept turns start in the database, and the state before."""

    session_start_id: int | None
    """Id of the session's ``session_started`` event (None: no session event)."""
    cut: tuple[int, float]
    """Database id and timestamp of the first kept event (ids can be reused after a
    purge on SQLite; the pair cannot)."""
    state: tuple[dict[str, Any], ...]
    """The state events before it, serialised."""


class WindowCache:
    """The latest window of each recent conversation, in this process (LRU)."""

    def __init__(self, size: int = 10_000) -> None:
        self.size = size
        self._windows: OrderedDict[str, Window] = OrderedDict()

    def get(self, sender_id: str) -> Window | None:
        window = self._windows.get(sender_id)
        if window is not None:
            self._windows.move_to_end(sender_id)
        return window

    def put(self, sender_id: str, window: Window) -> None:
        self._windows[sender_id] = window
        self._windows.move_to_end(sender_id)
        while len(self._windows) > self.size:
            self._windows.popitem(last=False)

    def forget(self, sender_id: str) -> None:
        self._windows.pop(sender_id, None)
