"""Settings read from the environment in one place (secu/settings.py)."""

from __future__ import annotations

import pytest

from secu.settings import get_settings


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, True), ("1", True), ("yes", True), ("0", False), ("false", False), (" OFF ", False)],
)
def test_diet_numpy_is_on_unless_switched_off(
    monkeypatch: pytest.MonkeyPatch, value: str | None, expected: bool
) -> None:
    if value is None:
        monkeypatch.delenv("DIET_NUMPY", raising=False)
    else:
        monkeypatch.setenv("DIET_NUMPY", value)
    get_settings.cache_clear()
    try:
        assert get_settings().diet_numpy is expected
    finally:
        get_settings.cache_clear()
