"""A long conversation handed to Rasa as its state plus its last turns: same dialogue
states, same slots, same form, every event stored once, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    DefinePrevUserUtteredFeaturization,
    Event,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import create_engine, text

from addons.conversation_window import KEEP_TURNS, cut_point, windowed
from addons.tracker_store import RedactingTrackerStore
from tests.databases import new_store_url, stored_events

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "domain.yml"))


def turn(text: str, intent: str, *after: Event, entities: list | None = None) -> list[Event]:
    return [
        ActionExecuted("action_listen"),
        UserUttered(text, {"name": intent, "confidence": 0.98}, entities or []),
        ActionExecuted("action_extract_slots"),
        *after,
    ]


def answer(action: str, reply: str = "") -> list[Event]:
    return [ActionExecuted(action), BotUttered(reply or f"réponse de {action}")]


def long_conversation(turns: int) -> list[Event]:
    """A realistic long chat: small talk, a status, a place, a fallback that is reverted
    (with the slot it had set), then a booking form that starts before the window's cut
    and is still active at the end."""
    events: list[Event] = [ActionExecuted("action_session_start"), SessionStarted()]
    events += turn("bonjour", "greet") + answer("utter_help")
    events += turn(
        "je suis etudiant",
        "inform",
        SlotSet("status", "etudiant"),
        entities=[{"entity": "status", "value": "etudiant"}],
    )
    events += answer("action_lookup_procedure")
    events += turn("dans le 33 blabla", "nlu_fallback", SlotSet("department", "33"))
    events += [*answer("action_default_fallback", "Je n'ai pas compris."), UserUtteranceReverted()]
    filler = 0
    while sum(isinstance(e, UserUttered) for e in events) < turns - 12:
        filler += 1
        events += turn(f"merci {filler}", "thank") + answer("utter_thank")
    events += turn("je voudrais un rendez-vous", "book_appointment")
    events += [
        ActionExecuted("appointment_form"),
        ActiveLoop("appointment_form"),
        SlotSet("requested_slot", "appointment_reason"),
    ]
    events += answer("action_ask_appointment_reason")[1:]
    events += turn("ma carte vitale", "inform", SlotSet("appointment_reason", "carte_vitale"))
    events += [
        ActionExecuted("appointment_form"),
        SlotSet("appointment_reason", "carte_vitale"),
        SlotSet("requested_slot", "appointment_channel"),
    ]
    events += [BotUttered("Par téléphone ou en agence ?")]
    for n in range(9):  # side questions answered inside the form
        events += turn(f"c'est gratuit ? {n}", "ask_cost") + answer("action_lookup_procedure")
        events += [
            ActionExecuted("appointment_form"),
            SlotSet("requested_slot", "appointment_channel"),
        ]
    events += turn("par telephone", "inform", SlotSet("appointment_channel", "phone"))
    events += [
        ActionExecuted("appointment_form"),
        SlotSet("appointment_channel", "phone"),
        SlotSet("requested_slot", "appointment_department"),
        BotUttered("Dans quel département ?"),
    ]
    events.append(ActionExecuted("action_listen"))
    return events


def states(tracker: DialogueStateTracker, domain: Domain, last: int) -> list:
    return tracker.past_states(domain)[-last:]


def test_short_conversations_are_handed_over_whole(domain: Domain) -> None:
    events = long_conversation(2 * KEEP_TURNS)
    assert cut_point(events, domain.slots) == (0, None)
    tracker, cut, state = windowed("short", events, domain.slots)
    assert cut == 0 and state == [] and len(tracker.events) == len(events)


def test_a_long_conversation_keeps_its_last_turns_its_slots_and_its_form(domain: Domain) -> None:
    events = long_conversation(60)
    full = DialogueStateTracker.from_events("long", events, domain.slots)
    tracker, cut, _state = windowed("long", events, domain.slots)
    assert cut > 0 and len(tracker.events) < len(events) / 3
    kept_users = [e for e in tracker.events if isinstance(e, UserUttered)]
    assert len(kept_users) == KEEP_TURNS
    # what the policies see (max_history 4) and what the actions read is the same
    assert states(tracker, domain, 12) == states(full, domain, 12)
    assert tracker.current_slot_values() == full.current_slot_values()
    assert tracker.get_slot("status") == "etudiant"  # set 50 turns ago
    assert tracker.get_slot("department") is None  # reverted by the fallback
    assert tracker.get_slot("appointment_reason") == "carte_vitale"  # before the cut
    assert tracker.active_loop_name == full.active_loop_name == "appointment_form"
    assert tracker.latest_message.text == full.latest_message.text
    assert tracker.latest_action_name == full.latest_action_name
    assert (
        tracker.current_state()["latest_input_channel"]
        == full.current_state()["latest_input_channel"]
    )


def test_a_restart_in_the_kept_turns_still_wipes_everything(domain: Domain) -> None:
    events = long_conversation(40)
    events += [*turn("recommencer", "restart"), ActionExecuted("action_restart"), Restarted()]
    events += turn("bonjour", "greet") + answer("utter_help") + [ActionExecuted("action_listen")]
    full = DialogueStateTracker.from_events("restart", events, domain.slots)
    tracker, cut, _ = windowed("restart", events, domain.slots)
    assert cut > 0
    assert tracker.current_slot_values() == full.current_slot_values()
    assert tracker.get_slot("status") is None and tracker.active_loop_name is None
    assert states(tracker, domain, 6) == states(full, domain, 6)


def said(text: str, intent: str) -> list[Event]:
    """A user turn as Rasa 3.6 logs it (no event for action_extract_slots)."""
    return [
        ActionExecuted("action_listen"),
        UserUttered(text, {"name": intent, "confidence": 0.9}, []),
        DefinePrevUserUtteredFeaturization(False),
    ]


def fallback_asked(text: str) -> list[Event]:
    """A message the NLU is unsure of: Rasa's two-stage fallback asks "did you mean…?"."""
    return [
        *said(text, "nlu_fallback"),
        ActionExecuted("action_two_stage_fallback"),
        ActiveLoop("action_two_stage_fallback"),
        BotUttered("Votre question porte-t-elle sur… ?"),
    ]


