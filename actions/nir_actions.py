"""Checking a NIR typed in the chat: the Rasa side. Nothing of the number is kept:
only derived facts go into slots (valid or not, why, born abroad, department or country)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.say import say
from secu.geo.geography import get_geography
from secu.nir import find_nirs
from secu.nir_check import check_text, reply

NOT_A_NIR = "not_a_nir"
# Intents a reply to "tapez le numéro" gets when it is not a number after all.
ANSWERS_TO_THE_QUESTION = {"nlu_fallback", "inform", "check_nir", "affirm"}

NEXT_STEP_BUTTONS = [
    {"title": "Que veut dire mon numéro ?", "payload": "/nir_info"},
    {"title": "Obtenir une attestation", "payload": "/attestation_droits"},
]


def latest_text(tracker: Tracker) -> str:
    text = tracker.latest_message.get("text")
    return text if isinstance(text, str) else ""


class ActionCheckNIR(Action):
    def name(self) -> str:
        return "action_check_nir"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        checks = check_text(latest_text(tracker), get_geography())
        if not checks:
            say(dispatcher, "nir_not_found")
            return [SlotSet("nir_status", None)]
        dispatcher.utter_message(text=reply(checks), buttons=NEXT_STEP_BUTTONS)
        first = checks[0]
        return [
            SlotSet("nir_status", None),  # the form can run again
            SlotSet("nir_valid", first.valid),
            SlotSet("nir_error", first.error),
            SlotSet("nir_born_abroad", first.born_abroad),
            SlotSet("nir_place", first.place),
        ]


class ActionAskNIR(Action):
    """The form's question (an action, so its text lives with the other answers)."""

    def name(self) -> str:
        return "action_ask_nir_status"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        say(dispatcher, "ask_nir")
        return []


class ValidateNIRForm(FormValidationAction):
    """The form asks for the number; this only tells whether one was typed."""

    def name(self) -> str:
        return "validate_nir_form"

    async def extract_nir_status(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if tracker.get_slot("requested_slot") != "nir_status":
            return {}
        text = latest_text(tracker)
        if find_nirs(text):
            return {"nir_status": "typed"}
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if intent in ANSWERS_TO_THE_QUESTION or any(ch.isdigit() for ch in text):
            return {"nir_status": NOT_A_NIR}  # an attempt: say what a number looks like
        return {}  # another request ("annule", a question): the rules handle it

    async def validate_nir_status(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        if value == NOT_A_NIR:
            say(dispatcher, "nir_not_found")
            return {"nir_status": None}  # the form asks again
        return {"nir_status": value}
