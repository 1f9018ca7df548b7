"""Fails when an example of the held-out NLU test set also appears in the training data.

Texts are compared after folding case, accents, apostrophes and punctuation, so a test
example cannot sneak in as a near-copy of a training one.
"""

from __future__ import annotations

import collections
import sys

from rasa.shared.nlu.training_data.loading import load_data

from secu.text import fold

MIN_PER_INTENT = 10


def main(train_dir: str = "data/nlu", test_dir: str = "tests/nlu") -> int:
    train = {fold(e.get("text")) for e in load_data(train_dir).intent_examples}
    test = load_data(test_dir).intent_examples
    leaked = sorted({e.get("text") for e in test if fold(e.get("text")) in train})
    counts = collections.Counter(e.get("intent") for e in test)
    thin = {intent: n for intent, n in counts.items() if n < MIN_PER_INTENT}
    for text in leaked:
        print(f"held-out example also in training data: {text!r}")
    for intent, n in sorted(thin.items()):
        print(f"held-out set has only {n} examples for {intent} (minimum {MIN_PER_INTENT})")
    print(f"held-out set: {len(test)} examples, {len(counts)} intents, {len(leaked)} leaked")
    return 1 if leaked or thin else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
