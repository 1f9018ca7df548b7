"""The follow-up actions as a user reads them (issue #14): the cost, the obligation, without
a compte ameli, a typed answer to "which number?", a place with a question, and a request
to meet a person while the number check starts or waits."""

from __future__ import annotations

import asyncio

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.contact import ActionLookupOrganism
from actions.nir_actions import ActionCheckNIR, ValidateNIRForm
from actions.procedures import (
    ActionAmbiguousNumberReply,
    ActionLookupProcedure,
    ActionProcedureCost,
    ActionProcedureObligation,
    ActionProcedureWhere,
    ActionProcedureWithoutAccount,
)
from tests.adapters import action_event, make_tracker, run_action, said, texts
from tests.adapters import slot_values as slots

pytestmark = pytest.mark.usefixtures("knowledge_db")


def test_is_it_free_after_a_lost_carte_vitale(domain) -> None:
    tracker = make_tracker(
        "et c'est payant ?", "ask_cost", slots={"procedure": "carte_vitale_lost_or_stolen"}
    )
    messages, _ = run_action(ActionProcedureCost(), tracker, domain)
    assert said(messages) == ["procedure_cost"]
    assert "Carte Vitale perdue ou volée" in texts(messages)
    assert "La carte Vitale est gratuite" in texts(messages)


def test_is_it_compulsory_after_moving(domain) -> None:
    tracker = make_tracker(
        "je suis obligé ?", "ask_obligation", slots={"procedure": "moving_declare"}
    )
    messages, _ = run_action(ActionProcedureObligation(), tracker, domain)
    assert "vous devez en informer votre caisse" in texts(messages)


def test_without_a_compte_ameli_after_the_attestation(domain) -> None:
    tracker = make_tracker(
        "et si je n'ai pas de compte ameli ?",
        "ask_without_account",
        slots={"procedure": "attestation_droits"},
    )
    messages, _ = run_action(ActionProcedureWithoutAccount(), tracker, domain)
    assert "sans compte ameli" in texts(messages)
    assert "3646 (service gratuit + prix de l'appel)" in texts(messages)


def test_where_to_ask_for_the_c2s(domain) -> None:
    tracker = make_tracker("je la demande ou ?", "ask_where", slots={"procedure": "health_aid_css"})
    messages, _ = run_action(ActionProcedureWhere(), tracker, domain)
    assert said(messages) == ["procedure_where"]
    assert "Complémentaire santé solidaire" in texts(messages)
    assert "compte ameli" in texts(messages)


def test_my_own_number_typed_after_which_number(domain) -> None:
    tracker = make_tracker(
        "le mien, celui de ma carte",
        "carte_vitale",
        history=[action_event("action_say_ambiguous_number")],
    )
    messages, events = run_action(ActionAmbiguousNumberReply(), tracker, domain)
    assert said(messages)[-1] == "ask_lost_number_document"
    assert slots(events)["topic"] == "lost_number"


def test_the_phone_number_typed_after_which_number(domain) -> None:
    tracker = make_tracker("celui pour appeler", "inform")
    messages, _ = run_action(ActionAmbiguousNumberReply(), tracker, domain)
    assert said(messages) == ["contact"]
    assert "3646" in texts(messages)


def test_a_place_with_a_question_names_the_caisse_of_that_place(domain) -> None:
    tracker = make_tracker(
        "j'habite à Cayenne, je m'adresse où ?",
        "organism",
        [{"entity": "city", "value": "Cayenne", "start": 11, "end": 18}],
    )
    messages, _ = run_action(ActionLookupOrganism(), tracker, domain)
    assert said(messages)[-1] == "organism_by_place"
    assert "votre caisse est" in texts(messages) and "Guyane" in texts(messages)
    assert "Quelle est votre situation" not in texts(messages)


@pytest.mark.parametrize(
    ("message", "intent", "asked"),
    [
        ("je veux voir quelqu'un en face", "check_nir", None),
        ("un rendez-vous à l'accueil", "check_nir", None),
        ("je prefere rencontrer un conseiller", "inform", "nir_status"),
        ("je veux parler a quelqu'un en personne", "human_handoff", "nir_status"),
    ],
)
def test_meeting_a_person_never_leads_to_the_number_prompt(domain, message, intent, asked) -> None:
    form = ValidateNIRForm()
    tracker = make_tracker(message, intent, slots={"requested_slot": asked})
    extracted = asyncio.run(form.extract_nir_status(CollectingDispatcher(), tracker, domain))
    assert extracted == {"nir_status": "meet_person"}
    dispatcher = CollectingDispatcher()
    validated = asyncio.run(form.validate_nir_status("meet_person", dispatcher, tracker, domain))
    assert validated == {"nir_status": "meet_person"} and not dispatcher.messages
    done = make_tracker(message, intent, slots={"nir_status": "meet_person"})
    messages, events = run_action(ActionCheckNIR(), done, domain)
    assert said(messages) == ["nir_meet_person"]
    assert "Tapez" not in texts(messages) and "rendez-vous à l'accueil" in texts(messages)
    assert slots(events)["nir_status"] is None


ASKED = {"topic": "lost_number", "topic_question": True, "procedure": "lost_number_with_document"}
FALLBACK = {"event": "followup", "timestamp": None, "name": "action_two_stage_fallback"}


@pytest.mark.parametrize(
    ("message", "answers", "handed_over"),
    [
        ("oui j'ai ma carte vitale sous la main", ["lost_number_found"], False),
        ("gnagna blip", [], True),
    ],
)
def test_an_unclear_reply_is_read_by_its_words_else_the_fallback_takes_it(
    domain, message: str, answers: list[str], handed_over: bool
) -> None:
    tracker = make_tracker(message, "nlu_fallback", slots=ASKED)
    messages, events = run_action(ActionLookupProcedure(), tracker, domain)
    assert said(messages) == answers
    assert (FALLBACK in events) is handed_over
