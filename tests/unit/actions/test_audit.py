"""The corrections of the audit of 2026-11-28 (issue #13), as a user would read them: each
test would have caught the error the first release made. And the overseas collectivities
that are not departments, answered when the user names the place."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.appointment import (
    ActionAppointmentBooked,
    ActionAskAppointmentConfirmed,
    ActionAskAppointmentTime,
    ActionStartAppointment,
    ValidateAppointmentForm,
)
from actions.contact import ActionLookupContact, ActionLookupOrganism
from actions.procedures import ActionLookupProcedure
from secu.content import answers
from secu.geo.geography import get_geography
from secu.geo.locate import collectivity_code, collectivity_in_text
from tests.adapters import action_event, make_tracker, run_action, said, user_event
from tests.adapters import slot_values as slots

pytestmark = pytest.mark.usefixtures("knowledge_db")

ROOT = Path(__file__).resolve().parents[3]
REAL_WAY = ("compte ameli", "3646 (service gratuit + prix de l'appel)")


def text_of(messages) -> str:
    return " ".join(" ".join((m.get("text") or "").split()) for m in messages)


def asked(topic: str) -> dict:
    return {"topic": topic, "topic_question": True, "procedure": None}


def after(topic: str) -> list[dict]:
    return [user_event("...", topic), action_event("action_lookup_procedure")]


# -- 1. students coming back to France are not told to wait 3 months ----------------------


def test_a_student_coming_back_is_not_told_to_wait_3_months(domain) -> None:
    tracker = make_tracker(
        "je rentre en france apres 2 ans au canada, je suis etudiant",
        "return_to_france",
        [{"entity": "status", "value": "etudiant"}],
    )
    messages, events = run_action(ActionLookupProcedure(), tracker, domain)
    text = text_of(messages)
    assert slots(events)["procedure"] == "return_student"
    assert "n'avez pas à attendre 3 mois" in text
    assert "établissement d'enseignement" in text
    assert "reprend en général après 3 mois" not in text


def test_a_student_picked_by_the_words_or_the_button(domain) -> None:
    typed = make_tracker("je reviens pour mes etudes a la fac", "return_to_france")
    messages, events = run_action(ActionLookupProcedure(), typed, domain)
    assert slots(events)["procedure"] == "return_student"
    button = make_tracker(
        '/inform{"situation":"retour_etudes"}',
        "inform",
        [{"entity": "situation", "value": "retour_etudes"}],
        slots=asked("return_to_france"),
        history=after("return_to_france"),
    )
    messages, events = run_action(ActionLookupProcedure(), button, domain)
    assert slots(events)["procedure"] == "return_student"
    assert "3 mois" in text_of(messages)


def test_no_to_the_return_question_names_the_exemptions(domain) -> None:
    """A student who answers "non" (no job) gets the general record: it must say that the
    3 months do not apply to students nor to some benefits' receivers (CSS D160-2)."""
    tracker = make_tracker(
        "non", "deny", slots=asked("return_to_france"), history=after("return_to_france")
    )
    messages, events = run_action(ActionLookupProcedure(), tracker, domain)
    text = text_of(messages)
    assert slots(events)["procedure"] == "return_without_job"
    assert "3 mois" in text
    assert "établissement d'enseignement" in text and "RSA" in text


# -- 4. coming back from the EU/EEA/Switzerland: the form to bring ------------------------


@pytest.mark.parametrize(
    "text", ["je rentre en france apres 5 ans en allemagne", "retour d'un pays de l'UE"]
)
def test_a_return_from_europe_says_which_form_to_bring(domain, text: str) -> None:
    messages, events = run_action(
        ActionLookupProcedure(), make_tracker(text, "return_to_france"), domain
    )
    said_text = text_of(messages)
    assert slots(events)["procedure"] == "return_from_europe"
    assert "E104" in said_text and "document portable S1" in said_text


def test_a_return_with_a_job_also_names_the_form_from_europe(domain) -> None:
    tracker = make_tracker(
        "oui", "affirm", slots=asked("return_to_france"), history=after("return_to_france")
    )
    messages, _ = run_action(ActionLookupProcedure(), tracker, domain)
    assert "E104" in text_of(messages)


# -- 5. Mayotte: no PUMa promised through the CSSM -----------------------------------------


def test_someone_without_work_in_mayotte_is_not_promised_the_puma(domain) -> None:
    tracker = make_tracker(
        "je suis sans emploi, qui me couvre ?",
        "organism",
        [{"entity": "status", "value": "sans_emploi"}],
        slots={"department": "976"},
    )
    messages, _ = run_action(ActionLookupOrganism(), tracker, domain)
    text = text_of(messages)
    assert "Caisse de sécurité sociale de Mayotte" in text
    assert "sauf à Mayotte" in text and "ne s'appliquent pas" in text
    assert "AME" in text


def test_the_not_working_procedure_warns_about_mayotte(domain) -> None:
    tracker = make_tracker(
        "je travaille pas, ma caisse ?", "organism", [{"entity": "status", "value": "chomeur"}]
    )
    messages, _ = run_action(ActionLookupOrganism(), tracker, domain)
    assert "Mayotte" in text_of(messages)


