"""Checking a NIR typed in the chat: the Rasa side (secu/dialogue/nir.py decides)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.adapter import TurnAction, apply, language_slot, read_turn
from secu.dialogue import nir
from secu.dialogue.turn import Reply, Turn
from secu.geo.geography import get_geography
from secu.language import speaking


class ActionCheckNIR(TurnAction):
    def name(self) -> str:
        return "action_check_nir"

    async def decide(self, turn: Turn) -> Reply:
        return nir.check_reply(turn, get_geography())


class ActionAskNIR(TurnAction):
    """The form's question (an action, so its text lives with the other answers)."""

    def name(self) -> str:
        return "action_ask_nir_status"

    async def decide(self, turn: Turn) -> Reply:
        return Reply.say("ask_nir")


def slot_values(reply: Reply, dispatcher: CollectingDispatcher, turn: Turn) -> dict[str, Any]:
    """A form validation's result: the reply's answers sent in the conversation's
    language, its slots (and the language, when the message changed it) as a dict."""
    with speaking(turn.language):
        apply(Reply(messages=reply.messages), dispatcher, turn)
    return {**language_slot(turn), **reply.slots}


class ValidateNIRForm(FormValidationAction):
    """The form asks for the number; this only tells whether one was typed."""

    def name(self) -> str:
        return "validate_nir_form"

    async def extract_nir_status(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        turn = read_turn(tracker)
        return slot_values(nir.extract_status(turn), dispatcher, turn)

    async def validate_nir_status(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        return slot_values(nir.validate_status(value), dispatcher, read_turn(tracker))
