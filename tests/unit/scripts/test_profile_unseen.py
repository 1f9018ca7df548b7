"""The profile's "never seen before" messages are real held-out messages, none of them
a training example (else spaCy's and the policies' caches would have seen them)."""

from __future__ import annotations

from pathlib import Path

from rasa.shared.nlu.training_data.loading import load_data

from bench.profile_turns import unseen_messages

ROOT = Path(__file__).resolve().parents[3]


def test_unseen_messages_are_held_out_and_distinct() -> None:
    texts = unseen_messages(200)
    assert len(texts) == 200 == len(set(texts))
    assert all(isinstance(text, str) and text.strip() for text in texts)
    trained = {m.get("text") for m in load_data(str(ROOT / "data" / "nlu")).training_examples}
    assert len(trained) > 1000
    assert not set(texts) & trained
    assert unseen_messages(10) == texts[:10]
