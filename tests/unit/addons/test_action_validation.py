"""The action server's answers are checked exactly as Rasa checks them, only faster."""

from __future__ import annotations

from typing import Any

import pytest
import rasa
from jsonschema import ValidationError
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction

from addons import startup
from addons.action_validation import ORIGINAL, response_validator, validate_action_result

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
    for answer in ANSWERS * 3:
        validate_action_result(RemoteAction("a", None), answer)
    assert len(checks) == 1
