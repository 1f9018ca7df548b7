"""Rasa's debug lines copy what they log only when debug lines are written.

Rasa's processor, rule policy, memoisation and forms pass ``copy.deepcopy(...)`` of the
events, states and slots they log to ``structlogger.debug``; Python evaluates those
arguments before the call, so the copies are made on every message even when the log
level (INFO by default) drops the line: about 0.2 ms of CPU a message under a realistic
load, for nothing.

In those four modules every ``copy.deepcopy`` is an argument of a ``structlogger.debug``
call (``debug_only_copies`` checks their source; ``tests/unit/addons/test_debug_copies.py``
fails on a Rasa whose code differs). There, ``copy`` is replaced by a stand-in whose
``deepcopy`` copies only when structlog is configured to write debug lines; everything
else is the ``copy`` module's own. When debug is on, or structlog was never configured
(its default writes every level), the copies are made as before.
"""

from __future__ import annotations

import ast
import copy
import inspect
import logging
import sys
from types import ModuleType
from typing import Any

import structlog

MODULES = (
    "rasa.core.processor",
    "rasa.core.policies.rule_policy",
    "rasa.core.policies.memoization",
    "rasa.core.actions.forms",
)
_QUIET_LOGGERS = frozenset(
    structlog.make_filtering_bound_logger(level)  # one class a level, made once by structlog
    for level in (logging.INFO, logging.WARNING, logging.ERROR, logging.CRITICAL)
)


def debug_written() -> bool:
    """Whether structlog's configured loggers write debug lines (Rasa's command line
    configures a filtering logger for its log level; unconfigured, structlog writes all)."""
    return structlog.get_config().get("wrapper_class") not in _QUIET_LOGGERS


class CopyWhenLogged(ModuleType):
    """Stands for the ``copy`` module in Rasa's modules above."""

    def __init__(self) -> None:
        super().__init__("copy")

    def __getattr__(self, name: str) -> Any:
        return getattr(copy, name)

    @staticmethod
    def deepcopy(value: Any, memo: dict[int, Any] | None = None) -> Any:
        return copy.deepcopy(value, memo) if debug_written() else value


def debug_only_copies(source: str) -> bool:
    """Whether a module's source has copies and every ``copy.deepcopy(...)`` in it is an
    argument of a ``structlogger.debug(...)`` call."""
    tree = ast.parse(source)
    logged: set[int] = set()
    for node in ast.walk(tree):
        if _is_call_of(node, "structlogger", "debug"):
            logged.update(id(inner) for inner in ast.walk(node))
    copies = [node for node in ast.walk(tree) if _is_call_of(node, "copy", "deepcopy")]
    return bool(copies) and all(id(node) in logged for node in copies)


def _is_call_of(node: ast.AST, owner: str, name: str) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == name
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == owner
    )


_STAND_IN = CopyWhenLogged()


def install() -> None:
    """Give each module whose copies are all for debug lines the stand-in (idempotent); a
    module whose source has another copy keeps the ``copy`` module."""
    for name in MODULES:
        __import__(name)
        module = sys.modules[name]
        if getattr(module, "copy", None) is copy and debug_only_copies(inspect.getsource(module)):
            module.copy = _STAND_IN  # type: ignore[attr-defined]
