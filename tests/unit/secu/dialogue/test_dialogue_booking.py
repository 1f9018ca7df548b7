"""The booking's decisions from a Turn built by hand (no Rasa): what a message changes
in the form, what is said at each step, listing and cancelling on a real agenda."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from secu.agenda import service
from secu.agenda.phone import parse_phone
from secu.content import answer
from secu.dialogue import booking, booking_asks, booking_list
from secu.dialogue.booking import (
    BLOCKED,
    CHANGING,
    CHANNEL,
    CONFIRMED,
    OFFERED,
    PHONE,
    PLACE,
    REASON,
    REFERENCE,
    TIME,
    TO_CANCEL,
    ToBook,
    booking_changes,
)
from secu.dialogue.turn import Entity, Reply, Turn

# Friday 27 November 2026, 10:00 in Paris.
NOW = dt.datetime(2026, 11, 27, 9, 0, tzinfo=dt.timezone.utc)
FILLED = {REASON: "carte_vitale", CHANNEL: "phone", PLACE: "33"}
GIRONDE = service.AgencyInfo("33", "33", "CPAM de la Gironde", "Bordeaux", "Europe/Paris", True)
REUNION = service.AgencyInfo(
    "974", "974", "CGSS de La Réunion", "Saint-Denis", "Indian/Reunion", True
)
VITALE = service.ReasonInfo("carte_vitale", "Carte Vitale (perte, vol)", 30, ("Pièce d'identité",))


def turn(
    text: str = "",
    intent: str = "inform",
    asked: str | None = None,
    entities: dict[str, str] | None = None,
    sender: str = "domain-test",
    **slots: Any,
) -> Turn:
    return Turn(
        text=text,
        intent=intent,
        entities=tuple(Entity(name, value) for name, value in (entities or {}).items()),
        slots={**slots, "requested_slot": asked},
        sender=sender,
    )


def texts(reply: Reply) -> list[str]:
    """What the user reads."""
    return [answer(m.key).render(**m.values) for m in reply.messages]


def titles(reply: Reply) -> list[str]:
    return [b.title for m in reply.messages for b in m.buttons or ()]


def changes(reply: Reply | ToBook) -> dict[str, Any]:
    assert isinstance(reply, Reply)
    return dict(reply.slots)


# -- the form: what a message changes (no database) --------------------------------------


def test_the_form_asks_the_phone_only_for_a_call_back_and_nothing_when_blocked() -> None:
    assert booking.required_slots(turn(**FILLED)) == list(booking.FORM_SLOTS)
    assert PHONE not in booking.required_slots(turn(**{**FILLED, CHANNEL: "agency"}))
    assert booking.required_slots(turn(**FILLED, **{BLOCKED: True})) == []


def test_words_fill_the_slot_asked() -> None:
    assert changes(booking_changes(turn("c'est pour ma carte vitale", asked=REASON))) == {
        REASON: "carte_vitale",
        TIME: None,
        OFFERED: None,
        CONFIRMED: None,
    }
    assert changes(booking_changes(turn("bordeaux", asked=PLACE)))[PLACE] == "33"


def test_the_agency_forgets_the_phone_and_a_same_answer_changes_nothing_else() -> None:
    assert changes(booking_changes(turn("plutot en agence", asked=CHANNEL, **FILLED))) == {
        CHANNEL: "agency",
        TIME: None,
        OFFERED: None,
        CONFIRMED: None,
        PHONE: None,
    }
    assert changes(booking_changes(turn("qu'on me rappelle", asked=CHANNEL, **FILLED))) == {}


def test_a_phone_number_typed_is_no_channel() -> None:
    reply = booking_changes(turn("06 12 34 56 78", asked=PHONE, **FILLED))
    assert changes(reply) == {PHONE: "+33612345678"} and reply.messages == ()


def test_a_wrong_phone_number_is_asked_again() -> None:
    reply = booking_changes(turn("08 99 12 34 56", asked=PHONE, **FILLED))
    assert changes(reply) == {PHONE: None}
    assert [m.key for m in reply.messages] == ["appointment_phone_invalid"]


def test_an_ambiguous_commune_asks_which_one_with_the_shared_question() -> None:
    reply = booking_changes(turn("saint denis", asked=PLACE, entities={"city": "Saint-Denis"}))
    assert changes(reply) == {PLACE: None}
    assert [m.key for m in reply.messages] == ["ask_which_commune"]
    assert "Saint-Denis (La Réunion, 974)" in titles(reply)


def test_an_unknown_place_is_said_only_when_the_place_was_asked() -> None:
    reply = booking_changes(turn("zzzz", asked=PLACE))
    assert changes(reply) == {PLACE: None}
    assert [m.key for m in reply.messages] == ["appointment_unknown_place"]
    assert booking_changes(turn("zzzz", asked=TIME)) == Reply()


def test_times_are_picked_among_those_offered_or_later_ones_asked() -> None:
    offered = "2026-12-01T09:00:00 2026-12-01T09:30:00"
    picked = booking_changes(turn("le deuxieme", asked=TIME, **{OFFERED: offered}))
    assert changes(picked) == {TIME: "2026-12-01T09:30"}
    later = booking_changes(
        turn("plus tard", asked=TIME, entities={"appointment_later": "1"}, **{OFFERED: offered})
    )
    assert changes(later) == {booking.AFTER: "2026-12-01T09:30:00", TIME: None}
    refused = booking_changes(turn("dimanche 3h", asked=TIME, **{OFFERED: offered}))
    assert changes(refused) == {TIME: None}
    assert [m.key for m in refused.messages] == ["appointment_pick_offered"]


def test_no_at_the_summary_offers_what_to_change_then_empties_it() -> None:
    reply = booking_changes(turn("non", "deny", asked=CONFIRMED, **FILLED))
    assert changes(reply) == {CHANGING: True, CONFIRMED: None}
    assert titles(reply) == [
        "Le motif",
        "Téléphone ou accueil",
        "Le lieu",
        "Le créneau",
        "Le numéro de téléphone",
    ]
    payloads = [b.payload for b in reply.messages[0].buttons or ()]
    assert payloads[0] == '/inform{"appointment_change": "appointment_reason"}'
    picked = booking_changes(
        turn("le lieu", asked=CONFIRMED, **FILLED, **{CHANGING: True, TIME: "2026-12-01T09:00"})
    )
    assert changes(picked) == {
        PLACE: None,
        CHANGING: False,
        CONFIRMED: None,
        TIME: None,
        OFFERED: None,
    }


def test_a_change_while_changing_ends_the_question() -> None:
    reply = booking_changes(
        turn("en fait pour une attestation", asked=CONFIRMED, **FILLED, **{CHANGING: True})
    )
    assert changes(reply)[REASON] == "rights" and changes(reply)[CHANGING] is False


def test_yes_at_the_summary_asks_to_book_and_a_side_question_changes_nothing() -> None:
    confirmed = turn("oui", "affirm", asked=CONFIRMED, **FILLED)
    assert booking_changes(confirmed) == ToBook(confirmed)
    assert booking_changes(turn("c'est gratuit ?", "ask_cost", asked=PHONE, **FILLED)) == Reply()


def test_a_fresh_form_keeps_what_the_first_message_says() -> None:
    reply = booking_asks.fresh_form(
        turn("un rdv par telephone pour ma carte vitale", department="69"), blocked=False
    )
    assert [m.key for m in reply.messages] == ["appointment_intro"]
    assert {REASON: "carte_vitale", CHANNEL: "phone", PLACE: "69"}.items() <= reply.slots.items()
    blocked = booking_asks.fresh_form(turn("un rdv"), blocked=True)
    assert blocked.messages == () and blocked.slots[BLOCKED] is True


# -- how it is written (no database) -----------------------------------------------------


def a_booking(agency: service.AgencyInfo, channel: str) -> service.BookingInfo:
    masked = "06 •• •• •• 78" if channel == "phone" else None
    starts = dt.datetime(2027, 1, 1, 9, 30)
    return service.BookingInfo("RDV-7K3F9Q", agency, channel, VITALE, starts, 30, masked, "booked")


def test_a_booking_in_a_list() -> None:
    assert booking_list.booking_line(a_booking(GIRONDE, "phone")) == (
        "RDV-7K3F9Q : vendredi 1er janvier à 9 h 30, carte vitale (perte, vol) "
        "(rappel au 06 •• •• •• 78)"
    )
    assert booking_list.booking_line(a_booking(REUNION, "agency")) == (
        "RDV-7K3F9Q : vendredi 1er janvier à 9 h 30 (heure locale), carte vitale (perte, vol) "
        "(CGSS de La Réunion, Saint-Denis)"
    )
    assert booking_list.booking_lines([a_booking(GIRONDE, "agency")] * 2).count("\n- RDV-") == 1


def test_how_the_appointment_happens() -> None:
    phone = parse_phone("06 12 34 56 78")
    assert booking_asks.how_text("phone", GIRONDE, phone) == (
        "rappel simulé au 06 •• •• •• 78 (CPAM de la Gironde)"
    )
    assert booking_asks.how_text("phone", GIRONDE, None) == (
        "rappel simulé au votre numéro (CPAM de la Gironde)"
    )
    assert booking_asks.how_text("agency", GIRONDE, phone) == (
        "à l'accueil : CPAM de la Gironde, Bordeaux"
    )


def test_one_cancel_button_per_booking_the_first_four() -> None:
    buttons = booking_list.cancel_buttons([a_booking(GIRONDE, "agency")] * 5)
    assert len(buttons) == 4
    assert buttons[0].as_dict() == {
        "title": "Annuler RDV-7K3F9Q",
        "payload": '/cancel_appointment{"appointment_reference": "RDV-7K3F9Q"}',
    }


def test_the_booking_tells_the_documents_to_bring() -> None:
    [text] = texts(booking_asks.booking_done(a_booking(GIRONDE, "agency")))
    assert "Votre rendez-vous RDV-7K3F9Q : le vendredi 1er janvier à 9 h 30, CPAM" in text
    assert "\n- Pièce d'identité ;\n" in text


# -- on the agenda database --------------------------------------------------------------


@pytest.fixture
def session(knowledge_db) -> Iterator[Any]:
    """A session of the test agenda, with no booking before nor after the test."""
    from secu.agenda.models import BookedCell, Booking
    from secu.knowledge.db import session_scope

    def empty() -> None:
        with session_scope() as cleaning:
            cleaning.query(BookedCell).delete()
            cleaning.query(Booking).delete()

    empty()
    with session_scope() as opened:
        yield opened
    empty()


def offered_times(session: Any, **slot_values: Any) -> list[str]:
    reply = booking_asks.ask_time(session, turn(**FILLED, **slot_values), NOW)
    return str(reply.slots[OFFERED]).split()


def test_free_times_as_buttons_then_later(session) -> None:
    reply = booking_asks.ask_time(session, turn(**FILLED), NOW)
    assert [m.key for m in reply.messages] == ["ask_appointment_time_phone"]
    assert titles(reply)[0] == "lun. 30 nov. 8 h 30" and titles(reply)[-1] == "Plus tard"
    assert "CPAM de la Gironde" in texts(reply)[0]
    offered = str(reply.slots[OFFERED]).split()
    assert min(offered_times(session, **{booking.AFTER: offered[-1]})) > max(offered)


def test_the_summary_then_the_booking_then_the_list(session) -> None:
    chosen = {**FILLED, TIME: offered_times(session)[0][:16], PHONE: "+33612345678"}
    [summary] = texts(booking_asks.summary(session, turn(**chosen)))
    assert "- le lundi 30 novembre à 8 h 30." in summary and "06 •• •• •• 78" in summary
    booked = booking.book(session, ToBook(turn("oui", "affirm", **chosen)), NOW)
    reference = booked.slots[REFERENCE]
    assert dict(booked.slots) == {CONFIRMED: True, REFERENCE: reference}
    again = booking.book(session, ToBook(turn("oui", "affirm", **chosen)), NOW)
    assert again.slots[REFERENCE] == reference  # a repeated yes books nothing more
    taken = booking.book(session, ToBook(turn("oui", "affirm", sender="other", **chosen)), NOW)
    assert [m.key for m in taken.messages] == ["appointment_taken"] and taken.slots[TIME] is None
    done = booking_asks.booked(session, turn(**chosen, **{REFERENCE: reference}), NOW)
    assert [m.key for m in done.messages] == ["appointment_booked_phone"]
    assert done.slots[PHONE] is None
    [listed] = texts(booking_list.listing(session, turn()))
    assert listed.startswith("Vos rendez-vous :\n- " + reference)


def test_cancelling_asks_then_cancels_or_keeps(session) -> None:
    chosen = {**FILLED, TIME: offered_times(session)[0][:16], PHONE: "+33612345678"}
    reference = booking.book(session, ToBook(turn(**chosen)), NOW).slots[REFERENCE]
    ask = booking_list.cancelling(session, turn("annuler mon rdv", "cancel_appointment"), NOW)
    assert [m.key for m in ask.messages] == ["ask_appointment_cancel"]
    assert dict(ask.slots) == {TO_CANCEL: reference}
    assert not booking_list.cancels_now(turn("non", "deny", **{TO_CANCEL: reference}))
    kept = booking_list.cancelling(session, turn("non", "deny", **{TO_CANCEL: reference}), NOW)
    assert [m.key for m in kept.messages] == ["appointment_kept"]
    yes = turn("oui", "affirm", **{TO_CANCEL: reference})
    assert booking_list.cancels_now(yes)
    done = booking_list.cancelling(session, yes, NOW)
    assert [m.key for m in done.messages] == ["appointment_cancelled"]
    assert dict(done.slots) == {TO_CANCEL: None}
    none = booking_list.cancelling(session, turn("annuler", "cancel_appointment"), NOW)
    assert [m.key for m in none.messages] == ["appointments_none"]


def test_a_fourth_booking_to_come_is_refused(session) -> None:
    times = offered_times(session)
    for start in times[:3]:
        booking.book(session, ToBook(turn(**{**FILLED, TIME: start[:16]})), NOW)
    assert booking_asks.start(session, turn("un rdv"), NOW).slots[BLOCKED] is True
    fourth = booking.book(session, ToBook(turn(**{**FILLED, TIME: times[3][:16]})), NOW)
    assert dict(fourth.slots) == {BLOCKED: True, CONFIRMED: None}
    blocked = booking_asks.booked(session, turn(**{BLOCKED: True}), NOW)
    assert [m.key for m in blocked.messages] == ["appointment_too_many"]
    assert len(titles(blocked)) == 3 and blocked.slots[BLOCKED] is False
