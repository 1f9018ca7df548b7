"""The custom actions, as a user would see their answers."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from actions.adapter import previous_action
from actions.fallback import ActionAskAffirmation, ActionAskRephrase, ActionDefaultFallback
from actions.greeting import ActionGreet
from secu.content import intent_labels
from secu.dialogue.fallback import best_guesses
from secu.dialogue.smalltalk import greeting_for
from tests.adapters import action_event, make_tracker, run_action, said, user_event

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
    text = messages[0]["text"]
    assert text.startswith(("Bonjour", "Bonsoir"))
    assert "non officiel" in text
    buttons = messages[0]["buttons"]
    assert {"/lost_number", "/born_abroad", "/contact"} <= {b["payload"] for b in buttons}


def test_affirmation_offers_the_two_best_intents_in_french(domain, knowledge_db) -> None:
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


def test_affirmation_without_ranking_still_answers_in_french(domain, knowledge_db) -> None:
    messages, _ = run_action(ActionAskAffirmation(), make_tracker("???", "nlu_fallback"), domain)
    assert messages[0]["text"].startswith("Je ne suis pas sûr")
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/out_of_scope"]


def test_every_intent_of_the_domain_can_be_offered_or_is_excluded(domain) -> None:
    labels = intent_labels()
    offered = set(domain["intents"]) - {"affirm", "deny", "out_of_scope"}
    assert offered <= set(labels), offered - set(labels)
    assert best_guesses((("deny", 0.9),), labels) == []


def test_previous_action_is_the_bot_turn_the_user_answers() -> None:
    history = [
        user_event("a", "contact"),
        action_event("action_lookup_contact"),
        action_event("action_listen"),
    ]
    assert previous_action(make_tracker("b", "inform", history=history)) == "action_lookup_contact"
    assert previous_action(make_tracker("b", "inform")) is None


def test_ask_rephrase_and_the_last_fallback_answer_in_french(domain) -> None:
    messages, events = run_action(
        ActionAskRephrase(), make_tracker("blabla", "out_of_scope"), domain
    )
    assert said(messages) == ["ask_rephrase"]
    messages, events = run_action(
        ActionDefaultFallback(), make_tracker("blabla", "nlu_fallback"), domain
    )
    assert said(messages) == ["default"]
    assert "3646" in messages[0]["text"]
    assert [b["payload"] for b in messages[0]["buttons"]][-1] == "/human_handoff"
    assert events[0]["event"] == "rewind"
