"""The look-up actions, served from the knowledge base, as a user would read them."""

from __future__ import annotations

import pytest

from actions.contact import ActionLookupContact, ActionLookupOrganism, ActionSituation
from actions.procedures import (
    ActionLookupProcedure,
    ActionProcedureDelay,
    ActionProcedureDocuments,
)
from tests.adapters import action_event, make_tracker, run_action, said, texts, user_event
from tests.adapters import slot_values as slots

pytestmark = pytest.mark.usefixtures("knowledge_db")


def test_born_abroad_without_status_gives_the_steps_and_asks_the_situation(domain) -> None:
    tracker = make_tracker(
        "je suis ne au maroc", "born_abroad", [{"entity": "country", "value": "Maroc"}]
    )
    messages, events = run_action(ActionLookupProcedure(), tracker, domain)
    assert said(messages)[-1] == "ask_status_born_abroad"
    text = texts(messages)
    assert "S1106" in text and "NIA" in text and "9 mois" in text
    assert "https://www.ameli.fr/" in text
    assert slots(events) == {
        "topic": "born_abroad",
        "procedure": "born_abroad",
        "topic_question": True,
    }


def test_born_abroad_student_gets_the_student_site_and_a_documents_button(domain) -> None:
    tracker = make_tracker(
        "etudiant etranger numero secu", "born_abroad", [{"entity": "status", "value": "etudiant"}]
    )
    messages, events = run_action(ActionLookupProcedure(), tracker, domain)
    assert "etudiant-etranger.ameli.fr" in messages[-1]["text"]
    assert {"title": "Quels documents préparer ?", "payload": "/ask_documents"} in messages[-1][
        "buttons"
    ]
    assert slots(events) == {
        "topic": "born_abroad",
        "status": "etudiant",
        "procedure": "born_abroad_student",
        "topic_question": False,
    }


