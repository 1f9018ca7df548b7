"""The international situations of issue #13 as the user reads them: cross-border workers,
AME / Complémentaire santé solidaire / asylum, retirees abroad, care abroad without the
card, papers for people born abroad; and the corrections (translation of EU birth
certificates, the employer and the CPAM, the United Kingdom)."""

from __future__ import annotations

import pytest

from actions.procedures import ActionProcedureDocuments
from secu.settings import get_settings
from secu.text import read_merged
from tests.adapters import ask_topic as typed
from tests.adapters import make_tracker, payloads, run_action, said, texts, typed_or_pressed
from tests.adapters import press_situation as button
from tests.adapters import slot_values as slots

pytestmark = pytest.mark.usefixtures("knowledge_db")

BORN_ABROAD_PAGE = (
    "https://www.ameli.fr/assure/droits-demarches/europe-international/"
    "protection-sociale-france/ne-etranger-demander-numero-securite-sociale"
)


# -- cross-border workers -------------------------------------------------------------------


def test_a_cross_border_worker_without_a_country_gets_the_rule_and_the_country_question(
    domain,
) -> None:
    messages, events = typed(domain, "je suis frontalier, et ma secu ?", "cross_border")
    text = texts(messages)
    assert "pays où vous travaillez" in text and "S1" in text and "3 mois" in text
    assert said(messages)[-1] == "ask_cross_border"
    assert slots(events)["procedure"] == "cross_border_general"
    assert "CFE" not in text and "Caisse des Français" not in text


@pytest.mark.parametrize(
    "text",
    [
        "j'habite a annemasse et je bosse a geneve, lamal ou secu ?",
        "je commence un travail en Suisse, le droit d'option c'est quoi",
    ],
)
def test_switzerland_typed_gives_the_right_of_option_and_who_handles_it(domain, text) -> None:
    messages, events = typed(domain, text, "cross_border")
    shown = texts(messages)
    assert slots(events)["procedure"] == "cross_border_switzerland"
    assert "3 mois" in shown and "LAMal" in shown and "définitif" in shown
    assert "Choix du système d'assurance maladie" in shown and "CPAM" in shown
    assert "Urssaf service des travailleurs frontaliers en Suisse" in shown and "CNTFS" in shown
    assert "CFE" not in shown


def test_switzerland_from_the_button_of_the_country_question(domain) -> None:
    messages, events = button(domain, "cross_border", "frontalier_suisse", "cross_border_general")
    assert slots(events)["procedure"] == "cross_border_switzerland"
    assert "LAMal" in messages[0]["text"]
    assert "/ask_documents" in payloads(messages)


@pytest.mark.parametrize(
    ("how", "args"),
    [
        ("typed", ("je vis a metz et je travaille au luxembourg", "cross_border")),
        ("button", None),
    ],
)
def test_a_worker_in_luxembourg_or_another_eu_country_gets_the_s1(domain, how, args) -> None:
    if how == "typed":
        messages, events = typed(domain, *args)
    else:
        messages, events = button(domain, "cross_border", "frontalier_ue", "cross_border_general")
    shown = texts(messages)
    assert slots(events)["procedure"] == "cross_border_eu"
    assert "S1" in shown and "CNS" in shown and "CPAM de votre lieu de résidence" in shown


@pytest.mark.parametrize(
    "text",
    [
        "j'habite en belgique et je travaille a lille",
        "je vis en Allemagne mais je bosse a Strasbourg",
    ],
)
def test_living_abroad_and_working_in_france_is_the_reverse_case(domain, text) -> None:
    messages, events = typed(domain, text, "cross_border")
    shown = texts(messages)
    assert slots(events)["procedure"] == "cross_border_working_in_france"
    assert "Assurance Maladie française" in shown and "S1" in shown


def test_the_reverse_case_from_its_button(domain) -> None:
    _, events = button(domain, "cross_border", "frontalier_vers_france", "cross_border_general")
    assert slots(events)["procedure"] == "cross_border_working_in_france"


def test_leaving_france_offers_the_cross_border_workers_answer(domain) -> None:
    messages, _ = typed(domain, "je quitte la france", "expatriate")
    assert said(messages) == ["ask_expatriate"]
    assert "/cross_border" in payloads(messages)


# -- AME, Complémentaire santé solidaire, asylum -----------------------------------------------


def test_health_aid_without_a_situation_names_the_three_aids_and_asks(domain) -> None:
    messages, events = typed(domain, "quelles aides pour se soigner", "health_aid")
    shown = texts(messages)
    assert "AME" in shown and "Complémentaire santé solidaire" in shown and "asile" in shown
    assert said(messages)[-1] == "ask_health_aid"
    assert slots(events)["topic_question"] is True


