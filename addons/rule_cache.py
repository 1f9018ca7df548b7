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

Installed by ``addons.startup.install()``; ``tests/unit/addons/test_rule_cache.py``
compares it with Rasa's function on the dialogues of the stories and rules.
"""

from __future__ import annotations

from typing import Any

from rasa.core.policies.rule_policy import RulePolicy

ORIGINAL_POSSIBLE_KEYS = RulePolicy._get_possible_keys
CACHE_ENTRIES = 20_000
"""Per policy: the distinct (lookup table, dialogue end) pairs seen; emptied when full."""

_CACHE = "_secu_possible_keys"
_LENGTH = "_secu_longest_rule"


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
    lengths = policy.__dict__.setdefault(_LENGTH, {})
    length = lengths.get(id(lookup))
    if length is None:
        length = max((len(policy._rule_key_to_state(key)) for key in lookup), default=0)
        lengths[id(lookup)] = length
    return length


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
        found = cache[key] = ORIGINAL_POSSIBLE_KEYS(self, lookup, states)
    return found


def install() -> None:
    RulePolicy._get_possible_keys = get_possible_keys  # type: ignore[method-assign]
