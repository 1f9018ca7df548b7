"""Look-ups that depend on the user's situation: status, place of residence, topic.

Thin Rasa adapters: the facts come from the knowledge base (secu/knowledge), the
wording from secu/knowledge/render.py and data/knowledge/answers.yml.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.say import say
from secu.dialogue.topics import Topic, get_situations
from secu.geo.geography import get_geography
from secu.geo.locate import Ambiguous, Place, clues_in_text, locate, widen_city
from secu.knowledge import queries, render
from secu.knowledge.db import run_in_session
from secu.knowledge.queries import ProcedureInfo
from secu.status import canonical_status
from secu.text import fold

PLACE_ENTITIES = ("department", "postal_code", "city")
DOCUMENTS_BUTTON = {"title": "Quels documents préparer ?", "payload": "/ask_documents"}

T = TypeVar("T")


async def lookup(query: Callable[..., T], *args: Any) -> T:
    """Runs a knowledge-base query off the event loop."""
    return await run_in_session(query, *args)


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
    if not any(clues.values()):  # a number the NLU did not tag ("dans le 33")
        clues = {**clues, **clues_in_text(tracker.latest_message.get("text") or "")}
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
    """The procedure that fits the user's situation, for the topic asked about.

    The topic is the intent (``lost_number``, ``expatriate``…) or, for a reply
    ("oui", "je suis étudiant", a button), the topic of the previous answer. A situation
    (button or words of the message) or the status picks the procedure; when nothing
    does, the topic's default procedure is shown and its one question asked.
    """

    def name(self) -> str:
        return "action_lookup_procedure"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        known = get_situations()
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        text = tracker.latest_message.get("text") or ""
        follow_up = intent not in known.topics
        topic = known.topics.get(str(tracker.get_slot("topic")) if follow_up else str(intent))
        asked = known.topics.get(str(tracker.get_slot("topic")))
        if (
            not follow_up
            and tracker.get_slot("topic_question")
            and asked is not None
            and asked is not topic
            and known.detect(asked.name, text)
        ):
            # The reply to the question just asked, read as another topic: "Avez-vous
            # l'un de ces documents ?" — "j'ai pas de carte vitale ni rien".
            topic, follow_up = asked, True
        if topic is None:  # a reply with no topic to attach it to
            return await ActionSituation().run(dispatcher, tracker, domain)
        situation = known.of_topic(topic.name, latest_entity(tracker, "situation"))
        if situation is None:
            situation = known.detect(topic.name, text)
        told_status = canonical_status(latest_entity(tracker, "status"))
        if follow_up and intent in ("affirm", "deny"):
            reply = topic.reply(intent) if tracker.get_slot("topic_question") else None
            if reply is None:
                say(dispatcher, "what_else" if intent == "affirm" else "anything_else")
                return [SlotSet("topic_question", False)]
            if reply.answer:
                say(dispatcher, reply.answer)
                return [SlotSet("topic_question", False)]
            situation = reply.situation
        elif follow_up and situation is None and told_status is None:
            # "j'habite à Lyon" after a procedure: what fits that (the caisse, …)
            return await ActionSituation().run(dispatcher, tracker, domain)
        status = current_status(tracker)
        events: list[dict[str, Any]] = [SlotSet("topic", topic.name)]
        if status:
            events.append(SlotSet("status", status))
        chosen = await lookup(queries.procedure_for, topic.name, status, situation)
        if chosen is not None and not chosen.is_default:
            dispatcher.utter_message(
                text=render.procedure_text(chosen), buttons=next_steps(topic, chosen)
            )
            return [*events, SlotSet("procedure", chosen.id), SlotSet("topic_question", False)]
        # Nothing specific: the general procedure, then the question that decides.
        already_shown = follow_up and tracker.get_slot("procedure") == (chosen and chosen.id)
        answered_by_status = bool(status and topic.by_status)
        asks = topic.question is not None and not answered_by_status
        if chosen is not None and not already_shown:
            buttons = [] if asks else next_steps(topic, chosen)
            dispatcher.utter_message(text=render.procedure_text(chosen), buttons=buttons)
        if chosen is not None:
            events.append(SlotSet("procedure", chosen.id))
        if answered_by_status:
            info = await lookup(queries.organism_for_status, status, tracker.get_slot("department"))
            if info is not None:
                dispatcher.utter_message(text=render.status_text(info))
        elif topic.question is not None:
            say(dispatcher, topic.question)
        return [*events, SlotSet("topic_question", asks)]


def next_steps(topic: Topic, shown: ProcedureInfo) -> list[dict[str, str]]:
    """The documents button when there is something to prepare, then the topic's next
    steps (minus the one leading back to what is shown)."""
    buttons = [DOCUMENTS_BUTTON] if shown.documents else []
    for button in topic.buttons:
        situation_payload = any(f'"{s}"' in button["payload"] for s in shown.situations)
        if not situation_payload:
            buttons.append(dict(button))
    return buttons


async def shown_procedure(tracker: Tracker) -> ProcedureInfo | None:
    """The procedure shown last in this conversation, if any."""
    procedure_id = tracker.get_slot("procedure")
    return await lookup(queries.procedure, procedure_id) if procedure_id else None


class ActionProcedureDocuments(Action):
    """The documents to prepare for the procedure shown last."""

    def name(self) -> str:
        return "action_procedure_documents"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        procedure = await shown_procedure(tracker)
        if procedure is None:
            say(dispatcher, "ask_which_procedure")
            return []
        dispatcher.utter_message(text=render.documents_text(procedure))
        return []


class ActionProcedureDelay(Action):
    """How long the procedure shown last usually takes."""

    def name(self) -> str:
        return "action_procedure_delay"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        procedure = await shown_procedure(tracker)
        if procedure is None:
            say(dispatcher, "ask_which_procedure_delay")
        elif procedure.delays:
            say(dispatcher, "procedure_delay", title=procedure.title, delays=procedure.delays)
        else:
            say(dispatcher, "procedure_no_delay", title=procedure.title)
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
        say(dispatcher, "what_else")
        return []
