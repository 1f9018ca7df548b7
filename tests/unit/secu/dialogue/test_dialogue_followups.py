"""Follow-ups that lean on the answer just given, decided from a Turn (no Rasa): the cost
and the obligation of the procedure shown last (or "je ne sais pas"), without a compte
ameli, "et pour mes enfants ?", "et leur numéro ?", "oui"/"non" with a reason, a place
with "je m'adresse où ?", and asking to meet a person while a number is asked."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from secu.content import answer
from secu.dialogue import nir
from secu.dialogue.contact import ORGANISM_ACTION, contact_reply, organism_reply
from secu.dialogue.procedures import (
    cost_reply,
    obligation_reply,
    procedure_reply,
    without_account_reply,
)
from secu.dialogue.topics import get_situations
from secu.dialogue.turn import Entity, Reply, Turn
from secu.geo.geography import get_geography
from secu.text import read_merged

KNOWLEDGE = Path(__file__).resolve().parents[4] / "data" / "knowledge"
RECORDS = {p["id"]: p for p in read_merged(KNOWLEDGE, "procedures")["procedures"]}
ASKED = {"requested_slot": "nir_status"}


@pytest.fixture()
def session(knowledge_db: str) -> Iterator[Session]:
    from secu.knowledge.db import session_scope

    with session_scope() as opened:
        yield opened


def keys(reply: Reply) -> list[str]:
    return [m.key for m in reply.messages]


def text(reply: Reply) -> str:
    return "\n".join(answer(m.key).render(**m.values) for m in reply.messages)


def after(procedure: str, topic: str | None = None, **more: object) -> dict[str, object]:
    return {"procedure": procedure, "topic": topic or RECORDS[procedure]["topic"], **more}


# -- the cost and the obligation of the procedure shown last ---------------------------


FACTS = sorted(
    (pid, fact) for pid, r in RECORDS.items() for fact in ("cost", "obligation") if r.get(fact)
)
FOLLOW_UPS = {
    "cost": (cost_reply, "et c'est payant ?"),
    "obligation": (obligation_reply, "obligé ?"),
}


@pytest.mark.parametrize(("pid", "fact"), FACTS)
def test_the_follow_up_gives_that_procedures_own_fact(
    session: Session, pid: str, fact: str
) -> None:
    """ "Et c'est payant ?" / "je suis obligé ?" right after a procedure: its sourced fact."""
    decide, message = FOLLOW_UPS[fact]
    reply = decide(session, Turn(text=message, slots=after(pid)))
    assert keys(reply) == [f"procedure_{fact}"]
    said = text(reply)
    assert RECORDS[pid]["title"] in said
    assert " ".join(RECORDS[pid][fact]["text"].split()) in said


@pytest.mark.parametrize(
    ("pid", "fact", "words"),
    [
        ("carte_vitale_lost_or_stolen", "cost", "gratuite"),
        ("expatriate_expat", "cost", "payant"),
        ("expatriate_expat", "obligation", "volontaire"),
        ("moving_declare", "obligation", "vous devez en informer votre caisse"),
        ("cross_border_switzerland", "obligation", "3 mois"),
    ],
)
def test_what_people_need_to_know_is_said(
    session: Session, pid: str, fact: str, words: str
) -> None:
    """The carte Vitale is free and the CFE is not, nor compulsory; moving must be declared;
    the Swiss choice has a delay."""
    decide, message = FOLLOW_UPS[fact]
    assert words in text(decide(session, Turn(text=message, slots=after(pid))))


def test_without_a_sourced_fact_the_assistant_says_it_does_not_know(session: Session) -> None:
    shown = after("born_abroad")
    cost = cost_reply(session, Turn(text="c'est payant ?", intent="ask_cost", slots=shown))
    assert keys(cost) == ["procedure_no_cost"]
    assert "Je ne sais pas" in text(cost) and "3646 (service gratuit + prix de l'appel)" in text(
        cost
    )
    must = obligation_reply(session, Turn(text="obligé ?", intent="ask_obligation", slots=shown))
    assert keys(must) == ["procedure_no_obligation"]
    assert "compte ameli" in text(must)


def test_with_nothing_shown_it_asks_which_procedure(session: Session) -> None:
    assert keys(cost_reply(session, Turn(text="c payant ?", intent="ask_cost"))) == [
        "ask_which_procedure_cost"
    ]
    assert keys(obligation_reply(session, Turn(text="obligé ?", intent="ask_obligation"))) == [
        "ask_which_procedure_obligation"
    ]


def test_without_a_compte_ameli_names_the_procedure_and_the_3646(session: Session) -> None:
    shown = Turn(text="et si j'ai pas de compte ameli ?", slots=after("attestation_droits"))
    said = text(without_account_reply(session, shown))
    assert "Obtenir son attestation de droits" in said and "3646" in said
    assert keys(without_account_reply(session, Turn(text="pas de compte"))) == ["without_account"]


# -- "et pour mes enfants ?", "et leur numéro ?" -----------------------------------------


@pytest.mark.parametrize(
    ("before", "expected"),
    [
        ("carte_vitale_lost_or_stolen", "children_own_card"),
        ("born_abroad", "children_born_abroad"),
    ],
)
def test_and_for_my_children_keeps_the_topic_just_answered(
    session: Session, before: str, expected: str
) -> None:
    turn = Turn(text="et pour mes enfants ?", intent="children", slots=after(before))
    reply = procedure_reply(session, turn, get_situations(), get_geography())
    assert reply.slots["procedure"] == expected
    assert reply.slots["topic"] == "children"


def test_and_for_my_children_out_of_such_a_context_asks_which_case(session: Session) -> None:
    turn = Turn(text="et pour mes enfants ?", intent="children", slots=after("moving_declare"))
    reply = procedure_reply(session, turn, get_situations(), get_geography())
    assert keys(reply)[-1] == "ask_children"


def test_their_address_after_a_topic_is_the_users_caisse(session: Session) -> None:
    turn = Turn(text="et leur adresse ?", intent="contact", slots={**after("moving_declare"),
                "department": "69"})  # fmt: skip
    reply = contact_reply(session, turn, get_geography())
    assert keys(reply) == ["caisse"]
    assert "Rhône" in text(reply)


def test_their_number_after_the_body_of_a_status_is_that_body(session: Session) -> None:
    turn = Turn(
        text="et leur numero ?",
        intent="contact",
        slots={"status": "agriculteur"},
        previous_action=ORGANISM_ACTION,
    )
    said = text(contact_reply(session, turn, get_geography()))
    assert "MSA" in said and "CPAM" not in said


# -- "oui"/"non" with a reason, a correction --------------------------------------------


def test_no_with_a_status_goes_by_the_status(session: Session) -> None:
    slots = {"topic": "born_abroad", "topic_question": True, "procedure": "born_abroad"}
    turn = Turn(
        text="non je suis etudiant",
        intent="deny",
        entities=(Entity("status", "etudiant"),),
        slots=slots,
    )
    reply = procedure_reply(session, turn, get_situations(), get_geography())
    assert reply.slots["procedure"] == "born_abroad_student"


def test_a_correction_to_the_question_picks_the_situation_it_names(session: Session) -> None:
    slots = {"topic": "cross_border", "topic_question": True, "procedure": "cross_border_general"}
    turn = Turn(text="non, plutot au luxembourg", intent="deny", slots=slots)
    reply = procedure_reply(session, turn, get_situations(), get_geography())
    assert reply.slots["procedure"] == "cross_border_eu"


@pytest.mark.parametrize(
    ("text", "situation"),
    [
        ("oui je suis ne a lille", "ne_en_france"),
        ("Oui, à Lille en 1990", "ne_en_france"),
        ("yes in Lille", "ne_en_france"),
        ("non je suis nee a Alger", "ne_etranger"),
        ("no, in Algeria", "ne_etranger"),
    ],
)
@pytest.mark.parametrize("intent", ["nlu_fallback", "inform"])
def test_a_reply_starting_with_yes_or_no_answers_the_question(
    session: Session, text: str, situation: str, intent: str
) -> None:
    """The NLU unsure between "oui" and a statement ("oui je suis né à Lille": affirm or
    inform), or taking it for the statement: the first word answers "Êtes-vous né(e) en
    France ?" (not the caisse of Lille)."""
    slots = {"topic": "correct_error", "topic_question": True, "procedure": "correct_error"}
    unsure = procedure_reply(
        session, Turn(text=text, intent=intent, slots=slots), get_situations(),
        get_geography(),
    )  # fmt: skip
    sure = procedure_reply(
        session,
        Turn(text=text, intent="affirm" if situation == "ne_en_france" else "deny", slots=slots),
        get_situations(),
        get_geography(),
    )
    assert unsure.slots["procedure"] == sure.slots["procedure"]
    assert unsure.messages == sure.messages