@pytest.mark.parametrize(
    ("how", "text"),
    [("typed", "je suis sans papiers depuis 6 mois, comment me soigner"), ("button", None)],
)
def test_no_residence_permit_gets_the_ame(domain, how, text) -> None:
    messages, events = typed_or_pressed(
        domain, how, text, "health_aid", "ame", "health_aid_overview"
    )
    shown = texts(messages)
    assert slots(events)["procedure"] == "health_aid_ame"
    assert "plus de 3 mois" in shown and "100 %" in shown and "mineurs" in shown
    assert "caisse d'assurance maladie de votre lieu de résidence" in shown
    assert "CCAS" in shown and "1 an" in shown


@pytest.mark.parametrize(
    ("how", "text"),
    [("typed", "je touche le rsa, j'ai droit a une mutuelle gratuite ?"), ("button", None)],
)
def test_low_income_gets_the_complementaire_sante_solidaire(domain, how, text) -> None:
    messages, events = typed_or_pressed(
        domain, how, text, "health_aid", "css", "health_aid_overview"
    )
    shown = texts(messages)
    assert slots(events)["procedure"] == "health_aid_css"
    assert "gratuite ou coûte moins de 1 € par jour" in shown
    assert "compte ameli" in shown and "plafond de ressources" in shown


@pytest.mark.parametrize(
    ("how", "text"),
    [("typed", "je suis demandeur d'asile depuis 2 semaines"), ("button", None)],
)
def test_an_asylum_seeker_learns_the_three_months_and_what_to_do_meanwhile(
    domain, how, text
) -> None:
    messages, events = typed_or_pressed(
        domain, how, text, "health_aid", "asile", "health_aid_overview"
    )
    shown = texts(messages)
    assert slots(events)["procedure"] == "health_aid_asylum"
    assert "après 3 mois" in shown and "enfants mineurs" in shown and "tout de suite" in shown
    assert "soins urgents" in shown and "PASS" in shown and "S1106" in shown


def test_born_abroad_offers_the_health_aids(domain) -> None:
    messages, _ = typed(
        domain, "etudiant etranger", "born_abroad", [{"entity": "status", "value": "etudiant"}]
    )
    assert "/health_aid" in payloads(messages)


# -- retirees ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "entities"),
    [
        ("je suis retraité et je pars vivre au Portugal", []),
        ("retraitee, je pars vivre au Maroc", [{"entity": "status", "value": "retraite"}]),
    ],
)
def test_a_retiree_abroad_gets_the_s1_and_the_cnarefe(domain, text, entities) -> None:
    messages, events = typed(domain, text, "expatriate", entities)
    shown = texts(messages)
    assert slots(events)["procedure"] == "expatriate_retiree"
    assert "S1" in shown and "caisse de retraite" in shown and "CNAREFE" in shown
    assert "séjours en France" in shown and "carte Vitale" in shown


def test_a_retiree_from_the_button_of_the_departure_question(domain) -> None:
    messages, events = button(domain, "expatriate", "retraite_etranger")
    assert slots(events)["procedure"] == "expatriate_retiree"
    assert "Cnav" in messages[0]["text"]


# -- care abroad without the card -------------------------------------------------------------


@pytest.mark.parametrize(
    ("how", "text"),
    [("typed", "j'ai ete hospitalise en Italie et j'avais pas la ceam"), ("button", None)],
)
def test_care_in_europe_without_the_card_is_refunded_on_return(domain, how, text) -> None:
    messages, events = typed_or_pressed(
        domain, how, text, "travel_europe", "sans_ceam", "stay_in_europe"
    )
    shown = texts(messages)
    assert slots(events)["procedure"] == "care_in_europe_without_ceam"
    assert "S3125" in shown and "Soins reçus à l'étranger" in shown and "factures" in shown
    assert "compte ameli" in shown


@pytest.mark.parametrize(
    ("how", "text"),
    [("typed", "je pars aux etats unis, la secu rembourse ?"), ("button", None)],
)
def test_care_outside_europe(domain, how, text) -> None:
    messages, events = typed_or_pressed(
        domain, how, text, "travel_europe", "hors_europe", "stay_in_europe"
    )
    shown = texts(messages)
    assert slots(events)["procedure"] == "care_outside_europe"
    assert "la CEAM ne sert pas" in shown and "tarifs français" in shown and "S3125" in shown


@pytest.mark.parametrize(
    ("how", "text"),
    [("typed", "on m'a volé ma ceam pendant mes vacances en Espagne"), ("button", None)],
)
def test_a_ceam_lost_or_stolen_abroad(domain, how, text) -> None:
    messages, events = typed_or_pressed(
        domain, how, text, "travel_europe", "ceam_perdue", "stay_in_europe"
    )
    shown = texts(messages)
    assert slots(events)["procedure"] == "ceam_lost_abroad"
    assert "certificat provisoire de remplacement" in shown and "3 mois" in shown
    assert "+33 1 84 90 36 46" in shown


