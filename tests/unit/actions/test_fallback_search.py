"""The fallback's first stage searches the content (actions/fallback.py, secu/dialogue/
fallback.py): what a user whose message was not understood is offered, and that each
button leads to its record's answer through the rules that already exist."""

from __future__ import annotations

import asyncio
import json
import logging
import re
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import yaml
from rasa_sdk.executor import ActionExecutor, CollectingDispatcher

from actions.fallback import ActionAskAffirmation
from secu.dialogue.glossary import get_glossary
from secu.knowledge import search
from secu.knowledge.db import session_scope
from secu.knowledge.models import SearchRecord
from tests.adapters import make_tracker, run_action, said, slot_values, texts

ROOT = Path(__file__).resolve().parents[3]
NIR = "2 69 05 49 588 157 80"
UNSURE = [
    {"name": "nlu_fallback", "confidence": 0.5},
    {"name": "carte_vitale", "confidence": 0.3},
    {"name": "travel_europe", "confidence": 0.2},
]


def unsure(domain, text: str, ranking=UNSURE):
    return run_action(
        ActionAskAffirmation(), make_tracker(text, "nlu_fallback", intent_ranking=ranking), domain
    )


def test_an_unclear_message_is_offered_the_records_it_is_about(domain, knowledge_db) -> None:
    message = "bjr, jai perdu ma carte vitale pendant les vacances au portugal, je fais comment ?"
    messages, events = unsure(domain, message)
    [shown] = messages
    assert said(messages) == ["ask_record"]
    assert "Votre question porte-t-elle sur" in shown["text"]
    buttons = shown["buttons"]
    assert buttons[0] == {
        "title": "Carte Vitale perdue ou volée à l'étranger",
        "payload": '/carte_vitale{"situation": "perte_etranger"}',
    }
    assert 2 <= len(buttons) <= 4
    assert buttons[-1] == {"title": "Autre chose", "payload": "/out_of_scope"}
    assert events == []


def test_a_term_and_a_caisse_are_titled_as_what_they_are(domain, knowledge_db) -> None:
    messages, _ = unsure(domain, "c koi le sandia")
    assert messages[0]["buttons"][0]["title"] == "Ce que veut dire « SANDIA »"
    ranking = [{"name": "nlu_fallback", "confidence": 0.6}, {"name": "contact", "confidence": 0.3}]
    messages, _ = unsure(domain, "la caisse de la Gironde svp", ranking)
    assert messages[0]["buttons"][0] == {
        "title": "Joindre : CPAM de la Gironde",
        "payload": '/contact{"department": "33"}',
    }


def test_nothing_found_offers_the_best_intents_as_before(domain, knowledge_db) -> None:
    messages, _ = unsure(domain, "xqzw blorp")
    assert said(messages) == ["ask_affirmation"]
    assert [b["payload"] for b in messages[0]["buttons"]] == [
        "/carte_vitale",
        "/travel_europe",
        "/out_of_scope",
    ]


def test_a_failing_search_still_offers_the_intents_and_logs_no_word(
    domain, knowledge_db, monkeypatch, caplog
) -> None:
    def broken(*args: Any, **kwargs: Any) -> list:
        raise sa.exc.OperationalError("SELECT …", {}, Exception("no such table"))

    monkeypatch.setattr(search, "search", broken)
    with caplog.at_level(logging.DEBUG):
        messages, _ = unsure(domain, f"ma carte vitale perdue au portugal {NIR}")
    assert said(messages) == ["ask_affirmation"]
    assert "content search failed" in caplog.text
    assert "portugal" not in caplog.text.lower() and "588" not in caplog.text


