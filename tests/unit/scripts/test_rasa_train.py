"""scripts/rasa_train.py: Rasa's command line with spaCy loaded as the server loads it."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest
import rasa.__main__
from rasa.constants import ENV_CPU_INTER_OP_CONFIG, ENV_CPU_INTRA_OP_CONFIG
from rasa.nlu.utils.spacy_utils import SpacyNLP

from addons import nlu

ROOT = Path(__file__).resolve().parents[3]


def test_rasas_command_line_runs_with_the_lean_spacy_loader_and_training_threads(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    spec = importlib.util.spec_from_file_location("rasa_train", ROOT / "scripts" / "rasa_train.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(SpacyNLP, "load_model", staticmethod(nlu.ORIGINAL_SPACY_LOAD))
    for name in (ENV_CPU_INTRA_OP_CONFIG, ENV_CPU_INTER_OP_CONFIG):
        monkeypatch.setenv(name, "")  # unset for Rasa, and restored after the test
    seen: list[tuple[object, list[str], str | None]] = []
    monkeypatch.setattr(
        rasa.__main__,
        "main",
        lambda: seen.append(
            (SpacyNLP.load_model, list(sys.argv), os.environ.get(ENV_CPU_INTRA_OP_CONFIG))
        ),
    )
    monkeypatch.setattr(sys, "argv", ["scripts/rasa_train.py", "train", "nlu"])
    assert SpacyNLP.load_model is not nlu.load_spacy_once
    module.main()
    # TensorFlow's threads for training set before Rasa starts (addons/tf_threads.py)
    assert seen == [(nlu.load_spacy_once, ["rasa", "train", "nlu"], "1")]
