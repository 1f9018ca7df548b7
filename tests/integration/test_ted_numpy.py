"""TED's prediction in NumPy (addons/ted_numpy.py, the server's default) gives, at every
decision point of the stories, the rules, the conversation tests and of every held-out
message's first turns, the very probabilities of Rasa's TensorFlow graph: the same action
first, each probability within 1e-5 (float32 sums in another order)."""

from __future__ import annotations

from conftest import MODEL, probe_report

TOLERANCE = 1e-5


def test_numpy_ted_predicts_every_dialogue_as_tensorflow_does() -> None:
    report = probe_report("ted_probe.py", str(MODEL), TED_NUMPY="1")
    assert report["twin"] == "NumpyTED"  # the NumPy prediction was really used
    assert report["eager_load"]  # and TensorFlow loaded TED without tracing a graph
    assert report["story_dialogues"] > 300 and report["messages"] > 1000
    assert report["dialogues"] == report["story_dialogues"] + 2 * report["messages"]
    assert report["numpy_counted"] >= report["dialogues"]  # none left to TensorFlow
    assert report["actions_seen"] > 15  # a real model on varied dialogues
    assert report["best_differs"] == []
    assert report["max_delta"] <= TOLERANCE
    print(report["seconds"], report["max_delta"])
