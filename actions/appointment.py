"""Booking, listing and cancelling an appointment: the Rasa side of secu/dialogue/booking*.

Each class reads the Turn, asks the domain for a Reply (in a session of the agenda when
the decision needs it) and applies it. The form's decisions are in
secu/dialogue/booking.py, its questions and end in booking_asks.py, listing and
cancelling in booking_list.py.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.adapter import TurnAction, apply, language_slot, read_turn
from secu.dialogue import booking, booking_asks, booking_list
from secu.dialogue.turn import Reply, Turn
from secu.knowledge.db import run_in_session
from secu.language import speaking


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class ValidateAppointmentForm(FormValidationAction):
    """Every message inside ``appointment_form``: what it changes (secu/dialogue/booking.py)."""

    def name(self) -> str:
        return "validate_appointment_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        return booking.required_slots(read_turn(tracker))

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
        """Sends what the message calls for and returns the slots it changes."""
        turn = read_turn(tracker)
        with speaking(turn.language):
            decision = booking.booking_changes(turn)
            if isinstance(decision, booking.ToBook):
                decision = await run_in_session(booking.book, decision, now(), locked=True)
            apply(decision, dispatcher, turn)
        return {**language_slot(turn), **decision.slots}


class ActionStartAppointment(TurnAction):
    def name(self) -> str:
        return "action_start_appointment"

    async def decide(self, turn: Turn) -> Reply:
        return await run_in_session(booking_asks.start, turn, now())


class ActionAskAppointmentReason(TurnAction):
    def name(self) -> str:
        return "action_ask_appointment_reason"

    async def decide(self, turn: Turn) -> Reply:
        return await run_in_session(booking_asks.ask_reason)


class AskFromAnswers(TurnAction, ABC):
    """Asks a slot of the form with the answer ``ask_<slot>`` (abstract: not registered)."""

    @property
    @abstractmethod
    def slot(self) -> str: ...

    def name(self) -> str:
        return f"action_ask_{self.slot}"

    async def decide(self, turn: Turn) -> Reply:
        return Reply.say(f"ask_{self.slot}")


class ActionAskAppointmentChannel(AskFromAnswers):
    slot = booking.CHANNEL


class ActionAskAppointmentDepartment(AskFromAnswers):
    slot = booking.PLACE


class ActionAskAppointmentPhone(AskFromAnswers):
    slot = booking.PHONE


class ActionAskAppointmentTime(TurnAction):
    def name(self) -> str:
        return "action_ask_appointment_time"

    async def decide(self, turn: Turn) -> Reply:
        return await run_in_session(booking_asks.ask_time, turn, now())


class ActionAskAppointmentConfirmed(TurnAction):
    def name(self) -> str:
        return "action_ask_appointment_confirmed"

    async def decide(self, turn: Turn) -> Reply:
        return await run_in_session(booking_asks.summary, turn)


class ActionAppointmentBooked(TurnAction):
    def name(self) -> str:
        return "action_appointment_booked"

    async def decide(self, turn: Turn) -> Reply:
        return await run_in_session(booking_asks.booked, turn, now())


class ActionListAppointments(TurnAction):
    def name(self) -> str:
        return "action_list_appointments"

    async def decide(self, turn: Turn) -> Reply:
        return await run_in_session(booking_list.listing, turn)


class ActionCancelAppointment(TurnAction):
    def name(self) -> str:
        return "action_cancel_appointment"

    async def decide(self, turn: Turn) -> Reply:
        locked = booking_list.cancels_now(turn)
        return await run_in_session(booking_list.cancelling, turn, now(), locked=locked)
