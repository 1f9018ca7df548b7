"""The NIR dialogue decided from a Turn (no Rasa): the check of the numbers typed in a
message, and the form that asks for one. Nothing of a number goes into a slot."""

from __future__ import annotations

import pytest

from secu.content import answer
from secu.dialogue.nir import (
    NOT_A_NIR,
    check_reply,
    extract_status,
    next_step_buttons,
    validate_status,
)
from secu.dialogue.turn import Reply, Turn
from secu.geo.geography import get_geography
from tests.nirs import with_key

VALID = "1 85 05 78 006 084 91"  # synthetic: Yvelines, May 1985, key computed
WRONG_KEY = "1 85 05 78 006 084 36"
MOROCCO = with_key("1850399350321")
ASKED = {"requested_slot": "nir_status"}


def text_of(reply: Reply) -> str:
    [message] = reply.messages
    return answer(message.key).render(**message.values)


def test_a_valid_number_is_checked_decoded_and_only_facts_are_kept() -> None:
    reply = check_reply(Turn(text=f"voici mon numero {VALID} il est bon ?", intent="check_nir"))
    text = text_of(reply)
    assert "bien formé" in text and "mai 1985" in text and "Yvelines" in text
    assert "ne conserve pas" in text
    assert "".join(VALID.split())[:13] not in "".join(text.split())
    assert dict(reply.slots) == {
        "nir_status": None,
        "nir_valid": True,
        "nir_error": None,
        "nir_born_abroad": False,
        "nir_place": "78",
    }


def test_the_check_offers_the_next_steps() -> None:
    [message] = check_reply(Turn(text=VALID), get_geography()).messages
    assert message.buttons == next_step_buttons()
    assert [b.as_dict() for b in next_step_buttons()] == [
        {"title": "Que veut dire mon numéro ?", "payload": "/nir_info"},
        {"title": "Obtenir une attestation", "payload": "/attestation_droits"},
    ]


def test_a_wrong_key_is_explained_without_guessing_it() -> None:
    reply = check_reply(Turn(text=WRONG_KEY, intent="check_nir"))
    text = text_of(reply)
    assert "n'est pas valide" in text and "clé" in text
    assert "91" not in text.replace("1 85 05", "")
    assert dict(reply.slots) == {
        "nir_status": None,
        "nir_valid": False,
        "nir_error": "key",
        "nir_born_abroad": None,
        "nir_place": None,
    }


def test_born_abroad_keeps_the_country() -> None:
    slots = check_reply(Turn(text=f"c'est {MOROCCO}")).slots
    assert (slots["nir_born_abroad"], slots["nir_place"]) == (True, "Maroc")


def test_several_numbers_in_one_answer_the_first_one_in_the_slots() -> None:
    reply = check_reply(Turn(text=f"{WRONG_KEY} ou {VALID} ?"))
    assert len(reply.messages) == 1
    assert text_of(reply).count("Le numéro") == 2
    assert reply.slots["nir_valid"] is False


def test_no_number_says_what_one_looks_like() -> None:
    reply = check_reply(Turn(text="12 rue de la paix", intent="check_nir"))
    assert [m.key for m in reply.messages] == ["nir_not_found"]
    assert dict(reply.slots) == {"nir_status": None}


@pytest.mark.parametrize(
    ("text", "intent", "status"),
    [
        (VALID, "check_nir", "typed"),
        (f"c'est {VALID}", "deny", "typed"),
        ("12 rue de la paix", "inform", NOT_A_NIR),
        ("je ne sais pas", "nlu_fallback", NOT_A_NIR),
        ("oui", "affirm", NOT_A_NIR),
        ("1 85 03", "deny", NOT_A_NIR),  # digits: an attempt, whatever the intent
    ],
)
def test_the_form_keeps_only_whether_a_number_was_typed(
    text: str, intent: str, status: str
) -> None:
    reply = extract_status(Turn(text=text, intent=intent, slots=ASKED))
    assert dict(reply.slots) == {"nir_status": status}
    assert reply.messages == ()


@pytest.mark.parametrize(
    ("text", "intent"), [("non laisse tomber", "deny"), ("c'est quoi la CSS ?", "ask_cost")]
)
def test_another_request_is_left_to_the_rules(text: str, intent: str) -> None:
    assert extract_status(Turn(text=text, intent=intent, slots=ASKED)) == Reply()


def test_nothing_is_extracted_when_the_form_does_not_ask_for_the_number() -> None:
    assert extract_status(Turn(text=VALID, intent="check_nir")) == Reply()
    other = {"requested_slot": "appointment_reason"}
    assert extract_status(Turn(text=VALID, intent="check_nir", slots=other)) == Reply()


def test_an_attempt_without_a_number_is_explained_and_asked_again() -> None:
    reply = validate_status(NOT_A_NIR)
    assert [m.key for m in reply.messages] == ["nir_not_found"]
    assert dict(reply.slots) == {"nir_status": None}
    assert validate_status("typed") == Reply.set(nir_status="typed")
