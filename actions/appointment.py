"""Booking, listing and cancelling an appointment: the Rasa side of secu/agenda.

The form ``appointment_form`` asks reason → channel → place → time → (phone for a
call-back) → confirmation. Every message inside it goes through
:meth:`ValidateAppointmentForm.extract`, which reads what the user said (a button, a
few words, a phone number) and also takes changes of mind ("plutôt en agence") at any
step. The booking itself happens at the confirmation: when someone else took the time
in between, the user is told and offered the next free times.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.say import say
from actions.situation import latest_entity
from secu.agenda import service
from secu.agenda.french_time import french_datetime, short_button
from secu.agenda.phone import Phone, looks_like_a_phone_attempt, parse_phone, phone_from_e164
from secu.agenda.references import find_reference
from secu.agenda.words import get_words, pick_time
from secu.geo.geography import get_geography
from secu.geo.locate import Ambiguous, Place, clues_in_text, locate
from secu.knowledge.db import run_in_session

REASON = "appointment_reason"
CHANNEL = "appointment_channel"
PLACE = "appointment_department"
TIME = "appointment_time"
PHONE = "appointment_phone"
CONFIRMED = "appointment_confirmed"
OFFERED = "appointment_offered"  # ISO times shown as buttons, separated by spaces
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


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def intent_of(tracker: Tracker) -> str | None:
    return (tracker.latest_message.get("intent") or {}).get("name")


def offered_times(tracker: Tracker) -> list[dt.datetime]:
    raw = tracker.get_slot(OFFERED) or ""
    times = []
    for part in str(raw).split():
        try:
            times.append(dt.datetime.fromisoformat(part))
        except ValueError:
            continue
    return times


class Choice:
    """The agency, channel and reason chosen so far, looked up in the agenda."""

    def __init__(self, tracker: Tracker) -> None:
        self.department = tracker.get_slot(PLACE)
        self.channel = tracker.get_slot(CHANNEL)
        self.reason_key = tracker.get_slot(REASON)

    def load(self, session: Any) -> tuple[service.AgencyInfo | None, service.ReasonInfo | None]:
        agency = (
            service.agency_for_department(session, self.department) if self.department else None
        )
        reason = service.reason(session, self.reason_key) if self.reason_key else None
        return agency, reason


def place_slots(dispatcher: CollectingDispatcher, tracker: Tracker, text: str) -> dict[str, Any]:
    """The department from the message's place entities (or its words when the place
    was asked); asks which commune when a name is ambiguous."""
    clues = {name: latest_entity(tracker, name) for name in PLACE_ENTITIES}
    if not any(clues.values()):
        if tracker.get_slot("requested_slot") != PLACE or len(text) > 60:
            return {}
        clues = clues_in_text(text) or {"city": text}
    found = locate(get_geography(), **clues)
    if isinstance(found, Ambiguous):
        buttons = [
            {
                "title": f"{found.name} ({option.department_name}, {option.department_code})",
                "payload": f'/inform{{"department": "{option.department_code}"}}',
            }
            for option in found.options
        ]
        say(dispatcher, "ask_which_commune", buttons=buttons, name=found.name)
        return {PLACE: None}
    if isinstance(found, Place):
        return {PLACE: found.department_code}
    if tracker.get_slot("requested_slot") == PLACE:
        say(dispatcher, "appointment_unknown_place")
        return {PLACE: None}
    return {}


class ValidateAppointmentForm(FormValidationAction):
    def name(self) -> str:
        return "validate_appointment_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        if tracker.get_slot(BLOCKED):
            return []
        if tracker.get_slot(CHANNEL) == "phone":
            return list(FORM_SLOTS)
        return [slot for slot in FORM_SLOTS if slot != PHONE]

    async def get_extraction_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        changes = await self.extract(dispatcher, tracker)
        return [SlotSet(name, value) for name, value in changes.items()]

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        # Everything was checked while extracting; what changed is what counts.
        return [SlotSet(name, value) for name, value in tracker.slots_to_validate().items()]

    async def extract(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> dict[str, Any]:
        text = str(tracker.latest_message.get("text") or "")
        asked = tracker.get_slot("requested_slot")
        words = get_words()
        changes: dict[str, Any] = {}

        def change(slot: str, value: Any) -> None:
            if value != tracker.get_slot(slot):
                changes[slot] = value
                if slot in TIME_DEPENDS_ON:
                    changes.update({TIME: None, OFFERED: None, CONFIRMED: None})

        if tracker.get_slot(CHANGING):
            target = latest_entity(tracker, "appointment_change") or words.change(text)
            if target in FORM_SLOTS:
                changes.update({target: None, CHANGING: False, CONFIRMED: None})
                if target in TIME_DEPENDS_ON:
                    changes.update({TIME: None, OFFERED: None})
                return changes
        reason = latest_entity(tracker, REASON) or words.reason(text)
        if reason:
            change(REASON, reason)
        channel = latest_entity(tracker, CHANNEL) or (
            words.channel(text) if asked != PHONE or not parse_phone(text) else None
        )
        if channel:
            change(CHANNEL, channel)
            if channel != "phone":
                changes[PHONE] = None
        for slot, value in place_slots(dispatcher, tracker, text).items():
            change(slot, value) if value else changes.update({slot: None})
        if asked == TIME and not changes:
            changes.update(self.time_choice(dispatcher, tracker, text))
        elif asked == PHONE and not changes:
            changes.update(self.phone_choice(dispatcher, text))
        elif asked == CONFIRMED and not changes:
            changes.update(await self.confirmation(dispatcher, tracker))
        if changes and tracker.get_slot(CHANGING):
            changes[CHANGING] = False
        return changes

    @staticmethod
    def time_choice(
        dispatcher: CollectingDispatcher, tracker: Tracker, text: str
    ) -> dict[str, Any]:
        offered = offered_times(tracker)
        if latest_entity(tracker, "appointment_later") or get_words().wants_later(text):
            return {"appointment_after": offered[-1].isoformat() if offered else None, TIME: None}
        chosen = pick_time(latest_entity(tracker, TIME) or text, offered)
        if chosen is not None:
            return {TIME: chosen.isoformat(timespec="minutes")}
        if any(ch.isdigit() for ch in text) or latest_entity(tracker, TIME):
            say(dispatcher, "appointment_pick_offered")
            return {TIME: None}
        return {}

    @staticmethod
    def phone_choice(dispatcher: CollectingDispatcher, text: str) -> dict[str, Any]:
        phone = parse_phone(text)
        if phone is not None:
            return {PHONE: phone.e164}
        if looks_like_a_phone_attempt(text):
            say(dispatcher, "appointment_phone_invalid")
            return {PHONE: None}
        return {}

    async def confirmation(
        self, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> dict[str, Any]:
        intent = intent_of(tracker)
        if intent == "deny":
            say(dispatcher, "appointment_what_to_change", buttons=change_buttons(tracker))
            return {CHANGING: True, CONFIRMED: None}
        if intent != "affirm":
            return {}
        choice = Choice(tracker)
        starts_at = dt.datetime.fromisoformat(str(tracker.get_slot(TIME)))
        phone = tracker.get_slot(PHONE)

        def book(session: Any) -> service.BookingInfo | None:
            agency, reason = choice.load(session)
            if agency is None or reason is None:
                return None
            return service.book(
                session,
                conversation_id=tracker.sender_id,
                agency=agency,
                channel=str(choice.channel),
                reason=reason,
                starts_at=starts_at,
                phone_e164=phone if choice.channel == "phone" else None,
                now=now(),
            )

        try:
            booking = await run_in_session(book, locked=True)
        except service.TooManyBookings:
            return {BLOCKED: True, CONFIRMED: None}
        except service.SlotTaken:
            say(dispatcher, "appointment_taken")
            return {TIME: None, OFFERED: None, CONFIRMED: None, "appointment_after": None}
        if booking is None:
            return {PLACE: None, TIME: None, CONFIRMED: None}
        return {CONFIRMED: True, REFERENCE: booking.reference}


def change_buttons(tracker: Tracker) -> list[dict[str, str]]:
    labels = [
        (REASON, "Le motif"),
        (CHANNEL, "Téléphone ou accueil"),
        (PLACE, "Le lieu"),
        (TIME, "Le créneau"),
    ]
    if tracker.get_slot(CHANNEL) == "phone":
        labels.append((PHONE, "Le numéro de téléphone"))
    return [
        {"title": title, "payload": f'/inform{{"appointment_change": "{slot}"}}'}
        for slot, title in labels
    ]


class ActionStartAppointment(Action):
    """Starts a fresh booking, keeping what the first message already says
    ("un rdv par téléphone pour ma carte vitale") and the place known from before."""

    def name(self) -> str:
        return "action_start_appointment"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        text = str(tracker.latest_message.get("text") or "")
        words = get_words()
        values: dict[str, Any] = {slot: None for slot in FORM_SLOTS}
        values.update({OFFERED: None, CHANGING: False, REFERENCE: None, "appointment_after": None})
        active = await run_in_session(service.active_bookings, tracker.sender_id, now())
        values[BLOCKED] = len(active) >= service.MAX_ACTIVE_BOOKINGS
        if values[BLOCKED]:
            return [SlotSet(name, value) for name, value in values.items()]
        values[REASON] = latest_entity(tracker, REASON) or words.reason(text)
        values[CHANNEL] = latest_entity(tracker, CHANNEL) or words.channel(text)
        found = locate(get_geography(), **{n: latest_entity(tracker, n) for n in PLACE_ENTITIES})
        if isinstance(found, Place):
            values[PLACE] = found.department_code
        elif tracker.get_slot("department"):
            values[PLACE] = tracker.get_slot("department")
        say(dispatcher, "appointment_intro")
        return [SlotSet(name, value) for name, value in values.items()]


class ActionAskAppointmentReason(Action):
    def name(self) -> str:
        return "action_ask_appointment_reason"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        reasons = await run_in_session(service.reasons)
        buttons = [
            {"title": r.label, "payload": f'/inform{{"{REASON}": "{r.key}"}}'} for r in reasons
        ]
        say(dispatcher, "ask_appointment_reason", buttons=buttons)
        return []


class AskFromAnswers(Action, ABC):
    """Asks a slot of the form with the answers.yml text of the same name."""

    @property
    @abstractmethod
    def slot(self) -> str: ...

    def name(self) -> str:
        return f"action_ask_{self.slot}"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        say(dispatcher, f"ask_{self.slot}")
        return []


class ActionAskAppointmentChannel(AskFromAnswers):
    slot = CHANNEL


class ActionAskAppointmentDepartment(AskFromAnswers):
    slot = PLACE


class ActionAskAppointmentPhone(AskFromAnswers):
    slot = PHONE


class ActionAskAppointmentTime(Action):
    """Up to five next free times as buttons, plus "plus tard"."""

    def name(self) -> str:
        return "action_ask_appointment_time"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        choice = Choice(tracker)
        after_slot = tracker.get_slot("appointment_after")
        after = dt.datetime.fromisoformat(after_slot) if after_slot else None

        def free(session: Any) -> tuple[service.AgencyInfo | None, list[dt.datetime]]:
            agency, reason = choice.load(session)
            if agency is None or reason is None:
                return agency, []
            times = service.free_times(
                session, agency, str(choice.channel), reason, now(), after=after
            )
            return agency, times

        agency, times = await run_in_session(free)
        if not times:
            say(dispatcher, "appointment_no_time", buttons=change_buttons(tracker))
            return [SlotSet(OFFERED, None), SlotSet("appointment_after", None)]
        buttons = [
            {"title": short_button(t), "payload": f'/inform{{"{TIME}": "{t.isoformat()}"}}'}
            for t in times
        ]
        buttons.append({"title": "Plus tard", "payload": '/inform{"appointment_later": "1"}'})
        where = agency.name if agency is not None else ""
        key = "ask_appointment_time_phone" if choice.channel == "phone" else "ask_appointment_time"
        say(dispatcher, key, buttons=buttons, agency=where)
        return [SlotSet(OFFERED, " ".join(t.isoformat() for t in times))]


class ActionAskAppointmentConfirmed(Action):
    """The summary before booking, or which field to change after a "non"."""

    def name(self) -> str:
        return "action_ask_appointment_confirmed"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        if tracker.get_slot(CHANGING):
            say(dispatcher, "appointment_what_to_change", buttons=change_buttons(tracker))
            return []
        choice = Choice(tracker)
        agency, reason = await run_in_session(choice.load)
        if agency is None or reason is None:
            return [SlotSet(PLACE, None)]
        starts_at = dt.datetime.fromisoformat(str(tracker.get_slot(TIME)))
        phone = phone_from_e164(str(tracker.get_slot(PHONE) or ""))
        say(
            dispatcher,
            "ask_appointment_confirmed",
            reason=reason.label,
            how=how_text(choice.channel, agency, phone),
            when=french_datetime(starts_at) + time_zone_note(agency),
        )
        return []


def how_text(channel: str | None, agency: service.AgencyInfo, phone: Phone | None) -> str:
    if channel == "phone":
        number = phone.masked if phone is not None else "votre numéro"
        return f"un conseiller vous rappelle au {number} ({agency.name})"
    return f"à l'accueil : {agency.name}, {agency.city}"


def time_zone_note(agency: service.AgencyInfo) -> str:
    return "" if agency.timezone == "Europe/Paris" else " (heure locale)"


def cancel_buttons(bookings: list[service.BookingInfo]) -> list[dict[str, str]]:
    """One "Annuler RDV-…" button per booking (the first four)."""
    return [
        {
            "title": f"Annuler {b.reference}",
            "payload": f'/cancel_appointment{{"appointment_reference": "{b.reference}"}}',
        }
        for b in bookings[:4]
    ]


def booking_line(booking: service.BookingInfo) -> str:
    where = (
        f"rappel au {booking.phone_masked}"
        if booking.channel == "phone"
        else f"{booking.agency.name}, {booking.agency.city}"
    )
    return (
        f"{booking.reference} : {french_datetime(booking.starts_at)}"
        f"{time_zone_note(booking.agency)}, {booking.reason.label.lower()} ({where})"
    )


class ActionAppointmentBooked(Action):
    """The reference, the date and time in French, what to bring; clears the form."""

    def name(self) -> str:
        return "action_appointment_booked"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        clear = [SlotSet(slot, None) for slot in (*FORM_SLOTS, OFFERED, "appointment_after")]
        if tracker.get_slot(BLOCKED):
            active = await run_in_session(service.active_bookings, tracker.sender_id, now())
            lines = "\n".join(f"- {booking_line(b)}" for b in active)
            say(
                dispatcher,
                "appointment_too_many",
                buttons=cancel_buttons(active),
                lines=lines,
                most=str(service.MAX_ACTIVE_BOOKINGS),
            )
            return [*clear, SlotSet(BLOCKED, False)]
        reference = tracker.get_slot(REFERENCE)
        booking = (
            await run_in_session(service.find_booking, tracker.sender_id, reference)
            if reference
            else None
        )
        if booking is None:
            say(dispatcher, "appointment_not_booked")
            return clear
        documents = "\n".join(f"- {doc} ;" for doc in booking.reason.documents)
        key = "appointment_booked_phone" if booking.channel == "phone" else "appointment_booked"
        say(
            dispatcher,
            key,
            reference=booking.reference,
            when=french_datetime(booking.starts_at) + time_zone_note(booking.agency),
            agency=booking.agency.name,
            city=booking.agency.city,
            phone=booking.phone_masked or "",
            documents=documents,
        )
        return clear


class ActionListAppointments(Action):
    def name(self) -> str:
        return "action_list_appointments"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        bookings = await run_in_session(service.bookings_of, tracker.sender_id)
        if not bookings:
            say(dispatcher, "appointments_none")
            return []
        lines = "\n".join(f"- {booking_line(b)}" for b in bookings)
        say(dispatcher, "appointments_list", buttons=cancel_buttons(bookings), lines=lines)
        return []


class ActionCancelAppointment(Action):
    """Cancels one of this conversation's appointments, after a yes."""

    def name(self) -> str:
        return "action_cancel_appointment"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        pending = tracker.get_slot(TO_CANCEL)
        intent = intent_of(tracker)
        if pending and intent == "affirm":
            cancelled = await run_in_session(
                service.cancel, tracker.sender_id, pending, now(), locked=True
            )
            if cancelled is None:
                say(dispatcher, "appointment_unknown_reference", reference=pending)
            else:
                say(dispatcher, "appointment_cancelled", line=booking_line(cancelled))
            return [SlotSet(TO_CANCEL, None)]
        if pending and intent == "deny":
            say(dispatcher, "appointment_kept", reference=pending)
            return [SlotSet(TO_CANCEL, None)]
        text = str(tracker.latest_message.get("text") or "")
        reference = find_reference(latest_entity(tracker, "appointment_reference") or text)
        bookings = await run_in_session(service.bookings_of, tracker.sender_id)
        if reference is not None:
            chosen = [b for b in bookings if b.reference == reference]
            if not chosen:
                say(dispatcher, "appointment_unknown_reference", reference=reference)
                return [SlotSet(TO_CANCEL, None)]
        elif len(bookings) == 1:
            chosen = bookings
        elif not bookings:
            say(dispatcher, "appointments_none")
            return [SlotSet(TO_CANCEL, None)]
        else:
            lines = "\n".join(f"- {booking_line(b)}" for b in bookings)
            say(
                dispatcher,
                "appointment_which_to_cancel",
                buttons=cancel_buttons(bookings),
                lines=lines,
            )
            return [SlotSet(TO_CANCEL, None)]
        say(dispatcher, "ask_appointment_cancel", line=booking_line(chosen[0]))
        return [SlotSet(TO_CANCEL, chosen[0].reference)]