def test_born_abroad_follow_up_answers_only_the_new_situation(domain) -> None:
    history = [
        user_event("ne a l'etranger", "born_abroad"),
        action_event("action_lookup_procedure"),
    ]
    tracker = make_tracker(
        "et si je suis salariée ?",
        "inform",
        [{"entity": "status", "value": "salariée"}],
        slots=asked("born_abroad", "born_abroad"),
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


def asked(topic: str, procedure: str | None = None) -> dict:
    return {"topic": topic, "topic_question": True, "procedure": procedure}


def after(topic: str) -> list[dict]:
    return [user_event("...", topic), action_event("action_lookup_procedure")]


def test_lost_number_shows_where_it_is_written_then_asks_for_a_document(domain) -> None:
    messages, events = run_action(
        ActionLookupProcedure(), make_tracker("j'ai perdu mon numero", "lost_number"), domain
    )
    assert "carte Vitale" in messages[0]["text"] and "attestation" in messages[0]["text"]
    assert said(messages)[-1] == "ask_lost_number_document"
    assert slots(events)["topic_question"] is True


def test_lost_number_yes_a_document_is_at_hand(domain) -> None:
    tracker = make_tracker(
        "oui",
        "affirm",
        slots=asked("lost_number", "lost_number_with_document"),
        history=after("lost_number"),
    )
    messages, events = run_action(ActionLookupProcedure(), tracker, domain)
    assert said(messages) == ["lost_number_found"]
    assert slots(events) == {"topic_question": False}


@pytest.mark.parametrize(
    ("text", "intent", "entities"),
    [
        ("non", "deny", []),
        ("non j'ai aucun document", "deny", []),
        (
            '/inform{"situation":"sans_document"}',
            "inform",
            [{"entity": "situation", "value": "sans_document"}],
        ),
    ],
)
def test_lost_number_without_any_document_sends_to_an_agency(
    domain, text, intent, entities
) -> None:
    tracker = make_tracker(
        text,
        intent,
        entities,
        slots=asked("lost_number", "lost_number_with_document"),
        history=after("lost_number"),
    )
    messages, events = run_action(ActionLookupProcedure(), tracker, domain)
    assert "pièce d'identité" in messages[0]["text"] and "accueil" in messages[0]["text"]
    assert slots(events)["procedure"] == "lost_number_no_document"
    assert {"title": "Quels documents préparer ?", "payload": "/ask_documents"} in messages[0][
        "buttons"
    ]


@pytest.mark.parametrize(
    "text", ["j'ai pas de carte vitale ni rien", "non j'ai rien de tout ca", "aucun de ces papiers"]
)
def test_the_answer_to_the_document_question_read_as_another_topic_still_answers_it(
    domain, text: str
) -> None:
    tracker = make_tracker(
        text,
        "carte_vitale",
        slots=asked("lost_number", "lost_number_with_document"),
        history=after("lost_number"),
    )
    messages, events = run_action(ActionLookupProcedure(), tracker, domain)
    assert slots(events)["procedure"] == "lost_number_no_document"
    assert "pièce d'identité" in messages[0]["text"]


def test_a_new_topic_after_the_question_is_answered_as_that_topic(domain) -> None:
    tracker = make_tracker(
        "on m'a vole ma carte vitale",
        "carte_vitale",
        slots=asked("lost_number", "lost_number_with_document"),
        history=after("lost_number"),
    )
    _, events = run_action(ActionLookupProcedure(), tracker, domain)
    assert slots(events)["topic"] == "carte_vitale"


def test_a_no_when_no_question_is_waiting_is_not_taken_as_an_answer(domain) -> None:
    tracker = make_tracker(
        "non",
        "deny",
        slots={"topic": "lost_number", "topic_question": False},
        history=after("lost_number"),
    )
    messages, _ = run_action(ActionLookupProcedure(), tracker, domain)
    assert said(messages) == ["anything_else"]


@pytest.mark.parametrize(
    ("text", "expected", "fact"),
    [
        ("mon employeur me detache au Portugal 18 mois", "expatriate_posted", "24 mois"),
        ("je pars m'installer au Canada", "expatriate_expat", "CFE"),
    ],
)
def test_expatriate_with_the_kind_of_departure_in_the_message(domain, text, expected, fact) -> None:
    messages, events = run_action(ActionLookupProcedure(), make_tracker(text, "expatriate"), domain)
    assert len(messages) == 1 and fact in messages[0]["text"]
    assert slots(events)["procedure"] == expected
    assert "/return_to_france" in {b["payload"] for b in messages[0]["buttons"]}


def test_expatriate_without_the_kind_of_departure_asks_it(domain) -> None:
    messages, events = run_action(
        ActionLookupProcedure(),
        make_tracker("je pars au canada pour mon employeur", "expatriate"),
        domain,
    )
    assert said(messages) == ["ask_expatriate"]
    payloads = {b["payload"] for b in messages[0]["buttons"]}
    assert '/inform{"situation":"detache"}' in payloads
    assert slots(events) == {"topic": "expatriate", "topic_question": True}


def test_expatriate_answer_by_button(domain) -> None:
    tracker = make_tracker(
        '/inform{"situation":"detache"}',
        "inform",
        [{"entity": "situation", "value": "detache"}],
        slots=asked("expatriate"),
        history=after("expatriate"),
    )
    messages, events = run_action(ActionLookupProcedure(), tracker, domain)
    assert "employeur" in messages[0]["text"] and "CLEISS" in messages[0]["text"]
    assert slots(events)["procedure"] == "expatriate_posted"


@pytest.mark.parametrize(
    ("intent", "expected", "fact"),
    [("affirm", "return_with_job", "dès votre retour"), ("deny", "return_without_job", "3 mois")],
)
def test_return_to_france_yes_or_no_to_the_question(domain, intent, expected, fact) -> None:
    tracker = make_tracker(
        "oui" if intent == "affirm" else "non",
        intent,
        slots=asked("return_to_france"),
        history=after("return_to_france"),
    )
    messages, events = run_action(ActionLookupProcedure(), tracker, domain)
    assert fact in messages[0]["text"]
    assert slots(events)["procedure"] == expected


def test_return_to_france_asks_first(domain) -> None:
    messages, _ = run_action(
        ActionLookupProcedure(), make_tracker("je rentre en france", "return_to_france"), domain
    )
    assert said(messages) == ["ask_return_to_france"]


def test_carte_vitale_offers_the_app_and_the_attestation(domain) -> None:
    messages, events = run_action(
        ActionLookupProcedure(), make_tracker("j'ai perdu ma carte vitale", "carte_vitale"), domain
    )
    assert "compte ameli" in messages[0]["text"] and "3646 (service gratuit" in messages[0]["text"]
    payloads = [b["payload"] for b in messages[0]["buttons"]]
    assert '/inform{"situation":"appli"}' in payloads and "/attestation_droits" in payloads
    assert slots(events)["topic_question"] is False


def test_carte_vitale_app_named_in_the_message(domain) -> None:
    messages, events = run_action(
        ActionLookupProcedure(),
        make_tracker("comment activer l'appli carte vitale", "carte_vitale"),
        domain,
    )
    assert "18 novembre 2025" in messages[0]["text"]
    assert '/inform{"situation":"appli"}' not in {b["payload"] for b in messages[0]["buttons"]}
    assert slots(events)["procedure"] == "carte_vitale_app"


@pytest.mark.parametrize(
    ("intent", "text", "fact"),
    [
        ("attestation_droits", "attestation de droits", "borne"),
        ("travel_europe", "vacances en espagne carte europeenne", "15 jours"),
        ("born_abroad", "c'est quoi un NIA", "numéro d'identification d'attente"),
        ("born_abroad", "je suis citoyen europeen, je m'installe en france", "CEAM"),
    ],
)
def test_topics_answered_from_the_knowledge_base(domain, intent, text, fact) -> None:
    messages, _ = run_action(ActionLookupProcedure(), make_tracker(text, intent), domain)
    assert fact in messages[0]["text"]


def test_a_place_given_after_a_procedure_gets_the_caisse(domain) -> None:
    tracker = make_tracker(
        "j'habite a Lyon",
        "inform",
        [{"entity": "city", "value": "Lyon", "start": 10, "end": 14}],
        slots={"topic": "born_abroad", "status": "independant", "procedure": "born_abroad"},
        history=after("born_abroad"),
    )
    messages, _ = run_action(ActionLookupProcedure(), tracker, domain)
    assert "CPAM du Rhône" in messages[0]["text"]


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


def test_how_long_the_procedure_shown_last_takes(domain) -> None:
    tracker = make_tracker(
        "combien de temps ça prend", "ask_delay", slots={"procedure": "born_abroad"}
    )
    messages, _ = run_action(ActionProcedureDelay(), tracker, domain)
    assert said(messages) == ["procedure_delay"]
    assert "9 mois" in messages[0]["text"] and "3646" in messages[0]["text"]


def test_a_procedure_without_a_known_delay_says_so_and_who_can_tell(domain) -> None:
    tracker = make_tracker("c'est long ?", "ask_delay", slots={"procedure": "born_abroad_papers"})
    messages, _ = run_action(ActionProcedureDelay(), tracker, domain)
    assert said(messages) == ["procedure_no_delay"]
    assert "pas de délai précis" in messages[0]["text"]


def test_a_delay_without_a_procedure_asks_which_one(domain) -> None:
    messages, _ = run_action(
        ActionProcedureDelay(), make_tracker("c'est long ?", "ask_delay"), domain
    )
    assert said(messages) == ["ask_which_procedure_delay"]


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


@pytest.mark.parametrize("reply", ["la reunion", "reunion", "974"])
def test_the_department_typed_after_the_which_commune_question_is_understood(
    domain, reply: str
) -> None:
    history = [
        user_event("j'habite a saint denis", "contact"),
        action_event("action_lookup_contact"),
    ]
    tracker = make_tracker(
        reply, "inform", [{"entity": "department", "value": reply}], history=history
    )
    messages, events = run_action(ActionLookupContact(), tracker, domain)
    assert "CGSS de La Réunion" in messages[0]["text"]
    assert slots(events)["department"] == "974"


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