@pytest.mark.parametrize("text", ["ouistiti", "nonante", "je ne sais pas oui", "gnagna blip"])
def test_an_unsure_reply_without_a_leading_yes_or_no_is_left_to_the_fallback(
    session: Session, text: str
) -> None:
    slots = {"topic": "correct_error", "topic_question": True, "procedure": "correct_error"}
    turn = Turn(text=text, intent="nlu_fallback", slots=slots)
    assert procedure_reply(session, turn, get_situations(), get_geography()) == Reply()


# -- a place with a question -------------------------------------------------------------


@pytest.mark.parametrize(
    ("turn", "name"),
    [
        (
            Turn(
                text="j'habite à Cayenne, je m'adresse où ?",
                intent="organism",
                entities=(Entity("city", "Cayenne", 11, 18),),
            ),
            "Guyane",
        ),
        (Turn(text="j'habite a cayenne je m'adresse ou", intent="organism"), "Guyane"),
        (Turn(text="je vis a lille, c'est quel organisme pour moi ?", intent="organism"), "Nord"),
        (
            Turn(
                text="j'habite dans le 69 a qui je m'adresse",
                intent="organism",
                entities=(Entity("department", "69"),),
            ),
            "Rhône",
        ),
    ],
)
def test_a_place_with_a_question_names_the_body_of_that_place(
    session: Session, turn: Turn, name: str
) -> None:
    reply = organism_reply(session, turn)
    assert "ask_status_organism" not in keys(reply)
    assert keys(reply) == ["caisse", "organism_by_place"]
    assert name in text(reply)


