"""action_define_term as a user reads it: the definition of the term asked (by its entity,
its words or a button), whatever came before, and the known terms when it is not one."""

from __future__ import annotations

import pytest

from actions.glossary import ActionDefineTerm
from secu.dialogue.glossary import get_glossary
from tests.adapters import action_event, make_tracker, run_action, said, user_event


def defined(messages: list[dict]) -> str | None:
    """The key of the term whose definition the user read (the answer term_definition is
    the definition itself, so it is recognised by its text)."""
    [message] = messages
    return next((t.key for t in get_glossary().terms if t.definition == message["text"]), None)


def term(value: str, text: str | None = None) -> list[dict]:
    return [{"entity": "term", "value": value, **({"text": text} if text else {})}]


def test_the_name_is_the_one_the_domain_declares(domain) -> None:
    assert ActionDefineTerm().name() in domain["actions"]
    assert "define_term" in domain["intents"] and "term" in domain["entities"]


@pytest.mark.parametrize(
    ("text", "entities", "key", "payload"),
    [
        ("c'est quoi un NIA ?", term("nia", "NIA"), "nia", '/born_abroad{"situation": "nia"}'),
        ("ca veut dire quoi puma", term("puma", "puma"), "puma", "/return_to_france"),
        ("c koi la CFE", [], "cfe", '/expatriate{"situation": "expatrie"}'),
        ("c quoi le S1106", term("S1106"), "s1106", "/born_abroad"),
        ("le sandia ?", [], "sandia", "/born_abroad"),
        ("c'est quoi la ceam", term("ceam"), "ceam", "/travel_europe"),
        ("le cleiss c'est qui", [], "cleiss", "/expatriate"),
        ("attestation ?", term("attestation_droits"), "attestation_droits", "/attestation_droits"),
        ("un ayant droit ?", term("ayant_droit"), "ayant_droit", "/children"),
        ("la clé du numéro", [], "cle", "/check_nir"),
        ("matricule INS", term("ins"), "ins", "/nir_info"),
    ],
)
def test_each_term_gets_its_definition_and_next_step(
    domain, text: str, entities: list[dict], key: str, payload: str
) -> None:
    messages, events = run_action(
        ActionDefineTerm(), make_tracker(text, "define_term", entities), domain
    )
    assert defined(messages) == key
    assert payload in [b["payload"] for b in messages[0]["buttons"]]
    assert events == []


def test_a_term_button_is_answered_like_a_typed_question(domain) -> None:
    tracker = make_tracker('/define_term{"term": "s1106"}', "define_term", term("s1106"))
    messages, _ = run_action(ActionDefineTerm(), tracker, domain)
    assert "Demande d'ouverture des droits à l'assurance maladie" in messages[0]["text"]


def test_a_term_asked_after_the_born_abroad_answer_keeps_that_topic(domain) -> None:
    history = [
        user_event("je suis ne en tunisie", "born_abroad"),
        action_event("action_lookup_procedure"),
    ]
    slots = {"topic": "born_abroad", "procedure": "born_abroad", "topic_question": True}
    tracker = make_tracker(
        "c'est quoi le NIA ?", "define_term", term("nia"), slots=slots, history=history
    )
    messages, events = run_action(ActionDefineTerm(), tracker, domain)
    assert defined(messages) == "nia"
    assert "9 mois" in messages[0]["text"]
    assert events == []  # the born-abroad question still waits for its answer


def test_the_key_is_said_not_secret(domain) -> None:
    messages, _ = run_action(
        ActionDefineTerm(), make_tracker("c'est quoi la clé", "define_term", term("cle")), domain
    )
    assert "n'est pas secrète" in messages[0]["text"]
    assert "secrète" not in messages[0]["text"].replace("n'est pas secrète", "")


def test_an_unknown_term_lists_the_known_ones(domain) -> None:
    tracker = make_tracker("c'est quoi la C2S ?", "define_term", term("C2S"))
    messages, events = run_action(ActionDefineTerm(), tracker, domain)
    assert said(messages) == ["term_unknown"]
    text = messages[0]["text"]
    assert "NIA" in text and "PUMa" in text and "CEAM" in text and "SANDIA" in text
    buttons = [b["payload"] for b in messages[0]["buttons"]]
    assert '/define_term{"term": "nia"}' in buttons and len(buttons) >= 13
    assert buttons[-1] == "/help"  # a message naming no term at all can go elsewhere
    assert events == []
