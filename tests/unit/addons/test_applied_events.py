"""The events that apply to a tracker (addons/applied_events.py) are Rasa's, event for
event, on the dialogues of our stories and rules and on conversations with restarts,
reverts, fallbacks and forms."""

from __future__ import annotations

import random
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActionReverted,
    ActiveLoop,
    Event,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
)
from rasa.shared.core.generator import TrainingDataGenerator
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.importers.importer import TrainingDataImporter

from addons import applied_events
from addons.applied_events import ORIGINAL
from tests.unit.addons.test_conversation_window import (
    answer,
    fallback_answered,
    fallback_asked,
    long_conversation,
    said,
)

ROOT = Path(__file__).resolve().parents[3]


@lru_cache(maxsize=1)
def our_domain() -> Domain:
    return Domain.load(str(ROOT / "domain.yml"))


def same(tracker: DialogueStateTracker) -> None:
    expected = ORIGINAL(tracker)
    got = applied_events.applied_events(tracker)
    assert len(got) == len(expected)
    assert all(a is b for a, b in zip(got, expected, strict=True))


@lru_cache(maxsize=1)
def story_dialogues() -> tuple[list[Event], ...]:
    """The events of each dialogue of the stories and rules (Rasa's generator)."""
    importer = TrainingDataImporter.load_from_dict(
        domain_path=str(ROOT / "domain.yml"),
        training_data_paths=[str(ROOT / "data" / "stories"), str(ROOT / "data" / "rules")],
    )
    generated = TrainingDataGenerator(
        importer.get_stories(), our_domain(), augmentation_factor=0, use_story_concatenation=False
    ).generate()
    return tuple(list(story.events) for story in generated)


def test_every_prefix_of_our_stories_and_rules() -> None:
    slots = our_domain().slots
    assert len(story_dialogues()) > 100
    for events in story_dialogues():
        for end in range(1, len(events) + 1):
            same(DialogueStateTracker.from_events("story", events[:end], slots))


def a_form_with_an_unhappy_path() -> list[Event]:
    events: list[Event] = said("verifie mon numero", "check_nir")
    events += [ActionExecuted("nir_form"), ActiveLoop("nir_form")]
    events += [SlotSet("requested_slot", "nir_to_check")]
    events += said("c'est quoi la cfe", "define_term")  # aside: the form is rejected
    events += [ActionExecuted("action_define_term"), ActionExecuted("nir_form")]
    events += said("1 85 05 78 006 084", "inform")
    events += [ActionExecuted("nir_form"), SlotSet("nir_to_check", None)]
    events += [ActionExecuted("nir_form"), ActiveLoop(None), SlotSet("requested_slot", None)]
    return events


PIECES: list[Callable[[], list[Event]]] = [
    lambda: said("bonjour", "greet") + answer("action_greet", "Bonjour !"),
    lambda: fallback_asked("bla bla"),
    lambda: fallback_answered("ma carte vitale", "carte_vitale"),
    lambda: [UserUtteranceReverted()],
    lambda: [ActionReverted()],
    lambda: [Restarted()],
    lambda: [ActionExecuted("action_session_start"), SessionStarted()],
    a_form_with_an_unhappy_path,
    lambda: long_conversation(3),
]
"""Pieces of conversations that random ones are made of: restarts, reverts, fallbacks,
a form with an unhappy path."""


def test_random_conversations_with_restarts_reverts_fallbacks_and_forms() -> None:
    domain = our_domain()
    pieces = PIECES
    rng = random.Random(11)
    for _ in range(300):
        events: list[Event] = []
        for _ in range(rng.randint(1, 8)):
            events += rng.choice(pieces)()
        for end in range(1, len(events) + 1, 3):
            same(DialogueStateTracker.from_events("random", events[:end], domain.slots))
        same(DialogueStateTracker.from_events("random", events, domain.slots))


def test_installed_on_rasas_tracker() -> None:
    applied_events.install()
    assert DialogueStateTracker.applied_events is applied_events.applied_events
    assert applied_events.kind(Restarted) == (applied_events.RESET, False)
    assert applied_events.kind(ActiveLoop) == (applied_events.OTHER, True)