def fallback_answered(text: str, intent: str) -> list[Event]:
    """The person types a clear message instead: the fallback ends, reverts the message
    that started it and replays this one (Rasa's TwoStageFallbackAction.deactivate)."""
    return [
        *said(text, intent),
        ActionExecuted("action_two_stage_fallback"),
        ActiveLoop(None),
        UserUtteranceReverted(),
        ActionExecuted("action_listen"),
        UserUttered(text, {"name": intent, "confidence": 1.0}, []),
    ]


def test_no_cut_while_a_fallback_waits_for_its_answer(domain: Domain) -> None:
    """The cut used to fall between "did you mean…?" and the typed answer: the revert that
    ends the fallback could not reach the message before the cut, the fallback stayed
    active for ever, and the next fallback answered by a new question looped without end
    (a Sanic worker spinning, the person without an answer)."""
    events: list[Event] = [ActionExecuted("action_session_start"), SessionStarted()]
    for n in range(2 * KEEP_TURNS - KEEP_TURNS):
        events += said(f"merci {n}", "thank") + answer("utter_thank")
    events += fallback_asked("au chomage depuis 6 mois c toujours la cpam")
    asked_first = events[-3]
    events += fallback_answered("il me faudrait le numero de secu", "ambiguous_number")
    events += answer("action_say_ambiguous_number")
    # 21 turns in all (the answered fallback counts twice: typed, then replayed): the
    # KEEP_TURNS-th last one is the answer to the first "did you mean…?"
    for n in range(KEEP_TURNS - 5):
        events += said(f"merci encore {n}", "thank") + answer("utter_thank")
    events += fallback_asked("ma carte vitale a une photo de moi a 20 ans")
    events += fallback_answered("une faute dans mon nom sur ma carte", "correct_error")
    full = DialogueStateTracker.from_events("fallback", events, domain.slots)
    assert full.active_loop_name is None  # the fallback is over: the answer is handled
    tracker, cut, _state = windowed("fallback", events, domain.slots)
    assert tracker.active_loop_name is None
    assert 0 < cut < events.index(asked_first)  # before the first fallback, not inside
    assert states(tracker, domain, 6) == states(full, domain, 6)
    assert tracker.latest_message.intent_name == "correct_error"


def stored_texts(url: str, sender: str) -> list[str]:
    return [event.get("text") for event in stored_events(url, sender)]


def store_on(url: str, domain: Domain) -> RedactingTrackerStore:
    return RedactingTrackerStore(domain, inner={"url": url})


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with new_store_url(request.param, tmp_path, "window") as url:
        yield url


def play_turn(store: RedactingTrackerStore, sender: str, message: str) -> DialogueStateTracker:
    """What Rasa does in a turn: fetch, add the turn's events, save."""
    tracker = asyncio.run(store.retrieve(sender))
    assert tracker is not None
    for event in turn(message, "thank") + answer("utter_thank") + [ActionExecuted("action_listen")]:
        tracker.update(event)
    asyncio.run(store.save(tracker))
    return tracker


