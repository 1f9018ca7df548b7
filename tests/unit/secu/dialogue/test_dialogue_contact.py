"""Who handles the user and how to reach them, decided from a Turn (no Rasa): the caisse
of a place, the body of a status, a fact told out of context."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session

from secu.content import answer, answers
from secu.dialogue.contact import (
    contact_reply,
    current_status,
    organism_reply,
    place_clues,
    situation_reply,
)
from secu.dialogue.turn import Entity, Reply, Turn
from secu.geo.geography import Geography, get_geography


@pytest.fixture()
def session(knowledge_db: str) -> Iterator[Session]:
    from secu.knowledge.db import session_scope

    with session_scope() as opened:
        yield opened


@pytest.fixture(scope="module")
def geo() -> Geography:
    return get_geography()


def keys(reply: Reply) -> list[str]:
    return [m.key for m in reply.messages]


def text(reply: Reply, index: int = 0) -> str:
    message = reply.messages[index]
    return answer(message.key).render(**message.values)


def payloads(reply: Reply, index: int = 0) -> list[str]:
    message = reply.messages[index]
    chosen = message.buttons if message.buttons is not None else answer(message.key).buttons
    return [b.payload for b in chosen]


def test_the_status_of_the_message_wins_over_the_one_told_before() -> None:
    turn = Turn(entities=(Entity("status", "étudiante"),), slots={"status": "salarie"})
    assert current_status(turn) == "etudiant"
    assert current_status(Turn(slots={"status": "marin"})) == "marin"
    assert current_status(Turn()) is None


def test_place_clues_widen_a_commune_cut_short_then_read_numbers_then_slots(geo) -> None:
    said = "j'habite a saint denis"
    start = said.index("denis")
    turn = Turn(text=said, entities=(Entity("city", "denis", start, start + 5),))
    assert place_clues(turn, geo)["city"] == "saint denis"
    assert place_clues(Turn(text="dans le 33"), geo)["department"] == "33"
    assert place_clues(Turn(text="bof", slots={"city": "Lyon"}), geo)["city"] == "Lyon"


def test_the_caisse_of_a_department(session, geo) -> None:
    turn = Turn(text="...", intent="contact", entities=(Entity("department", "33"),))
    reply = contact_reply(session, turn, geo)
    assert keys(reply) == ["caisse"]
    assert text(reply).startswith("Pour la Gironde (33), votre caisse est : CPAM de la Gironde")
    assert "- en ligne : la messagerie de votre compte ameli" in text(reply)
    assert payloads(reply) == ["/book_appointment", "/contact_from_abroad"]
    assert dict(reply.slots) == {"department": "33", "city": None, "postal_code": None}


def test_the_caisse_of_a_commune_names_the_commune(session, geo) -> None:
    turn = Turn(text="...", entities=(Entity("city", "Lyon"),))
    reply = contact_reply(session, turn, geo)
    assert "Pour Lyon (Rhône, 69), votre caisse est : CPAM du Rhône" in text(reply)
    assert reply.slots["city"] == "Lyon"


def test_mayotte_gets_its_own_body_and_number(session, geo) -> None:
    reply = contact_reply(session, Turn(entities=(Entity("postal_code", "97600"),)), geo)
    assert "CSSM" in text(reply) and "02 69 61 91 91" in text(reply)


def test_a_commune_in_several_departments_asks_which(session, geo) -> None:
    turn = Turn(text="saint denis", entities=(Entity("city", "saint denis"),))
    reply = contact_reply(session, turn, geo)
    assert keys(reply) == ["ask_which_commune"]
    assert '/inform{"department": "974"}' in payloads(reply)
    assert dict(reply.slots) == {"city": None, "department": None}


def test_a_foreign_country_gets_the_number_from_abroad(session, geo) -> None:
    turn = Turn(text="j'habite en Espagne", entities=(Entity("country", "Espagne"),))
    reply = contact_reply(session, turn, geo)
    assert keys(reply) == ["contact_from_abroad"]
    assert "(Espagne)" in text(reply)


def test_no_place_gives_the_general_numbers_or_says_it_was_not_understood(session, geo) -> None:
    assert keys(contact_reply(session, Turn(text="numero cpam"), geo)) == ["contact"]
    turn = Turn(text="a zzzville", entities=(Entity("city", "zzzville"),))
    reply = contact_reply(session, turn, geo, general_if_unknown=False)
    assert keys(reply) == ["unknown_place"]


def test_the_body_of_a_status_offers_to_find_the_caisse(session) -> None:
    reply = organism_reply(session, Turn(entities=(Entity("status", "salarie"),)))
    assert payloads(reply) == ["/contact"]
    assert reply.slots["status"] == "salarie"


def test_the_body_of_a_status_names_the_caisse_of_a_known_department(session) -> None:
    turn = Turn(entities=(Entity("status", "salarie"),), slots={"department": "33"})
    reply = organism_reply(session, turn)
    assert "Pour vous : CPAM de la Gironde." in text(reply)
    assert payloads(reply) == []


def test_a_national_body_is_given_with_its_site(session) -> None:
    reply = organism_reply(session, Turn(entities=(Entity("status", "militaire"),)))
    assert "CNMSS" in text(reply)
    assert payloads(reply) == []


def test_without_a_status_the_body_question_is_asked(session) -> None:
    reply = organism_reply(session, Turn(text="quelle caisse ?"))
    assert keys(reply) == ["ask_status_organism", "organism_other_schemes"]
    assert dict(reply.slots) == {}


@pytest.mark.parametrize(
    ("entity", "expected"),
    [
        (Entity("status", "marin"), "ENIM"),
        (Entity("department", "59"), "CPAM du Nord"),
        (Entity("country", "Canada"), "(Canada)"),
    ],
)
def test_a_fact_told_out_of_context(session, geo, entity: Entity, expected: str) -> None:
    reply = situation_reply(session, Turn(text="...", intent="inform", entities=(entity,)), geo)
    assert expected in text(reply)


def test_nothing_told_asks_what_else(session, geo) -> None:
    assert keys(situation_reply(session, Turn(text="ok", intent="inform"), geo)) == ["what_else"]


@pytest.mark.parametrize(
    ("value", "language", "shown"),
    [
        ("maroc", "fr", "(Maroc)"),
        ("Angleterre", "fr", "(Royaume-Uni)"),
        ("Germany", "en", "(Germany)"),
        ("USA", "en", "(United States)"),
        ("Allemagne", "en", "(Germany)"),
    ],
)
def test_a_country_is_named_as_it_is_in_the_users_language(
    session, geo, value: str, language: str, shown: str
) -> None:
    entities = (Entity("country", value),)
    turn = Turn(text="...", intent="inform", entities=entities, language=language)
    reply = situation_reply(session, turn, geo)
    assert keys(reply) == ["ask_country_context"]
    message = reply.messages[0]
    assert shown in answers(language)[message.key].render(**message.values)


@pytest.mark.parametrize("value", ["supermarket", "un supermarché", "belge", "France"])
def test_a_country_entity_that_names_no_foreign_country_is_not_asked_about(
    session, geo, value: str
) -> None:
    """ "I work in a supermarket" after the CEAM's answer: the NLU tagged "supermarket" as
    a country; the answer must not ask "are you going there?" about it."""
    turn = Turn(text=f"I work in {value}", intent="inform", entities=(Entity("country", value),))
    assert keys(situation_reply(session, turn, geo)) == ["what_else"]
    contact = contact_reply(session, turn, geo)
    assert keys(contact) == ["contact"]
