"""action_out_of_scope as a user reads it: a subject another service handles gets where to
go (the site, the emergency numbers, the compte ameli and the 3646), anything else the
generic out-of-scope answer, with the buttons to go back."""

from __future__ import annotations

import pytest
from rasa_sdk.executor import ActionExecutor

from actions.elsewhere import ActionOutOfScope
from tests.adapters import action_event, make_tracker, run_action, said, user_event


def out_of_scope(domain, text: str, **kwargs):
    return run_action(ActionOutOfScope(), make_tracker(text, "out_of_scope", **kwargs), domain)


def buttons(messages) -> list[str]:
    return [b["payload"] for m in messages for b in m.get("buttons") or []]


def test_the_name_is_the_one_the_domain_declares_and_the_server_finds(domain) -> None:
    assert ActionOutOfScope().name() == "action_out_of_scope"
    assert "action_out_of_scope" in domain["actions"]
    assert "action_say_out_of_scope" not in domain["actions"]
    executor = ActionExecutor()
    executor.register_package("actions")
    assert "action_out_of_scope" in executor.actions
    assert "action_say_out_of_scope" not in executor.actions


@pytest.mark.parametrize(
    ("text", "key", "link"),
    [
        ("comment declarer mes impots", "elsewhere_taxes", "https://www.impots.gouv.fr"),
        ("jai pas recu mon apl ce mois ci", "elsewhere_caf", "https://www.caf.fr"),
        ("pole emploi m'a radié", "elsewhere_unemployment", "https://www.francetravail.fr"),
        ("comment renouveler mon passeport", "elsewhere_id_papers", "https://ants.gouv.fr"),
        ("combien coute une mutuelle", "elsewhere_mutuelle", "https://www.service-public.fr/"),
        ("calculer ma retraite complementaire", "elsewhere_pension", "info-retraite.fr"),
        ("mes indemnites journalieres sont en retard", "elsewhere_reimbursements", "ameli.fr"),
    ],
)
def test_each_area_gets_where_to_go(domain, text: str, key: str, link: str) -> None:
    messages, events = out_of_scope(domain, text)
    assert said(messages) == [key]
    assert link in messages[0]["text"]
    assert "/help" in buttons(messages)
    assert events == []


def test_a_health_worry_gets_the_emergency_numbers(domain) -> None:
    messages, events = out_of_scope(domain, "j’ai de la fièvre depuis 3 jours je fais quoi")
    assert said(messages) == ["elsewhere_health"]
    text = messages[0]["text"]
    assert "15 (Samu)" in text and "112" in text and "SMS au 114" in text
    assert "avis médical" in text
    assert events == []


def test_a_symptom_wins_over_the_other_subject(domain) -> None:
    messages, _ = out_of_scope(domain, "mes ij sont en retard et j'ai mal au dos")
    assert said(messages) == ["elsewhere_health"]


def test_a_reimbursement_offers_the_3646_and_a_person(domain) -> None:
    messages, _ = out_of_scope(domain, "le doliprane est remboursé combien")
    assert said(messages) == ["elsewhere_reimbursements"]
    assert "3646 (service gratuit + prix de l'appel)" in messages[0]["text"]
    assert buttons(messages) == ["/human_handoff", "/help"]


def test_the_mutuelle_answer_leads_to_the_complementaire_sante_solidaire(domain) -> None:
    messages, _ = out_of_scope(domain, "quelle mutuelle est la moins chere")
    assert said(messages) == ["elsewhere_mutuelle"]
    assert '/health_aid{"situation": "css"}' in buttons(messages)


@pytest.mark.parametrize("text", ["raconte moi une blague", "mon chat est malade", "/out_of_scope"])
def test_any_other_subject_gets_the_generic_answer(domain, text: str) -> None:
    messages, events = out_of_scope(domain, text)
    assert said(messages) == ["out_of_scope"]
    assert "je ne peux pas vous aider" in messages[0]["text"]
    assert buttons(messages) == ["/help", "/human_handoff"]
    assert events == []


def test_a_topic_answered_before_stays_as_it_was(domain) -> None:
    history = [user_event("j'ai perdu mon numero", "lost_number"), action_event("action_x")]
    slots = {"topic": "lost_number", "topic_question": True}
    messages, events = out_of_scope(
        domain, "comment declarer mes impots", slots=slots, history=history
    )
    assert said(messages) == ["elsewhere_taxes"]
    assert events == []  # no slot changed: the topic's question still waits
