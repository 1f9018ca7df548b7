"""Rasa's command line, with spaCy loaded as the server loads it: for training.

scripts/train.sh and bench/bench_training.py run ``python scripts/rasa_train.py train …``
where they ran ``rasa train …``. The training examples are then parsed by spaCy without
the components nothing reads (``addons.nlu.SPACY_PIPES_UNUSED``: the tagger, lemmatizer,
parser and entity recogniser), i.e. by its tokenizer and static vectors only, which give
the configured featurizers the very same features (tests/unit/addons/test_lean_spacy.py)
in a fraction of the time. TensorFlow runs one thread per core between operations and
one within each (``addons.tf_threads.training_threads``: DIET's training about a third
faster on two cores), unless Rasa's thread variables are set. Nothing else of the
server's set-up is installed: training keeps Rasa's own graph runner. Two things cut the
time Rasa spends before DIET by about 40 %: the training data read from its files once,
not at each of Rasa's five reads (``addons.parsed_once``), and the featurizers' outputs
fingerprinted for Rasa's cache in one pass a message, a token and a matrix
(``addons.fast_fingerprint``).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from addons import fast_fingerprint, nlu, parsed_once, tf_threads


def main() -> None:
    tf_threads.training_threads()  # before TensorFlow starts: Rasa applies them
    nlu.install()
    parsed_once.install()
    fast_fingerprint.install()
    from rasa.__main__ import main as rasa_main

    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()