def test_a_status_still_wins_over_the_place(session: Session) -> None:
    turn = Turn(
        text="agriculteur a cayenne je m'adresse ou",
        intent="organism",
        entities=(Entity("status", "agriculteur"),),
    )
    assert "MSA" in text(organism_reply(session, turn))


def test_no_place_and_no_status_still_asks_the_status(session: Session) -> None:
    reply = organism_reply(session, Turn(text="je depends de quelle caisse ?", intent="organism"))
    assert keys(reply)[0] == "ask_status_organism"


# -- meeting a person is never a request for the number --------------------------------

MEETING = [
    ("je veux voir quelqu'un en face", "inform"),
    ("un rendez-vous à l'accueil", "check_nir"),
    ("rencontrer un conseiller", "check_nir"),
    ("je veux voir un conseiller pour verifier mon numero", "check_nir"),
    ("je prefere voir quelqu'un en vrai plutot qu'au telephone", "inform"),
    ("je peux passer voir quelqu'un a la cpam ?", "nlu_fallback"),
    ("je veux etre recu par un agent", "check_nir"),
    ("passez moi un conseiller", "human_handoff"),
    ("je veux un rdv", "book_appointment"),
]


@pytest.mark.parametrize(("message", "intent"), MEETING)
@pytest.mark.parametrize("slots", [{}, ASKED], ids=["form starts", "form waits"])
def test_asking_to_meet_a_person_never_gets_the_number_prompt(
    message: str, intent: str, slots: dict[str, str]
) -> None:
    turn = Turn(text=message, intent=intent, slots=slots)
    extracted = nir.extract_status(turn)
    assert extracted.slots == {"nir_status": nir.MEET}
    assert not nir.validate_status(nir.MEET).messages  # nothing said, the form is done
    checked = nir.check_reply(Turn(text=message, intent=intent, slots={"nir_status": nir.MEET}))
    assert keys(checked) == ["nir_meet_person"]
    said = text(checked)
    assert "rendez-vous à l'accueil" in said and "Tapez" not in said


def test_a_number_typed_is_still_checked() -> None:
    typed = Turn(text="1 85 05 78 006 084 36 en face", intent="check_nir", slots=ASKED)
    assert nir.extract_status(typed).slots == {"nir_status": nir.TYPED}


def test_an_attempt_without_a_number_is_still_asked_again() -> None:
    attempt = Turn(text="12 rue de la paix", intent="inform", slots=ASKED)
    assert nir.extract_status(attempt).slots == {"nir_status": nir.NOT_A_NIR}
    plain = Turn(text="tu peux verifier mon numero", intent="check_nir")
    assert nir.extract_status(plain).slots == {}  # the form asks for the number


