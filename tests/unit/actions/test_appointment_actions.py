"""The booking dialogue's actions, as a user would read them, on a real agenda database."""

from __future__ import annotations

import asyncio

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.appointment import (
    ActionAppointmentBooked,
    ActionAskAppointmentConfirmed,
    ActionAskAppointmentReason,
    ActionAskAppointmentTime,
    ActionCancelAppointment,
    ActionListAppointments,
    ActionStartAppointment,
    ValidateAppointmentForm,
)
from tests.adapters import make_tracker, run_action, said
from tests.adapters import slot_values as slots

pytestmark = pytest.mark.usefixtures("knowledge_db", "empty_agenda")


FILLED = {
    "appointment_reason": "carte_vitale",
    "appointment_channel": "phone",
    "appointment_department": "33",
}


def extract(text: str, intent: str = "inform", entities=None, sender="test", **slot_values):
    tracker = make_tracker(text, intent, entities, slots=dict(slot_values), sender_id=sender)
    dispatcher = CollectingDispatcher()
    changes = asyncio.run(ValidateAppointmentForm().extract(dispatcher, tracker))
    return changes, dispatcher.messages


def offer(domain, **slot_values) -> tuple[list[dict], list[str]]:
    tracker = make_tracker("...", "inform", slots={**FILLED, **slot_values})
    messages, events = run_action(ActionAskAppointmentTime(), tracker, domain)
    return messages, slots(events)["appointment_offered"].split()


def test_the_first_message_fills_what_it_says_and_warns_it_is_a_demo(domain) -> None:
    tracker = make_tracker(
        "je veux un rdv par telephone pour ma carte vitale",
        "book_appointment",
        slots={"department": "69"},
    )
    messages, events = run_action(ActionStartAppointment(), tracker, domain)
    assert "démonstration" in messages[0]["text"] and "3646 (service gratuit" in messages[0]["text"]
    assert "Aucun conseiller ne vous appellera" in messages[0]["text"]
    values = slots(events)
    assert values["appointment_reason"] == "carte_vitale"
    assert values["appointment_channel"] == "phone"
    assert values["appointment_department"] == "69"  # known from earlier in the conversation
    assert values["appointment_time"] is None and values["appointment_confirmed"] is None


def test_reasons_are_offered_as_buttons(domain) -> None:
    messages, _ = run_action(ActionAskAppointmentReason(), make_tracker("", "inform"), domain)
    payloads = [b["payload"] for b in messages[0]["buttons"]]
    assert len(payloads) == 5 and '/inform{"appointment_reason": "registration"}' in payloads


def test_reasons_and_documents_in_english(domain) -> None:
    tracker = make_tracker("", "inform", slots={"language": "en"})
    messages, _ = run_action(ActionAskAppointmentReason(), tracker, domain)
    titles = [b["title"] for b in messages[0]["buttons"]]
    assert titles[0] == "Carte Vitale (lost, stolen, order)" and "Other request" in titles[-1]
    filled = book_through_the_form(domain, {"language": "en"})
    messages, _ = run_action(
        ActionAppointmentBooked(), make_tracker("yes", "affirm", slots=filled), domain
    )
    text = messages[0]["text"]
    assert filled["appointment_reference"] in text and "An ID document" in text
    assert "pièce d'identité" not in text and "vous" not in text


@pytest.mark.parametrize(
    ("text", "asked", "expected"),
    [
        (
            "c'est pour ma carte vitale",
            "appointment_reason",
            {"appointment_reason": "carte_vitale"},
        ),
        ("je suis nee a l'etranger", "appointment_reason", {"appointment_reason": "registration"}),
        ("plutot en agence", "appointment_channel", {"appointment_channel": "agency"}),
        ("qu'on me rappelle", "appointment_channel", {"appointment_channel": "phone"}),
        ("bordeaux", "appointment_department", {"appointment_department": "33"}),
        ("2A", "appointment_department", {"appointment_department": "2A"}),
    ],
)
def test_answers_typed_in_words(text: str, asked: str, expected: dict) -> None:
    changes, _ = extract(text, requested_slot=asked)
    assert expected.items() <= changes.items()


def test_an_ambiguous_commune_gets_a_question_back() -> None:
    changes, messages = extract(
        "saint denis",
        entities=[{"entity": "city", "value": "Saint-Denis"}],
        requested_slot="appointment_department",
    )
    assert changes == {"appointment_department": None}
    titles = " ".join(b["title"] for b in messages[0]["buttons"])
    assert "93" in titles and "974" in titles


