"""The look-up actions, served from the knowledge base, as a user would read them."""

from __future__ import annotations

import pytest
from conftest import action_event, make_tracker, run_action, said, user_event

from actions.situation import (
    ActionLookupContact,
    ActionLookupOrganism,
    ActionLookupProcedure,
    ActionProcedureDocuments,
    ActionSituation,
)

pytestmark = pytest.mark.usefixtures("knowledge_db")


def texts(messages) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


def slots(events) -> dict:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def test_born_abroad_without_status_gives_the_steps_and_asks_the_situation(domain) -> None:
    tracker = make_tracker(
        "je suis ne au maroc", "born_abroad", [{"entity": "country", "value": "Maroc"}]
    )
    messages, events = run_action(ActionLookupProcedure(), tracker, domain)
    assert said(messages)[-1] == "ask_status_born_abroad"
    text = texts(messages)
    assert "S1106" in text and "NIA" in text and "9 mois" in text
    assert "https://www.ameli.fr/" in text
    assert slots(events) == {"procedure": "born_abroad"}


def test_born_abroad_student_gets_the_student_site_and_a_documents_button(domain) -> None:
    tracker = make_tracker(
        "etudiant etranger numero secu", "born_abroad", [{"entity": "status", "value": "etudiant"}]
    )
    messages, events = run_action(ActionLookupProcedure(), tracker, domain)
    assert "etudiant-etranger.ameli.fr" in messages[-1]["text"]
    assert {"title": "Quels documents préparer ?", "payload": "/ask_documents"} in messages[-1][
        "buttons"
    ]
    assert slots(events) == {"status": "etudiant", "procedure": "born_abroad_student"}


def test_born_abroad_follow_up_answers_only_the_new_situation(domain) -> None:
    history = [
        user_event("ne a l'etranger", "born_abroad"),
        action_event("action_lookup_procedure"),
    ]
    tracker = make_tracker(
        "et si je suis salariée ?",
        "inform",
        [{"entity": "status", "value": "salariée"}],
        history=history,
    )
    messages, _ = run_action(ActionLookupProcedure(), tracker, domain)
    assert len(messages) == 1
    assert "employeur" in messages[0]["text"] and "S1106" not in messages[0]["text"].split(".")[0]


def test_born_abroad_for_a_status_without_specific_steps_says_which_body(domain) -> None:
    tracker = make_tracker(
        "je suis militaire ne en algerie",
        "born_abroad",
        [{"entity": "status", "value": "militaire"}],
    )
    messages, _ = run_action(ActionLookupProcedure(), tracker, domain)
    assert "CNMSS" in messages[-1]["text"]


def test_documents_of_the_procedure_shown_last(domain) -> None:
    tracker = make_tracker(
        "quels papiers ?", "ask_documents", slots={"procedure": "born_abroad_student"}
    )
    messages, _ = run_action(ActionProcedureDocuments(), tracker, domain)
    text = messages[0]["text"]
    assert "certificat de scolarité" in text and "titre de séjour" in text


def test_documents_without_a_procedure_asks_which_one(domain) -> None:
    messages, _ = run_action(
        ActionProcedureDocuments(), make_tracker("papiers ?", "ask_documents"), domain
    )
    assert said(messages) == ["ask_which_procedure"]


@pytest.mark.parametrize(
    ("value", "fact"),
    [
        ("independant", "RSI"),
        ("auto-entrepreneur", "CPAM"),
        ("agriculteur", "MSA"),
        ("militaire", "CNMSS"),
        ("marin", "ENIM"),
        ("étudiante", "régime général"),
        ("fonctionnaire", "en général"),
    ],
)
def test_organism_for_each_status(domain, value: str, fact: str) -> None:
    tracker = make_tracker(f"je suis {value}", "organism", [{"entity": "status", "value": value}])
    messages, events = run_action(ActionLookupOrganism(), tracker, domain)
    assert fact in messages[0]["text"]
    assert "status" in slots(events)


def test_organism_names_the_local_caisse_when_the_department_is_known(domain) -> None:
    tracker = make_tracker(
        "je suis salarie",
        "organism",
        [{"entity": "status", "value": "salarie"}],
        slots={"department": "33"},
    )
    messages, _ = run_action(ActionLookupOrganism(), tracker, domain)
    assert "CPAM de la Gironde" in messages[0]["text"]


def test_organism_without_status_asks_with_buttons(domain) -> None:
    messages, events = run_action(
        ActionLookupOrganism(), make_tracker("quelle caisse ?", "organism"), domain
    )
    assert said(messages) == ["ask_status_organism", "organism_other_schemes"]
    assert events == []


def test_contact_without_a_place_gives_the_numbers(domain) -> None:
    messages, _ = run_action(ActionLookupContact(), make_tracker("numero cpam", "contact"), domain)
    text = messages[0]["text"]
    assert "3646" in text and "+33 1 84 90 36 46" in text and "02 69 61 91 91" in text
    assert "service gratuit + prix de l'appel" in text


