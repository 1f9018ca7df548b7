"""Who handles the user and how to reach them: the caisse of their place, the body of
their status, and what a fact they state out of context leads to. The overseas
collectivities that are not departments (Saint-Martin, Polynésie française…) have no
CPAM: their answer (``caisse_collectivity_<code>``) names their own body.

Decisions from a Turn (and a knowledge-base session, the geography) to a Reply; no Rasa
import. The adapters are actions/contact.py.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from secu import content
from secu.content import Button, button
from secu.dialogue.places import place_label, which_commune
from secu.dialogue.topics import get_situations, parse_payload
from secu.dialogue.turn import Reply, Turn
from secu.geo.geography import FRANCE_CODE, Geography, get_geography, normalize_name
from secu.geo.locate import (
    Ambiguous,
    Place,
    clues_in_text,
    collectivity_code,
    collectivity_from_postal_code,
    collectivity_in_text,
    collectivity_names,
    has_homonym_communes,
    locate,
    widen_city,
)
from secu.knowledge import queries, render
from secu.knowledge.queries import StatusInfo
from secu.status import canonical_status
from secu.text import fold

PLACE_ENTITIES = ("department", "postal_code", "city")
COLLECTIVITY_ANSWER = "caisse_collectivity_"  # + the collectivity's code: "…_978"
# "le numéro de la CPAM de Lyon": the words after a caisse named (folded text), for when
# the NLU tagged no place; a possessive ("la caisse de mon fils") names no place.
_AFTER_CAISSE = re.compile(
    r"\b(?:cpam|cgss|cssm|ccss|caisse(?: primaire)?(?: d assurance maladie)?|secu"
    r"|securite sociale|assurance maladie)(?: (?:de la|de l|des|du|de|d|a|pour))? "
    r"((?:\w+ ?){1,4})"
)
_NO_PLACE = frozenset({"mon", "ma", "mes", "ton", "ta", "tes", "son", "sa", "ses", "votre", "vos"})
# "j'habite à Cayenne, je m'adresse où ?": the words after where the user says they live,
# for when the NLU tagged no place (folded text).
_PLACE_WORD = r"(?: a| au| aux| en| dans le| dans la| dans les| dans l| dans| sur| pres de)"
_LIVING_IN = re.compile(
    rf"\b(?:(?:j habite|habite|je vis|je reside|reside|je demeure){_PLACE_WORD}?"
    rf"|je suis(?: installee?s?)?{_PLACE_WORD}) ((?:\w+ ?){{1,4}})"
)
ORGANISM_ACTION = "action_lookup_organism"  # the answer that names the body of a status
STATUS_QUESTION = "ask_status_organism"
STATUS_BORN_ABROAD_QUESTION = "ask_status_born_abroad"  # its buttons: the jobless too


def current_status(turn: Turn) -> str | None:
    """The status told in this message, else the one told before (canonical)."""
    return canonical_status(turn.entity("status") or turn.slot("status"))


def typed_status(turn: Turn) -> str | None:
    """The status a typed answer to "Quelle est votre situation ?" tells ("je bosse dans
    un resto"), by the words of its buttons (situations/typed_answers.yml)."""
    if turn.previous_action != ORGANISM_ACTION:
        return None
    return status_of_buttons(STATUS_QUESTION, turn.text)


def status_of_buttons(question: str, text: str) -> str | None:
    """The status of the button of ``question`` whose words are in the text, if any."""
    chosen = get_situations().typed_choice(question, text)
    return parse_payload(chosen)[1].get("status") if chosen else None


def status_in_words(text: str) -> str | None:
    """The status a statement tells in words the NLU did not tag ("je travaille dans un
    supermarché", "I work at Carrefour"), by the words of the status questions' buttons
    (situations/typed_answers.yml): "je ne travaille pas" before "je travaille"."""
    if status_of_buttons(STATUS_BORN_ABROAD_QUESTION, text) == "sans_emploi":
        return "sans_emploi"
    return status_of_buttons(STATUS_QUESTION, text)


def place_clues(turn: Turn, geo: Geography) -> dict[str, Any]:
    """The place told in this message (entities, a commune name the NLU cut short, a
    number it did not tag: "dans le 33"), else the place told before (slots)."""
    clues: dict[str, Any] = {name: turn.entity(name) for name in PLACE_ENTITIES}
    city = next((e for e in turn.entities if e.name == "city"), None)
    if city is not None and isinstance(city.start, int) and isinstance(city.end, int):
        clues["city"] = widen_city(geo, turn.text, city.start, city.end, str(city.value))
    if not any(clues.values()):
        clues = {**clues, **clues_in_text(turn.text)}
    if not any(clues.values()):
        clues = {**clues, **place_named_in_text(geo, turn.text)}
    if not any(clues.values()):
        clues = {name: turn.slot(name) for name in PLACE_ENTITIES}
    return clues


def place_named_in_text(geo: Geography, text: str) -> dict[str, str]:
    """A place the NLU did not tag: right after a caisse ("le numéro de la cpam de Lyon",
    "caisse primaire de la Gironde"), or where the user says they live ("j'habite à
    Cayenne"); the longest name first; nothing otherwise."""
    folded = fold(text)
    for found in [*_AFTER_CAISSE.finditer(folded), *_LIVING_IN.finditer(folded)]:
        words = found[1].split()
        if words[0] in _NO_PLACE:
            continue
        for size in range(len(words), 0, -1):
            name = " ".join(words[:size])
            if geo.find_department(name) or geo.find_communes(name):
                return {"city": name}
    return {}


caisse_place_in_text = place_named_in_text  # its first name, kept for its callers


def names_a_place(turn: Turn, geo: Geography) -> bool:
    """Whether the message itself says where the user lives (an entity or its words)."""
    if turn.has_entity(*PLACE_ENTITIES):
        return True
    return bool(clues_in_text(turn.text) or place_named_in_text(geo, turn.text))


def collectivity_named(turn: Turn, geo: Geography) -> str | None:
    """The overseas collectivity the message names, by a place (or country) entity or,
    when the NLU tagged no place, by its words; None when it names none."""
    values = [turn.entity(name) for name in ("department", "postal_code", "country")]
    city = next((e for e in turn.entities if e.name == "city"), None)
    if city is not None and isinstance(city.start, int) and isinstance(city.end, int):
        values.append(widen_city(geo, turn.text, city.start, city.end, str(city.value)))
    elif city is not None:
        values.append(str(city.value))
    for value in filter(None, values):
        if code := collectivity_code(geo, str(value)):
            return code
    if turn.has_entity(*PLACE_ENTITIES):
        return None  # a place of France, or one the geography does not know
    postal = clues_in_text(turn.text).get("postal_code")
    return (postal and collectivity_from_postal_code(postal)) or collectivity_in_text(
        geo, turn.text
    )


def collectivity_reply(turn: Turn, geo: Geography, code: str) -> Reply:
    """Who handles a collectivity's people; a line for the communes of France named alike."""
    said = normalize_name(" ".join([turn.text, *(str(e.value) for e in turn.entities)]))
    names = [name for name, found in collectivity_names(geo).items() if found == code]
    homonym = any(name in said and has_homonym_communes(geo, name) for name in names)
    line = "\n" + content.render(f"{COLLECTIVITY_ANSWER}homonym") if homonym else ""
    return Reply.say(f"{COLLECTIVITY_ANSWER}{code}", homonym=line).then(
        Reply.set(department=None, city=None, postal_code=None)
    )


def contact_reply(
    session: Session, turn: Turn, geo: Geography, *, general_if_unknown: bool = True
) -> Reply:
    """The caisse of the user's place; the body of an overseas collectivity; which
    commune, for a name found in several departments; the numbers from abroad for a
    foreign country; otherwise the general numbers (or, ``general_if_unknown`` false,
    that the place was not understood)."""
    if code := collectivity_named(turn, geo):
        return collectivity_reply(turn, geo, code)
    if (body := body_contact(session, turn)) is not None:
        return body
    if country := foreign_country(turn, geo):
        # "je vis au Canada, quel numéro ?": the caisse is reached from abroad.
        return Reply.say("contact_from_abroad", country=country)
    found = locate(geo, **place_clues(turn, geo))
    if isinstance(found, Ambiguous):
        return which_commune(found).then(Reply.set(city=None, department=None))
    info = (
        queries.contact_for_department(session, found.department_code)
        if isinstance(found, Place)
        else None
    )
    if not isinstance(found, Place) or info is None:
        return Reply.say("contact" if general_if_unknown else "unknown_place")
    text = render.contact(info, place_label(found))
    return Reply.say(text.key, **text.values).then(
        Reply.set(department=found.department_code, city=found.commune, postal_code=None)
    )


def organism_text(info: StatusInfo, buttons: Sequence[Button] = ()) -> Reply:
    """Which body handles a status, and where to find it."""
    text = render.status(info)
    return Reply.say(text.key, list(buttons), **text.values)


def organism_reply(session: Session, turn: Turn) -> Reply:
    """Which body handles the user's health insurance, for their status; asks the status
    when it is not known, unless the message names an overseas collectivity ("la secu a
    Tahiti c quel organisme"): its own body, then."""
    status = current_status(turn) or typed_status(turn)
    geo = get_geography()
    if not status and (code := collectivity_named(turn, geo)):
        return collectivity_reply(turn, geo, code)
    if not status and names_a_place(turn, geo):
        return place_body_reply(session, turn, geo)
    department = turn.slot("department")
    info = queries.organism_for_status(session, status, department) if status else None
    if info is None:
        return Reply.say("ask_status_organism").then(Reply.say("organism_other_schemes"))
    if info.is_local and turn.has_entity(*PLACE_ENTITIES):
        # "j'habite à Nantes" after the body of a status handled by the local caisse
        reply = contact_reply(session, turn, geo, general_if_unknown=False)
        return reply.then(Reply.set(status=status))
    find_caisse = not department and info.is_local
    buttons = [button(content.render("button_find_caisse"), "contact")] if find_caisse else []
    reply = organism_text(info, buttons).then(Reply.set(status=status))
    if info.procedure_id:
        reply = reply.then(Reply.set(procedure=info.procedure_id))
    return reply


def place_body_reply(session: Session, turn: Turn, geo: Geography) -> Reply:
    """ "J'habite à Cayenne, je m'adresse où ?": the caisse that serves the place, and
    that some statuses have another body (the status buttons)."""
    reply = contact_reply(session, turn, geo, general_if_unknown=False)
    if any(m.key == "caisse" for m in reply.messages):
        reply = reply.then(Reply.say("organism_by_place"))
    return reply


def body_contact(session: Session, turn: Turn) -> Reply | None:
    """ "Et leur numéro ?" right after the body of a status was named: that body again
    (its site) when it is not the local caisse (MSA, CNMSS…); None otherwise."""
    if turn.previous_action != ORGANISM_ACTION or turn.has_entity(*PLACE_ENTITIES):
        return None
    status = current_status(turn)
    info = queries.organism_for_status(session, status, turn.slot("department")) if status else None
    return organism_text(info) if info is not None and not info.is_local else None


def situation_reply(session: Session, turn: Turn, geo: Geography) -> Reply:
    """The user states a fact about themselves out of context: answer what fits it (a
    status: its body; a place: its caisse; a country: what it is about)."""
    if turn.has_entity("status") and current_status(turn):
        return organism_reply(session, turn)
    if turn.has_entity(*PLACE_ENTITIES):
        return contact_reply(session, turn, geo, general_if_unknown=False)
    if country := foreign_country(turn, geo):
        return Reply.say("ask_country_context", country=country)
    return Reply.say("what_else")


def foreign_country(turn: Turn, geo: Geography) -> str | None:
    """The name, in the user's language, of the foreign country the message names; None
    when its country entity names France or no country at all (the NLU tagged "a
    supermarket" as a country once: that is no country to talk about)."""
    value = turn.entity("country")
    country = geo.find_country_named(value) if value else None
    if country is None or country.code == FRANCE_CODE:
        return None
    return country.name_in(turn.language)
