"""The action server is sent the last two user turns' events (addons/action_payload.py):
at every point of long conversations the actions read the same from it as from the
whole tracker, and the rest of the request is Rasa's."""

from __future__ import annotations

from pathlib import Path

import pytest
import rasa
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    Event,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity
from rasa_sdk import Tracker

from actions.adapter import previous_action, read_turn
from addons.action_payload import RecentTurns, action_call_format, recent_events
from tests.unit.addons.test_conversation_window import (
    fallback_answered,
    fallback_asked,
    long_conversation,
    said,
)

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "domain.yml"))


def with_fallbacks_and_a_nir_form() -> list[Event]:
    events: list[Event] = [ActionExecuted("action_session_start"), SessionStarted()]
    events += said("hello, i lost my social security number", "lost_number")
    events += [ActionExecuted("action_lookup_procedure"), BotUttered("Your number is on…")]
    events += fallback_asked("bla bla ma carte")
    events += fallback_answered("ma carte vitale est cassee", "carte_vitale")
    events += [ActionExecuted("action_lookup_procedure"), SlotSet("topic", "carte_vitale")]
    events += said("verifie mon numero", "check_nir")
    events += [ActionExecuted("nir_form"), ActiveLoop("nir_form")]
    events += [SlotSet("requested_slot", "nir_to_check"), BotUttered("Tapez le numéro")]
    events += said("je sais pas", "deny")
    events += [ActionExecuted("nir_form"), SlotSet("nir_to_check", None)]
    events += [ActiveLoop(None), SlotSet("requested_slot", None)]
    events += [ActionExecuted("action_listen")]
    return events


CONVERSATIONS = {
    "long, with a revert and a form": long_conversation(40),
    "fallbacks and a form": with_fallbacks_and_a_nir_form(),
}


def read(state: dict) -> tuple:
    """What the actions read of a tracker: the Turn, and rasa_sdk's own readings."""
    tracker = Tracker.from_dict(state)
    return (
        read_turn(tracker),
        previous_action(tracker),
        tracker.slots_to_validate(),
        tracker.get_latest_input_channel(),
        tracker.active_loop,
        tracker.latest_message,
    )


@pytest.mark.parametrize("name", CONVERSATIONS)
def test_the_actions_read_the_same_at_every_point(name: str, domain: Domain) -> None:
    events = CONVERSATIONS[name]
    shorter = 0
    for end in range(1, len(events) + 1):
        tracker = DialogueStateTracker.from_events("payload", events[:end], domain.slots)
        whole = tracker.current_state(EventVerbosity.ALL)
        sent = RecentTurns(tracker).current_state()
        assert {**sent, "events": None} == {**whole, "events": None}
        assert whole["events"][len(whole["events"]) - len(sent["events"]) :] == sent["events"]
        assert read(sent) == read(whole), f"{name}, after event {end}"
        shorter += len(sent["events"]) < len(whole["events"])
    assert shorter > len(events) / 2  # most calls are shorter


def test_recent_events_start_at_the_listen_before_the_message_before_last() -> None:
    events = said("un", "greet") + said("deux", "thank") + said("trois", "affirm")
    assert recent_events(events) == events[3:]
    assert recent_events(events[:6]) == events[:6]  # two user messages: all of it
    assert recent_events([UserUttered("seul"), UserUttered("deux")]) == [
        UserUttered("seul"),
        UserUttered("deux"),
    ]


def test_the_request_is_rasas_with_fewer_events(domain: Domain) -> None:
    events = long_conversation(30)
    tracker = DialogueStateTracker.from_events("payload", events, domain.slots)
    action = RemoteAction("action_lookup_procedure", None)
    request = action_call_format(action, tracker, domain)
    assert request["next_action"] == "action_lookup_procedure"
    assert request["sender_id"] == "payload" and request["version"] == rasa.__version__
    assert request["domain"] == domain.as_dict()
    assert request["tracker"]["slots"] == tracker.current_slot_values()
    assert len(request["tracker"]["events"]) < len(events) / 5


def test_the_domain_goes_only_to_the_actions_that_read_it(domain: Domain, monkeypatch) -> None:
    """endpoints.yml sends the domain to the forms' validate_* actions only (rasa_sdk's
    FormValidationAction reads the form's required slots in it); every other action of
    domain.yml is called without it."""
    from rasa.core.utils import AvailableEndpoints

    monkeypatch.setenv("ACTION_ENDPOINT_URL", "http://127.0.0.1:5055/webhook")
    monkeypatch.setenv("ACTION_SERVER_TOKEN", "secret")
    endpoint = AvailableEndpoints.read_endpoints(str(ROOT / "endpoints.yml")).action
    assert endpoint is not None
    tracker = DialogueStateTracker.from_events("someone", with_fallbacks_and_a_nir_form())
    custom = [name for name in domain.user_actions if name.startswith(("action_", "validate_"))]
    validators = {name for name in custom if name.startswith("validate_")}
    assert validators == {"validate_nir_form", "validate_appointment_form"}
    for name in custom:
        call = RemoteAction(name, endpoint)._action_call_format(tracker, domain)
        if name in validators:
            assert call["domain"]["forms"][name.removeprefix("validate_")]["required_slots"]
        else:
            assert "domain" not in call, name