# -- 6. the caisses per department ----------------------------------------------------------


@pytest.mark.parametrize(
    ("department", "expected", "wrong"),
    [
        ("48", "Caisse commune de sécurité sociale de la Lozère (CCSS)", "CPAM de la Lozère"),
        ("76", "CPAM de Rouen-Elbeuf-Dieppe, CPAM du Havre", None),
        ("64", "plusieurs caisses dans ce département (Bayonne, Pau)", None),
        ("59", "plusieurs caisses", None),
        ("40", "Seignanx", None),
        ("33", "CPAM de la Gironde", "plusieurs caisses"),
    ],
)
def test_each_department_gets_its_caisse_as_it_is(domain, department, expected, wrong) -> None:
    tracker = make_tracker("...", "contact", [{"entity": "department", "value": department}])
    messages, _ = run_action(ActionLookupContact(), tracker, domain)
    text = text_of(messages)
    assert expected in text
    if wrong:
        assert wrong not in text


def test_lozere_by_its_commune(domain) -> None:
    tracker = make_tracker("j'habite a mende", "contact", [{"entity": "city", "value": "mende"}])
    messages, _ = run_action(ActionLookupContact(), tracker, domain)
    assert "Caisse commune de sécurité sociale de la Lozère" in text_of(messages)


# -- 7. civil servants, the handoff, the demo page -------------------------------------------


def test_civil_servants_are_mostly_handled_by_the_cpam(domain) -> None:
    tracker = make_tracker(
        "je suis fonctionnaire, ma caisse ?",
        "organism",
        [{"entity": "status", "value": "fonctionnaire"}],
    )
    messages, _ = run_action(ActionLookupOrganism(), tracker, domain)
    text = text_of(messages)
    assert "CPAM" in text and "MGEN" in text and "principale exception" in text
    assert "pour beaucoup d'agents" not in text


def test_the_handoff_says_the_assistant_is_unofficial() -> None:
    text = answers()["human_handoff"].text
    assert "non officiel" in text and "3646 (service gratuit + prix de l'appel)" in text


def test_the_demo_page_does_not_claim_everything_comes_from_official_sites() -> None:
    page = " ".join((ROOT / "web" / "index.html").read_text(encoding="utf-8").split())
    assert "Les informations générales viennent des sites officiels" not in page
    assert "non officiel" in page and "démonstration" in page
    assert "vous aide à prendre rendez-vous" not in page


# -- 3. the demonstration agenda says it plainly where the user decides ---------------------


FILLED = {
    "appointment_reason": "carte_vitale",
    "appointment_channel": "phone",
    "appointment_department": "33",
}


def confirm(filled: dict) -> tuple[dict, list]:
    """ "oui" at the summary: the form books (as ValidateAppointmentForm does)."""
    tracker = make_tracker(
        "oui", "affirm", slots={**filled, "requested_slot": "appointment_confirmed"}
    )
    dispatcher = CollectingDispatcher()
    changes = asyncio.run(ValidateAppointmentForm().extract(dispatcher, tracker))
    return changes, dispatcher.messages


def says_it_is_not_real(text: str, nobody: str) -> None:
    assert nobody in text, text
    assert "Assurance Maladie" in text and ("rien n'est" in text or "n'existe pas" in text)
    for way in REAL_WAY:
        assert way in text, (way, text)


@pytest.mark.usefixtures("empty_agenda")
def test_the_start_says_no_adviser_will_call(domain) -> None:
    tracker = make_tracker("un rdv svp", "book_appointment", sender_id="audit")
    messages, _ = run_action(ActionStartAppointment(), tracker, domain)
    says_it_is_not_real(text_of(messages), "Aucun conseiller ne vous appellera")


@pytest.mark.usefixtures("empty_agenda")
@pytest.mark.parametrize(
    ("channel", "nobody"),
    [("phone", "aucun conseiller ne vous appellera"), ("agency", "personne ne vous attendra")],
)
def test_the_times_offered_say_nobody_will_call_or_wait(domain, channel, nobody) -> None:
    tracker = make_tracker("...", "inform", slots={**FILLED, "appointment_channel": channel})
    messages, events = run_action(ActionAskAppointmentTime(), tracker, domain)
    assert slots(events)["appointment_offered"]
    says_it_is_not_real(text_of(messages), nobody)


