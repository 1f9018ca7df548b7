"""The NumPy-versus-TensorFlow probe (tests/integration/diet_probe.py) accepts two intents
in swapped places only when their confidences are tied within 1e-6."""

from __future__ import annotations

from tests.integration.diet_probe import ranking_agrees

RASA = [
    {"name": "organism", "confidence": 0.98938},
    {"name": "moving", "confidence": 3.33350e-4},
    {"name": "cross_border", "confidence": 3.33349e-4},
    {"name": "help", "confidence": 3.14719e-4},
]


def test_the_same_order_agrees() -> None:
    assert ranking_agrees(list(RASA), RASA)


def test_tied_intents_may_swap_places() -> None:
    assert ranking_agrees([RASA[0], RASA[2], RASA[1], RASA[3]], RASA)


def test_intents_apart_by_more_than_the_tie_may_not() -> None:
    assert not ranking_agrees([RASA[0], RASA[1], RASA[3], RASA[2]], RASA)
    assert not ranking_agrees([RASA[1], RASA[0], RASA[2], RASA[3]], RASA)


def test_another_intent_in_the_ranking_does_not_agree() -> None:
    other = [*RASA[:3], {"name": "contact", "confidence": 3.14719e-4}]
    assert not ranking_agrees(other, RASA)
