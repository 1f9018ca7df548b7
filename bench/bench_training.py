"""DIET's training time, Rasa's way and with our training options (addons/fast_training.py,
addons/diet_chunks.py).

`make bench-training` runs it. It trains the NLU part of config.yml with DIET's epochs
cut to ``--epochs``, once as configured with ``length_chunks: []`` and
``traced_once: false`` (Rasa's training) and once with ``length_chunks: [0.5, 0.75, 0.9]``
and ``traced_once: true``, in that order and then again in the other order with another seed, all
sharing one training cache (the featurisers run once) in a throw-away folder, and prints how
long DIET took each time (from Rasa's log of the component's start and end) and the
epochs' rate as Rasa's progress bar last showed it. Nothing of the project is changed.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
DIET = "addons.fast_load.FastLoadingDIETClassifier"
VARIANTS = {
    "rasa": {"length_chunks": [], "traced_once": False},
    "fast": {"length_chunks": [0.5, 0.75, 0.9], "traced_once": True},
}
STAMP = re.compile(
    r"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) [^\r\n]*?"
    r"(Starting|Finished) (?:to )?train(?:ing)? component '(\w+)'"
)
RATE = re.compile(r"(\d+\.\d+)s/it")


def diet_config(folder: Path, name: str, **diet: object) -> Path:
    """config.yml with DIET's options changed (``diet``), written into ``folder``."""
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    for component in config["pipeline"]:
        if component["name"] == DIET:
            component.update(diet)
    path = folder / f"config-{name}.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


def train_nlu(config: Path, folder: Path, name: str) -> str:
    """``rasa train nlu`` with ``config`` into ``folder/models/name.tar.gz``, on the
    featurisers' cache of ``folder``; Rasa's log."""
    env = {**os.environ, "RASA_CACHE_DIRECTORY": str(folder / "cache")}
    command = [sys.executable, "scripts/rasa_train.py", "train", "nlu", "--config",
               str(config), "--nlu", "data/nlu", "--out", str(folder / "models"),
               "--num-threads", "2", "--fixed-model-name", name]  # fmt: skip
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode:
        sys.stderr.write(done.stdout[-3000:] + done.stderr[-3000:])
        raise SystemExit(f"training {name} failed")
    return done.stdout + done.stderr


def diet_seconds(log: str) -> tuple[float, str]:
    """DIET's training time in a Rasa log, and its last epoch rate shown."""
    times: dict[str, datetime] = {}
    for match in STAMP.finditer(log):  # a line can follow a progress bar's \r or colours
        if match.group(3) == "FastLoadingDIETClassifier":
            times[match.group(2)] = datetime.strptime(match.group(1), "%Y-%m-%d %H:%M:%S")
    if set(times) != {"Starting", "Finished"}:
        raise RuntimeError("DIET's start and end are not in Rasa's log")
    rates = RATE.findall(log)
    return (times["Finished"] - times["Starting"]).total_seconds(), rates[-1] if rates else "?"


def train(variant: str, epochs: int, folder: Path, seed: int = 42) -> tuple[float, str]:
    name = f"{variant}-{seed}"
    config = diet_config(folder, name, **VARIANTS[variant], epochs=epochs, random_seed=seed)
    return diet_seconds(train_nlu(config, folder, name))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-training-") as tmp:
        folder = Path(tmp)
        # a first training fills the featurisers' cache: not counted (a seed of its own,
        # or Rasa's cache would restore its DIET for a measured run of one epoch)
        train("rasa", 1, folder, seed=41)
        # each run its own seed: Rasa's cache would restore a DIET already trained alike
        for variant, seed in (("rasa", 42), ("fast", 42), ("fast", 43), ("rasa", 43)):
            seconds, rate = train(variant, args.epochs, folder, seed)
            print(f"{variant}: DIET {args.epochs} epochs in {seconds:.0f} s "
                  f"(last epochs {rate} s each)", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
