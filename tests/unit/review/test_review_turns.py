"""Reading a conversation's stored events as turns (review/turns.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from review_events import action, bot, simple, slot, start, turn, user

from review.turns import (
    CANCEL_ACTION,
    FALLBACK_ACTIONS,
    HANDOFF_ACTION,
    HANDOFF_INTENT,
    TOPIC_SLOT,
    Conversation,
    TurnRecord,
    fallback_threshold,
)
from secu.dialogue.booking import REFERENCE, TO_CANCEL

ROOT = Path(__file__).resolve().parents[3]


def read(events: list[dict[str, Any]]) -> list[TurnRecord]:
    conversation = Conversation("someone")
    for event in events:
        conversation.feed(event)
    return conversation.turns


def test_the_names_read_are_those_of_the_domain_and_the_config() -> None:
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    actions = set(domain["actions"])
    rasa_own = {"action_two_stage_fallback"}  # Rasa's loop, named by data/rules/fallback.yml
    assert FALLBACK_ACTIONS - rasa_own <= actions
    assert {HANDOFF_ACTION, CANCEL_ACTION} <= actions
    assert HANDOFF_INTENT in domain["intents"]
    assert {REFERENCE, TO_CANCEL, TOPIC_SLOT} <= set(domain["slots"])
    assert "action_two_stage_fallback" in (ROOT / "data/rules/fallback.yml").read_text()
    assert fallback_threshold(ROOT / "config.yml") == 0.35


def test_fallback_threshold_defaults_to_rasas(tmp_path: Path) -> None:
    config = tmp_path / "config.yml"
    config.write_text("pipeline:\n  - name: DIETClassifier\n")
    assert fallback_threshold(config) == 0.3


def test_a_message_its_actions_and_answers_make_one_turn() -> None:
    turns = read(
        start(100.0)
        + turn("jai perdu ma carte", "carte_vitale", "Voici la démarche.", 101.0, confidence=0.8)
    )
    assert len(turns) == 1
    (only,) = turns
    assert (only.seq, only.text, only.intent, only.confidence) == (
        0,
        "jai perdu ma carte",
        "carte_vitale",
        0.8,
    )
    assert only.actions == ["action_lookup_procedure"]  # listen and session start left out
    assert [(r.action, r.text) for r in only.replies] == [
        ("action_lookup_procedure", "Voici la démarche.")
    ]
    assert not only.button and not only.fallback and not only.not_understood(0.35)


def test_not_understood_fallback_intent_answer_or_low_confidence() -> None:
    fallback_intent = read(
        turn("bla", "nlu_fallback", "Pardon ?", 1.0, ["action_two_stage_fallback"])
    )
    low = read(turn("hmm", "greet", "Bonjour", 1.0, ["action_greet"], confidence=0.2))
    sure = read(turn("bonjour", "greet", "Bonjour", 1.0, ["action_greet"], confidence=0.9))
    core = read(turn("euh", "affirm", "Je n'ai pas compris.", 1.0, ["action_default_fallback"]))
    assert fallback_intent[0].fallback and fallback_intent[0].not_understood(0.35)
    assert not low[0].fallback and low[0].not_understood(0.35) and not low[0].not_understood(0.1)
    assert not sure[0].not_understood(0.35)
    assert core[0].fallback and core[0].not_understood(0.35)


def test_picking_a_guess_of_the_two_stage_fallback_is_one_message_not_a_fallback() -> None:
    """The click runs the fallback's loop silently, then Rasa rewinds and stores the same
    message again: one turn, answered by the topic, not by the fallback."""
    events = turn(
        "ma cart vital",
        "nlu_fallback",
        "Vouliez-vous parler de…",
        1.0,
        ["action_two_stage_fallback"],
        confidence=0.35,
        ranking=[("nlu_fallback", 0.35), ("carte_vitale", 0.3), ("contact", 0.1)],
    )
    events += [
        user("/carte_vitale", "carte_vitale", 1.0, 5.0),
        action("action_two_stage_fallback", 5.1),
        simple("rewind", 5.2),
        action("action_listen", 5.2),
        user("/carte_vitale", "carte_vitale", 1.0, 5.3),
        action("action_lookup_procedure", 5.4),
        bot("Pour votre carte Vitale…", 5.5),
        action("action_listen", 5.6),
    ]
    first, click = read(events)
    assert first.fallback and first.ranking == [("carte_vitale", 0.3), ("contact", 0.1)]
    assert click.button and not click.fallback and not click.not_understood(0.35)
    assert click.actions == [
        "action_two_stage_fallback",
        "action_lookup_procedure",
    ]
    assert [r.text for r in click.replies] == ["Pour votre carte Vitale…"]


def test_a_message_the_dialogue_forgot_is_still_a_message() -> None:
    events = turn("coucou", "greet", "Bonjour", 1.0, ["action_greet"])
    other = turn("autre chose", "help", "Voici", 3.0, ["action_say_help"])
    events += [simple("rewind", 2.0), *other]
    assert [t.text for t in read(events)] == ["coucou", "autre chose"]


def test_handoff_by_intent_or_by_action() -> None:
    asked = read(turn("un humain svp", "human_handoff", "Le 3646", 1.0, [HANDOFF_ACTION]))
    told = read(turn("je veux appeler", "contact", "Le 3646", 1.0, [HANDOFF_ACTION]))
    other = read(turn("merci", "thank", "Avec plaisir", 1.0, ["action_say_thank"]))
    assert asked[0].handoff and told[0].handoff and not other[0].handoff


def test_a_booking_is_its_reference_set() -> None:
    events = turn("oui", "affirm", "C'est noté !", 1.0, ["appointment_form"])
    events += [slot(REFERENCE, "RDV-7K3F9Q", 1.5), slot(REFERENCE, None, 9.0)]
    (booked,) = read(events)
    assert booked.booked == 1


def test_a_cancellation_is_a_yes_to_cancel_it() -> None:
    ask = turn("annule mon rdv", "cancel_appointment", "Vraiment ?", 1.0, [CANCEL_ACTION])
    ask.insert(-1, slot(TO_CANCEL, "RDV-7K3F9Q", 1.3))
    yes = turn("oui", "affirm", "C'est annulé.", 2.0, [CANCEL_ACTION])
    yes.insert(-1, slot(TO_CANCEL, None, 2.3))
    no = turn("non", "deny", "Je le garde.", 3.0, [CANCEL_ACTION])
    asked, cancelled = read(ask + yes)
    assert (asked.cancelled, cancelled.cancelled) == (0, 1)
    assert [t.cancelled for t in read(ask + no)] == [0, 0]
    assert read(yes)[0].cancelled == 0  # nothing was asked
    new_session = ask + start(2.5) + yes  # slots are not carried over to a new session
    assert [t.cancelled for t in read(new_session)] == [0, 0]


def test_topics_and_buttons() -> None:
    events = turn("/carte_vitale", "carte_vitale", "Voici", 1.0)
    events.insert(-1, slot(TOPIC_SLOT, "carte_vitale", 1.2))
    events.insert(-1, slot(TOPIC_SLOT, None, 1.3))
    (clicked,) = read(events)
    assert clicked.button and clicked.topics == ["carte_vitale"]


def test_answers_before_any_message_have_a_turn_of_their_own() -> None:
    (greeting, asked) = read(
        [action("action_greet", 1.0), bot("Bonjour !", 1.1), *turn("ok", "affirm", "Bien", 2.0)]
    )
    assert greeting.text is None and [r.text for r in greeting.replies] == ["Bonjour !"]
    assert not greeting.not_understood(0.35) and asked.seq == 1


PHONE = "06 12 34 56 78"


@pytest.mark.parametrize("where", ["text", "entity", "answer", "button"])
def test_phone_numbers_are_masked_everywhere_they_are_kept(where: str) -> None:
    text = f"rappelez moi au {PHONE}" if where in ("text", "entity") else "ok"
    entity = {"entity": "city", "value": PHONE, "start": 16, "end": 30}
    events = [user(text, "inform", 0.9, 1.0, entities=[entity] if where == "entity" else [])]
    events.append(action("action_ask_appointment_phone", 1.1))
    events.append(
        bot(
            f"Noté : {PHONE}" if where == "answer" else "ok",
            1.2,
            [PHONE] if where == "button" else [],
        )
    )
    (one,) = read(events)
    kept = repr((one.text, one.entities, [(r.text, r.buttons) for r in one.replies]))
    assert "12 34 56" not in kept and "06 •• •• •• 78" in kept
    if where == "entity":
        assert one.entities[0]["span"] == "06 •• •• •• 78"
