"""The least time DIET's training can take on this machine: its matrix products alone.

`make bench-training-floor` runs it. Issue #17 asks for a full training in 2 minutes; this
measures how far below that DIET's training can go at all, whatever the implementation,
with the model of config.yml and the examples of data/nlu:

- the positions an epoch gives DIET's dense layers and transformer: every training
  example's tokens (spaCy's tokenizer, as the training tokenizes) plus its sentence
  position, each example once (Rasa's balanced batches repeat some: more, not less);
- the multiply-adds of one position through the layers whose size config.yml sets: the
  transformer's input layer (spaCy's vectors and the sparse features' dense layer), and
  each transformer layer's attention projections and feed-forward layers; forward, and
  backward (two products for each forward one, but no gradient for spaCy's vectors).
  Left out, so the bound stays a bound: attention's own products, the sparse layer, the
  losses, the CRF, dropout, normalisation, the optimizer, the padding;
- the best rate at which TensorFlow runs those products on this machine's cores, on
  batches of positions of the training's size and larger.

Their quotient is a lower bound of DIET's training time. Nothing of the project changes.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_training import DIET, ROOT

RASA_DENSE_DIMENSION = 128
"""DIET's default ``dense_dimension`` for the text (Rasa 3.6), config.yml not setting it:
the width of the sparse features' dense layer."""


@dataclass(frozen=True)
class DietShape:
    """The sizes of DIET's dense path (config.yml and spaCy's vectors)."""

    vectors: int  # spaCy's vector width
    sparse_dense: int  # the sparse features' dense layer
    units: int  # transformer_size
    layers: int  # number_of_transformer_layers
    epochs: int

    def forward_macs(self) -> tuple[tuple[int, int, int], ...]:
        """The matrix products of one position, forward: (inputs, outputs, count).

        >>> DietShape(300, 128, 128, 1, 60).forward_macs()
        ((428, 128, 1), (128, 128, 4), (128, 512, 1), (512, 128, 1))
        """
        u, n = self.units, self.layers
        layers = ((u, u, 4 * n), (u, 4 * u, n), (4 * u, u, n)) if n else ()
        return ((self.vectors + self.sparse_dense, u, 1), *layers)

    def training_macs(self) -> int:
        """Multiply-adds of one position, forward and backward: each product twice more
        backward (the weights' gradient and the inputs'), except the inputs' gradient of
        the first layer for spaCy's vectors (fixed features).

        >>> DietShape(300, 128, 128, 1, 60).training_macs()
        715776
        """
        forward = sum(i * o * n for i, o, n in self.forward_macs())
        return 3 * forward - self.vectors * self.units


def diet_shape(vectors: int) -> DietShape:
    """DIET's sizes as config.yml sets them (Rasa's defaults where it does not)."""
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    diet = next(c for c in config["pipeline"] if c["name"] == DIET)
    dense = diet.get("dense_dimension", {}).get("text", RASA_DENSE_DIMENSION)
    return DietShape(
        vectors=vectors,
        sparse_dense=dense,
        units=int(diet.get("transformer_size", 256)),
        layers=int(diet.get("number_of_transformer_layers", 2)),
        epochs=int(diet.get("epochs", 300)),
    )


def training_positions() -> tuple[list[int], int]:
    """Each training example's positions (its tokens and its sentence position), and the
    width of spaCy's vectors."""
    from rasa.shared.nlu.training_data.loading import load_data

    from addons import nlu

    language = nlu.load_spacy_without_unused_pipes("fr_core_news_md").model
    data = load_data(str(ROOT / "data" / "nlu"))
    texts = [nlu.normalize_french(m.get("text")) for m in data.intent_examples]
    positions = [  # Rasa's SpacyTokenizer keeps the tokens that are not blank
        sum(1 for token in language.make_doc(text) if token.text.strip()) + 1 for text in texts
    ]
    return positions, int(language.vocab.vectors_length)


def best_rate(shape: DietShape, rows: tuple[int, ...], repeats: int) -> tuple[float, int]:
    """The best rate (multiply-adds a second) of TensorFlow running one position's forward
    products on ``rows`` positions at once, over ``repeats`` timings of each size (the
    machine's speed moves from one second to the next: the best is the bound's rate),
    and the rows that gave it."""
    import tensorflow as tf

    best = (0.0, 0)
    layers = shape.forward_macs()
    for count in rows:
        pairs = [  # each product as many times as a position computes it
            (tf.random.normal([count, i]), tf.random.normal([i, o]))
            for i, o, n in layers
            for _ in range(n)
        ]

        @tf.function
        def products(pairs: list = pairs) -> list:
            return [x @ w for x, w in pairs]

        macs = count * sum(i * o * n for i, o, n in layers)
        products()
        for _ in range(repeats):
            started = time.perf_counter()
            for _ in range(10):
                products()
            best = max(best, (10 * macs / (time.perf_counter() - started), count))
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--repeats", type=int, default=30, help="timings of each size")
    parser.add_argument("--diet-seconds", type=float, help="DIET's training as measured")
    args = parser.parse_args()
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    positions, vectors = training_positions()
    import tensorflow as tf

    tf.config.threading.set_intra_op_parallelism_threads(args.threads)
    shape = diet_shape(vectors)
    per_epoch = sum(positions)
    batch = round(per_epoch / len(positions) * 160)  # DIET's mean batch of config.yml
    rate, rows = best_rate(shape, (batch, 2 * batch, 4 * batch), args.repeats)
    macs = shape.epochs * per_epoch * shape.training_macs()
    floor = macs / rate
    print(f"examples: {len(positions)}, positions an epoch: {per_epoch:,}")
    print(f"DIET: {shape}")
    print(f"multiply-adds a position, forward and backward: {shape.training_macs():,}")
    print(f"{shape.epochs} epochs: {2 * macs / 1e12:.2f} TFLOP")
    print(f"best rate ({args.threads} threads, {rows} positions at once):", end=" ")
    print(f"{2 * rate / 1e9:.1f} GFLOP/s")
    print(f"DIET's training, lower bound: {floor:.0f} s")
    if args.diet_seconds:
        share = floor / args.diet_seconds
        print(f"DIET's training as measured: {args.diet_seconds:.0f} s (the bound {share:.0%})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
