"""Slots copied without the generic ``copy`` protocol.

Every tracker Rasa builds copies each of the domain's slots (``copy.copy`` in
``DialogueStateTracker.__init__``): about 30 slots, for the tracker read from the store,
for the copy each action runs on, and for each replay of the dialogue that the policies'
featurisation makes — about 260 copies a message in new conversations (bench/profile.md),
each through ``__reduce_ex__`` and ``copy._reconstruct``. ``Slot.__copy__`` does what
that protocol does for a slot (a new object of the same class sharing the same
attribute values: slots define no ``__slots__``, ``__getstate__`` or ``__setstate__``),
without the detour. ``tests/unit/addons/test_slot_copy.py`` compares both for every slot
of the domain and fails if a slot class starts defining its own state handling.

Installed by ``addons.startup.install()`` when the Rasa server starts.
"""

from __future__ import annotations

from typing import TypeVar

from rasa.shared.core.slots import Slot

S = TypeVar("S", bound=Slot)


def copy_slot(self: S) -> S:
    """``copy.copy(slot)``: same class, a new ``__dict__`` with the same values."""
    cls = type(self)
    new = cls.__new__(cls)
    new.__dict__.update(self.__dict__)
    return new


def install() -> None:
    Slot.__copy__ = copy_slot  # type: ignore[attr-defined]