@pytest.mark.parametrize(
    ("message", "place"),
    [
        ("j'habite à Cayenne, je m'adresse où ?", "cayenne"),
        ("je suis installée à Lyon depuis peu", "lyon"),
        ("je suis à Mayotte", "mayotte"),
        ("je suis marié", None),  # a commune is called Marie: "je suis" needs "à", "en"…
        ("je suis mère de 3 enfants", None),
        ("je suis à la retraite", None),
    ],
)
def test_where_the_user_lives_is_read_from_their_words(message: str, place: str | None) -> None:
    from secu.dialogue.contact import place_named_in_text

    found = place_named_in_text(get_geography(), message)
    assert found == ({"city": place} if place else {})


def test_an_unclear_follow_up_is_read_by_the_words_of_the_topic(session: Session) -> None:
    """ "et pour l'autre parent ?" after a newborn, which the NLU was unsure of."""
    turn = Turn(
        text="et pour l'autre parent ?", intent="nlu_fallback", slots=after("children_newborn")
    )
    reply = procedure_reply(session, turn, get_situations(), get_geography())
    assert reply.slots["procedure"] == "children_both_parents"
    lost = Turn(text="gnagna blip", intent="nlu_fallback", slots=after("children_newborn"))
    assert procedure_reply(session, lost, get_situations(), get_geography()) == Reply()


def test_is_it_free_after_how_to_reach_them_is_about_calling(session: Session) -> None:
    turn = Turn(
        text="c'est payant ?",
        intent="ask_cost",
        slots=after("born_abroad"),
        previous_action="action_say_contact_from_abroad_general",
    )
    reply = cost_reply(session, turn)
    assert keys(reply) == ["contact_cost"]
    assert "rendez-vous avec cet assistant" not in text(reply)


def test_a_place_after_the_body_of_a_status_names_the_caisse_of_that_place(
    session: Session,
) -> None:
    turn = Turn(
        text="j'habite a Nantes",
        intent="inform",
        entities=(Entity("city", "Nantes", 11, 17),),
        slots={"status": "etudiant"},
        previous_action=ORGANISM_ACTION,
    )
    said = text(organism_reply(session, turn))
    assert "Loire-Atlantique" in said


# -- a status told after a procedure whose steps it does not change ---------------------


STATUSES = ("salarie", "etudiant", "retraite", "independant", "sans_emploi")


@pytest.mark.parametrize("pid", sorted(RECORDS))
def test_a_status_told_after_a_procedure_always_gets_an_answer(session: Session, pid: str) -> None:
    """ "je bosse en CDD dans un supermarche" after the CEAM's procedure was met with
    silence (1 December 2026): the procedure did not change and the topic had no question
    to ask again. Whatever the procedure shown and the status told, something is said."""
    for status in STATUSES:
        turn = Turn(
            text=f"je suis {status}",
            intent="inform",
            entities=(Entity("status", status),),
            slots=after(pid, topic_question=False),
        )
        reply = procedure_reply(session, turn, get_situations(), get_geography())
        assert reply.messages, (pid, status)
        assert text(reply).strip()


@pytest.mark.parametrize(
    ("said", "entities", "language"),
    [
        # the NLU read "supermarket" as a country and no status (1 December 2026)
        ("I work in a supermarket", (Entity("country", "supermarket"),), "en"),
        ("I work at Carrefour", (), "en"),
        # the NLU cut the words into two statuses that name none
        (
            "je travaille dans un supermarché",
            (Entity("status", "je travaille"), Entity("status", "dans un supermarché")),
            "fr",
        ),
        ("je ne travaille pas en ce moment", (), "fr"),
    ],
)
def test_a_status_told_in_words_after_a_procedure_is_taken_as_a_status(
    session: Session, said: str, entities: tuple[Entity, ...], language: str
) -> None:
    """After the CEAM's procedure, a job told in words the NLU did not tag as a status
    gets what a status gets (the procedure stays the answer), not "what is your
    question?" nor a question about a country named "supermarket"."""
    turn = Turn(
        text=said,
        intent="inform",
        entities=entities,
        slots=after("stay_in_europe", topic_question=False),
        language=language,
    )
    reply = procedure_reply(session, turn, get_situations(), get_geography())
    assert keys(reply) == ["procedure_unchanged"]
    assert reply.slots.get("status") in {"salarie", "sans_emploi"}
