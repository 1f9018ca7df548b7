"""Listing and cancelling this conversation's appointments, and how a booking is written
in a list ("RDV-7K3F9Q : mardi 8 décembre à 9 h 30, carte vitale (rappel au 06 •• •• •• 78)").

The decisions that need the agenda take a session first: run them with
``secu.knowledge.db.run_in_session`` (cancelling in a locked one: :func:`cancels_now`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from secu.agenda import service
from secu.agenda.french_time import french_datetime
from secu.agenda.references import find_reference
from secu.content import Button, button, render
from secu.dialogue.booking import TO_CANCEL
from secu.dialogue.turn import Reply, Turn

PARIS = "Europe/Paris"
MOST_CANCEL_BUTTONS = 4


def when_text(starts_at: dt.datetime, agency: service.AgencyInfo) -> str:
    """The date and time in French, "(heure locale)" outside metropolitan France's zone."""
    when = french_datetime(starts_at)
    return when if agency.timezone == PARIS else render("booking_local_time", when=when)


def booking_line(booking: service.BookingInfo) -> str:
    """One booking: its reference, when, why, and where or which phone."""
    if booking.channel == "phone":
        where = render("booking_where_phone", phone=booking.phone_masked)
    else:
        where = render("booking_where_agency", agency=booking.agency.name, city=booking.agency.city)
    return render(
        "booking_line",
        reference=booking.reference,
        when=when_text(booking.starts_at, booking.agency),
        reason=booking.reason.label.lower(),
        where=where,
    )


def booking_lines(bookings: list[service.BookingInfo]) -> str:
    """The bookings as the lines of a list ("- RDV-… : …")."""
    return "\n".join(render("booking_list_item", line=booking_line(b)) for b in bookings)


def cancel_buttons(bookings: list[service.BookingInfo]) -> list[Button]:
    """One "Annuler RDV-…" button per booking (the first four)."""
    return [
        button(
            render("button_booking_cancel", reference=b.reference),
            "cancel_appointment",
            appointment_reference=b.reference,
        )
        for b in bookings[:MOST_CANCEL_BUTTONS]
    ]


def listing(session: Any, turn: Turn) -> Reply:
    """This conversation's appointments, each with a button to cancel it."""
    bookings = service.bookings_of(session, turn.sender)
    if not bookings:
        return Reply.say("appointments_none")
    return Reply.say("appointments_list", cancel_buttons(bookings), lines=booking_lines(bookings))


def cancels_now(turn: Turn) -> bool:
    """The user said yes to "do you really want to cancel?" (needs a locked session)."""
    return bool(turn.slot(TO_CANCEL)) and turn.intent == "affirm"


def cancelling(session: Any, turn: Turn, now: dt.datetime) -> Reply:
    """Cancels one of this conversation's appointments, after a yes: asks which one
    (by its reference, or the only one), then cancels or keeps it."""
    pending = turn.slot(TO_CANCEL)
    forget = Reply(slots={TO_CANCEL: None})
    if cancels_now(turn):
        cancelled = service.cancel(session, turn.sender, pending, now)
        if cancelled is None:
            return Reply.say("appointment_unknown_reference", reference=pending).then(forget)
        return Reply.say("appointment_cancelled", line=booking_line(cancelled)).then(forget)
    if pending and turn.intent == "deny":
        return Reply.say("appointment_kept", reference=pending).then(forget)
    return forget.then(which_to_cancel(session, turn))


def which_to_cancel(session: Any, turn: Turn) -> Reply:
    """The booking named by its reference, or the only one; else the list to choose from.
    The chosen one is asked about (and kept in ``appointment_to_cancel``)."""
    reference = find_reference(turn.entity("appointment_reference") or turn.text)
    bookings = service.bookings_of(session, turn.sender)
    if reference is not None:
        chosen = [b for b in bookings if b.reference == reference]
        if not chosen:
            return Reply.say("appointment_unknown_reference", reference=reference)
    elif len(bookings) == 1:
        chosen = bookings
    elif not bookings:
        return Reply.say("appointments_none")
    else:
        return Reply.say(
            "appointment_which_to_cancel", cancel_buttons(bookings), lines=booking_lines(bookings)
        )
    ask = Reply.say("ask_appointment_cancel", line=booking_line(chosen[0]))
    return ask.then(Reply(slots={TO_CANCEL: chosen[0].reference}))
