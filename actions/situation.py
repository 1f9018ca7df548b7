"""Look-ups that depend on the user's situation: status, place of residence, topic.

Thin Rasa adapters: the facts come from the knowledge base (actions/knowledge), the
wording from actions/knowledge/render.py and data/knowledge/answers.yml.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.geography import get_geography
from actions.knowledge import queries, render
from actions.knowledge.db import session_scope
from actions.locate import Ambiguous, Place, locate, widen_city
from actions.say import say
from actions.status import canonical_status
from actions.text import fold

PLACE_ENTITIES = ("department", "postal_code", "city")
DOCUMENTS_BUTTON = {"title": "Quels documents préparer ?", "payload": "/ask_documents"}

T = TypeVar("T")


async def lookup(query: Callable[..., T], *args: Any) -> T:
    """Runs a knowledge-base query off the event loop (a blocking call would stall the
    whole action server, RasaHQ/rasa#8436)."""

    def run() -> T:
        with session_scope() as session:
            return query(session, *args)

    return await asyncio.to_thread(run)


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


def where_label(place: Place) -> str:
    if place.commune:
        return f"{place.commune} ({place.department_name}, {place.department_code})"
    return f"{place.label} ({place.department_code})"


async def answer_contact(
    dispatcher: CollectingDispatcher, tracker: Tracker, *, general_if_unknown: bool = True
) -> list[dict[str, Any]]:
    """Tells the caisse for the user's place, asks which one for an ambiguous name."""
    country = latest_entity(tracker, "country")
    if country and fold(country) != "france":
        # "je vis au Canada, quel numéro ?": the caisse is reached from abroad.
        say(dispatcher, "contact_from_abroad", country=country)
        return []
    clues = {name: latest_entity(tracker, name) for name in PLACE_ENTITIES}
    city = next(
        (e for e in tracker.latest_message.get("entities") or [] if e.get("entity") == "city"),
        None,
    )
    if city and isinstance(city.get("start"), int) and isinstance(city.get("end"), int):
        text = tracker.latest_message.get("text") or ""
        clues["city"] = widen_city(
            get_geography(), text, city["start"], city["end"], str(city["value"])
        )
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
    contact = (
        await lookup(queries.contact_for_department, found.department_code)
        if isinstance(found, Place)
        else None
    )
    if isinstance(found, Place) and contact is not None:
        dispatcher.utter_message(
            text=render.contact_text(contact, where_label(found)),
            buttons=[
                {"title": "Prendre rendez-vous", "payload": "/book_appointment"},
                {"title": "J'appelle de l'étranger", "payload": "/contact_from_abroad"},
            ],
        )
        return [
            SlotSet("department", found.department_code),
            SlotSet("city", found.commune),
            SlotSet("postal_code", None),
        ]
    say(dispatcher, "contact" if general_if_unknown else "unknown_place")
    return []


class ActionLookupProcedure(Action):
    """The procedure for the user's situation (born abroad: general steps, then by status)."""

    topic = "born_abroad"

    def name(self) -> str:
        return "action_lookup_procedure"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        status = current_status(tracker)
        follow_up = previous_action(tracker) == self.name()
        general = await lookup(queries.procedure_for, self.topic, None)
        specific = await lookup(queries.procedure_for, self.topic, status) if status else None
        if specific is not None and general is not None and specific.id == general.id:
            specific = None  # no procedure of its own for this status
        events: list[dict[str, Any]] = []
        shown = general
        if general is not None and (status is None or (not follow_up and specific is None)):
            text = render.procedure_text(general)
            buttons = [DOCUMENTS_BUTTON] if specific is None and status else []
            dispatcher.utter_message(text=text, buttons=buttons)
        if status is None:
            say(dispatcher, "ask_status_born_abroad")
            return [SlotSet("procedure", general.id if general else None)]
        if specific is not None:
            shown = specific
            dispatcher.utter_message(
                text=render.procedure_text(specific), buttons=[DOCUMENTS_BUTTON]
            )
        else:
            info = await lookup(queries.organism_for_status, status, tracker.get_slot("department"))
            if info is not None:
                dispatcher.utter_message(text=render.status_text(info))
        events.append(SlotSet("status", status))
        if shown is not None:
            events.append(SlotSet("procedure", shown.id))
        return events


class ActionProcedureDocuments(Action):
    """The documents to prepare for the procedure shown last."""

    def name(self) -> str:
        return "action_procedure_documents"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        procedure_id = tracker.get_slot("procedure")
        procedure = await lookup(queries.procedure, procedure_id) if procedure_id else None
        if procedure is None:
            say(dispatcher, "ask_which_procedure")
            return []
        dispatcher.utter_message(text=render.documents_text(procedure))
        return []


class ActionLookupOrganism(Action):
    """Which body handles the user's health insurance, for their status."""

    def name(self) -> str:
        return "action_lookup_organism"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        status = current_status(tracker)
        info = (
            await lookup(queries.organism_for_status, status, tracker.get_slot("department"))
            if status
            else None
        )
        if info is None:
            say(dispatcher, "ask_status_organism")
            say(dispatcher, "organism_other_schemes")
            return []
        buttons = (
            []
            if tracker.get_slot("department") or not info.is_local
            else [{"title": "Trouver ma caisse", "payload": "/contact"}]
        )
        dispatcher.utter_message(text=render.status_text(info), buttons=buttons)
        events: list[dict[str, Any]] = [SlotSet("status", status)]
        if info.procedure_id:
            events.append(SlotSet("procedure", info.procedure_id))
        return events


class ActionLookupContact(Action):
    """How to reach the right body, for the user's place when it is known."""

    def name(self) -> str:
        return "action_lookup_contact"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        follow_up = previous_action(tracker) == self.name()
        return await answer_contact(dispatcher, tracker, general_if_unknown=not follow_up)


class ActionSituation(Action):
    """The user states a fact about themselves out of context: answer what fits it."""

    def name(self) -> str:
        return "action_situation"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        entities = {e.get("entity") for e in tracker.latest_message.get("entities") or []}
        if "status" in entities and current_status(tracker):
            return await ActionLookupOrganism().run(dispatcher, tracker, domain)
        if entities & {"department", "postal_code", "city"}:
            return await answer_contact(dispatcher, tracker, general_if_unknown=False)
        if "country" in entities:
            country = latest_entity(tracker, "country") or ""
            say(dispatcher, "ask_country_context", country=country)
            return []
        dispatcher.utter_message(response="utter_what_else")
        return []
