"""Rasa finds the class of a stored event by its name with ``Event.resolve_by_type``,
which walks the whole tree of ``Event`` subclasses (and checks each for abstract
methods) for every event it reads: 38 walks and 4 ms a turn in bench/profile.md, when
the tracker store loads a conversation. Here the names are looked up in a table built
from the same walk, in the same order (the first class of a name wins, as in Rasa's
loop); the table is dropped whenever a new subclass of ``Event`` is defined, so a class
imported later is found exactly as Rasa would find it.

Installed by ``addons.startup.install()``; ``tests/unit/addons/test_event_types.py``
compares it with Rasa's lookup for every event name, unknown names and the default.
"""

from __future__ import annotations

from typing import Any

from rasa.shared.core.events import Event
from rasa.shared.utils.common import all_subclasses

ORIGINAL_RESOLVE = Event.resolve_by_type
_BY_NAME: dict[str, type[Event]] = {}


def _table() -> dict[str, type[Event]]:
    if not _BY_NAME:
        for cls in all_subclasses(Event):
            _BY_NAME.setdefault(cls.type_name, cls)
    return _BY_NAME


def resolve_by_type(type_name: str, default: type[Event] | None = None) -> type[Event] | None:
    """``Event.resolve_by_type``: the same class, the same ``None``, default or error."""
    found = _table().get(type_name)
    if found is not None:
        return found
    return ORIGINAL_RESOLVE(type_name, default)  # unknown: Rasa's own answer or error


def _forget_table(cls: type[Event], **kwargs: Any) -> None:
    _BY_NAME.clear()  # a new event class: the next lookup walks the tree again


def install() -> None:
    Event.resolve_by_type = staticmethod(resolve_by_type)  # type: ignore[method-assign]
    Event.__init_subclass__ = classmethod(_forget_table)  # type: ignore[assignment,method-assign]
