"""Rasa checks every answer of the action server against a JSON schema, and does it with
``jsonschema.validate``, which first checks the schema itself against the JSON Schema
meta-schema, every call: 23 ms of CPU for each custom action run, most of a turn's
Python time on this machine (bench/profile.md). The schema never changes, so we check
it once and keep the validator: the same answers are accepted and refused, with the
same error, in 0.3 ms.

The schema then checks each event against all 23 event schemas (``oneOf``: exactly one
must match), 0.25 ms an event. Every one of those schemas names its event (``"event":
{"const": "slot"}``…) and no two the same, so an event can only match the one that bears
its name: an answer whose every event matches that schema, and whose rest matches the
schema without ``oneOf``, is one the full check accepts (15 µs an event). Anything else
goes through the full check, which decides and words the error as Rasa does.

Installed by ``addons.startup.install()`` when the Rasa server starts. Rasa is pinned
(rasa==3.6.21) and ``tests/unit/addons/test_action_validation.py`` fails if the method replaced
here changes.
"""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

from jsonschema import ValidationError
from jsonschema.exceptions import best_match
from jsonschema.protocols import Validator
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL

ORIGINAL = RemoteAction._validate_action_result


@cache
def response_validator() -> Validator:
    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


@cache
def events_by_name() -> tuple[Validator, dict[str, Validator]] | None:
    """The schema without the events' ``oneOf``, and each event schema by the event name
    it requires; None if the names are not all there and distinct (then no shortcut)."""
    schema = RemoteAction.action_response_format_spec()
    items = schema.get("properties", {}).get("events", {}).get("items", {})
    branches = items.get("oneOf")
    if not isinstance(branches, list) or not branches:
        return None
    names = [b.get("properties", {}).get("event", {}).get("const") for b in branches]
    if not all(isinstance(name, str) for name in names) or len(set(names)) != len(names):
        return None
    rest = copy.deepcopy(schema)
    del rest["properties"]["events"]["items"]["oneOf"]
    cls = validator_for(schema)
    return cls(rest), {name: cls(branch) for name, branch in zip(names, branches, strict=True)}


def surely_valid(result: Any) -> bool:
    """True only for answers the full schema accepts (False: the full check decides)."""
    shortcut = events_by_name()
    if shortcut is None:
        return False
    rest, by_name = shortcut
    if not rest.is_valid(result):
        return False
    for event in result.get("events") or []:  # events is a list of objects with a name
        schema = by_name.get(event["event"])
        if schema is None or not schema.is_valid(event):
            return False
    return True


def validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    """What ``RemoteAction._validate_action_result`` does, with a validator built once."""
    if surely_valid(result):
        return True
    error: ValidationError | None = best_match(response_validator().iter_errors(result))
    if error is None:
        return True
    error.message += (
        ". Failed to validate Action server response from API, make sure your response "
        "from the Action endpoint is valid. For more information about the format visit "
        f"{DOCS_BASE_URL}/custom-actions"
    )
    raise error


def install() -> None:
    RemoteAction._validate_action_result = validate_action_result  # type: ignore[method-assign]
