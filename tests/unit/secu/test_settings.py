"""Settings read from the environment in one place (secu/settings.py)."""

from __future__ import annotations

import pytest

from secu.settings import get_settings


@pytest.mark.parametrize("variable", ["DIET_NUMPY", "TED_NUMPY"])
@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, True), ("1", True), ("yes", True), ("0", False), ("false", False), (" OFF ", False)],
)
def test_numpy_predictions_are_on_unless_switched_off(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str | None, expected: bool
) -> None:
    other = {"DIET_NUMPY": "TED_NUMPY", "TED_NUMPY": "DIET_NUMPY"}[variable]
    monkeypatch.setenv(other, "0" if expected else "1")  # each read on its own
    if value is None:
        monkeypatch.delenv(variable, raising=False)
    else:
        monkeypatch.setenv(variable, value)
    get_settings.cache_clear()
    try:
        settings = get_settings()
        assert getattr(settings, variable.lower()) is expected
        assert getattr(settings, other.lower()) is not expected
    finally:
        get_settings.cache_clear()
