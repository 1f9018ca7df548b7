"""TED's prediction in NumPy (addons/ted_numpy.py, the server's default) gives, at every
decision point of the stories, the rules, the conversation tests and of every held-out
message's first turns, the very probabilities of Rasa's TensorFlow graph: the same action
first, each probability within 1e-5 (float32 sums in another order)."""

from __future__ import annotations

import json
import os
import subprocess

from conftest import MODEL, ROOT, VENV_BIN

TOLERANCE = 1e-5


def test_numpy_ted_predicts_every_dialogue_as_tensorflow_does() -> None:
    done = subprocess.run(
        [str(VENV_BIN / "python"), "tests/integration/ted_probe.py", str(MODEL)],
        cwd=ROOT,
        env={
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "RASA_TELEMETRY_ENABLED": "false",
            "TED_NUMPY": "1",
        },
        capture_output=True,
        text=True,
        check=True,
    )
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["twin"] == "NumpyTED"  # the NumPy prediction was really used
    assert report["eager_load"]  # and TensorFlow loaded TED without tracing a graph
    assert report["story_dialogues"] > 300 and report["messages"] > 1000
    assert report["dialogues"] == report["story_dialogues"] + 2 * report["messages"]
    assert report["numpy_counted"] >= report["dialogues"]  # none left to TensorFlow
    assert report["actions_seen"] > 15  # a real model on varied dialogues
    assert report["best_differs"] == []
    assert report["max_delta"] <= TOLERANCE
    print(report["seconds"], report["max_delta"])
