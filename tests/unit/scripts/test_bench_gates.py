"""`make bench-gates`: the NLU gates of `make test` over several seeds of DIET."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from bench import bench_gates
from bench.bench_training import DIET, diet_config

ROOT = Path(__file__).resolve().parents[3]


def test_the_sets_are_those_make_test_gates() -> None:
    script = (ROOT / "scripts" / "test.sh").read_text(encoding="utf-8")
    block = script[script.index("NLU_SETS=(") : script.index(")", script.index("NLU_SETS=("))]
    sets = re.findall(r'--set "(\w+)=([\w/]+):\$\{\w+:=([\d.]+)\}:([\d.]+)"', block)
    assert tuple(f"{name}={folder}:{macro}:{intent}" for name, folder, macro, intent in sets) == (
        bench_gates.SETS
    )
    assert re.findall(r'--pool "([^"]+)"', block) == [bench_gates.POOL]


def test_only_diets_options_change(tmp_path: Path) -> None:
    path = diet_config(tmp_path, "seed-7", random_seed=7, epochs=3)
    ours = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    changed = yaml.safe_load(path.read_text(encoding="utf-8"))
    for mine, theirs in zip(ours["pipeline"], changed["pipeline"], strict=True):
        if mine["name"] == DIET:
            assert theirs == {**mine, "random_seed": 7, "epochs": 3}
        else:
            assert theirs == mine
    assert changed["policies"] == ours["policies"]


def test_a_row_gives_each_set_the_lowest_french_intent_and_the_verdict() -> None:
    result = {
        "passed": True,
        "held_out": {"macro_f1": 0.9614},
        "realistic": {"macro_f1": 0.944},
        "english": {"macro_f1": 0.926},
        "french": {"intent_f1": {"greet": 1.0, "born_abroad": 0.86, "children": 0.88}},
    }
    assert bench_gates.row(1, result, 287.4) == (
        "| 1 | 0.961 | 0.944 | 0.926 | born_abroad 0.86 | yes | 287 |"
    )


def test_diet_options_are_passed_through(tmp_path: Path) -> None:
    options = bench_gates.diet_options('{"learning_rate": 0.002, "batch_size": [128, 512]}')
    path = diet_config(tmp_path, "seed-1", **options, random_seed=1)
    changed = yaml.safe_load(path.read_text(encoding="utf-8"))
    diet = next(step for step in changed["pipeline"] if step["name"] == DIET)
    assert diet["learning_rate"] == 0.002 and diet["batch_size"] == [128, 512]
    assert diet["random_seed"] == 1
