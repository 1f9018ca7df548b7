"""The conversation's language in the actions (issue #15): an answer comes in the language
the person writes or asks for, the slot remembers it, short messages never flip it, and
every message says its language to the widget."""

from __future__ import annotations

import pytest

from actions.contact import ActionLookupContact, ActionLookupOrganism
from actions.greeting import ActionGreet
from actions.nir_actions import ActionCheckNIR
from actions.procedures import ActionLookupProcedure, ActionProcedureDocuments
from actions.say import SAY_ACTIONS
from tests.adapters import action_event, make_tracker, run_action, texts, user_event
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


def test_rasa_shell_gets_the_answers_without_their_language_tag(domain) -> None:
    tracker = make_tracker("how can i get a social security number?", "born_abroad")
    messages, _ = run_action(ActionLookupProcedure(), tracker, domain)
    assert langs(messages) == {"en"}
    tracker = make_tracker(
        "how can i get a social security number?", "born_abroad", channel="cmdline"
    )
    messages, _ = run_action(ActionLookupProcedure(), tracker, domain)
    assert messages and all(not m.get("custom") for m in messages)
    assert "S1106" in texts(messages)


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


START = [action_event("action_session_start"), {"event": "session_started"}]
WELCOMED = [*START, action_event("action_listen"), user_event("/greet", "greet")]
WELCOMED += [action_event("action_greet"), action_event("action_listen")]


@pytest.mark.parametrize("text", ["hello", "Hi!", "hello bot", "hi there", "good morning"])
@pytest.mark.parametrize("history", [[], START, WELCOMED], ids=["none", "start", "welcomed"])
def test_a_greeting_opening_the_conversation_sets_its_language(
    domain, text: str, history: list[dict]
) -> None:
    """The first message, or the first after the widget's welcome (it opens with the
    ``/greet`` payload): "hello" is answered in English, and the slot remembers it."""
    tracker = make_tracker(text, "greet", history=[*history, action_event("action_listen")])
    messages, events = run_action(ActionGreet(), tracker, domain)
    assert slots(events)["language"] == "en" and langs(messages) == {"en"}
    assert "unofficial" in texts(messages) and "Bonjour" not in texts(messages)


def test_a_greeting_later_keeps_the_conversation_in_french(domain) -> None:
    asked = [*WELCOMED, user_event("j'ai perdu ma carte vitale", "lost_card")]
    asked += [action_event("action_lookup_procedure"), action_event("action_listen")]
    messages, events = run_action(
        ActionGreet(), make_tracker("hello", "greet", history=asked), domain
    )
    assert "language" not in slots(events) and langs(messages) == {"fr"}
    tracker = make_tracker("hi there", "greet", slots={"language": "fr"}, history=WELCOMED)
    messages, events = run_action(ActionGreet(), tracker, domain)
    assert "language" not in slots(events) and langs(messages) == {"fr"}


def test_the_welcome_offers_the_other_language(domain) -> None:
    """The French welcome offers English (newcomers), the English one French (a French
    person whose "hello" opened the conversation in English)."""
    messages, _ = run_action(ActionGreet(), make_tracker("/greet", "greet"), domain)
    switch = '/switch_language{"language": "%s"}'
    assert {"title": "In English", "payload": switch % "en"} in messages[0]["buttons"]
    messages, _ = run_action(ActionGreet(), make_tracker("hello", "greet"), domain)
    assert {"title": "En français", "payload": switch % "fr"} in messages[0]["buttons"]


def with_key(thirteen: str) -> str:
    return f"{thirteen}{97 - int(thirteen) % 97:02d}"


def test_an_english_contact_answer_has_english_hours_and_notes(domain) -> None:
    tracker = make_tracker(
        "what is the phone number of the cpam in lille please?",
        "contact",
        entities=[{"entity": "city", "value": "Lille"}],
    )
    messages, _ = run_action(ActionLookupContact(), tracker, domain)
    text = texts(messages)
    assert "3646" in text and "Monday to Friday" in text and "free service" in text
    assert "several caisses in this department" in text
    assert "lundi" not in text and "service gratuit" not in text and "plusieurs" not in text


def test_the_body_of_a_status_is_explained_in_english(domain) -> None:
    tracker = make_tracker(
        "i am a farmer, who handles my health insurance?",
        "organism",
        entities=[{"entity": "status", "value": "agriculteur"}],
    )
    messages, _ = run_action(ActionLookupOrganism(), tracker, domain)
    text = texts(messages)
    assert "are covered by the MSA" in text
    assert "relèvent" not in text and "vous" not in text


def test_a_number_checked_in_english_names_the_country_in_english(domain) -> None:
    germany = with_key("1850399109123")
    tracker = make_tracker(f"is this number correct {germany}?", "check_nir")
    text = texts(run_action(ActionCheckNIR(), tracker, domain)[0])
    assert "abroad (Germany)" in text and "Allemagne" not in text
    assert germany not in text
    seine_saint_denis = with_key("1500293066123")
    tracker = make_tracker(f"can you check my number please {seine_saint_denis}", "check_nir")
    text = texts(run_action(ActionCheckNIR(), tracker, domain)[0])
    assert "Seine-Saint-Denis" in text and "Algeria" in text and "l'Algérie" not in text
