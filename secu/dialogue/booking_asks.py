"""What the booking says at each step: the start, the questions of ``appointment_form``
(reasons and free times as buttons, the summary) and the end (the booking, or how to
cancel one when the conversation holds too many).

The decisions that need the agenda take a session first: run them with
``secu.knowledge.db.run_in_session``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from secu.agenda import service
from secu.agenda.french_time import short_button
from secu.agenda.phone import Phone, phone_from_e164
from secu.agenda.words import Words, get_words
from secu.content import button, render
from secu.dialogue.booking import (
    AFTER,
    BLOCKED,
    CHANGING,
    CHANNEL,
    FORM_SLOTS,
    OFFERED,
    PHONE,
    PLACE,
    PLACE_ENTITIES,
    REASON,
    REFERENCE,
    TIME,
    Choice,
    change_buttons,
)
from secu.dialogue.booking_list import booking_lines, cancel_buttons, when_text
from secu.dialogue.turn import Reply, Turn
from secu.geo.geography import get_geography
from secu.geo.locate import Place, locate


def start(session: Any, turn: Turn, now: dt.datetime) -> Reply:
    """A fresh booking, blocked when the conversation already holds the most bookings."""
    active = service.active_bookings(session, turn.sender, now)
    return fresh_form(turn, blocked=len(active) >= service.MAX_ACTIVE_BOOKINGS)


def fresh_form(turn: Turn, blocked: bool, words: Words | None = None) -> Reply:
    """Starts a fresh booking, keeping what the first message already says ("un rdv par
    téléphone pour ma carte vitale") and the place known from before."""
    values: dict[str, Any] = {slot: None for slot in FORM_SLOTS}
    values.update({OFFERED: None, CHANGING: False, REFERENCE: None, AFTER: None})
    values[BLOCKED] = blocked
    if blocked:
        return Reply(slots=values)
    words = words or get_words()
    values[REASON] = turn.entity(REASON) or words.reason(turn.text)
    values[CHANNEL] = turn.entity(CHANNEL) or words.channel(turn.text)
    found = locate(get_geography(), **{name: turn.entity(name) for name in PLACE_ENTITIES})
    if isinstance(found, Place):
        values[PLACE] = found.department_code
    elif turn.slot("department"):
        values[PLACE] = turn.slot("department")
    return Reply.say("appointment_intro").then(Reply(slots=values))


def ask_reason(session: Any) -> Reply:
    """The reasons of the agenda as buttons."""
    buttons = [button(r.label, "inform", **{REASON: r.key}) for r in service.reasons(session)]
    return Reply.say("ask_appointment_reason", buttons)


def ask_time(session: Any, turn: Turn, now: dt.datetime) -> Reply:
    """Up to five next free times as buttons, plus "plus tard"; or none left."""
    choice = Choice.of(turn)
    after = turn.slot(AFTER)
    agency, reason = choice.load(session)
    times: list[dt.datetime] = []
    if agency is not None and reason is not None:
        times = service.free_times(
            session,
            agency,
            str(choice.channel),
            reason,
            now,
            after=dt.datetime.fromisoformat(after) if after else None,
        )
    if not times:
        return Reply.say("appointment_no_time", change_buttons(turn)).then(
            Reply(slots={OFFERED: None, AFTER: None})
        )
    buttons = [button(short_button(t), "inform", **{TIME: t.isoformat()}) for t in times]
    buttons.append(button(render("button_booking_later"), "inform", appointment_later="1"))
    key = "ask_appointment_time_phone" if choice.channel == "phone" else "ask_appointment_time"
    offered = " ".join(t.isoformat() for t in times)
    where = agency.name if agency is not None else ""
    return Reply.say(key, buttons, agency=where).then(Reply(slots={OFFERED: offered}))


def summary(session: Any, turn: Turn) -> Reply:
    """The summary before booking, or which field to change after a "non"."""
    if turn.slot(CHANGING):
        return Reply.say("appointment_what_to_change", change_buttons(turn))
    choice = Choice.of(turn)
    agency, reason = choice.load(session)
    if agency is None or reason is None:
        return Reply(slots={PLACE: None})
    starts_at = dt.datetime.fromisoformat(str(turn.slot(TIME)))
    return Reply.say(
        "ask_appointment_confirmed",
        reason=reason.label,
        how=how_text(choice.channel, agency, phone_from_e164(str(turn.slot(PHONE) or ""))),
        when=when_text(starts_at, agency),
    )


def how_text(channel: str | None, agency: service.AgencyInfo, phone: Phone | None) -> str:
    """How the appointment happens: a call-back to the (masked) number, or the agency."""
    if channel == "phone":
        number = phone.masked if phone is not None else render("booking_your_number")
        return render("booking_how_phone", phone=number, agency=agency.name)
    return render("booking_how_agency", agency=agency.name, city=agency.city)


def booked(session: Any, turn: Turn, now: dt.datetime) -> Reply:
    """The reference, the date and time in French, what to bring; clears the form. When
    the form was blocked: the bookings to come and how to cancel one."""
    clear = Reply(slots={slot: None for slot in (*FORM_SLOTS, OFFERED, AFTER)})
    if turn.slot(BLOCKED):
        active = service.active_bookings(session, turn.sender, now)
        too_many = Reply.say(
            "appointment_too_many",
            cancel_buttons(active),
            lines=booking_lines(active),
            most=str(service.MAX_ACTIVE_BOOKINGS),
        )
        return too_many.then(clear).then(Reply(slots={BLOCKED: False}))
    reference = turn.slot(REFERENCE)
    booking = service.find_booking(session, turn.sender, reference) if reference else None
    if booking is None:
        return Reply.say("appointment_not_booked").then(clear)
    return booking_done(booking).then(clear)


def booking_done(booking: service.BookingInfo) -> Reply:
    """ "C'est noté !": the reference, when, where or which phone, the documents to bring."""
    documents = "\n".join(
        render("booking_document_item", document=doc) for doc in booking.reason.documents
    )
    key = "appointment_booked_phone" if booking.channel == "phone" else "appointment_booked"
    return Reply.say(
        key,
        reference=booking.reference,
        when=when_text(booking.starts_at, booking.agency),
        agency=booking.agency.name,
        city=booking.agency.city,
        phone=booking.phone_masked or "",
        documents=documents,
    )
