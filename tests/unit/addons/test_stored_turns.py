"""How the scale and long-conversation tests read the user's turns back from Rasa's
events table: the event sequences below are those the assistant stored for a message
its fallback clarified and for one it gave up on."""

from __future__ import annotations

from tests.databases import turn_shape, user_turns


def user(text: str) -> dict:
    return {"event": "user", "text": text}


def action(name: str) -> dict:
    return {"event": "action", "name": name}


LISTEN = action("action_listen")
BOT = {"event": "bot", "text": "…"}

CLARIFIED = [
    action("action_session_start"),
    {"event": "session_started"},
    LISTEN,
    user("bonjour"),
    action("action_greet"),
    BOT,
    LISTEN,
    user("/nlu_fallback"),
    action("action_two_stage_fallback"),
    {"event": "active_loop", "name": "action_two_stage_fallback"},
    BOT,
    LISTEN,
    user("bonjour 2"),
    action("action_two_stage_fallback"),
    {"event": "active_loop", "name": None},
    {"event": "rewind"},
    LISTEN,
    user("bonjour 2"),  # the clarified message, stored again
    action("action_greet"),
    BOT,
    LISTEN,
]

GAVE_UP = [
    LISTEN,
    user("/nlu_fallback"),
    action("action_two_stage_fallback"),
    {"event": "active_loop", "name": "action_two_stage_fallback"},
    BOT,
    LISTEN,
    user("/nlu_fallback"),
    action("action_two_stage_fallback"),
    {"event": "active_loop", "name": None},
    BOT,
    {"event": "rewind"},  # the message given up on leaves the history, not the store
    LISTEN,
    user("merci"),
    action("utter_thank"),
    BOT,
    LISTEN,
]


def test_a_clarified_message_counts_once() -> None:
    assert user_turns(CLARIFIED) == ["bonjour", "/nlu_fallback", "bonjour 2"]
    assert turn_shape(CLARIFIED) == ["listen"] + ["user", "listen"] * 3


def test_a_message_given_up_on_still_counts() -> None:
    assert user_turns(GAVE_UP) == ["/nlu_fallback", "/nlu_fallback", "merci"]
    assert turn_shape(GAVE_UP) == ["listen"] + ["user", "listen"] * 3


def test_the_same_words_said_again_count_twice() -> None:
    events = [LISTEN, user("merci"), BOT, LISTEN, user("merci"), BOT, LISTEN]
    assert user_turns(events) == ["merci", "merci"]


def test_two_messages_handled_at_once_show() -> None:
    events = [LISTEN, user("a"), user("b"), action("action_greet"), LISTEN, LISTEN]
    assert turn_shape(events) == ["listen", "user", "user", "listen"]
