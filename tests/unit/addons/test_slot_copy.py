"""A slot copied by ``Slot.__copy__`` is what Python's generic copy made of it."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.slots import Slot

from addons import slot_copy

ROOT = Path(__file__).resolve().parents[3]


def all_slot_classes() -> set[type]:
    found, todo = set(), [Slot]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            if sub not in found:
                found.add(sub)
                todo.append(sub)
    return found


def generic_copy(slot: Slot) -> Slot:
    """Python's own protocol, whatever ``Slot.__copy__`` is."""
    return copy._reconstruct(slot, None, *slot.__reduce_ex__(4))  # type: ignore[attr-defined]


@pytest.fixture
def installed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(Slot, "__copy__", raising=False)
    slot_copy.install()


def test_every_slot_of_the_domain_copies_as_before(installed: None) -> None:
    domain = Domain.load(str(ROOT / "domain.yml"))
    assert len(domain.slots) >= 20
    for slot in domain.slots:
        slot.value = slot.initial_value if slot.initial_value is not None else "x"
        ours, theirs = copy.copy(slot), generic_copy(slot)
        assert type(ours) is type(theirs) is type(slot)
        assert ours is not slot
        assert ours.__dict__ == theirs.__dict__ == slot.__dict__
        # shallow, as before: the values are shared, the attribute tables are not
        assert all(ours.__dict__[k] is slot.__dict__[k] for k in slot.__dict__)
        ours.value = "autre"
        assert slot.value != "autre"


def test_no_slot_class_handles_its_own_state() -> None:
    for cls in {Slot, *all_slot_classes()}:
        for name in ("__slots__", "__getstate__", "__setstate__", "__reduce__", "__reduce_ex__"):
            assert name not in vars(cls), f"{cls.__name__}.{name}: review addons/slot_copy.py"