def test_a_change_of_mind_resets_the_time_already_chosen() -> None:
    changes, _ = extract(
        "en fait c'est pour une attestation",
        requested_slot="appointment_confirmed",
        **FILLED,
        appointment_time="2026-12-01T09:00",
    )
    assert changes["appointment_reason"] == "rights"
    assert changes["appointment_time"] is None and changes["appointment_confirmed"] is None


def test_times_offered_then_chosen_by_rank_or_button(domain) -> None:
    messages, offered = offer(domain)
    buttons = messages[0]["buttons"]
    assert len(buttons) == 6 and buttons[-1]["title"] == "Plus tard"
    assert "CPAM de la Gironde" in messages[0]["text"]
    changes, _ = extract(
        "le deuxieme", requested_slot="appointment_time", appointment_offered=" ".join(offered)
    )
    assert changes == {"appointment_time": offered[1][:16]}
    later, _ = extract(
        '/inform{"appointment_later": "1"}',
        entities=[{"entity": "appointment_later", "value": "1"}],
        requested_slot="appointment_time",
        appointment_offered=" ".join(offered),
    )
    assert later["appointment_after"] == offered[-1]
    _, after = offer(domain, appointment_after=offered[-1])
    assert min(after) > max(offered)


def test_a_time_that_was_not_offered_is_refused() -> None:
    changes, messages = extract(
        "dimanche 3h", requested_slot="appointment_time", appointment_offered="2026-12-01T09:00:00"
    )
    assert changes == {"appointment_time": None}
    assert said(messages) == ["appointment_pick_offered"]


@pytest.mark.parametrize(
    ("text", "phone"),
    [("06 12 34 56 78", "+33612345678"), ("mon num c le +33 7 81 22 33 44", "+33781223344")],
)
def test_a_phone_number_is_normalised(text: str, phone: str) -> None:
    changes, _ = extract(text, requested_slot="appointment_phone", **FILLED)
    assert changes == {"appointment_phone": phone}


def test_a_wrong_phone_number_is_asked_again_and_never_repeated() -> None:
    changes, messages = extract("08 99 12 34 56", requested_slot="appointment_phone", **FILLED)
    assert changes == {"appointment_phone": None}
    assert said(messages) == ["appointment_phone_invalid"]
    assert "99 12" not in messages[0]["text"]


def test_a_side_question_fills_nothing_so_the_rules_answer_it() -> None:
    changes, messages = extract(
        "c'est gratuit ?", "ask_cost", requested_slot="appointment_phone", **FILLED
    )
    assert changes == {} and messages == []


def book_through_the_form(domain, sender_slots: dict | None = None) -> dict:
    _, offered = offer(domain)
    filled = {
        **FILLED,
        "appointment_time": offered[0][:16],
        "appointment_phone": "+33612345678",
        **(sender_slots or {}),
    }
    summary, _ = run_action(
        ActionAskAppointmentConfirmed(), make_tracker("", "inform", slots=filled), domain
    )
    assert "06 •• •• •• 78" in summary[0]["text"] and "Carte Vitale" in summary[0]["text"]
    assert "12 34 56" not in summary[0]["text"]  # never shown in full once typed
    changes, _ = extract("oui", "affirm", requested_slot="appointment_confirmed", **filled)
    return {**filled, **changes}


def test_confirming_books_and_tells_the_reference_date_and_documents(domain) -> None:
    filled = book_through_the_form(domain)
    assert filled["appointment_confirmed"] is True
    reference = filled["appointment_reference"]
    messages, events = run_action(
        ActionAppointmentBooked(), make_tracker("oui", "affirm", slots=filled), domain
    )
    text = messages[0]["text"]
    assert reference in text and "06 •• •• •• 78" in text and " à " in text
    assert "12 34 56" not in text
    assert "pièce d'identité" in text and "démonstration" in text
    assert "aucun conseiller ne vous appellera" in text and "compte ameli" in text
    assert slots(events)["appointment_phone"] is None  # not kept once booked
    listed, _ = run_action(
        ActionListAppointments(), make_tracker("mes rdv", "list_appointments"), domain
    )
    assert reference in listed[0]["text"] and "06 •• •• •• 78" in listed[0]["text"]
    assert "12 34 56" not in listed[0]["text"]


def test_the_same_time_booked_by_someone_else_meanwhile(domain) -> None:
    first = book_through_the_form(domain)
    assert first["appointment_confirmed"] is True
    second, messages = extract(
        "oui",
        "affirm",
        sender="someone-else",
        requested_slot="appointment_confirmed",
        **{
            k: v
            for k, v in first.items()
            if k.startswith("appointment_")
            and k not in ("appointment_confirmed", "appointment_reference")
        },
    )
    assert said(messages) == ["appointment_taken"]
    assert second["appointment_time"] is None


