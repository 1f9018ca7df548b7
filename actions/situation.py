"""Answers that depend on the user's situation: status, place of residence.

Thin Rasa adapters: the choice of answer lives in plain functions, the wording in domain.yml.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.content import answers
from actions.geography import get_geography
from actions.locate import Ambiguous, Place, locate
from actions.say import say
from actions.status import canonical_status
from actions.text import fold

OVERSEAS_CGSS = {"971", "972", "973", "974"}
MAYOTTE = "976"
PLACE_ENTITIES = ("department", "postal_code", "city")


def previous_action(tracker: Tracker) -> str | None:
    """The last bot action before the latest user message (what the user is answering)."""
    seen_user = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            if seen_user:
                return None
            seen_user = True
        elif seen_user and event.get("event") == "action":
            name = event.get("name")
            if name not in ("action_listen", None):
                return name
    return None


def latest_entity(tracker: Tracker, entity: str) -> str | None:
    values = [
        e.get("value")
        for e in tracker.latest_message.get("entities") or []
        if e.get("entity") == entity
    ]
    value = values[-1] if values else None
    return str(value) if value is not None else None


def current_status(tracker: Tracker) -> str | None:
    return canonical_status(latest_entity(tracker, "status") or tracker.get_slot("status"))


def contact_response(place: Place) -> tuple[str, dict[str, str]]:
    """Which answer tells the user their caisse, with its template values."""
    if place.commune:
        where = f"{place.commune} ({place.department_name}, {place.department_code})"
    else:
        where = f"{place.label} ({place.department_code})"
    values = {"place": where}
    if place.department_code == MAYOTTE:
        return "contact_mayotte", values
    if place.department_code in OVERSEAS_CGSS:
        return "contact_cgss", values
    return "contact_cpam", values


class ActionBornAbroad(Action):
    """General steps for people born abroad, then what fits their status."""

    def name(self) -> str:
        return "action_born_abroad"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        status = current_status(tracker)
        follow_up = previous_action(tracker) == self.name()
        if not follow_up or status is None:
            say(dispatcher, "born_abroad")
        if status is None:
            say(dispatcher, "ask_status_born_abroad")
            return []
        specific = f"born_abroad_{status}"
        say(dispatcher, specific if specific in answers() else f"organism_{status}")
        return [SlotSet("status", status)]


class ActionOrganism(Action):
    """Which body handles the user's health insurance, for their status."""

    def name(self) -> str:
        return "action_organism"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        status = current_status(tracker)
        if status is None:
            say(dispatcher, "ask_status_organism")
            say(dispatcher, "organism_other_schemes")
            return []
        say(dispatcher, f"organism_{status}")
        return [SlotSet("status", status)]


def answer_contact(
    dispatcher: CollectingDispatcher, tracker: Tracker, *, general_if_unknown: bool = True
) -> list[dict[str, Any]]:
    """Tells the caisse for the user's place, asks which one for an ambiguous name."""
    country = latest_entity(tracker, "country")
    if country and fold(country) != "france":
        # "je vis au Canada, quel numéro ?": the caisse is reached from abroad.
        say(dispatcher, "contact_from_abroad", country=country)
        return []
    clues = {name: latest_entity(tracker, name) for name in PLACE_ENTITIES}
    if not any(clues.values()):  # nothing new in this message: what we were told before
        clues = {name: tracker.get_slot(name) for name in PLACE_ENTITIES}
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
        return [SlotSet("city", None), SlotSet("department", None)]
    if isinstance(found, Place):
        key, values = contact_response(found)
        say(dispatcher, key, **values)
        return [
            SlotSet("department", found.department_code),
            SlotSet("city", found.commune),
            SlotSet("postal_code", None),
        ]
    if general_if_unknown:
        say(dispatcher, "contact")
    else:
        say(dispatcher, "unknown_place")
    return []


class ActionContact(Action):
    """How to reach the Assurance Maladie, for the user's place when it is known."""

    def name(self) -> str:
        return "action_contact"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        follow_up = previous_action(tracker) == self.name()
        return answer_contact(dispatcher, tracker, general_if_unknown=not follow_up)


class ActionSituation(Action):
    """The user states a fact about themselves out of context: answer what fits it."""

    def name(self) -> str:
        return "action_situation"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        entities = {e.get("entity") for e in tracker.latest_message.get("entities") or []}
        if "status" in entities and current_status(tracker):
            return await ActionOrganism().run(dispatcher, tracker, domain)
        if entities & {"department", "postal_code", "city"}:
            return answer_contact(dispatcher, tracker, general_if_unknown=False)
        if "country" in entities:
            country = latest_entity(tracker, "country") or ""
            say(dispatcher, "ask_country_context", country=country)
            return []
        dispatcher.utter_message(response="utter_what_else")
        return []
