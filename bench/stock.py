"""The stock variant of `make bench`: Rasa's default configuration trained on our data,
kept in models/stock.tar.gz and trained again only when what it is trained from changed."""

from __future__ import annotations

import hashlib
import os
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"

STOCK_EPOCHS = int(os.environ.get("BENCH_STOCK_EPOCHS", "20"))
"""Epochs of stock's networks (Rasa's default: 100). An epoch of its DIET (two transformer
layers of 256) over our 6,900 examples takes about half a minute here, and the number of
epochs changes the weights, not the networks that answer: their cost per message is
the same. BENCH_STOCK_EPOCHS=100 trains it exactly as shipped (more than an hour)."""


def stock_config(epochs: int = STOCK_EPOCHS) -> str:
    """Rasa's default configuration (Rasa's own completion of a config without pipeline
    and policies), in French, its networks trained ``epochs`` epochs.

    >>> config = stock_config(20)
    >>> "DIETClassifier" in config and "TEDPolicy" in config and "language: fr" in config
    True
    >>> "epochs: 20" in config and "epochs: 100" not in config
    True
    """
    import yaml
    from rasa.engine.recipes.default_recipe import DefaultV1Recipe

    given = {"recipe": "default.v1", "language": "fr", "assistant_id": "stock"}
    config = DefaultV1Recipe.complete_config(given, {"pipeline", "policies"})
    for step in config["pipeline"] + config["policies"]:
        if "epochs" in step:
            step["epochs"] = epochs
    return yaml.safe_dump(config, sort_keys=True)  # Rasa completes the keys of a set: any order


STOCK_MODEL = ROOT / "models" / "stock.tar.gz"


def stock_fingerprint() -> str:
    """What the stock model is trained from: its config, our domain and training data, and
    the locked dependencies' pins (as scripts/train.sh does for ours)."""
    digest = hashlib.sha256(stock_config().encode())
    data = sorted(
        path
        for folder in ("data/nlu", "data/rules", "data/stories")
        for path in (ROOT / folder).rglob("*.yml")
    )
    files = [ROOT / "domain.yml", *data]
    for path in files:
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    pins = [
        line
        for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines()
        if not line.lstrip().startswith("#")
    ]
    digest.update("\n".join(pins).encode())
    return digest.hexdigest()


def stock_model() -> tuple[Path, str]:
    """The stock model, trained only when what it is trained from changed (its training
    takes 40 minutes and more on two cores), and a note saying which."""
    fingerprint = stock_fingerprint()
    stamp = STOCK_MODEL.with_suffix("").with_suffix(".fingerprint")
    if STOCK_MODEL.exists() and stamp.exists() and stamp.read_text().strip() == fingerprint:
        return STOCK_MODEL, "model reused (same config, data and pins)"
    STOCK_MODEL.parent.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        config = Path(folder) / "config.yml"
        config.write_text(stock_config())
        started = time.perf_counter()
        subprocess.run(
            [
                str(BIN / "rasa"),
                "train",
                "--config",
                str(config),
                "--domain",
                "domain.yml",
                "--data",
                "data/nlu",
                "data/rules",
                "data/stories",
                "--out",
                str(STOCK_MODEL.parent),
                "--fixed-model-name",
                STOCK_MODEL.name.removesuffix(".tar.gz"),
            ],
            cwd=ROOT,
            # no training cache: the model is kept whole; and scripts/train.sh prunes
            # the cache folder it would share
            env={**os.environ, "RASA_MAX_CACHE_SIZE": "0"},
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        trained = time.perf_counter() - started
    stamp.write_text(fingerprint + "\n")
    return STOCK_MODEL, f"trained in {trained:.0f} s"