def test_no_at_the_summary_asks_what_to_change(domain) -> None:
    changes, messages = extract("non", "deny", requested_slot="appointment_confirmed", **FILLED)
    assert changes == {"appointment_changing": True, "appointment_confirmed": None}
    assert "Le créneau" in [b["title"] for b in messages[0]["buttons"]]
    picked, _ = extract(
        "le creneau",
        requested_slot="appointment_confirmed",
        appointment_changing=True,
        appointment_time="2026-12-01T09:00",
        **FILLED,
    )
    assert picked["appointment_time"] is None and picked["appointment_changing"] is False


def test_cancel_asks_first_then_frees_the_time(domain) -> None:
    filled = book_through_the_form(domain)
    reference = filled["appointment_reference"]
    ask, events = run_action(
        ActionCancelAppointment(),
        make_tracker(f"annuler {reference.lower()}", "cancel_appointment"),
        domain,
    )
    assert said(ask) == ["ask_appointment_cancel"]
    assert slots(events) == {"appointment_to_cancel": reference}
    done, _ = run_action(
        ActionCancelAppointment(),
        make_tracker("oui", "affirm", slots={"appointment_to_cancel": reference}),
        domain,
    )
    assert said(done) == ["appointment_cancelled"]
    listed, _ = run_action(
        ActionListAppointments(), make_tracker("mes rdv", "list_appointments"), domain
    )
    assert reference not in listed[0]["text"]


def test_an_unknown_reference_gets_a_clear_answer(domain) -> None:
    messages, _ = run_action(
        ActionCancelAppointment(),
        make_tracker("annuler RDV-9ZZZ9Z", "cancel_appointment"),
        domain,
    )
    assert said(messages) == ["appointment_unknown_reference"]
    assert "RDV-9ZZZ9Z" in messages[0]["text"]


def test_a_repeated_yes_gets_the_same_booking_not_a_second_one(domain) -> None:
    """The reply to the first "oui" timed out after the booking was committed: the user
    says "oui" again, the form is still at the summary, and gets the same reference."""
    first = book_through_the_form(domain)
    again, messages = extract(
        "oui",
        "affirm",
        requested_slot="appointment_confirmed",
        **{
            k: v
            for k, v in first.items()
            if k.startswith("appointment_")
            and k not in ("appointment_confirmed", "appointment_reference")
        },
    )
    assert messages == []
    assert again == {
        "appointment_confirmed": True,
        "appointment_reference": first["appointment_reference"],
    }
    listed, _ = run_action(
        ActionListAppointments(), make_tracker("mes rdv", "list_appointments"), domain
    )
    assert listed[0]["text"].count("RDV-") == 1


def book_at(domain, index: int) -> dict:
    """Books the index-th offered time (a different time each call)."""
    _, offered = offer(domain)
    filled = {
        **FILLED,
        "appointment_time": offered[index][:16],
        "appointment_phone": "+33612345678",
    }
    changes, _ = extract("oui", "affirm", requested_slot="appointment_confirmed", **filled)
    return changes


def test_at_most_three_bookings_to_come_per_conversation(domain) -> None:
    references = [book_at(domain, 0)["appointment_reference"] for _ in range(3)]
    assert len(set(references)) == 3
    start, events = run_action(
        ActionStartAppointment(), make_tracker("un autre rdv", "book_appointment"), domain
    )
    assert start == [] and slots(events)["appointment_blocked"] is True
    blocked = {**FILLED, "appointment_blocked": True}
    required = asyncio.run(
        ValidateAppointmentForm().required_slots(
            [], CollectingDispatcher(), make_tracker("x", "inform", slots=blocked), domain
        )
    )
    assert required == []  # the form asks nothing
    messages, events = run_action(
        ActionAppointmentBooked(), make_tracker("x", "inform", slots=blocked), domain
    )
    text = messages[0]["text"]
    assert "déjà 3 rendez-vous" in text and all(r in text for r in references)
    assert "annul" in text and len(messages[0]["buttons"]) == 3
    assert slots(events)["appointment_blocked"] is False
    # and the database refuses a fourth even if the form was started before the third
    fourth = book_at(domain, 0)
    assert fourth == {"appointment_blocked": True, "appointment_confirmed": None}
    # another conversation is not limited by this one
    other = make_tracker("un rdv", "book_appointment", sender_id="another-conversation")
    _, events = run_action(ActionStartAppointment(), other, domain)
    assert slots(events)["appointment_blocked"] is False
