"""Stored events get the class Rasa's own lookup gives them, faster."""

from __future__ import annotations

import pytest
from rasa.shared.core.events import Event
from rasa.shared.utils.common import all_subclasses

from addons import event_types
from addons.event_types import ORIGINAL_RESOLVE, resolve_by_type


def test_every_event_name_resolves_as_in_rasa() -> None:
    names = {cls.type_name for cls in all_subclasses(Event)}
    assert len(names) > 20
    for name in sorted(names):
        assert resolve_by_type(name) is ORIGINAL_RESOLVE(name)


def test_unknown_names_get_rasas_answer() -> None:
    assert resolve_by_type("topic") is None
    assert resolve_by_type("no_such_event", Event) is Event
    with pytest.raises(ValueError, match="Unknown event name 'no_such_event'"):
        resolve_by_type("no_such_event")


def test_a_class_defined_later_is_found(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Event, "resolve_by_type", Event.__dict__["resolve_by_type"])
    event_types.install()  # (the table's reset on new subclasses stays: it only empties it)
    assert resolve_by_type("user") is not None  # the table is built

    class LateEvent(Event):
        type_name = "late_event_for_the_test"

        def __eq__(self, other: object) -> bool:
            return isinstance(other, LateEvent)

        def __hash__(self) -> int:
            return 1

        def as_story_string(self) -> None:
            return None

    assert resolve_by_type("late_event_for_the_test") is LateEvent
    assert Event.resolve_by_type("late_event_for_the_test") is LateEvent
