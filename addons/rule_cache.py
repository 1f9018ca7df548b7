"""The rules that apply to a dialogue, looked up once per distinct end of dialogue.

Twice per message, Rasa's ``RulePolicy`` filters every rule it learnt against the
dialogue's states, from the latest back to the first (``_get_possible_keys``): 300
rules times the states of the conversation, a fifth of a turn in bench/profile.md. A
rule of n states is checked against the last n states only (further back Rasa keeps it
without looking: ``_is_rule_applicable``), so the rules that apply depend on the last L
states, L being the length of the longest rule. The result is kept per lookup table and
last L states (as an exact, hashable copy of them), for the next dialogue that ends the
same way: the same rules, computed by Rasa's own function on the first occurrence.

The set is returned as Rasa built it the first time; its callers only read it. Among
several applicable rules of the same length, Rasa takes the first one its set yields,
which already depends on Python's string hashing (random per process).

On a miss (a dialogue ending as none before: people's own words give many), Rasa's
own filtering runs with the same sets built in the same order, but each rule is
checked through a compiled form of its states (parsed once, latest first, the checks
of ``_does_rule_match_state`` as a tuple) instead of ``_is_rule_applicable``, which
copies and reverses the rule's states for every rule at every state of the dialogue.

Installed by ``addons.startup.install()``; ``tests/unit/addons/test_rule_cache.py``
compares it with Rasa's function on the dialogues of the stories and rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rasa.core.policies.rule_policy import RulePolicy
from rasa.shared.core.constants import PREVIOUS_ACTION, SHOULD_NOT_BE_SET
from rasa.shared.nlu.constants import ACTION_NAME

ORIGINAL_POSSIBLE_KEYS = RulePolicy._get_possible_keys
CACHE_ENTRIES = 20_000
"""Per policy: the distinct (lookup table, dialogue end) pairs seen; emptied when full."""

_CACHE = "_secu_possible_keys"
_COMPILED = "_secu_compiled_rules"

Check = tuple[str, str, Any, bool]
"""A rule's condition on a state: (kind, key, value, whether the value must be unset)."""
CompiledState = tuple[bool, tuple[Check, ...]]
"""A rule's state: whether it has a previous action, and its checks."""
_NOTHING: dict[str, Any] = {}


def hashable(value: Any) -> Any:
    """A value of a dialogue state (strings, tuples, lists, dicts) as a hashable one."""
    if isinstance(value, list):  # never equal to a tuple in Rasa's comparison: kept apart
        return ("<list>", tuple(hashable(item) for item in value))
    if isinstance(value, dict):
        return ("<dict>", tuple(sorted((k, hashable(v)) for k, v in value.items())))
    return value


def frozen(state: dict[str, dict[str, Any]]) -> tuple:
    """A dialogue state (sub-states of strings and tuples) as a hashable value."""
    return tuple(
        sorted(
            (kind, tuple(sorted((key, hashable(value)) for key, value in sub.items())))
            for kind, sub in state.items()
        )
    )


def longest_rule(policy: RulePolicy, lookup: dict[str, str]) -> int:
    return compiled_table(policy, lookup).longest


def compiled_state(rule_state: dict[str, dict[str, Any]]) -> CompiledState:
    """The checks ``RulePolicy._does_rule_match_state`` makes for one state of a rule: a
    value set must be equal (a list read from JSON compared as a tuple), a value
    ``SHOULD_NOT_BE_SET`` must be unset, empty or also ``SHOULD_NOT_BE_SET``; an empty
    value checks nothing."""
    checks: list[Check] = []
    for kind, sub_state in rule_state.items():
        for key, value in sub_state.items():
            if isinstance(value, list):
                value = tuple(value)
            if value == SHOULD_NOT_BE_SET:
                checks.append((kind, key, value, True))
            elif value:
                checks.append((kind, key, value, False))
    return bool(rule_state.get(PREVIOUS_ACTION)), tuple(checks)


