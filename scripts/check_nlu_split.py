"""Fails when an example of a held-out NLU test set is a copy or a near-copy of a training
example, or when a held-out set is too thin for an intent.

Texts are compared after folding case, accents, apostrophes and punctuation; a near-copy
shares at least 80 % of its words with a training example (Jaccard overlap of the folded
word sets), so "stoppe tout" and "stoppe tout stp" count as the same example.

    python scripts/check_nlu_split.py data/nlu tests/nlu [tests/nlu_real:6 ...]

(``folder:N``: at least N examples per intent in that set; 10 by default.)
"""

from __future__ import annotations

import collections
import sys
from collections.abc import Iterable, Sequence

from secu.text import fold

MIN_PER_INTENT = 10
NEAR = 0.8  # word overlap from which a held-out example is a near-copy of a training one


def words(text: str) -> frozenset[str]:
    """The folded words of a text.

    >>> sorted(words("Stoppe tout, STP !"))
    ['stoppe', 'stp', 'tout']
    """
    return frozenset(fold(text).split())


def overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """The share of words two texts have in common (Jaccard).

    >>> overlap(words("stoppe tout"), words("stoppe tout stp"))
    0.6666666666666666
    >>> overlap(words("ou est ma carte"), words("ma carte ou est"))
    1.0
    """
    union = a | b
    return len(a & b) / len(union) if union else 1.0


def near_copies(
    train: Iterable[str], held_out: Iterable[str], threshold: float = NEAR
) -> list[tuple[str, str, float]]:
    """Held-out texts whose words overlap a training text's by ``threshold`` or more, with
    the closest training text. An index by word keeps it linear in practice.

    >>> near_copies(["je veux un rdv", "bonjour"], ["je veux un rdv svp", "merci"], 0.75)
    [('je veux un rdv svp', 'je veux un rdv', 0.8)]
    """
    seen: dict[frozenset[str], str] = {}
    index: dict[str, list[frozenset[str]]] = collections.defaultdict(list)
    for text in train:
        key = words(text)
        if key not in seen:
            seen[key] = text
            for word in key:
                index[word].append(key)
    found = []
    for text in held_out:
        mine = words(text)
        candidates = {key for word in mine for key in index.get(word, ())}
        if not mine or not candidates:
            continue
        score, best = max((overlap(mine, key), seen[key]) for key in candidates)
        if score >= threshold:
            found.append((text, best, score))
    return found


def check(train_dir: str, test_dirs: Sequence[str]) -> int:
    from rasa.shared.nlu.training_data.loading import load_data

    train = [e.get("text") for e in load_data(train_dir).intent_examples]
    failed = 0
    for spec in test_dirs:
        test_dir, _, minimum = spec.partition(":")
        least = int(minimum or MIN_PER_INTENT)
        test = load_data(test_dir).intent_examples
        copies = near_copies(train, [e.get("text") for e in test])
        counts = collections.Counter(e.get("intent") for e in test)
        thin = {intent: n for intent, n in counts.items() if n < least}
        for text, source, score in copies:
            print(f"{test_dir}: {text!r} is a near-copy of the training {source!r} ({score:.0%})")
        for intent, n in sorted(thin.items()):
            print(f"{test_dir}: only {n} examples for {intent} (minimum {least})")
        print(
            f"{test_dir}: {len(test)} examples, {len(counts)} intents, "
            f"{len(copies)} copies or near-copies of training examples"
        )
        failed += bool(copies or thin)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(check(sys.argv[1], sys.argv[2:] or ["tests/nlu"]))