@pytest.mark.usefixtures("empty_agenda")
def test_the_summary_and_the_confirmation_say_it_is_a_simulation(domain) -> None:
    _, events = run_action(
        ActionAskAppointmentTime(), make_tracker("...", "inform", slots=FILLED), domain
    )
    first = slots(events)["appointment_offered"].split()[0][:16]
    filled = {**FILLED, "appointment_time": first, "appointment_phone": "+33612345678"}
    summary, _ = run_action(
        ActionAskAppointmentConfirmed(), make_tracker("", "inform", slots=filled), domain
    )
    text = text_of(summary)
    assert said(summary) == ["ask_appointment_confirmed"]
    assert "simulation" in text and "rappel simulé" in text
    says_it_is_not_real(text, "Aucun conseiller ne vous appellera")
    assert summary[0]["buttons"][0]["title"] == "Oui, enregistrer la simulation"

    changes, _ = confirm(filled)
    assert changes["appointment_confirmed"] is True
    booked, _ = run_action(
        ActionAppointmentBooked(),
        make_tracker(
            "oui",
            "affirm",
            slots={**filled, **changes},
        ),
        domain,
    )
    text = text_of(booked)
    says_it_is_not_real(text, "aucun conseiller ne vous appellera")
    assert "rappel simulé" in text and "vous rappelle au" not in text


# -- 8. the overseas collectivities ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "entities", "expected"),
    [
        ("j'habite a saint martin, ma caisse c'est laquelle ?", [], "CGSS de la Guadeloupe"),
        (
            "j'habite a saint martin, ma caisse c'est laquelle ?",
            [{"entity": "city", "value": "saint martin", "start": 11, "end": 23}],
            "CGSS de la Guadeloupe",
        ),
        (
            "je vis a st barth, quelle caisse",
            [],
            "caisse de prévoyance sociale de Saint-Barthélemy",
        ),
        ("...", [{"entity": "postal_code", "value": "97133"}], "Saint-Barthélemy"),
        ("je suis a saint pierre et miquelon", [], "Saint-Pierre-et-Miquelon a son propre"),
        ("j'habite a tahiti", [], "https://www.cps.pf"),
        ("...", [{"entity": "city", "value": "Polynésie française"}], "Polynésie française"),
        ("je vis en nouvelle caledonie", [], "CAFAT"),
        ("...", [{"entity": "postal_code", "value": "98800"}], "CAFAT"),
        ("je suis a wallis, qui paie mes soins", [], "Agence de santé"),
        ("...", [{"entity": "department", "value": "978"}], "CGSS de la Guadeloupe"),
    ],
)
def test_a_collectivity_gets_its_own_body(domain, text, entities, expected) -> None:
    messages, events = run_action(
        ActionLookupContact(), make_tracker(text, "contact", entities), domain
    )
    said_text = text_of(messages)
    assert expected in said_text, said_text
    assert "CPAM de" not in said_text
    assert slots(events)["department"] is None


def test_the_body_question_names_the_collectivity_when_no_status_is_told(domain) -> None:
    tracker = make_tracker("la secu a tahiti c quel organisme", "organism")
    messages, _ = run_action(ActionLookupOrganism(), tracker, domain)
    assert said(messages) == ["caisse_collectivity_987"]
    told = make_tracker(
        "je suis militaire a tahiti", "organism", [{"entity": "status", "value": "militaire"}]
    )
    messages, _ = run_action(ActionLookupOrganism(), told, domain)
    assert "CNMSS" in text_of(messages)  # a status told: the body of that status


def test_saint_martin_mentions_the_communes_of_the_same_name(domain) -> None:
    messages, _ = run_action(
        ActionLookupContact(), make_tracker("j'habite a saint martin", "contact"), domain
    )
    assert "commune du même nom" in text_of(messages)
    assert said(messages) == ["caisse_collectivity_978"]
    messages, _ = run_action(
        ActionLookupContact(), make_tracker("je suis a tahiti", "contact"), domain
    )
    assert "commune du même nom" not in text_of(messages)


def test_a_commune_whose_name_starts_like_a_collectivity_is_a_commune(domain) -> None:
    tracker = make_tracker(
        "j'habite a saint martin d'heres",
        "contact",
        [{"entity": "city", "value": "saint martin", "start": 11, "end": 23}],
    )
    messages, _ = run_action(ActionLookupContact(), tracker, domain)
    assert "CPAM de l'Isère" in text_of(messages)


def test_the_collectivity_names_and_codes() -> None:
    geo = get_geography()
    assert collectivity_code(geo, "Saint-Martin") == "978"
    assert collectivity_code(geo, "la Polynésie française") == "987"
    assert collectivity_code(geo, "975") == "975"
    assert collectivity_code(geo, "97150") == "978"
    assert collectivity_code(geo, "Lyon") is None and collectivity_code(geo, "974") is None
    assert collectivity_in_text(geo, "j'habite dans le 987") == "987"
    assert collectivity_in_text(geo, "jhabite a st martin") == "978"
    assert collectivity_in_text(geo, "je vis a saint martin de re") is None
    assert collectivity_in_text(geo, "je vis a saint pierre") is None  # Réunion, Martinique…


def test_every_collectivity_has_its_answer_with_sources() -> None:
    known = answers()
    for collectivity in get_geography().collectivities:
        answer = known[f"caisse_collectivity_{collectivity.code}"]
        assert collectivity.code == "984" or answer.sources, collectivity.code
        for url in re.findall(r"https?://\S+", answer.text):
            assert url.startswith("https://"), url
