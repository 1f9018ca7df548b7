"""The conversation's language in the actions (issue #15): an answer comes in the language
the person writes or asks for, the slot remembers it, short messages never flip it, and
every message says its language to the widget."""

from __future__ import annotations

import pytest

from actions.greeting import ActionGreet
from actions.procedures import ActionLookupProcedure, ActionProcedureDocuments
from actions.say import SAY_ACTIONS
from tests.adapters import make_tracker, run_action, texts
from tests.adapters import slot_values as slots

pytestmark = pytest.mark.usefixtures("knowledge_db")

SWITCHED = next(a for a in SAY_ACTIONS if a.key == "language_switched")


def langs(messages: list[dict]) -> set[str]:
    return {m["custom"]["lang"] for m in messages}


def test_an_english_question_gets_the_english_procedure_and_sets_the_slot(domain) -> None:
    tracker = make_tracker(
        "how can i get a social security number? i was born in morocco and just arrived",
        "born_abroad",
        entities=[{"entity": "country", "value": "morocco"}],
    )
    messages, events = run_action(ActionLookupProcedure(), tracker, domain)
    assert slots(events)["language"] == "en"
    assert langs(messages) == {"en"}
    text = texts(messages)
    assert "S1106" in text and " you " in f" {text} "
    assert "vous" not in text


def test_the_same_question_in_french_stays_french_and_sets_nothing(domain) -> None:
    tracker = make_tracker("comment avoir un numero de secu ? je suis ne au maroc", "born_abroad")
    messages, events = run_action(ActionLookupProcedure(), tracker, domain)
    assert "language" not in slots(events)
    assert langs(messages) == {"fr"}
    assert "vous" in texts(messages)


@pytest.mark.parametrize("text", ["ok", "merci", "06 12 34 56 78", "75011", "RDV-7K3F9Q"])
def test_a_short_message_keeps_an_english_conversation_in_english(domain, text: str) -> None:
    tracker = make_tracker(
        text, "ask_documents", slots={"language": "en", "procedure": "born_abroad"}
    )
    messages, events = run_action(ActionProcedureDocuments(), tracker, domain)
    assert "language" not in slots(events)
    assert langs(messages) == {"en"}


def test_the_widget_switch_asks_for_a_language_by_its_payload(domain) -> None:
    tracker = make_tracker(
        '/switch_language{"language":"en"}',
        "switch_language",
        entities=[{"entity": "language", "value": "en"}],
    )
    messages, events = run_action(SWITCHED(), tracker, domain)
    assert slots(events)["language"] == "en"
    assert "English" in texts(messages)
    assert messages[0]["buttons"][0]["title"] == "I lost my number"


def test_asking_for_french_in_an_english_conversation(domain) -> None:
    tracker = make_tracker("en français svp", "switch_language", slots={"language": "en"})
    messages, events = run_action(SWITCHED(), tracker, domain)
    assert slots(events)["language"] == "fr"
    assert "français" in texts(messages) and langs(messages) == {"fr"}


def test_hello_in_english_is_answered_in_english(domain) -> None:
    tracker = make_tracker("hello, is anyone there? i need some help", "greet")
    messages, events = run_action(ActionGreet(), tracker, domain)
    assert slots(events)["language"] == "en" and langs(messages) == {"en"}
    assert "Bonjour" not in texts(messages)
