"""Our fast loading of DIET and TED (addons/fast_load.py) and what the server installs
(addons/startup.py: spaCy loaded once, without entity recogniser and with compact
tables, TED on demand, the memoisation without compression, the dialogue's states
computed once per prediction, DIET's prediction in NumPy…) give the very same predictions
as Rasa's own loading: same intents and entities for held-out messages, confidences
within 1e-5 (DIET's float32 sums taken in another order), the same action probabilities
from TED (within 1e-5: its prediction in NumPy too), same action, policy and confidence
picked by the ensemble after each message and after that action."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from conftest import MODEL, probe_report


def predictions(how: str) -> dict:
    numpy = "1" if how == "fast" else "0"  # Rasa's own: TensorFlow's graphs
    return probe_report(
        "predictions_probe.py", how, str(MODEL), "120", DIET_NUMPY=numpy, TED_NUMPY=numpy
    )


def test_fast_loading_predicts_exactly_like_rasa_loading() -> None:
    with ThreadPoolExecutor(max_workers=2) as pool:
        fast, rasa_way = pool.map(predictions, ["fast", "rasa"])
    assert fast["loaded_fast"] == ["FastDIET", "FastTED"]  # the fast path was taken
    assert rasa_way["loaded_fast"] == []  # and the comparison is with Rasa's own loading
    # DIET predicted every message in NumPy; Rasa's way, through TensorFlow
    assert fast["diet_numpy"] == len(fast["nlu"]) and rasa_way["diet_numpy"] == 0
    # TED too, for every prediction asked of it directly and those the ensemble needed
    assert fast["ted_numpy"] >= len(fast["core"]) and rasa_way["ted_numpy"] == 0
    assert len(fast["nlu"]) == len(fast["core"]) >= 100
    # DIET predicts in NumPy (addons/diet_numpy.py): same intents and entities, the
    # confidences within float32 rounding of TensorFlow's
    assert [(i, e) for i, _, e in fast["nlu"]] == [(i, e) for i, _, e in rasa_way["nlu"]]
    deltas = [abs(a[1] - b[1]) for a, b in zip(fast["nlu"], rasa_way["nlu"], strict=True)]
    assert max(deltas) <= 1e-5
    # TED predicts in NumPy (addons/ted_numpy.py): its probabilities within float32
    # rounding of TensorFlow's, the same action first
    assert len(fast["core"]) == len(rasa_way["core"])
    for ours, theirs in zip(fast["core"], rasa_way["core"], strict=True):
        assert ours.index(max(ours)) == theirs.index(max(theirs))
        assert max(abs(a - b) for a, b in zip(ours, theirs, strict=True)) <= 1e-5
    assert len({intent for intent, _, _ in fast["nlu"]}) > 20  # a real model, not a constant
    assert_same_picks(fast["picked"], rasa_way["picked"])
    assert len(fast["picked"]) == 2 * len(fast["nlu"])
    # dialogues whose intents are given (the training stories, "/back"): the same picks both
    # ways, and there TED decides too, whatever this training's NLU makes of the messages
    assert_same_picks(fast["story_picked"], rasa_way["story_picked"])
    policies = {policy for policy, _, _ in fast["picked"] + fast["story_picked"]}
    assert "RulePolicy" in policies and len(policies) >= 2  # rules and another policy
    # spaCy without the components nothing reads (addons/nlu.py), Rasa's with them
    assert fast["spacy_pipes"] == [] and {"tok2vec", "lemmatizer"} <= set(rasa_way["spacy_pipes"])
    assert fast["spacy_models"] == 1 and rasa_way["spacy_models"] == 2  # loaded once, not twice
    # the vectors' key table was reshaped (addons/compact_spacy.py), and predicts the same
    assert fast["spacy_tables"] == ["SortedKeyRows"]
    assert rasa_way["spacy_tables"] == ["dict"]
    # the memoisation looked up by the dialogue's JSON (addons/memo_keys.py), same choices
    assert fast["memo_compressed"] == [False] and rasa_way["memo_compressed"] == [True]
    # TED was left out where the rules or the memory decided, and run where they did not
    assert fast["ted_asked"] > fast["ted_computed"] > 0
    assert rasa_way["ted_asked"] == 0


def assert_same_picks(ours: list[list], theirs: list[list]) -> None:
    """The ensemble's picks ([policy, action, confidence]) the same both ways: policy and
    action equal, the confidence within rounding (a confidence may be TED's)."""
    assert [p[:2] for p in ours] == [p[:2] for p in theirs]
    for mine, other in zip(ours, theirs, strict=True):
        assert abs(mine[2] - other[2]) <= 1e-5
