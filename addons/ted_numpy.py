"""TED's prediction for one dialogue in NumPy, from the trained policy's own weights.

When neither a rule nor a story decides the next action, Rasa asks TED: it turns the
dialogue's last turns into a ``RasaModelData``, a batch generator and some thirty
tensors, and calls its traced graph; the arithmetic for five turns of one-hot features is
a few tens of microseconds, what surrounds it several milliseconds, and tracing the graph
seconds at every start. Here the same arithmetic runs in NumPy on the turns' features as
Rasa's state featuriser made them, with the weights read once from the loaded Keras
layers (``addons/ted_weights.py``):

- each turn: each attribute present (the intent, the previous action, the slots, the
  entities, the active loop) has its sparse features times its ``DenseForSparse``
  kernel, side by side with its dense ones, then, for the intent and the action, the
  encoding layer; an attribute absent from a turn gives zeros (Rasa's "fake" features);
  the user's attributes are summed, then the action's, and the groups put side by side
  in the model's order (``TED._process_batch_data``);
- the dialogue, last turn first (the max-history featuriser's reversal, so that the turn
  predicted for always has the same position), through the dialogue's transformer
  encoder, then GELU; the first position embedded (``embed.dialogue``);
- its similarity with each action's embedding, which Rasa computed when it prepared the
  model, and the softmax (``DotProductLoss``).

Dropout is inactive when predicting. This module knows nothing of Rasa; a model this
does not reproduce (the user's text as a feature, end-to-end, a unidirectional dialogue
transformer) gets no twin and predicts as shipped.
``tests/integration/test_ted_numpy.py`` compares both on the dialogues of the
conversation tests and of every held-out message.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from addons.diet_numpy import (
    Array,
    Dense,
    Encoder,
    FeatureCombiner,
    gelu,
    label_similarities,
    softmax,
)

Inputs = list[list[Any]]
"""One attribute of one turn: for each input of the model's signature (sparse ones, then
dense ones), the matrices of its features, side by side."""


@dataclass(frozen=True)
class StateAttribute:
    """An attribute of a dialogue turn: its features combined, then encoded (the intent's
    and the previous action's encoding layer; none for slots, entities, active loop)."""

    name: str
    combiner: FeatureCombiner
    encoding: list[Dense]
    width: int

    def __call__(self, inputs: Inputs) -> Array:
        x = self.combiner(inputs)
        for layer in self.encoding:
            x = layer(x)
        return x


@dataclass(frozen=True)
class NumpyTED:
    groups: list[list[StateAttribute]]  # summed within a group, groups side by side
    encoder: Encoder | None
    dialogue_embed: Dense
    labels_embed: Array  # (actions, dim): Rasa's ``all_labels_embed``
    cosine: bool
    confidence_softmax: bool  # model_confidence: softmax (else the raw similarities)

    @property
    def attributes(self) -> list[StateAttribute]:
        return [attribute for group in self.groups for attribute in group]

    def turns(self, turns: list[dict[str, Inputs]]) -> Array:
        """The dialogue's input, (turns, width), oldest turn first."""
        width = sum(group[0].width for group in self.groups)
        x = np.zeros((len(turns), width), dtype=np.float32)
        offset = 0
        for group in self.groups:
            for attribute in group:
                for index, turn in enumerate(turns):
                    inputs = turn.get(attribute.name)
                    if inputs is not None:
                        x[index, offset : offset + attribute.width] += attribute(inputs)[0]
            offset += group[0].width
        return x

    def predict(self, turns: list[dict[str, Inputs]]) -> tuple[Array, Array]:
        """The similarities and confidences (actions,) after a dialogue of ``turns``,
        oldest first, each mapping an attribute present to its inputs."""
        x = np.ascontiguousarray(self.turns(turns)[::-1])  # the last turn first
        if self.encoder is not None:
            x = self.encoder(x)
        embedded = self.dialogue_embed(gelu(x[:1]))[0]
        similarities = label_similarities(embedded, self.labels_embed, self.cosine)
        confidences = softmax(similarities) if self.confidence_softmax else similarities
        return similarities, confidences
