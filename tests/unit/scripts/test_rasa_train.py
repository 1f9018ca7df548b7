"""scripts/rasa_train.py: Rasa's command line with spaCy loaded as the server loads it."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest
import rasa.__main__
from rasa.constants import ENV_CPU_INTER_OP_CONFIG, ENV_CPU_INTRA_OP_CONFIG
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.nlu.utils.spacy_utils import SpacyNLP
from rasa.shared.importers import utils as importer_utils
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message

from addons import fast_fingerprint, nlu, parsed_once

ROOT = Path(__file__).resolve().parents[3]
RASA_FEATURES_FINGERPRINT = Features.fingerprint


def test_rasas_command_line_runs_with_the_lean_spacy_loader_and_training_threads(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    spec = importlib.util.spec_from_file_location("rasa_train", ROOT / "scripts" / "rasa_train.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(SpacyNLP, "load_model", staticmethod(nlu.ORIGINAL_SPACY_LOAD))
    rasa_reading = importer_utils.training_data_from_paths
    # what the script replaces in Rasa, put back after the test whatever happens
    monkeypatch.setattr(importer_utils, "training_data_from_paths", rasa_reading)
    for cls in (Features, Token, Message):
        monkeypatch.setattr(cls, "fingerprint", cls.fingerprint)
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
    assert importer_utils.training_data_from_paths.original is rasa_reading  # read once
    assert Features.fingerprint.original is RASA_FEATURES_FINGERPRINT  # in one pass
    parsed_once.uninstall()
    fast_fingerprint.uninstall()
    assert importer_utils.training_data_from_paths is rasa_reading
