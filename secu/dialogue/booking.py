"""The booking form's decisions: what a message changes in ``appointment_form``.

The form asks reason → channel → place → time → (phone for a call-back) → confirmation.
Every message inside it goes through :func:`booking_changes`, which reads what the user
said (a button, a few words, a phone number) and also takes changes of mind ("plutôt en
agence") at any step. The booking itself happens at the confirmation (:func:`book`, in a
locked session): when someone else took the time in between, the user is told and the
next free times are offered again.

>>> turn = Turn(text="plutot en agence", slots={"requested_slot": CHANNEL})
>>> dict(booking_changes(turn).slots)
{'appointment_channel': 'agency', 'appointment_time': None, 'appointment_offered': None, \
'appointment_confirmed': None, 'appointment_phone': None}
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from secu.agenda import service
from secu.agenda.phone import looks_like_a_phone_attempt, parse_phone
from secu.agenda.words import Words, get_words, pick_time
from secu.content import Button, button, render
from secu.dialogue.places import which_commune
from secu.dialogue.turn import Reply, Turn
from secu.geo.geography import get_geography
from secu.geo.locate import Ambiguous, Place, clues_in_text, locate

REASON = "appointment_reason"
CHANNEL = "appointment_channel"
PLACE = "appointment_department"
TIME = "appointment_time"
PHONE = "appointment_phone"
CONFIRMED = "appointment_confirmed"
OFFERED = "appointment_offered"  # ISO times shown as buttons, separated by spaces
AFTER = "appointment_after"  # "plus tard": the times offered next start after this one
CHANGING = "appointment_changing"  # "non" at the summary: which field to change?
REFERENCE = "appointment_reference"
# The conversation already holds MAX_ACTIVE_BOOKINGS bookings to come: the form asks
# nothing and ends, and action_appointment_booked says how to cancel one.
BLOCKED = "appointment_blocked"
TO_CANCEL = "appointment_to_cancel"
FORM_SLOTS = (REASON, CHANNEL, PLACE, TIME, PHONE, CONFIRMED)
# Changing one of these makes the chosen time meaningless (another agenda or duration).
TIME_DEPENDS_ON = (REASON, CHANNEL, PLACE)
PLACE_ENTITIES = ("department", "postal_code", "city")
# The buttons of "what do you want to change?", in this order (the phone for a call-back).
CHANGE_BUTTONS = (
    (REASON, "button_booking_reason"),
    (CHANNEL, "button_booking_channel"),
    (PLACE, "button_booking_place"),
    (TIME, "button_booking_time"),
    (PHONE, "button_booking_phone"),
)
LONGEST_PLACE = 60  # characters: a longer message is no place name typed alone


@dataclass(frozen=True)
class Choice:
    """The agency (by its department), channel and reason chosen so far."""

    department: str | None
    channel: str | None
    reason_key: str | None

    @classmethod
    def of(cls, turn: Turn) -> Choice:
        return cls(turn.slot(PLACE), turn.slot(CHANNEL), turn.slot(REASON))

    def load(self, session: Any) -> tuple[service.AgencyInfo | None, service.ReasonInfo | None]:
        """The agency and reason looked up in the agenda (None when unknown)."""
        agency = (
            service.agency_for_department(session, self.department) if self.department else None
        )
        reason = service.reason(session, self.reason_key) if self.reason_key else None
        return agency, reason


@dataclass(frozen=True)
class ToBook:
    """The user confirmed the summary: what the turn asks to book (see :func:`book`)."""

    turn: Turn


def required_slots(turn: Turn) -> list[str]:
    """What the form asks: nothing when blocked, the phone only for a call-back."""
    if turn.slot(BLOCKED):
        return []
    if turn.slot(CHANNEL) == "phone":
        return list(FORM_SLOTS)
    return [slot for slot in FORM_SLOTS if slot != PHONE]


def offered_times(turn: Turn) -> list[dt.datetime]:
    """The times last shown as buttons (the slot ``appointment_offered``)."""
    times = []
    for part in str(turn.slot(OFFERED) or "").split():
        try:
            times.append(dt.datetime.fromisoformat(part))
        except ValueError:
            continue
    return times


def change_buttons(turn: Turn) -> list[Button]:
    """One button per field the user can change (the phone only for a call-back)."""
    return [
        button(render(title), "inform", appointment_change=slot)
        for slot, title in CHANGE_BUTTONS
        if slot != PHONE or turn.slot(CHANNEL) == "phone"
    ]


def booking_changes(turn: Turn, words: Words | None = None) -> Reply | ToBook:
    """The slots a message inside the form changes, with what to say; :class:`ToBook`
    when it confirms the summary."""
    if turn.is_aside:
        return Reply()
    words = words or get_words()
    target = changing_target(turn, words)
    if target is not None:
        return Reply(slots=reset(target))
    changes = mind_changes(turn, words)
    if changes.slots:
        return stop_changing(turn, changes)
    answer = step_answer(turn, words)
    return answer if isinstance(answer, ToBook) else stop_changing(turn, answer)


def changing_target(turn: Turn, words: Words) -> str | None:
    """After "non" at the summary: the field the user picked, if it is one of the form."""
    if not turn.slot(CHANGING):
        return None
    target = turn.entity("appointment_change") or words.change(turn.text)
    return target if target in FORM_SLOTS else None


def reset(target: str) -> dict[str, Any]:
    """Empties the field to change (and the time, when it depends on it)."""
    changes: dict[str, Any] = {target: None, CHANGING: False, CONFIRMED: None}
    if target in TIME_DEPENDS_ON:
        changes.update({TIME: None, OFFERED: None})
    return changes


def stop_changing(turn: Turn, reply: Reply) -> Reply:
    """Anything changed after "what do you want to change?" answers that question."""
    if reply.slots and turn.slot(CHANGING):
        return reply.then(Reply(slots={CHANGING: False}))
    return reply


def change(turn: Turn, slot: str, value: Any) -> dict[str, Any]:
    """``slot`` set to ``value`` when it differs, and the time emptied when it depends on it."""
    if value == turn.slot(slot):
        return {}
    if slot in TIME_DEPENDS_ON:
        return {slot: value, TIME: None, OFFERED: None, CONFIRMED: None}
    return {slot: value}


def mind_changes(turn: Turn, words: Words) -> Reply:
    """The reason, channel and place the message names, at any step of the form."""
    changes: dict[str, Any] = {}
    reason = turn.entity(REASON) or words.reason(turn.text)
    if reason:
        changes.update(change(turn, REASON, reason))
    changes.update(channel_changes(turn, words))
    return Reply(slots=changes).then(place_changes(turn))


def channel_changes(turn: Turn, words: Words) -> dict[str, Any]:
    """The channel named (not in a phone number typed when the phone is asked); the
    phone is forgotten for the agency."""
    typed_phone = turn.requested_slot == PHONE and parse_phone(turn.text)
    channel = turn.entity(CHANNEL) or (None if typed_phone else words.channel(turn.text))
    if not channel:
        return {}
    changes = change(turn, CHANNEL, channel)
    return changes if channel == "phone" else {**changes, PHONE: None}


def place_changes(turn: Turn) -> Reply:
    """The department from the message's place entities (or its words when the place
    was asked); asks which commune when a name is ambiguous."""
    asked = turn.requested_slot == PLACE
    clues = {name: turn.entity(name) for name in PLACE_ENTITIES}
    if not any(clues.values()):
        if not asked or len(turn.text) > LONGEST_PLACE:
            return Reply()
        clues = clues_in_text(turn.text) or {"city": turn.text}
    found = locate(get_geography(), **clues)
    if isinstance(found, Ambiguous):
        return which_commune(found).then(Reply(slots={PLACE: None}))
    if isinstance(found, Place):
        return Reply(slots=change(turn, PLACE, found.department_code))
    if asked:
        return Reply.say("appointment_unknown_place").then(Reply(slots={PLACE: None}))
    return Reply()


def step_answer(turn: Turn, words: Words) -> Reply | ToBook:
    """The answer to the question asked, when the message changed nothing else."""
    asked = turn.requested_slot
    if asked == TIME:
        return time_choice(turn, words)
    if asked == PHONE:
        return phone_choice(turn.text)
    if asked == CONFIRMED:
        return confirmation(turn)
    return Reply()


def time_choice(turn: Turn, words: Words) -> Reply:
    """One of the times offered (by its button, rank, day or hour), or later ones."""
    offered = offered_times(turn)
    if turn.entity("appointment_later") or words.wants_later(turn.text):
        return Reply(slots={AFTER: offered[-1].isoformat() if offered else None, TIME: None})
    typed = turn.entity(TIME)
    chosen = pick_time(typed or turn.text, offered)
    if chosen is not None:
        return Reply(slots={TIME: chosen.isoformat(timespec="minutes")})
    if typed or any(ch.isdigit() for ch in turn.text):
        return Reply.say("appointment_pick_offered").then(Reply(slots={TIME: None}))
    return Reply()


def phone_choice(text: str) -> Reply:
    """A French number that can be called back, normalised; never repeated when wrong."""
    phone = parse_phone(text)
    if phone is not None:
        return Reply(slots={PHONE: phone.e164})
    if looks_like_a_phone_attempt(text):
        return Reply.say("appointment_phone_invalid").then(Reply(slots={PHONE: None}))
    return Reply()


def confirmation(turn: Turn) -> Reply | ToBook:
    """ "Oui" books, "non" asks what to change."""
    if turn.intent == "deny":
        return Reply.say("appointment_what_to_change", change_buttons(turn)).then(
            Reply(slots={CHANGING: True, CONFIRMED: None})
        )
    if turn.intent != "affirm":
        return Reply()
    return ToBook(turn)


def book(session: Any, request: ToBook, now: dt.datetime) -> Reply:
    """Books what the turn confirmed (run it in a locked session): the reference, or why
    not (the conversation holds too many bookings, the time was just taken; the service
    then wrote nothing)."""
    turn = request.turn
    choice = Choice.of(turn)
    agency, reason = choice.load(session)
    if agency is None or reason is None:
        return stop_changing(turn, Reply(slots={PLACE: None, TIME: None, CONFIRMED: None}))
    try:
        booking = service.book(
            session,
            conversation_id=turn.sender,
            agency=agency,
            channel=str(choice.channel),
            reason=reason,
            starts_at=dt.datetime.fromisoformat(str(turn.slot(TIME))),
            phone_e164=turn.slot(PHONE) if choice.channel == "phone" else None,
            now=now,
        )
    except service.TooManyBookings:
        return stop_changing(turn, Reply(slots={BLOCKED: True, CONFIRMED: None}))
    except service.SlotTaken:
        taken = Reply(slots={TIME: None, OFFERED: None, CONFIRMED: None, AFTER: None})
        return stop_changing(turn, Reply.say("appointment_taken").then(taken))
    return stop_changing(turn, Reply(slots={CONFIRMED: True, REFERENCE: booking.reference}))
