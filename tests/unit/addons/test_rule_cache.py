"""The rules that apply to a dialogue, remembered by its last states, are the ones
Rasa's RulePolicy finds by filtering every rule against the whole dialogue."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest
from rasa.core.policies.rule_policy import RULES, RULES_FOR_LOOP_UNHAPPY_PATH, RulePolicy
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource

from addons import rule_cache
from addons.rule_cache import ORIGINAL_POSSIBLE_KEYS, compiled_possible_keys, get_possible_keys

ACTIONS = ["action_listen", "utter_greet", "action_lookup_procedure", "contact_form", None]
INTENTS = ["greet", "lost_number", "born_abroad", "thank", "inform"]


def state(rng: random.Random) -> dict[str, dict[str, Any]]:
    result: dict[str, dict[str, Any]] = {}
    action = rng.choice(ACTIONS)
    if action:
        result["prev_action"] = {"action_name": action}
    elif rng.random() < 0.3:  # a bot's text as the previous action (end-to-end stories)
        result["prev_action"] = {"action_text": rng.choice(["Bonjour !", "Au revoir."])}
    if rng.random() < 0.7:
        result["user"] = {"intent": rng.choice(INTENTS)}
        if rng.random() < 0.3:
            result["user"]["entities"] = ("country",)
    if rng.random() < 0.4:
        result["slots"] = {"status": rng.choice([(1.0,), "should_not_be_set", (0.0,)])}
    if rng.random() < 0.2:
        result["active_loop"] = {"name": rng.choice(["contact_form", "should_not_be_set"])}
    return result


def policy(tmp_path: Path, rng: random.Random) -> RulePolicy:
    schema = GraphSchema({})
    made = RulePolicy(
        RulePolicy.get_default_config(),
        LocalModelStorage(tmp_path),
        Resource("rules"),
        ExecutionContext(schema, "model"),
    )
    rules = {
        json.dumps([state(rng) for _ in range(rng.randint(1, 5))]): rng.choice(ACTIONS[:-1])
        for _ in range(150)
    }
    made.lookup = {RULES: rules, RULES_FOR_LOOP_UNHAPPY_PATH: dict(list(rules.items())[:20])}
    return made


def test_same_rules_as_rasa_on_generated_dialogues(tmp_path: Path) -> None:
    rng = random.Random(5)
    made = policy(tmp_path, rng)
    ends = [[state(rng) for _ in range(rng.randint(0, 6))] for _ in range(60)]
    found_any = hits = 0
    for _ in range(2000):
        # dialogues sharing their ends with different beginnings: the cache is used
        dialogue = [state(rng) for _ in range(rng.randint(0, 8))] + rng.choice(ends)
        for lookup in made.lookup.values():
            before = len(made.__dict__.get("_secu_possible_keys", {}))
            ours = get_possible_keys(made, lookup, dialogue)
            hits += len(made.__dict__["_secu_possible_keys"]) == before
            assert ours == ORIGINAL_POSSIBLE_KEYS(made, lookup, dialogue)
            found_any += bool(ours)
    assert found_any > 200 and hits > 500  # rules really apply, the cache is really read


def test_compiled_rules_find_rasas_rules_in_rasas_order(tmp_path: Path) -> None:
    """On a miss the rules are checked in a compiled form: the same set as Rasa's, which
    iterates in the same order (Rasa picks the first of the longest rules it yields)."""
    rng = random.Random(7)
    made = policy(tmp_path, rng)
    several = 0
    for _ in range(1500):
        dialogue = [state(rng) for _ in range(rng.randint(0, 12))]
        for lookup in made.lookup.values():
            ours = compiled_possible_keys(made, lookup, dialogue)
            theirs = ORIGINAL_POSSIBLE_KEYS(made, lookup, dialogue)
            assert list(ours) == list(theirs)
            several += len(theirs) > 1
    assert several > 100  # orders that could differ were compared


def test_the_cache_is_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rule_cache, "CACHE_ENTRIES", 10)
    rng = random.Random(6)
    made = policy(tmp_path, rng)
    for _ in range(200):
        get_possible_keys(made, made.lookup[RULES], [state(rng) for _ in range(6)])
    assert len(made.__dict__["_secu_possible_keys"]) <= 10


def test_install_replaces_rasas_lookup(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(RulePolicy, "_get_possible_keys", ORIGINAL_POSSIBLE_KEYS)
    rule_cache.install()
    assert RulePolicy._get_possible_keys is get_possible_keys
