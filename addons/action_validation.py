"""Rasa checks every answer of the action server against a JSON schema, and does it with
``jsonschema.validate``, which first checks the schema itself against the JSON Schema
meta-schema, every call: 23 ms of CPU for each custom action run, most of a turn's
Python time on this machine (bench/profile.md). The schema never changes, so we check
it once and keep the validator: the same answers are accepted and refused, with the
same error, in 0.3 ms.

Installed by ``addons.startup.install()`` when the Rasa server starts. Rasa is pinned
(rasa==3.6.21) and ``tests/unit/test_action_validation.py`` fails if the method replaced
here changes.
"""

from __future__ import annotations

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


def validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    """What ``RemoteAction._validate_action_result`` does, with a validator built once."""
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
