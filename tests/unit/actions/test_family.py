"""Life events and the carte Vitale (issue #13), as the user reads them: children, moving
house, correcting an error, not covered yet, the carte Vitale beyond loss, reaching a
person. Each typed case and each follow-up picks its procedure; each correction has a test
that would have caught the error."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from actions.procedures import ActionLookupProcedure
from tests.adapters import action_event, make_tracker, payloads, run_action, said, user_event
from tests.adapters import ask_topic as ask
from tests.adapters import press_situation as button
from tests.adapters import reply_to_topic as reply
from tests.adapters import slot_values as slots
from tests.adapters import texts as text

pytestmark = pytest.mark.usefixtures("knowledge_db")

ROOT = Path(__file__).resolve().parents[3]


# -- the carte Vitale -------------------------------------------------------------------------


def test_a_carte_vitale_question_that_says_nothing_more_gets_the_question(domain) -> None:
    """Correction: every carte Vitale question used to get the lost-or-stolen answer."""
    messages, events = ask(domain, "j'ai une question sur ma carte vitale", "carte_vitale")
    assert said(messages) == ["ask_carte_vitale"]
    assert "perte" not in text(messages) and "volée" not in text(messages).split("\n")[0]
    options = payloads(messages)
    for situation in ("perte_vol", "perte_etranger", "ne_marche_plus", "premiere_carte"):
        assert f'/inform{{"situation":"{situation}"}}' in options
    for situation in ("mise_a_jour", "contenu", "carte_enfant", "appli"):
        assert f'/inform{{"situation":"{situation}"}}' in options
    assert slots(events) == {"topic": "carte_vitale", "topic_question": True}


@pytest.mark.parametrize(
    ("message", "procedure", "reads"),
    [
        ("on m'a vole ma carte vitale", "carte_vitale_lost_or_stolen", "attestation de droits"),
        (
            "j'ai perdu ma carte vitale en vacances en Espagne",
            "carte_vitale_lost_abroad",
            "ne sert qu'en France",
        ),
        ("ma carte vitale ne fonctionne plus", "carte_vitale_broken", "défectueuse"),
        ("comment avoir ma premiere carte vitale", "carte_vitale_first_card", "numéro définitif"),
        ("comment mettre a jour ma carte vitale", "carte_vitale_update", "une fois par an"),
        ("qu'est ce que contient la carte vitale", "carte_vitale_contents", "dossier médical"),
        ("carte vitale pour mon fils de 14 ans", "carte_vitale_child", "12 ans"),
        ("comment activer l'appli carte vitale", "carte_vitale_app", "18 novembre 2025"),
    ],
)
def test_each_carte_vitale_case_typed_gets_its_answer(
    domain, message: str, procedure: str, reads: str
) -> None:
    messages, events = ask(domain, message, "carte_vitale")
    assert slots(events)["procedure"] == procedure
    assert reads in text(messages)
    assert "ask_carte_vitale" not in said(messages)


def test_a_carte_vitale_lost_abroad_points_to_the_ceam_and_the_number_from_abroad(domain) -> None:
    messages, events = button(domain, "carte_vitale", "perte_etranger")
    assert slots(events)["procedure"] == "carte_vitale_lost_abroad"
    read = text(messages)
    assert "CEAM" in read and "compte ameli" in read and "+33 1 84 90 36 46" in read
    assert "/travel_europe" in payloads(messages)


@pytest.mark.parametrize(
    ("situation", "procedure", "reads"),
    [
        ("perte_vol", "carte_vitale_lost_or_stolen", "3646 (service gratuit"),
        ("ne_marche_plus", "carte_vitale_broken", "attestation de droits"),
        ("premiere_carte", "carte_vitale_first_card", "Ma nouvelle carte Vitale"),
        ("mise_a_jour", "carte_vitale_update", "pharmacies"),
        ("contenu", "carte_vitale_contents", "médecin traitant"),
        ("carte_enfant", "carte_vitale_child", "16 ans"),
        ("appli", "carte_vitale_app", "plastique"),
    ],
)
def test_each_carte_vitale_button_gets_its_answer(
    domain, situation: str, procedure: str, reads: str
) -> None:
    messages, events = button(domain, "carte_vitale", situation)
    assert slots(events)["procedure"] == procedure and reads in text(messages)
    assert f'/inform{{"situation":"{situation}"}}' not in payloads(messages)


def test_the_carte_vitale_question_answered_in_words(domain) -> None:
    _, events = reply(domain, "carte_vitale", "elle ne fonctionne plus", "carte_vitale")
    assert slots(events)["procedure"] == "carte_vitale_broken"


def test_the_app_history_starts_with_departments_in_2023(domain) -> None:
    """Correction: the app was piloted by department from 2023 before being open to all on
    18 November 2025; it was not first offered to France Identité users in 2025."""
    messages, _ = button(domain, "carte_vitale", "appli")
    read = text(messages)
    assert "2023" in read and "départements" in read and "18 novembre 2025" in read
    assert "d'abord été proposée aux utilisateurs de France Identité" not in read


# -- children -------------------------------------------------------------------------------


def test_a_child_question_that_says_nothing_more_gets_the_question(domain) -> None:
    messages, events = ask(domain, "une question pour mon enfant", "children")
    assert said(messages) == ["ask_children"]
    assert '/inform{"situation":"naissance"}' in payloads(messages)
    assert slots(events)["topic_question"] is True


@pytest.mark.parametrize(
    ("message", "procedure", "reads"),
    [
        ("mon bebe est ne hier comment je le declare", "children_newborn", "Insee"),
        ("rattacher mon fils aux deux parents", "children_both_parents", "sa propre carte"),
        ("a quel age mon ado a sa propre carte vitale", "children_own_card", "dès 12 ans"),
        ("mes enfants sont nes a l'etranger", "children_born_abroad", "SANDIA"),
    ],
)
def test_each_child_case_typed_gets_its_answer(
    domain, message: str, procedure: str, reads: str
) -> None:
    messages, events = ask(domain, message, "children")
    assert slots(events)["procedure"] == procedure
    assert reads.lower() in text(messages).lower()


def test_a_newborn_is_declared_in_the_compte_ameli_and_can_go_on_both_parents(domain) -> None:
    messages, events = button(domain, "children", "naissance")
    read = text(messages)
    assert slots(events)["procedure"] == "children_newborn"
    assert "Déclarer une naissance" in read and "cerfa n° 14445" in read and "deux" in read
    assert "/ask_documents" in payloads(messages)


def test_a_child_gets_an_own_card_at_16_and_on_request_from_12(domain) -> None:
    """FACTS said "secondary" for 16/12: service-public F265 says it (compte ameli only)."""
    messages, _ = button(domain, "children", "carte_vitale_enfant")
    read = text(messages)
    assert "16 ans" in read and "12 ans" in read and "uniquement depuis" in read
    sources = yaml.safe_load((ROOT / "data/knowledge/sources/family.yml").read_text("utf-8"))
    assert sources["sources"]["fam_sp_carte_vitale"]["kind"] == "official"


def test_children_born_abroad_are_declared_through_the_caisse(domain) -> None:
    messages, _ = button(domain, "children", "enfant_ne_etranger")
    read = text(messages)
    assert "en général" in read.lower() and "traduit en français" in read
    assert "vous n'avez pas à lui écrire" in read


# -- moving ---------------------------------------------------------------------------------


def test_moving_declares_the_address_and_the_file_follows(domain) -> None:
    messages, events = ask(domain, "je demenage dans un autre departement", "moving")
    read = text(messages)
    assert slots(events)["procedure"] == "moving_declare"
    assert "compte ameli" in read and "en général" in read and "nouveau domicile" in read
    assert '/inform{"situation":"en_attente"}' in payloads(messages)
    assert "/contact" in payloads(messages)


@pytest.mark.parametrize(
    ("how", "message"),
    [
        ("typed", "mon dossier est pas encore transfere, en attendant je fais comment"),
        ("button", ""),
    ],
)
def test_moving_meanwhile(domain, how: str, message: str) -> None:
    if how == "typed":
        messages, events = ask(domain, message, "moving")
    else:
        messages, events = button(domain, "moving", "en_attente")
    assert slots(events)["procedure"] == "moving_meanwhile"
    assert "attestation de droits" in text(messages)


# -- correcting an error ----------------------------------------------------------------------


def test_an_error_asks_where_the_person_was_born(domain) -> None:
    messages, events = ask(domain, "il y a une faute dans mon nom", "correct_error")
    assert said(messages) == ["ask_correct_error"]
    assert slots(events)["topic_question"] is True


@pytest.mark.parametrize(
    ("intent", "procedure", "reads"),
    [
        ("affirm", "correct_error_born_in_france", "Insee"),
        ("deny", "correct_error_born_abroad", "SANDIA"),
    ],
)
def test_yes_or_no_to_born_in_france(domain, intent: str, procedure: str, reads: str) -> None:
    messages, events = reply(
        domain, "correct_error", "oui" if intent == "affirm" else "non", intent
    )
    assert slots(events)["procedure"] == procedure and reads in text(messages)


def test_born_abroad_the_caisse_asks_the_sandia_people_do_not_write_to_it(domain) -> None:
    messages, events = ask(
        domain, "je suis ne a l'etranger et mon prenom est mal ecrit", "correct_error"
    )
    read = text(messages)
    assert slots(events)["procedure"] == "correct_error_born_abroad"
    assert "vous n'avez pas à lui écrire" in read and "caisse" in read


@pytest.mark.parametrize(
    ("message", "situation", "procedure"),
    [
        (
            "erreur dans mon nom, je suis nee en france",
            "ne_en_france",
            "correct_error_born_in_france",
        ),
        (
            "mon adresse est fausse sur ma carte vitale",
            "autre_info",
            "correct_error_other_information",
        ),
    ],
)
def test_other_errors_typed_and_by_button(
    domain, message: str, situation: str, procedure: str
) -> None:
    _, typed = ask(domain, message, "correct_error")
    _, pressed = button(domain, "correct_error", situation)
    assert slots(typed)["procedure"] == slots(pressed)["procedure"] == procedure


# -- not covered ----------------------------------------------------------------------------


def test_not_covered_asks_working_or_waiting(domain) -> None:
    messages, _ = ask(domain, "toujours pas de droits ouverts", "not_covered")
    assert said(messages) == ["ask_not_covered"]
    assert '/inform{"situation":"au_travail"}' in payloads(messages)


def test_working_and_not_covered_checks_the_employer_declaration(domain) -> None:
    messages, events = ask(domain, "je travaille depuis 2 mois et pas couvert", "not_covered")
    read = text(messages)
    assert slots(events)["procedure"] == "not_covered_working"
    assert "déclaration préalable à l'embauche" in read and "CPAM" in read
    _, events = reply(
        domain,
        "not_covered",
        "je suis salarié",
        entities=[{"entity": "status", "value": "salarié"}],
    )
    assert slots(events)["procedure"] == "not_covered_working"


def test_waiting_without_answer_leads_to_a_complaint_and_the_mediator(domain) -> None:
    messages, events = button(domain, "not_covered", "demande_en_attente")
    read = text(messages)
    assert slots(events)["procedure"] == "not_covered_waiting"
    assert "réclamation" in read and "médiateur" in read and "3646 (service gratuit" in read


# -- reaching a person ----------------------------------------------------------------------


def test_a_person_gets_every_channel_and_the_assistant_says_it_is_unofficial(domain) -> None:
    """Correction: the handoff answer must say that the assistant is unofficial."""
    messages, events = ask(domain, "je veux parler a un conseiller", "human_handoff")
    read = text(messages)
    assert slots(events)["procedure"] == "human_handoff_channels"
    assert "non officiel" in read
    assert "3646 (service gratuit + prix de l'appel)" in read
    assert "+33 1 84 90 36 46" in read and "02 69 61 91 91" in read
    assert "messagerie de votre compte ameli" in read and "rendez-vous téléphonique" in read
    for situation in ("ligne_saturee", "messagerie", "rendez_vous", "accueil"):
        assert f'/inform{{"situation":"{situation}"}}' in payloads(messages)


@pytest.mark.parametrize(
    ("message", "situation", "procedure", "reads"),
    [
        (
            "le 3646 est sature je veux un humain",
            "ligne_saturee",
            "human_handoff_line_saturated",
            "rendez-vous téléphonique",
        ),
        (
            "je prefere ecrire a un conseiller",
            "messagerie",
            "human_handoff_messaging",
            "messagerie",
        ),
        (
            "un conseiller peut me rappeler ?",
            "rendez_vous",
            "human_handoff_phone_appointment",
            "je ne prends pas de vrai rendez-vous",
        ),
        ("parler a un conseiller en personne", "accueil", "human_handoff_desk", "libre-service"),
    ],
)
def test_each_way_to_reach_a_person_typed_and_by_button(
    domain, message: str, situation: str, procedure: str, reads: str
) -> None:
    typed, typed_events = ask(domain, message, "human_handoff")
    pressed, pressed_events = button(domain, "human_handoff", situation)
    assert slots(typed_events)["procedure"] == slots(pressed_events)["procedure"] == procedure
    for messages in (typed, pressed):
        assert reads in text(messages) and "non officiel" in text(messages)


def test_after_the_desk_a_city_gives_the_caisse(domain) -> None:
    tracker = make_tracker(
        "j'habite a Lyon",
        "inform",
        [{"entity": "city", "value": "Lyon"}],
        slots={
            "topic": "human_handoff",
            "topic_question": False,
            "procedure": "human_handoff_desk",
        },
        history=[user_event("...", "human_handoff"), action_event("action_lookup_procedure")],
    )
    messages, _ = run_action(ActionLookupProcedure(), tracker, domain)
    assert "votre caisse est : CPAM du Rhône" in text(messages)


def test_the_handoff_rule_answers_with_the_topic() -> None:
    rules = yaml.safe_load((ROOT / "data/rules/smalltalk.yml").read_text("utf-8"))["rules"]
    (rule,) = [r for r in rules if {"intent": "human_handoff"} in r["steps"]]
    assert rule["steps"][-1] == {"action": "action_lookup_procedure"}
