"""A tracker copied from its state (addons/tracker_copy.py) is, attribute for attribute,
the tracker Rasa's copy rebuilds by replaying the events."""

from __future__ import annotations

import random
from typing import Any

from rasa.shared.core.events import (
    ActionExecutionRejected,
    AllSlotsReset,
    ConversationPaused,
    ConversationResumed,
    Event,
    FollowupAction,
    LoopInterrupted,
    SessionStarted,
    SlotSet,
)
from rasa.shared.core.trackers import DialogueStateTracker

from addons import tracker_copy
from addons.tracker_copy import ORIGINAL, copy_tracker
from tests.unit.addons.test_applied_events import PIECES, our_domain, story_dialogues
from tests.unit.addons.test_conversation_window import said


def state(tracker: DialogueStateTracker) -> dict[str, Any]:
    """Everything a tracker holds: slots by their attributes, events by identity."""
    found = dict(vars(tracker))
    found["events"] = [id(event) for event in tracker.events]
    found["maxlen"] = tracker.events.maxlen
    found["slots"] = {name: dict(vars(slot)) for name, slot in tracker.slots.items()}
    for name in ("latest_message", "latest_bot_utterance"):
        value = getattr(tracker, name)
        in_events = any(value is event for event in tracker.events)
        # one of the conversation's events (by identity), or an empty one of its own
        empty = {k: v for k, v in value.as_dict().items() if k != "timestamp"}  # made now
        found[name] = id(value) if in_events else (type(value), empty)
    return found


def same(tracker: DialogueStateTracker) -> None:
    expected, got = ORIGINAL(tracker), copy_tracker(tracker)
    assert state(got) == state(expected)
    # the copy is separate: what changes in it leaves the tracker alone
    for name in got.slots:
        assert got.slots[name] is not tracker.slots[name]
    assert got.events is not tracker.events
    if tracker.active_loop is not None:
        assert got.active_loop is not tracker.active_loop
    if tracker.latest_action is not None:
        assert got.latest_action is not tracker.latest_action
    for name in ("latest_message", "latest_bot_utterance"):
        if not any(getattr(tracker, name) is event for event in tracker.events):
            assert getattr(got, name) is not getattr(tracker, name)


def test_every_prefix_of_our_stories_and_rules() -> None:
    slots = our_domain().slots
    for events in story_dialogues():
        for end in range(1, len(events) + 1):
            same(DialogueStateTracker.from_events("story", events[:end], slots))


def test_random_conversations_updated_event_by_event() -> None:
    """Trackers grown as the processor grows them (``update``), with restarts, reverts,
    fallbacks, a form's unhappy path, rejections, slots set and reset, pauses and
    follow-up actions."""
    domain = our_domain()
    pieces = [
        *PIECES,
        lambda: [AllSlotsReset()],
        lambda: [SlotSet("status", "etudiant"), SlotSet("city", "Lyon")],
        lambda: [SlotSet("topic", ["a", "list"])],
        lambda: [ActionExecutionRejected("nir_form"), LoopInterrupted(True)],
        lambda: [SessionStarted()],
        lambda: [ConversationPaused()],
        lambda: [ConversationResumed()],
        lambda: [FollowupAction("action_lookup_contact")],
    ]
    rng = random.Random(23)
    for _ in range(300):
        tracker = DialogueStateTracker("random", domain.slots)
        for _ in range(rng.randint(1, 8)):
            for event in rng.choice(pieces)():
                tracker.update(event)
                same(tracker)


def test_other_trackers_are_replayed_as_before() -> None:
    events: list[Event] = said("bonjour", "greet")
    without_slots = DialogueStateTracker.from_events("no slots", events, None)
    assert state(copy_tracker(without_slots)) == state(ORIGINAL(without_slots))


def test_installed_on_rasas_tracker() -> None:
    tracker_copy.install()
    assert DialogueStateTracker.copy is copy_tracker
