"""Rasa's debug lines copy their values only when debug lines are written
(addons/debug_copies.py)."""

from __future__ import annotations

import copy
import inspect
import logging
import sys
from collections.abc import Iterator

import pytest
import structlog

from addons import debug_copies


@pytest.fixture
def structlog_config() -> Iterator[None]:
    saved = structlog.get_config()
    yield
    structlog.configure(**saved)


def configure(level: int) -> None:
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(level))


@pytest.mark.parametrize("name", debug_copies.MODULES)
def test_every_copy_of_the_modules_is_for_a_debug_line(name: str) -> None:
    """On another Rasa whose code copies for something else, this fails (and ``install``
    leaves that module alone)."""
    __import__(name)
    assert debug_copies.debug_only_copies(inspect.getsource(sys.modules[name]))


def test_a_module_with_a_copy_that_is_used_is_left_alone() -> None:
    """rasa.core.actions.action copies the user's last event to change it: not a log line."""
    import rasa.core.actions.action as action

    assert not debug_copies.debug_only_copies(inspect.getsource(action))
    debug_copies.install()
    assert action.copy is copy


@pytest.mark.parametrize(
    ("source", "taken"),
    [
        ("structlogger.debug('x', events=copy.deepcopy(events))", True),
        ("structlogger.debug('x', a=copy.deepcopy(a))\nb = copy.deepcopy(b)", False),
        ("structlogger.info('x', events=copy.deepcopy(events))", False),
        ("structlogger.debug('x', events=events)", False),  # no copy: nothing to spare
    ],
)
def test_only_copies_made_for_debug_lines_count(source: str, taken: bool) -> None:
    assert debug_copies.debug_only_copies(source) is taken


def test_no_copy_when_debug_lines_are_dropped(structlog_config: None) -> None:
    debug_copies.install()
    stand_in = sys.modules["rasa.core.processor"].copy
    events = [{"event": "slot", "value": [1, 2]}]
    configure(logging.INFO)
    assert stand_in.deepcopy(events) is events
    configure(logging.WARNING)
    assert stand_in.deepcopy(events) is events


def test_a_real_copy_when_debug_lines_are_written(structlog_config: None) -> None:
    debug_copies.install()
    stand_in = sys.modules["rasa.core.processor"].copy
    events = [{"event": "slot", "value": [1, 2]}]
    configure(logging.DEBUG)
    copied = stand_in.deepcopy(events)
    assert (
        copied == events and copied is not events and copied[0]["value"] is not events[0]["value"]
    )
    structlog.reset_defaults()  # structlog's own default writes every level
    assert stand_in.deepcopy(events) is not events


def test_the_stand_in_is_the_copy_module_otherwise() -> None:
    debug_copies.install()
    debug_copies.install()  # idempotent
    for name in debug_copies.MODULES:
        stand_in = sys.modules[name].copy
        assert isinstance(stand_in, debug_copies.CopyWhenLogged)
        assert stand_in.copy is copy.copy and stand_in.Error is copy.Error
