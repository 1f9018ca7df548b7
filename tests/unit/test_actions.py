"""The custom actions, as a user would see their answers."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from conftest import action_event, make_tracker, render, run_action, said, user_event

from actions.fallback import ActionAskAffirmation, best_guesses, intent_labels
from actions.greeting import ActionGreet, greeting_for
from actions.situation import (
    ActionBornAbroad,
    ActionContact,
    ActionOrganism,
    ActionSituation,
    previous_action,
)

PARIS = ZoneInfo("Europe/Paris")


@pytest.mark.parametrize(
    ("hour", "expected"),
    [
        (4, "Bonsoir"),
        (5, "Bonjour"),
        (9, "Bonjour"),
        (17, "Bonjour"),
        (18, "Bonsoir"),
        (23, "Bonsoir"),
    ],
)
def test_greeting_follows_the_time_of_day(hour: int, expected: str) -> None:
    assert greeting_for(datetime(2026, 3, 2, hour, 30, tzinfo=PARIS)) == expected


def test_greet_says_it_is_unofficial_and_offers_topics(domain) -> None:
    messages, _ = run_action(ActionGreet(), make_tracker("salut", "greet"), domain)
    assert len(messages) == 1
    text = render(messages[0], domain)
    assert text.startswith(("Bonjour", "Bonsoir"))
    assert "non officiel" in text
    buttons = domain["responses"]["utter_greet"][0]["buttons"]
    assert {"/lost_number", "/born_abroad", "/contact"} <= {b["payload"] for b in buttons}


def test_affirmation_offers_the_two_best_intents_in_french(domain) -> None:
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.5},
        {"name": "contact", "confidence": 0.31},
        {"name": "lost_number", "confidence": 0.35},
        {"name": "out_of_scope", "confidence": 0.2},
        {"name": "carte_vitale", "confidence": 0.1},
    ]
    tracker = make_tracker("numro sekiu", "nlu_fallback", intent_ranking=ranking)
    messages, events = run_action(ActionAskAffirmation(), tracker, domain)
    assert events == []
    [message] = messages
    assert "Vouliez-vous" in message["text"]
    payloads = [b["payload"] for b in message["buttons"]]
    assert payloads == ["/lost_number", "/contact", "/out_of_scope"]
    titles = [b["title"] for b in message["buttons"]]
    assert titles[0] == "Retrouver mon numéro de sécurité sociale"
    assert titles[-1] == "Autre chose"


def test_affirmation_without_ranking_still_answers_in_french(domain) -> None:
    messages, _ = run_action(ActionAskAffirmation(), make_tracker("???", "nlu_fallback"), domain)
    assert messages[0]["text"].startswith("Je ne suis pas sûr")
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/out_of_scope"]


def test_every_intent_of_the_domain_can_be_offered_or_is_excluded(domain) -> None:
    labels = intent_labels()
    offered = set(domain["intents"]) - {"affirm", "deny", "out_of_scope"}
    assert offered <= set(labels), offered - set(labels)
    assert best_guesses([{"name": "deny", "confidence": 0.9}], labels) == []


def test_born_abroad_without_status_gives_the_steps_and_asks_the_situation(domain) -> None:
    tracker = make_tracker(
        "je suis ne au maroc", "born_abroad", [{"entity": "country", "value": "Maroc"}]
    )
    messages, events = run_action(ActionBornAbroad(), tracker, domain)
    assert said(messages) == ["born_abroad", "ask_status_born_abroad"]
    text = render(messages[0], domain)
    assert "S1106" in text and "NIA" in text and "9 mois" in text
    assert events == []


def test_born_abroad_student_gets_the_student_site(domain) -> None:
    tracker = make_tracker(
        "etudiant etranger numero secu",
        "born_abroad",
        [{"entity": "status", "value": "etudiant"}],
    )
    messages, events = run_action(ActionBornAbroad(), tracker, domain)
    assert said(messages) == ["born_abroad", "born_abroad_etudiant"]
    assert "etudiant-etranger.ameli.fr" in render(messages[1], domain)
    assert {"event": "slot", "name": "status", "value": "etudiant", "timestamp": None} in events


def test_born_abroad_follow_up_answers_only_the_new_situation(domain) -> None:
    history = [user_event("ne a l'etranger", "born_abroad"), action_event("action_born_abroad")]
    tracker = make_tracker(
        "et si je suis salariée ?",
        "inform",
        [{"entity": "status", "value": "salariée"}],
        history=history,
    )
    messages, _ = run_action(ActionBornAbroad(), tracker, domain)
    assert said(messages) == ["born_abroad_salarie"]
    assert "première heure" in render(messages[0], domain)


def test_born_abroad_for_a_status_without_specific_steps_says_which_body(domain) -> None:
    tracker = make_tracker(
        "je suis militaire ne en algerie",
        "born_abroad",
        [{"entity": "status", "value": "militaire"}],
    )
    messages, _ = run_action(ActionBornAbroad(), tracker, domain)
    assert said(messages)[-1] == "organism_militaire"


@pytest.mark.parametrize(
    ("value", "expected", "fact"),
    [
        ("independant", "organism_independant", "RSI"),
        ("auto-entrepreneur", "organism_independant", "CPAM"),
        ("agriculteur", "organism_agriculteur", "MSA"),
        ("militaire", "organism_militaire", "CNMSS"),
        ("marin", "organism_marin", "ENIM"),
        ("étudiante", "organism_etudiant", "régime général"),
        ("fonctionnaire", "organism_fonctionnaire", "en général"),
    ],
)
def test_organism_for_each_status(domain, value: str, expected: str, fact: str) -> None:
    tracker = make_tracker(f"je suis {value}", "organism", [{"entity": "status", "value": value}])
    messages, _ = run_action(ActionOrganism(), tracker, domain)
    assert said(messages) == [expected]
    assert fact in render(messages[0], domain)


def test_organism_without_status_asks_with_buttons(domain) -> None:
    messages, events = run_action(
        ActionOrganism(), make_tracker("quelle caisse ?", "organism"), domain
    )
    assert said(messages)[0] == "ask_status_organism"
    assert events == []


def test_contact_without_a_place_gives_the_numbers(domain) -> None:
    messages, _ = run_action(ActionContact(), make_tracker("numero cpam", "contact"), domain)
    text = render(messages[0], domain)
    assert "3646" in text and "+33 1 84 90 36 46" in text and "02 69 61 91 91" in text
    assert "service gratuit + prix de l'appel" in text


@pytest.mark.parametrize(
    ("entities", "response", "expected"),
    [
        ([{"entity": "department", "value": "33"}], "contact_cpam", "la Gironde (33)"),
        ([{"entity": "department", "value": "2a"}], "contact_cpam", "la Corse-du-Sud (2A)"),
        ([{"entity": "postal_code", "value": "20200"}], "contact_cpam", "(2B)"),
        ([{"entity": "city", "value": "Lyon"}], "contact_cpam", "Lyon (Rhône, 69)"),
        ([{"entity": "department", "value": "974"}], "contact_cgss", "La Réunion (974)"),
        ([{"entity": "postal_code", "value": "97600"}], "contact_mayotte", "02 69 61 91 91"),
        ([{"entity": "city", "value": "mamoudzou"}], "contact_mayotte", "CSSM"),
    ],
)
def test_contact_for_a_place(domain, entities, response: str, expected: str) -> None:
    messages, events = run_action(ActionContact(), make_tracker("...", "contact", entities), domain)
    assert said(messages)[0] == response
    assert expected in render(messages[0], domain)
    assert any(e["name"] == "department" and e["value"] for e in events)


def test_contact_asks_which_commune_for_an_ambiguous_name(domain) -> None:
    tracker = make_tracker(
        "j'habite a saint denis", "contact", [{"entity": "city", "value": "saint denis"}]
    )
    messages, _ = run_action(ActionContact(), tracker, domain)
    [message] = messages
    assert said([message]) == ["ask_which_commune"]
    assert "Saint-Denis" in render(message, domain)
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
    messages, _ = run_action(ActionContact(), tracker, domain)
    assert "les Bouches-du-Rhône (13)" in render(messages[0], domain)


def test_contact_follow_up_with_an_unknown_place_asks_again(domain) -> None:
    history = [user_event("numero cpam", "contact"), action_event("action_contact")]
    tracker = make_tracker(
        "a zzzville", "inform", [{"entity": "city", "value": "zzzville"}], history=history
    )
    messages, _ = run_action(ActionContact(), tracker, domain)
    assert said(messages)[0] == "unknown_place"


def test_situation_routes_a_status_to_the_organism(domain) -> None:
    tracker = make_tracker("je suis marin", "inform", [{"entity": "status", "value": "marin"}])
    messages, _ = run_action(ActionSituation(), tracker, domain)
    assert said(messages)[0] == "organism_marin"


def test_situation_routes_a_place_to_the_contact(domain) -> None:
    tracker = make_tracker(
        "j'habite dans le 59", "inform", [{"entity": "department", "value": "59"}]
    )
    messages, _ = run_action(ActionSituation(), tracker, domain)
    assert "le Nord (59)" in render(messages[0], domain)


def test_situation_with_a_country_asks_what_it_is_about(domain) -> None:
    tracker = make_tracker("au canada", "inform", [{"entity": "country", "value": "Canada"}])
    messages, _ = run_action(ActionSituation(), tracker, domain)
    assert said(messages)[0] == "ask_country_context"
    assert "Canada" in render(messages[0], domain)


def test_previous_action_is_the_bot_turn_the_user_answers() -> None:
    history = [
        user_event("a", "contact"),
        action_event("action_contact"),
        action_event("action_listen"),
    ]
    assert previous_action(make_tracker("b", "inform", history=history)) == "action_contact"
    assert previous_action(make_tracker("b", "inform")) is None


def test_contact_with_a_foreign_country_gives_the_international_number(domain) -> None:
    tracker = make_tracker(
        "j'habite en Espagne, quel numero ?", "contact", [{"entity": "country", "value": "Espagne"}]
    )
    messages, _ = run_action(ActionContact(), tracker, domain)
    assert said(messages) == ["contact_from_abroad"]
    assert "+33 1 84 90 36 46" in messages[0]["text"] and "(Espagne)" in messages[0]["text"]
