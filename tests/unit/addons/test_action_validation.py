"""The action server's answers are checked exactly as Rasa checks them, only faster."""

from __future__ import annotations

import contextlib
import random
from typing import Any

import pytest
import rasa
from jsonschema import ValidationError
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction

from addons import startup
from addons.action_validation import (
    ORIGINAL,
    events_by_name,
    response_validator,
    surely_valid,
    validate_action_result,
)

ANSWERS: list[dict[str, Any]] = [
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "status", "value": "etudiant"}], "responses": []},
    {"events": [{"event": "active_loop", "name": None}], "responses": [{"text": "Bonjour"}]},
    {"events": [{"event": "followup", "name": "utter_help"}]},
    {},
]
REFUSED: list[dict[str, Any]] = [
    {"events": {"event": "slot"}},
    {"events": [{"event": "slot", "name": 3, "value": "x"}]},
    {"events": [{"name": "status"}]},
    {"events": [{"event": "no_such_event"}]},
    {"responses": ["Bonjour"]},
]


def outcome(check, answer: dict[str, Any]) -> str:
    action = RemoteAction("action_lookup_procedure", None)
    try:
        return str(check(action, answer))
    except ValidationError as error:
        return error.message


def test_rasa_is_the_version_this_replacement_was_written_for() -> None:
    assert rasa.__version__ == "3.6.21"
    startup.install()  # what the Rasa server does when it starts
    assert RemoteAction._validate_action_result is validate_action_result


@pytest.mark.parametrize("answer", ANSWERS + REFUSED)
def test_same_verdict_and_same_error_as_rasa(answer: dict[str, Any]) -> None:
    assert outcome(validate_action_result, answer) == outcome(ORIGINAL, answer)


def test_refused_answers_are_refused() -> None:
    for answer in REFUSED:
        assert "Failed to validate Action server response" in outcome(
            validate_action_result, answer
        )


def test_the_schema_is_checked_once_not_on_every_answer(monkeypatch) -> None:
    checks = []
    response_validator.cache_clear()
    validator_class = validator_for(RemoteAction.action_response_format_spec())
    original_check = validator_class.check_schema
    monkeypatch.setattr(
        validator_class,
        "check_schema",
        classmethod(lambda cls, s: checks.append(s) or original_check(s)),
    )
    for answer in (ANSWERS + REFUSED) * 3:  # the refused ones go through the full check
        with contextlib.suppress(ValidationError):
            validate_action_result(RemoteAction("a", None), answer)
    assert len(checks) == 1


EVENT_NAMES = [
    b["properties"]["event"]["const"]
    for b in RemoteAction.action_response_format_spec()["properties"]["events"]["items"]["oneOf"]
]
FIELD_VALUES: list[Any] = [None, "x", "", 3, 2.5, True, [], ["a"], {}, {"name": "n"}]
FIELDS = [
    "name",
    "value",
    "text",
    "timestamp",
    "metadata",
    "policy",
    "confidence",
    "intent",
    "entities",
    "parse_data",
    "data",
    "date_time",
    "kill_on_user_msg",
    "input_channel",
]


def random_answer(rng: random.Random) -> dict[str, Any]:
    events = []
    for _ in range(rng.randint(0, 4)):
        event: dict[str, Any] = {}
        if rng.random() < 0.95:
            event["event"] = rng.choice([*EVENT_NAMES, "no_such_event", 7])
        for field in rng.sample(FIELDS, rng.randint(0, 4)):
            event[field] = rng.choice(FIELD_VALUES)
        events.append(event if rng.random() < 0.97 else "not an object")
    answer: dict[str, Any] = {"events": events}
    if rng.random() < 0.5:
        answer["responses"] = rng.choice([[], [{"text": "Bonjour"}], ["Bonjour"], None])
    if rng.random() < 0.03:
        answer["events"] = rng.choice([None, {}, "x"])
    return answer


def test_same_verdict_and_error_as_rasa_on_600_generated_answers() -> None:
    rng = random.Random(3)
    verdicts = {"True": 0, "refused": 0}
    for _ in range(600):
        answer = random_answer(rng)
        ours = outcome(validate_action_result, answer)
        assert ours == outcome(ORIGINAL, answer), answer
        verdicts["True" if ours == "True" else "refused"] += 1
    assert min(verdicts.values()) > 60, verdicts  # both verdicts well represented


def test_valid_answers_take_the_shortcut_and_refused_ones_never_do() -> None:
    assert events_by_name() is not None
    for answer in ANSWERS:
        assert surely_valid(answer)
    for answer in REFUSED:
        assert not surely_valid(answer)


def test_no_shortcut_when_two_event_schemas_share_a_name(monkeypatch) -> None:
    spec = RemoteAction.action_response_format_spec()
    branches = spec["properties"]["events"]["items"]["oneOf"]
    twin = {
        **branches[1],
        "properties": {**branches[1]["properties"], "event": {"const": EVENT_NAMES[0]}},
    }
    spec["properties"]["events"]["items"]["oneOf"] = [*branches, twin]
    monkeypatch.setattr(RemoteAction, "action_response_format_spec", staticmethod(lambda: spec))
    events_by_name.cache_clear()
    try:
        assert events_by_name() is None
        assert not surely_valid({"events": []})
    finally:
        events_by_name.cache_clear()