@pytest.mark.parametrize(
    ("entities", "expected"),
    [
        ([{"entity": "department", "value": "33"}], "CPAM de la Gironde"),
        ([{"entity": "department", "value": "2a"}], "CPAM de la Corse-du-Sud"),
        ([{"entity": "postal_code", "value": "20200"}], "CPAM de la Haute-Corse"),
        ([{"entity": "city", "value": "Lyon"}], "Lyon (Rhône, 69)"),
        ([{"entity": "department", "value": "974"}], "CGSS"),
        ([{"entity": "postal_code", "value": "97600"}], "02 69 61 91 91"),
        ([{"entity": "city", "value": "mamoudzou"}], "CSSM"),
        ([{"entity": "department", "value": "59"}], "plusieurs"),
    ],
)
def test_contact_for_a_place(domain, entities, expected: str) -> None:
    messages, events = run_action(
        ActionLookupContact(), make_tracker("...", "contact", entities), domain
    )
    assert expected in messages[0]["text"]
    assert slots(events)["department"]


def test_contact_for_mainland_gives_3646_with_hours_and_caution(domain) -> None:
    tracker = make_tracker("...", "contact", [{"entity": "department", "value": "75"}])
    messages, _ = run_action(ActionLookupContact(), tracker, domain)
    text = messages[0]["text"]
    assert "CPAM de Paris" in text
    assert "3646 (service gratuit + prix de l'appel)" in text and "8 h 30" in text
    assert "+33 1 84 90 36 46" in text


def test_contact_asks_which_commune_for_an_ambiguous_name(domain) -> None:
    tracker = make_tracker(
        "j'habite a saint denis", "contact", [{"entity": "city", "value": "saint denis"}]
    )
    messages, _ = run_action(ActionLookupContact(), tracker, domain)
    [message] = messages
    assert said([message]) == ["ask_which_commune"]
    assert "Saint-Denis" in message["text"]
    payloads = [b["payload"] for b in message["buttons"]]
    assert '/inform{"department": "93"}' in payloads
    assert '/inform{"department": "974"}' in payloads


def test_contact_prefers_the_place_of_the_latest_message_over_an_older_one(domain) -> None:
    tracker = make_tracker(
        "non, dans le 13",
        "inform",
        [{"entity": "department", "value": "13"}],
        slots={"city": "Lyon"},
    )
    messages, _ = run_action(ActionLookupContact(), tracker, domain)
    assert "CPAM des Bouches-du-Rhône" in messages[0]["text"]


def test_contact_follow_up_with_an_unknown_place_asks_again(domain) -> None:
    history = [user_event("numero cpam", "contact"), action_event("action_lookup_contact")]
    tracker = make_tracker(
        "a zzzville", "inform", [{"entity": "city", "value": "zzzville"}], history=history
    )
    messages, _ = run_action(ActionLookupContact(), tracker, domain)
    assert said(messages) == ["unknown_place"]


def test_contact_with_a_foreign_country_gives_the_international_number(domain) -> None:
    tracker = make_tracker(
        "j'habite en Espagne, quel numero ?", "contact", [{"entity": "country", "value": "Espagne"}]
    )
    messages, _ = run_action(ActionLookupContact(), tracker, domain)
    assert said(messages) == ["contact_from_abroad"]
    assert "+33 1 84 90 36 46" in messages[0]["text"] and "(Espagne)" in messages[0]["text"]


def test_situation_routes_a_status_to_the_organism(domain) -> None:
    tracker = make_tracker("je suis marin", "inform", [{"entity": "status", "value": "marin"}])
    messages, _ = run_action(ActionSituation(), tracker, domain)
    assert "ENIM" in messages[0]["text"]


def test_situation_routes_a_place_to_the_contact(domain) -> None:
    tracker = make_tracker(
        "j'habite dans le 59", "inform", [{"entity": "department", "value": "59"}]
    )
    messages, _ = run_action(ActionSituation(), tracker, domain)
    assert "CPAM du Nord" in messages[0]["text"]


def test_situation_with_a_country_asks_what_it_is_about(domain) -> None:
    tracker = make_tracker("au canada", "inform", [{"entity": "country", "value": "Canada"}])
    messages, _ = run_action(ActionSituation(), tracker, domain)
    assert said(messages) == ["ask_country_context"]
    assert "Canada" in messages[0]["text"]


def test_a_commune_name_cut_short_by_the_nlu_is_widened(domain) -> None:
    text = "j'habite a saint denis"
    start = text.index("denis")
    entity = {"entity": "city", "value": "denis", "start": start, "end": start + 5}
    messages, _ = run_action(ActionLookupContact(), make_tracker(text, "inform", [entity]), domain)
    assert said(messages) == ["ask_which_commune"]
    assert "Saint-Denis" in messages[0]["text"]


def test_a_status_with_its_own_procedure_is_answered_without_the_general_steps(domain) -> None:
    tracker = make_tracker(
        "etudiant etranger numero secu", "born_abroad", [{"entity": "status", "value": "etudiant"}]
    )
    messages, _ = run_action(ActionLookupProcedure(), tracker, domain)
    assert len(messages) == 1
    assert "etudiant-etranger.ameli.fr" in messages[0]["text"]