def test_a_stay_in_europe_offers_the_new_situations(domain) -> None:
    messages, _ = typed(domain, "je pars en vacances en europe", "travel_europe")
    assert {
        '/inform{"situation":"sans_ceam"}',
        '/inform{"situation":"hors_europe"}',
        '/inform{"situation":"ceam_perdue"}',
    } <= set(payloads(messages))


# -- papers for people born abroad ------------------------------------------------------------


@pytest.mark.parametrize(
    ("how", "text"),
    [("typed", "mon acte de naissance est en arabe, qui peut le traduire ?"), ("button", None)],
)
def test_translation_legalisation_apostille(domain, how, text) -> None:
    messages, events = typed_or_pressed(
        domain, how, text, "born_abroad", "traduction", "born_abroad"
    )
    shown = texts(messages)
    assert slots(events)["procedure"] == "born_abroad_papers"
    assert "traducteur agréé" in shown and "assermenté" in shown and "consulat" in shown
    assert "légalis" in shown and "apostille" in shown
    assert BORN_ABROAD_PAGE in shown


@pytest.mark.parametrize(
    ("how", "text"),
    [("typed", "la cpam me redemande mon acte alors que je l'ai deja envoye"), ("button", None)],
)
def test_a_document_asked_again(domain, how, text) -> None:
    messages, events = typed_or_pressed(
        domain, how, text, "born_abroad", "document_redemande", "born_abroad"
    )
    shown = texts(messages)
    assert slots(events)["procedure"] == "born_abroad_document_again"
    assert "illisible" in shown and "preuve" in shown
    assert "3646 (service gratuit + prix de l'appel)" in shown


# -- corrections --------------------------------------------------------------------------------


def test_an_eu_birth_certificate_may_still_need_a_translation(domain) -> None:
    """Correction: "n'a pas besoin d'être traduit" was said of every EU certificate."""
    messages, _ = typed(domain, "je suis citoyenne europeenne", "born_abroad")
    shown = texts(messages)
    assert "en général pas besoin d'être traduit" in shown and "selon la langue" in shown
    assert "n'a pas besoin d'être traduit" not in shown


def test_the_documents_of_born_abroad_say_en_general_for_the_eu(domain) -> None:
    tracker = make_tracker(
        "quels papiers ?",
        "ask_documents",
        slots={"topic": "born_abroad", "procedure": "born_abroad_not_working"},
    )
    messages, _ = run_action(ActionProcedureDocuments(), tracker, domain)
    assert "en général dispensé" in messages[0]["text"]
    assert "sauf s'il vient de l'UE" not in messages[0]["text"]


def test_the_employer_declares_to_the_cpam_which_asks_the_sandia(domain) -> None:
    """Correction: the employer does not ask the SANDIA (nor does it register "en ligne")."""
    messages, _ = typed(
        domain, "salarie ne au mali", "born_abroad", [{"entity": "status", "value": "salarie"}]
    )
    shown = texts(messages)
    assert "employeur demande votre immatriculation à la CPAM" in shown
    assert "La CPAM demande votre numéro définitif au SANDIA" in shown
    assert "inscription en ligne" not in shown
    assert BORN_ABROAD_PAGE in shown and "regles-identification-assures" not in shown


def test_no_born_abroad_record_says_the_employer_asks_the_number() -> None:
    records = read_merged(get_settings().knowledge_dir, "procedures")["procedures"]
    for record in records:
        if record["topic"] != "born_abroad":
            continue
        text = " ".join([record["summary"], *record["steps"], *record["documents"]])
        assert "(ou votre employeur) demande" not in text, record["id"]
        assert "votre caisse ou de votre employeur" not in text, record["id"]
        assert "inscription en ligne" not in text, record["id"]
        for link in record["links"]:
            assert "regles-identification-assures" not in link["url"], record["id"]


def test_the_ceam_answer_says_what_applies_in_the_united_kingdom(domain) -> None:
    """Correction: the CEAM answer said nothing of the United Kingdom since Brexit."""
    messages, _ = typed(domain, "ceam pour londres ca marche encore", "travel_europe")
    shown = texts(messages)
    assert "Royaume-Uni" in shown and "Brexit" in shown


def test_the_posting_answer_says_what_applies_in_the_united_kingdom(domain) -> None:
    """Correction: posting to the United Kingdom (EU-UK agreement, A1, 24 months)."""
    messages, events = typed(domain, "ma boite me detache en angleterre 2 ans", "expatriate")
    shown = texts(messages)
    assert slots(events)["procedure"] == "expatriate_posted"
    assert "Royaume-Uni" in shown and "24 mois" in shown and "A1" in shown