def test_the_store_hands_out_a_window_and_stores_every_event_once(
    domain: Domain, database: str
) -> None:
    store = store_on(database, domain)
    sender = f"window-{uuid.uuid4().hex[:8]}"
    events = long_conversation(45)
    first = DialogueStateTracker.from_events(sender, events, domain.slots)
    asyncio.run(store.save(first))  # a tracker Rasa built itself: saved whole
    expected = [e.as_dict().get("text") for e in events]
    assert stored_texts(database, sender) == expected

    tracker = asyncio.run(store.retrieve(sender))
    assert tracker is not None and len(tracker.events) < len(events) / 2
    assert tracker.get_slot("appointment_reason") == "carte_vitale"
    assert tracker.active_loop_name == "appointment_form"

    for n in range(25):  # the window moves on every 10 turns, the cache follows it
        tracker = play_turn(store, sender, f"encore merci {n}")
        expected += [None, f"encore merci {n}", None, None, "réponse de utter_thank", None]
    assert stored_texts(database, sender) == expected
    assert tracker.get_slot("status") == "etudiant"

    elsewhere = store_on(database, domain)  # another process: no cache, same state
    fresh = asyncio.run(elsewhere.retrieve(sender))
    cached = asyncio.run(store.retrieve(sender))
    full = DialogueStateTracker.from_events(
        sender, [Event.from_parameters(e) for e in stored_events(database, sender)], domain.slots
    )
    for candidate in (fresh, cached):
        assert candidate is not None
        assert candidate.current_slot_values() == full.current_slot_values()
        assert candidate.active_loop_name == full.active_loop_name
        assert states(candidate, domain, 12) == states(full, domain, 12)


def test_a_new_session_starts_from_nothing(domain: Domain, database: str) -> None:
    store = store_on(database, domain)
    sender = f"gone-{uuid.uuid4().hex[:8]}"
    asyncio.run(
        store.save(DialogueStateTracker.from_events(sender, long_conversation(45), domain.slots))
    )
    assert asyncio.run(store.retrieve(sender)).get_slot("status") == "etudiant"  # window cached

    tracker = asyncio.run(store.retrieve(sender))
    for event in [
        ActionExecuted("action_session_start"),
        SessionStarted(),
        ActionExecuted("action_listen"),
    ]:
        tracker.update(event)
    asyncio.run(store.save(tracker))
    renewed = asyncio.run(store.retrieve(sender))
    assert renewed.get_slot("status") is None and renewed.active_loop_name is None


def test_a_purged_conversation_is_not_resurrected(domain: Domain, database: str) -> None:
    store = store_on(database, domain)
    sender = f"purged-{uuid.uuid4().hex[:8]}"
    events = long_conversation(45)[2:]  # a conversation without session events
    asyncio.run(store.save(DialogueStateTracker.from_events(sender, events, domain.slots)))
    assert asyncio.run(store.retrieve(sender)).get_slot("status") == "etudiant"  # window cached

    engine = create_engine(database, future=True)
    with engine.begin() as connection:  # what `make purge` does to an old conversation
        connection.execute(text("DELETE FROM events WHERE sender_id = :s"), {"s": sender})
    engine.dispose()
    # the same person, weeks later, served by another process first, then by this one
    await_new_conversation(store_on(database, domain), sender)
    back = asyncio.run(store.retrieve(sender))
    assert back is not None and back.latest_message.text == "bonjour"
    assert back.get_slot("status") is None and back.active_loop_name is None
    assert asyncio.run(store.retrieve(sender)).get_slot("status") is None


def await_new_conversation(store: RedactingTrackerStore, sender: str) -> DialogueStateTracker:
    tracker = asyncio.run(store.get_or_create_tracker(sender))
    for event in (
        turn("bonjour", "greet") + answer("utter_help") + [ActionExecuted("action_listen")]
    ):
        tracker.update(event)
    asyncio.run(store.save(tracker))
    back = asyncio.run(store.retrieve(sender))
    assert back is not None and back.latest_message.text == "bonjour"
    return back


def test_new_events_appended_through_the_window_are_masked(domain: Domain, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    store = store_on(url, domain)
    asyncio.run(
        store.save(DialogueStateTracker.from_events("nir", long_conversation(30), domain.slots))
    )
    tracker = asyncio.run(store.retrieve("nir"))
    tracker.update(ActionExecuted("action_listen"))
    tracker.update(UserUttered("mon numero 1 85 05 78 006 084 45", {"name": "check_nir"}))
    asyncio.run(store.save(tracker))
    dump = json.dumps(stored_events(url, "nir"), ensure_ascii=False)
    assert "006 084" not in dump and "••" in dump