def test_a_nir_in_the_message_is_never_logged_nor_sent(domain, knowledge_db, caplog) -> None:
    from secu.knowledge.db import get_engine

    sent: list[str] = []

    def spy(conn, cursor, statement, parameters, context, executemany) -> None:
        sent.append(str(parameters))

    sa.event.listen(get_engine(), "before_cursor_execute", spy)
    try:
        with caplog.at_level(logging.DEBUG):
            messages, _ = unsure(domain, f"mon numero {NIR} il est faux sur ma carte vitale")
    finally:
        sa.event.remove(get_engine(), "before_cursor_execute", spy)
    assert said(messages) == ["ask_record"]
    assert sent and not any(part in line for line in sent for part in ("588", "157", "69 05"))
    assert "588" not in caplog.text and "numero" not in caplog.text


# -- every button leads to its record's answer ----------------------------------------------


def answering_actions() -> dict[str, str]:
    """{intent: the action a rule answers it with}, for the rules without a condition."""
    found: dict[str, str] = {}
    for path in sorted((ROOT / "data" / "rules").glob("*.yml")):
        for rule in yaml.safe_load(path.read_text(encoding="utf-8")).get("rules") or []:
            steps = rule.get("steps") or []
            if rule.get("condition") or len(steps) < 2 or "intent" not in steps[0]:
                continue
            if "entities" not in steps[0] and "action" in steps[1]:
                found.setdefault(steps[0]["intent"], steps[1]["action"])
    return found


def parse_payload(payload: str) -> tuple[str, dict[str, str]]:
    intent, _, entities = re.fullmatch(r"/(\w+)(\{.*\})?", payload).group(1, 2, 2)
    return intent, json.loads(entities) if entities else {}


def records() -> list[tuple[str, str, str, str]]:
    with session_scope() as session:
        rows = session.execute(
            sa.select(SearchRecord.key, SearchRecord.kind, SearchRecord.title, SearchRecord.payload)
        )
        return [tuple(row) for row in rows]


def test_every_record_s_button_is_answered_by_a_rule(knowledge_db) -> None:
    rules = answering_actions()
    for key, _, _, leads_to in records():
        intent, _ = parse_payload(leads_to)
        assert intent in rules, (key, leads_to)


def test_every_record_s_button_gives_that_record_s_answer(domain, knowledge_db) -> None:
    rules = answering_actions()
    executor = ActionExecutor()
    executor.register_package("actions")
    glossary = get_glossary()
    checked = 0
    for key, kind, title, leads_to in records():
        intent, entities = parse_payload(leads_to)
        action = rules[intent]
        if action not in executor.actions:  # a form (the booking, a NIR to check)
            continue
        tracker = make_tracker(
            leads_to, intent, [{"entity": name, "value": v} for name, v in entities.items()]
        )
        dispatcher = CollectingDispatcher()
        events = asyncio.run(executor.actions[action](dispatcher, tracker, domain))
        shown = texts(dispatcher.messages)
        assert shown, key
        if kind == "procedure" and action in ("action_lookup_procedure", "action_lookup_organism"):
            assert slot_values(events).get("procedure") == key.split(":", 1)[1], key
        elif kind == "term":
            assert glossary.get(key.split(":", 1)[1]).definition in shown, key
        elif kind in ("organism", "local_body") and intent == "contact" and entities:
            assert title in shown, key
        checked += 1
    assert checked > 170


def test_an_english_speaker_is_offered_the_records_by_their_english_titles(
    domain, knowledge_db
) -> None:
    tracker = make_tracker(
        "carte vitale lost in portugal during the holidays, what now",
        "nlu_fallback",
        intent_ranking=UNSURE,
        slots={"language": "en"},
    )
    messages, _ = run_action(ActionAskAffirmation(), tracker, domain)
    [shown] = messages
    assert "Votre question" not in shown["text"]
    assert shown["buttons"][0] == {
        "title": "Carte Vitale lost or stolen abroad",
        "payload": '/carte_vitale{"situation": "perte_etranger"}',
    }
    assert shown["buttons"][-1]["title"] == "Something else"
    assert shown["custom"]["lang"] == "en"
