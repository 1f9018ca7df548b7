"""The dialogue's states kept per prediction are the ones Rasa computes, on the dialogues
of our stories and rules, and are computed again as soon as the dialogue changes."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.generator import TrainingDataGenerator
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.importers.importer import TrainingDataImporter

from addons import states_cache
from addons.states_cache import ORIGINAL_PAST_STATES, SCAN_COUNTS, past_states

ROOT = Path(__file__).resolve().parents[3]
ARGUMENTS = [
    {},
    {"omit_unset_slots": True},
    {"ignore_rule_only_turns": True, "rule_only_data": {"slots": ["situation"], "loops": []}},
    {"ignore_rule_only_turns": True, "rule_only_data": {"slots": [], "loops": ["contact_form"]}},
]


@pytest.fixture(scope="module")
def dialogues() -> tuple[Domain, list[DialogueStateTracker]]:
    importer = TrainingDataImporter.load_from_dict(
        domain_path=str(ROOT / "domain.yml"),
        training_data_paths=[str(ROOT / "data" / "stories"), str(ROOT / "data" / "rules")],
    )
    domain = importer.get_domain()
    generated = TrainingDataGenerator(
        importer.get_stories(), domain, augmentation_factor=0, use_story_concatenation=False
    ).generate()
    # plain trackers, as the server has (the generator's own class caches differently)
    trackers = [
        DialogueStateTracker.from_events(t.sender_id, list(t.events), domain.slots)
        for t in generated
    ]
    return domain, trackers


def test_same_states_as_rasa_for_every_prefix_of_our_dialogues(dialogues: tuple) -> None:
    domain, trackers = dialogues
    assert len(trackers) > 100
    rng = random.Random(3)
    compared = 0
    for tracker in rng.sample(trackers, 120):
        events = list(tracker.events)
        growing = DialogueStateTracker(tracker.sender_id, domain.slots)
        for event in events:
            growing.update(event)  # the same tracker object, event after event
            for arguments in rng.sample(ARGUMENTS, 3):
                expected = ORIGINAL_PAST_STATES(growing, domain, **arguments)
                assert past_states(growing, domain, **arguments) == expected
                assert past_states(growing, domain, **arguments) == expected  # from the cache
                compared += 1
    assert compared > 2000


def test_each_caller_gets_its_own_copy(dialogues: tuple) -> None:
    domain, trackers = dialogues
    tracker = max(trackers, key=lambda t: len(t.events))
    first = past_states(tracker, domain)
    expected = ORIGINAL_PAST_STATES(tracker, domain)
    for state in first:  # as the featurizers do with the last state
        for sub in state.values():
            sub.clear()
        state.clear()
    first.clear()
    assert past_states(tracker, domain) == expected


def test_a_new_event_a_reverted_one_or_another_domain_recomputes(dialogues: tuple) -> None:
    domain, trackers = dialogues
    tracker = DialogueStateTracker.from_events("x", list(trackers[0].events), domain.slots)
    before = past_states(tracker, domain)
    tracker.update(UserUttered("bonjour", {"name": "greet", "confidence": 1.0}))
    tracker.update(ActionExecuted("utter_greet"))
    after = past_states(tracker, domain)
    assert after != before and after == ORIGINAL_PAST_STATES(tracker, domain)
    # same number of events, another last event
    other = DialogueStateTracker.from_events("y", list(tracker.events)[:-1], domain.slots)
    past_states(other, domain)
    other.update(SlotSet("status", "salarie"))
    assert past_states(other, domain) == ORIGINAL_PAST_STATES(other, domain)
    reloaded = Domain.from_yaml((ROOT / "domain.yml").read_text(encoding="utf-8"))
    assert past_states(tracker, reloaded) == ORIGINAL_PAST_STATES(tracker, reloaded)
    assert tracker.__dict__["_secu_past_states"][2] is reloaded


def test_install_replaces_rasas_method(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(DialogueStateTracker, "past_states", ORIGINAL_PAST_STATES)
    states_cache.install()
    assert DialogueStateTracker.past_states is past_states


def test_a_conversation_read_again_each_turn_resumes_its_scan(dialogues: tuple) -> None:
    """As the server does: each turn a new tracker object, read from the store, with the
    conversation's events so far; the scan goes on from the last one seen, and the states
    are Rasa's."""
    domain, trackers = dialogues
    rng = random.Random(5)
    compared = 0
    for tracker in rng.sample(trackers, 60):
        events = list(tracker.events)
        arguments = rng.choice(ARGUMENTS)
        before = dict(SCAN_COUNTS)
        for end in range(1, len(events) + 1):
            read_again = DialogueStateTracker.from_events(
                tracker.sender_id, events[:end], domain.slots
            )
            expected = ORIGINAL_PAST_STATES(read_again, domain, **arguments)
            assert past_states(read_again, domain, **arguments) == expected
            compared += 1
        # one scan, resumed at every turn, each event replayed once
        assert SCAN_COUNTS["started"] - before["started"] <= 1
        assert SCAN_COUNTS["events"] - before["events"] <= len(events)
    assert compared > 400


def test_a_conversation_whose_past_changed_is_scanned_again(dialogues: tuple) -> None:
    """A reverted event, or the window of addons/conversation_window.py moving on,
    changes the events the last scan saw: the states are computed from the start."""
    domain, trackers = dialogues
    tracker = max(trackers, key=lambda t: len(t.events))
    events = list(tracker.events)
    sender = "changed-past"
    past_states(DialogueStateTracker.from_events(sender, events, domain.slots), domain)
    started = SCAN_COUNTS["started"]
    shorter = events[: len(events) // 2]  # the same conversation, its end undone
    read_again = DialogueStateTracker.from_events(sender, shorter, domain.slots)
    assert past_states(read_again, domain) == ORIGINAL_PAST_STATES(read_again, domain)
    assert SCAN_COUNTS["started"] == started + 1
    # another first event (a window that moved on), then the rest as before
    moved = [SlotSet("situation", "etudiant"), *events[2:]]
    read_again = DialogueStateTracker.from_events(sender, moved, domain.slots)
    assert past_states(read_again, domain) == ORIGINAL_PAST_STATES(read_again, domain)
    assert SCAN_COUNTS["started"] == started + 2
