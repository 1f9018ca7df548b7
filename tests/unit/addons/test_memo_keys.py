"""The memoisation policy, loaded with its keys decompressed, recalls the same action
for every dialogue as Rasa's compressed table, and nothing for the others."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
from rasa.core.policies.memoization import MemoizationPolicy
from rasa.core.policies.rule_policy import RulePolicy
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource

from addons import memo_keys

ACTIONS = ["action_listen", "utter_greet", "action_lookup_procedure", "contact_form"]
INTENTS = ["greet", "lost_number", "born_abroad", "thank", "inform", "ask_phone"]


def state(rng: random.Random) -> dict[str, dict[str, Any]]:
    result: dict[str, dict[str, Any]] = {"prev_action": {"action_name": rng.choice(ACTIONS)}}
    if rng.random() < 0.7:
        result["user"] = {"intent": rng.choice(INTENTS)}
        if rng.random() < 0.3:
            result["user"]["entities"] = ("country",)
    if rng.random() < 0.4:
        result["slots"] = {"status": rng.choice([(1.0,), (0.0,)])}
    return result


def dialogues(rng: random.Random, count: int) -> list[list[dict]]:
    return [[state(rng) for _ in range(rng.randint(1, 4))] for _ in range(count)]


def context() -> ExecutionContext:
    return ExecutionContext(GraphSchema({}), "model")


@pytest.fixture
def stored(tmp_path: Path) -> tuple[MemoizationPolicy, LocalModelStorage, list[list[dict]]]:
    """A policy that learnt 300 dialogues (Rasa's compressed keys), persisted."""
    storage = LocalModelStorage(tmp_path)
    learnt = MemoizationPolicy(
        MemoizationPolicy.get_default_config(), storage, Resource("memo"), context()
    )
    assert learnt.config[memo_keys.COMPRESSION] is True  # Rasa's default
    rng = random.Random(11)
    known = dialogues(rng, 300)
    learnt.lookup = {learnt._create_feature_key(d): rng.choice(ACTIONS) for d in known}
    learnt.persist()
    return learnt, storage, known


def load(storage: LocalModelStorage) -> MemoizationPolicy:
    return MemoizationPolicy.load(
        MemoizationPolicy.get_default_config(), storage, Resource("memo"), context()
    )


def test_loaded_policy_recalls_exactly_what_rasas_recalls(
    stored: tuple, monkeypatch: pytest.MonkeyPatch
) -> None:
    learnt, storage, known = stored
    monkeypatch.setattr(MemoizationPolicy, "load", MemoizationPolicy.__dict__["load"])
    memo_keys.install()
    loaded = load(storage)
    assert loaded.config[memo_keys.COMPRESSION] is False
    assert len(loaded.lookup) == len(learnt.lookup) > 250
    assert all(key.startswith("[{") for key in loaded.lookup)  # the JSON itself
    others = dialogues(random.Random(12), 300)
    recalled = 0
    for dialogue in known + others:
        assert loaded._recall_states(dialogue) == learnt._recall_states(dialogue)
        recalled += learnt._recall_states(dialogue) is not None
    assert recalled >= 300  # every learnt dialogue, and the generated ones seen by chance
    assert learnt.config[memo_keys.COMPRESSION] is True  # the original config untouched


def test_without_install_rasas_compressed_table_is_loaded(stored: tuple) -> None:
    _, storage, _ = stored
    original = memo_keys.ORIGINAL_LOAD(
        MemoizationPolicy,
        MemoizationPolicy.get_default_config(),
        storage,
        Resource("memo"),
        context(),
    )
    assert original.config[memo_keys.COMPRESSION] is True
    assert not any(key.startswith("[{") for key in original.lookup)


def test_tables_that_are_not_rasas_compressed_form_are_left_alone(tmp_path: Path) -> None:
    storage = LocalModelStorage(tmp_path)
    policy = MemoizationPolicy(
        MemoizationPolicy.get_default_config(), storage, Resource("memo"), context()
    )
    policy.lookup = {"pas du base64 !": "utter_greet"}
    assert memo_keys.uncompress(policy) is False
    assert policy.lookup == {"pas du base64 !": "utter_greet"}
    assert memo_keys.plain_keys({"YWJj": "x"}) is None  # base64, but not zlib
    rules = RulePolicy(RulePolicy.get_default_config(), storage, Resource("rules"), context())
    assert memo_keys.uncompress(rules) is False
