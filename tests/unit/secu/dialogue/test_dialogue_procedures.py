"""The procedure that fits the user, decided from a Turn (no Rasa): the topic, the
situation or the status, the one question of a topic and its yes or no, the documents
and the delay of the procedure shown last."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session

from secu.content import answer
from secu.dialogue.procedures import (
    delay_reply,
    documents_reply,
    next_steps,
    procedure_reply,
    topic_of,
    where_reply,
    yes_or_no,
)
from secu.dialogue.topics import Situations, get_situations
from secu.dialogue.turn import Entity, Reply, Turn
from secu.geo.geography import Geography, get_geography
from secu.knowledge import queries

DOCUMENTS = {"title": "Quels documents préparer ?", "payload": "/ask_documents"}


@pytest.fixture()
def session(knowledge_db: str) -> Iterator[Session]:
    from secu.knowledge.db import session_scope

    with session_scope() as opened:
        yield opened


@pytest.fixture(scope="module")
def known() -> Situations:
    return get_situations()


@pytest.fixture(scope="module")
def geo() -> Geography:
    return get_geography()


def keys(reply: Reply) -> list[str]:
    return [m.key for m in reply.messages]


def text(reply: Reply, index: int = 0) -> str:
    message = reply.messages[index]
    return answer(message.key).render(**message.values)


def buttons(reply: Reply, index: int = 0) -> list[dict[str, str]]:
    message = reply.messages[index]
    chosen = message.buttons if message.buttons is not None else answer(message.key).buttons
    return [b.as_dict() for b in chosen]


def after(topic: str, procedure: str | None = None, *, question: bool = True) -> dict:
    """The slots after the answer to ``topic`` (its question asked or not)."""
    return {"topic": topic, "topic_question": question, "procedure": procedure}


# -- which topic ------------------------------------------------------------------------


def test_the_intent_is_the_topic(known) -> None:
    topic, follow_up = topic_of(Turn(text="je rentre", intent="return_to_france"), known)
    assert topic is not None and topic.name == "return_to_france" and not follow_up


def test_a_reply_follows_up_the_topic_of_the_previous_answer(known) -> None:
    topic, follow_up = topic_of(Turn(text="oui", intent="affirm", slots=after("expatriate")), known)
    assert topic is not None and topic.name == "expatriate" and follow_up


def test_the_answer_to_the_question_read_as_another_topic_still_answers_it(known) -> None:
    turn = Turn(
        text="j'ai pas de carte vitale ni rien", intent="carte_vitale", slots=after("lost_number")
    )
    topic, follow_up = topic_of(turn, known)
    assert topic is not None and topic.name == "lost_number" and follow_up


def test_another_topic_after_the_question_is_that_topic(known) -> None:
    turn = Turn(
        text="on m'a vole ma carte vitale", intent="carte_vitale", slots=after("lost_number")
    )
    topic, follow_up = topic_of(turn, known)
    assert topic is not None and topic.name == "carte_vitale" and not follow_up


def test_no_topic_at_all(known) -> None:
    assert topic_of(Turn(text="ok", intent="inform"), known) == (None, True)


# -- yes or no to the topic's question ----------------------------------------------------


def test_yes_or_no_is_an_answer_or_a_situation(known) -> None:
    lost = known.topics["lost_number"]
    yes = yes_or_no(Turn(intent="affirm", slots=after("lost_number")), lost)
    assert isinstance(yes, Reply) and keys(yes) == ["lost_number_found"]
    assert dict(yes.slots) == {"topic_question": False}
    assert yes_or_no(Turn(intent="deny", slots=after("lost_number")), lost) == "sans_document"


def test_yes_or_no_without_a_question_waiting(known) -> None:
    lost = known.topics["lost_number"]
    no = yes_or_no(Turn(intent="deny", slots=after("lost_number", question=False)), lost)
    assert isinstance(no, Reply) and keys(no) == ["anything_else"]
    yes = yes_or_no(Turn(intent="affirm", slots=after("lost_number", question=False)), lost)
    assert isinstance(yes, Reply) and keys(yes) == ["what_else"]


# -- the procedure ------------------------------------------------------------------------


def test_a_topic_without_its_situation_shows_the_default_and_asks(session, known, geo) -> None:
    reply = procedure_reply(
        session, Turn(text="j'ai perdu mon numero", intent="lost_number"), known, geo
    )
    assert keys(reply) == ["procedure", "ask_lost_number_document"]
    assert "carte Vitale" in text(reply) and buttons(reply) == []
    assert dict(reply.slots) == {
        "topic": "lost_number",
        "procedure": "lost_number_with_document",
        "topic_question": True,
    }


def test_a_situation_in_the_words_picks_the_procedure(session, known, geo) -> None:
    turn = Turn(text="mon employeur me detache au Portugal", intent="expatriate")
    reply = procedure_reply(session, turn, known, geo)
    assert keys(reply) == ["procedure"]
    assert "24 mois" in text(reply)
    assert "/return_to_france" in [b["payload"] for b in buttons(reply)]
    assert dict(reply.slots) == {
        "topic": "expatriate",
        "procedure": "expatriate_posted",
        "topic_question": False,
    }


def test_a_situation_button_picks_the_procedure(session, known, geo) -> None:
    turn = Turn(
        text='/inform{"situation":"detache"}',
        intent="inform",
        entities=(Entity("situation", "detache"),),
        slots=after("expatriate"),
    )
    reply = procedure_reply(session, turn, known, geo)
    assert "CLEISS" in text(reply) and reply.slots["procedure"] == "expatriate_posted"


def test_no_to_the_question_picks_its_situation(session, known, geo) -> None:
    turn = Turn(text="non", intent="deny", slots=after("lost_number", "lost_number_with_document"))
    reply = procedure_reply(session, turn, known, geo)
    assert "pièce d'identité" in text(reply)
    assert DOCUMENTS in buttons(reply)
    assert reply.slots["procedure"] == "lost_number_no_document"


def test_the_status_picks_the_procedure(session, known, geo) -> None:
    turn = Turn(
        text="etudiant etranger", intent="born_abroad", entities=(Entity("status", "etudiant"),)
    )
    reply = procedure_reply(session, turn, known, geo)
    assert keys(reply) == ["procedure"]
    assert "etudiant-etranger.ameli.fr" in text(reply) and DOCUMENTS in buttons(reply)
    assert dict(reply.slots) == {
        "topic": "born_abroad",
        "status": "etudiant",
        "procedure": "born_abroad_student",
        "topic_question": False,
    }


def test_a_status_without_its_own_procedure_gets_its_body(session, known, geo) -> None:
    turn = Turn(
        text="militaire ne en algerie",
        intent="born_abroad",
        entities=(Entity("status", "militaire"),),
    )
    reply = procedure_reply(session, turn, known, geo)
    assert keys(reply)[0] == "procedure"
    assert "CNMSS" in text(reply, -1)
    assert reply.slots["topic_question"] is False


def test_the_default_already_shown_is_not_shown_again(session, known, geo) -> None:
    turn = Turn(
        text="et si je suis salariée ?",
        intent="inform",
        entities=(Entity("status", "salariée"),),
        slots=after("born_abroad", "born_abroad"),
    )
    reply = procedure_reply(session, turn, known, geo)
    assert len(reply.messages) == 1 and "employeur" in text(reply)


def test_a_place_after_a_procedure_gets_the_caisse(session, known, geo) -> None:
    turn = Turn(
        text="j'habite a Lyon",
        intent="inform",
        entities=(Entity("city", "Lyon", 10, 14),),
        slots={"topic": "born_abroad", "procedure": "born_abroad"},
    )
    reply = procedure_reply(session, turn, known, geo)
    assert keys(reply) == ["caisse"] and "CPAM du Rhône" in text(reply)


def test_the_steps_are_cut_for_the_chat_with_the_link(session, known, geo) -> None:
    reply = procedure_reply(session, Turn(text="ne au maroc", intent="born_abroad"), known, geo)
    shown = queries.procedure(session, "born_abroad")
    assert shown is not None
    lines = text(reply).split("\n")
    assert lines[0] == shown.summary and lines[1].startswith("1. ")
    assert lines[-1] == f"{shown.links[0].title} : {shown.links[0].url}"
    if len(shown.steps) > 3:
        assert "(démarche complète sur le lien ci-dessous)" in lines


def test_next_steps_leave_out_the_one_leading_back(session, known) -> None:
    app = queries.procedure(session, "carte_vitale_app")
    assert app is not None
    payloads = [b.payload for b in next_steps(known.topics["carte_vitale"], app)]
    assert '/inform{"situation":"appli"}' not in payloads and "/attestation_droits" in payloads


# -- documents and delays -----------------------------------------------------------------


def test_the_documents_of_the_procedure_shown_last(session) -> None:
    reply = documents_reply(session, Turn(slots={"procedure": "born_abroad_student"}))
    assert keys(reply) == ["procedure_documents"]
    lines = text(reply).split("\n")
    assert lines[0].startswith("Pour « ") and lines[0].endswith("», préparez :")
    assert all(line.startswith("- ") and line.endswith(" ;") for line in lines[1:-1])
    assert any("certificat de scolarité" in line for line in lines)


def test_documents_or_delays_without_a_procedure_ask_which(session) -> None:
    assert keys(documents_reply(session, Turn())) == ["ask_which_procedure"]
    assert keys(delay_reply(session, Turn())) == ["ask_which_procedure_delay"]


def test_the_delay_of_the_procedure_shown_last(session) -> None:
    reply = delay_reply(session, Turn(slots={"procedure": "born_abroad"}))
    assert keys(reply) == ["procedure_delay"] and "9 mois" in text(reply)
    reply = delay_reply(session, Turn(slots={"procedure": "born_abroad_papers"}))
    assert keys(reply) == ["procedure_no_delay"]
    reply = delay_reply(session, Turn(slots={"procedure": "carte_vitale_lost_or_stolen"}))
    assert keys(reply) == ["procedure_delay"] and "2 à 3 semaines" in text(reply)


def test_where_to_ask_for_the_procedure_shown_last(session) -> None:
    """ "Je la demande où ?" after the Complémentaire santé solidaire: every step, the
    compte ameli among them, and every official link (the chat answer showed 3 steps)."""
    reply = where_reply(session, Turn(slots={"procedure": "health_aid_css"}))
    assert keys(reply) == ["procedure_where"]
    shown = queries.procedure(session, "health_aid_css")
    assert shown is not None and len(shown.steps) > 3
    assert "compte ameli" in text(reply)
    for number, step in enumerate(shown.steps, start=1):
        assert f"{number}. {step}" in text(reply)
    for link in shown.links:
        assert link.url in text(reply)
    assert buttons(reply) == []


def test_where_without_a_procedure_asks_which(session) -> None:
    reply = where_reply(session, Turn())
    assert keys(reply) == ["ask_which_procedure_where"]
    assert {b["title"] for b in buttons(reply)} >= {"Attestation de droits", "Carte Vitale"}
