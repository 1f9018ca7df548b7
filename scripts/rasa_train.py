"""Rasa's command line, with spaCy loaded as the server loads it: for training.

scripts/train.sh and bench/bench_training.py run ``python scripts/rasa_train.py train …``
where they ran ``rasa train …``. The training examples are then parsed by spaCy without
the components nothing reads (``addons.nlu.SPACY_PIPES_UNUSED``: the tagger, lemmatizer,
parser and entity recogniser), i.e. by its tokenizer and static vectors only, which give
the configured featurizers the very same features (tests/unit/addons/test_lean_spacy.py)
in a fraction of the time. Nothing else of the server's set-up is installed: training
keeps TensorFlow's threads and Rasa's own graph runner.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from addons import nlu


def main() -> None:
    nlu.install()
    from rasa.__main__ import main as rasa_main

    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()
