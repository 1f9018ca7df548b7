"""The stock variant of `make bench`: Rasa's own default configuration (only its epochs
changed), trained again only when what it is trained from changed."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.utils.io import read_yaml

from bench import stock as bench_stock
from bench.stock import stock_config, stock_fingerprint, stock_model


def test_rasas_default_components_only_the_epochs_changed() -> None:
    ours = read_yaml(stock_config(20))
    rasa = DefaultV1Recipe.complete_config({}, {"pipeline", "policies"})
    for key in ("pipeline", "policies"):
        assert [step["name"] for step in ours[key]] == [step["name"] for step in rasa[key]]
        for mine, shipped in zip(ours[key], rasa[key], strict=True):
            assert {k: v for k, v in mine.items() if k != "epochs"} == {
                k: v for k, v in shipped.items() if k != "epochs"
            }
            assert mine.get("epochs") == (20 if "epochs" in shipped else None)
    assert ours["language"] == "fr"
    assert not any("addons" in step["name"] for step in ours["pipeline"] + ours["policies"])


def test_the_fingerprint_follows_the_epochs(monkeypatch: pytest.MonkeyPatch) -> None:
    first = stock_fingerprint()
    assert stock_fingerprint() == first
    monkeypatch.setattr(bench_stock, "STOCK_EPOCHS", 21)
    monkeypatch.setattr(bench_stock, "stock_config", lambda epochs=21: stock_config(epochs))
    assert stock_fingerprint() != first


def test_a_trained_model_is_reused_and_a_stale_one_retrained(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    model = tmp_path / "stock.tar.gz"
    monkeypatch.setattr(bench_stock, "STOCK_MODEL", model)
    trainings: list[list[str]] = []

    def fake_run(command: list[str], **_: object) -> None:
        trainings.append(command)
        model.write_bytes(b"model")

    monkeypatch.setattr(subprocess, "run", fake_run)
    path, how = stock_model()
    assert path == model and how.startswith("trained in") and len(trainings) == 1
    assert "--fixed-model-name" in trainings[0] and "stock" in trainings[0]
    path, how = stock_model()
    assert how.startswith("model reused") and len(trainings) == 1
    (tmp_path / "stock.fingerprint").write_text("something else\n")
    stock_model()
    assert len(trainings) == 2


def test_the_fingerprint_is_the_same_in_every_process() -> None:
    """Rasa completes the config from a set of keys, whose order changes with the
    string hashing of each process: the stock model must not be trained again for it."""
    import os
    import sys

    root = Path(__file__).resolve().parents[3]
    code = "from bench.stock import stock_fingerprint; print(stock_fingerprint())"
    prints = {
        subprocess.run(
            [sys.executable, "-c", code],
            cwd=root,
            env={**os.environ, "PYTHONPATH": str(root), "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for seed in ("1", "5", "6")  # with these seeds, Rasa orders the keys both ways
    }
    assert len(prints) == 1