@dataclass(frozen=True)
class CompiledTable:
    """A lookup table's rules compiled: each rule's states latest first; where each key
    comes in Rasa's first set (``set(lookup.keys())``, the same order every time in a
    process); the keys by the previous action their latest state asks for (None: any)."""

    lookup: dict[str, str]
    rules: dict[str, tuple[CompiledState, ...]]
    position: dict[str, int]
    by_action: dict[str | None, list[str]]
    longest: int  # the number of states of the longest rule


def compiled_table(policy: RulePolicy, lookup: dict[str, str]) -> CompiledTable:
    """The compiled form of ``lookup``, made once per table."""
    tables: dict[int, CompiledTable] = policy.__dict__.setdefault(_COMPILED, {})
    table = tables.get(id(lookup))
    if table is None or table.lookup is not lookup or len(table.rules) != len(lookup):
        rules = {
            key: tuple(compiled_state(state) for state in reversed(policy._rule_key_to_state(key)))
            for key in lookup
        }
        by_action: dict[str | None, list[str]] = {}
        for key, rule in rules.items():
            wanted = [
                value
                for kind, name, value, unset in (rule[0][1] if rule else ())
                if kind == PREVIOUS_ACTION and name == ACTION_NAME and not unset
            ]
            by_action.setdefault(wanted[0] if wanted else None, []).append(key)
        position = {key: index for index, key in enumerate(set(lookup.keys()))}
        longest = max((len(rule) for rule in rules.values()), default=0)
        table = tables[id(lookup)] = CompiledTable(lookup, rules, position, by_action, longest)
    return table


def applies(rule: tuple[CompiledState, ...], turn: int, state: dict[str, Any]) -> bool:
    """``RulePolicy._is_rule_applicable`` on a compiled rule: a rule shorter than ``turn``
    states back applies; starts of conversation match starts; then every check holds."""
    if turn >= len(rule):
        return True
    has_previous, checks = rule[turn]
    if not has_previous or not state.get(PREVIOUS_ACTION):
        return not has_previous and not state.get(PREVIOUS_ACTION)
    for kind, key, value, unset in checks:
        found = state.get(kind, _NOTHING).get(key)
        if unset:
            if found and found != SHOULD_NOT_BE_SET:
                return False
        elif found != value:
            return False
    return True


def compiled_possible_keys(
    policy: RulePolicy, lookup: dict[str, str], states: list[dict[str, dict[str, Any]]]
) -> set[str]:
    """``RulePolicy._get_possible_keys``: the same sets, built in the same order (the one
    Rasa's choice among rules of the same length follows), with the compiled checks."""
    if not states:
        return set(lookup.keys())
    table = compiled_table(policy, lookup)
    rules = table.rules
    latest = states[-1]
    action = latest.get(PREVIOUS_ACTION, _NOTHING).get(ACTION_NAME)
    # the latest state: only the rules asking for its previous action (or for none) can
    # apply; the set is built in the order Rasa's filtering of its first set gives
    candidates = table.by_action.get(None, [])
    if action is not None:
        candidates = table.by_action.get(action, []) + candidates
    applying = [key for key in candidates if applies(rules[key], 0, latest)]
    possible = set(sorted(applying, key=table.position.__getitem__))
    for turn, state in enumerate(reversed(states[:-1]), start=1):
        possible = {key for key in possible if applies(rules[key], turn, state)}
    return possible


def get_possible_keys(
    self: RulePolicy, lookup: dict[str, str], states: list[dict[str, dict[str, Any]]]
) -> set[str]:
    """``RulePolicy._get_possible_keys``, remembered by the last states that matter."""
    last = longest_rule(self, lookup)
    tail = states[max(len(states) - last, 0) :]
    key = (id(lookup), *(frozen(state) for state in tail))  # its length: the tail's
    cache: dict[tuple, set[str]] = self.__dict__.setdefault(_CACHE, {})
    found = cache.get(key)
    if found is None:
        if len(cache) >= CACHE_ENTRIES:
            cache.clear()
        found = cache[key] = compiled_possible_keys(self, lookup, states)
    return found


def install() -> None:
    RulePolicy._get_possible_keys = get_possible_keys  # type: ignore[method-assign]
