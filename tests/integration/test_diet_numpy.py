"""DIET's prediction in NumPy (addons/diet_numpy.py, the server's default) parses every
held-out message as Rasa's TensorFlow graph does: the same intent, the same ranking and
the same entities, confidences within 1e-5 (float32 sums in another order)."""

from __future__ import annotations

from conftest import MODEL, probe_report

TOLERANCE = 1e-5


def test_numpy_diet_parses_every_held_out_message_as_tensorflow_does() -> None:
    report = probe_report("diet_probe.py", str(MODEL), DIET_NUMPY="1")
    assert report["twin"] == "NumpyDIET"  # the NumPy prediction was really used
    assert report["eager"]  # and TensorFlow loaded without tracing a graph
    # where float32 rounding decides a CRF confidence, TensorFlow's kernel gives that
    # step's (diet_weights.step_maxima): no message is left to TensorFlow's whole graph
    assert report["counts"]["left_to_tensorflow"] == 0
    print("CRF steps asked of TensorFlow:", report["crf_steps_asked_of_tensorflow"])
    assert report["counts"]["numpy"] + report["counts"]["left_to_tensorflow"] == report["messages"]
    assert report["messages"] > 1000
    assert report["intents_seen"] > 30  # a real model on varied messages
    assert report["entities_seen"] > 50  # and entities were compared too
    assert report["intent_differs"] == []
    assert report["ranking_differs"] == []
    assert report["entities_differ"] == []
    assert report["max_intent_delta"] <= TOLERANCE
    assert report["max_entity_delta"] <= TOLERANCE
