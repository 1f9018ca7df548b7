"""Messages, tokens and sparse features fingerprinted in one pass, not value by value.

After each featurizer, Rasa's training fingerprints the whole training data it outputs,
for its cache of the graph's outputs (``TrainingHook.on_after_node``): 29 s of every
training from scratch on our 5,875 examples and the dialogue's messages (30 November
2026, 22:08 UTC, two slow cores), more than the featurizers' own work. Two parts were
most of it (``cProfile`` of the hook):

- each message and each of its tokens, fingerprinted again after every featurizer,
  through Rasa's recursive ``deep_container_fingerprint`` (an MD5 and a JSON dump per
  value): here one JSON dump of the token (text, offsets, lemma, data), of the message
  (its data and its features' fingerprints), and one MD5 each;
- each message's sparse features, written as a line of text per non-zero value
  (``sparse_matrix_to_string``) then hashed: here MD5 over the matrix's arrays, made
  canonical (entries in row-major order, duplicates summed, 64-bit indices), with its
  shape and dtype and the features' type, origin and attribute.

Equal contents give equal fingerprints and any change gives another, as with Rasa's; the
values are not Rasa's, so a cache written with Rasa's own fingerprints is not reused
(retrained once), never misused. Dense features keep Rasa's fingerprint (their bytes,
already fast), and so does a token or a message whose data JSON cannot write. A message's
fingerprint is also its hash and its equality (``Message.__hash__``, ``__eq__``): equal
contents still make equal messages.

Installed by scripts/rasa_train.py, for training only: the server fingerprints nothing.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

import numpy as np
import scipy.sparse
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message


def md5_text(text: str) -> str:
    return hashlib.md5(text.encode("utf-8"), usedforsecurity=False).hexdigest()


def _entries(matrix: scipy.sparse.spmatrix) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    coo = matrix if isinstance(matrix, scipy.sparse.coo_matrix) else matrix.tocoo()
    row, col = coo.row.astype(np.int64), coo.col.astype(np.int64)
    order = np.lexsort((col, row))
    return row[order], col[order], coo.data[order]


def matrix_digest(matrix: scipy.sparse.spmatrix) -> str:
    """MD5 of a sparse matrix's content, whatever its format or the order of its entries.

    >>> a = scipy.sparse.coo_matrix(([1.0, 2.0], ([0, 1], [2, 0])), shape=(2, 3))
    >>> b = scipy.sparse.coo_matrix(([2.0, 1.0], ([1, 0], [0, 2])), shape=(2, 3))
    >>> matrix_digest(a) == matrix_digest(b.tocsr()) == matrix_digest(b.tocsc())
    True
    >>> matrix_digest(a) == matrix_digest(a.multiply(2))
    False
    """
    row, col, data = _entries(matrix)
    if len(row) > 1 and np.any((row[1:] == row[:-1]) & (col[1:] == col[:-1])):
        row, col, data = _entries(scipy.sparse.csr_matrix(matrix))  # duplicates summed
    digest = hashlib.md5(usedforsecurity=False)
    digest.update(json.dumps([list(matrix.shape), str(data.dtype)]).encode())
    for array in (row, col, np.ascontiguousarray(data)):
        digest.update(len(array).to_bytes(8, "little"))
        digest.update(array.tobytes())
    return digest.hexdigest()


def features_fingerprint(rasa_fingerprint: Callable[[Features], str]) -> Callable[..., str]:
    """``Features.fingerprint``: sparse features by ``matrix_digest``, dense by Rasa's."""

    def fingerprint(features: Features) -> str:
        if features.is_dense():
            return rasa_fingerprint(features)
        if features._cached_fingerprint is None:
            labels = json.dumps([features.type, features.origin, features.attribute])
            features._cached_fingerprint = md5_text(labels + matrix_digest(features.features))
        return features._cached_fingerprint

    fingerprint.original = rasa_fingerprint  # type: ignore[attr-defined]
    return fingerprint


def _fingerprint_or_text(value: Any) -> str:
    """What stands for a value JSON cannot hold: its fingerprint, else its text (Rasa's
    rule in ``deep_container_fingerprint``)."""
    if callable(getattr(value, "fingerprint", None)):
        return value.fingerprint()
    return str(value)


def one_pass(fields: list[Any]) -> str | None:
    """MD5 of one JSON dump of ``fields``; None when JSON cannot write them (a key that is
    not text, a cycle).

    >>> one_pass([{"b": 1, "a": [2]}]) == one_pass([{"a": [2], "b": 1}])
    True
    >>> one_pass([{("a", 1): "b"}]) is None
    True
    """
    try:
        text = json.dumps(fields, sort_keys=True, ensure_ascii=False, default=_fingerprint_or_text)
    except (TypeError, ValueError):
        return None
    return md5_text(text)


def token_fingerprint(rasa_fingerprint: Callable[[Token], str]) -> Callable[..., str]:
    """``Token.fingerprint`` in one JSON dump and one MD5 (Rasa's when JSON fails)."""

    def fingerprint(token: Token) -> str:
        fields = [token.text, token.start, token.end, token.lemma, token.data]
        return one_pass(fields) or rasa_fingerprint(token)

    fingerprint.original = rasa_fingerprint  # type: ignore[attr-defined]
    return fingerprint


def message_fingerprint(rasa_fingerprint: Callable[[Message], str]) -> Callable[..., str]:
    """``Message.fingerprint`` in one JSON dump of its data and its features' fingerprints
    and one MD5, kept until the message changes, as Rasa keeps its own (Rasa's when JSON
    fails)."""

    def fingerprint(message: Message) -> str:
        if message._cached_fingerprint is None:
            fields = [message.data, [features.fingerprint() for features in message.features]]
            found = one_pass(fields)
            if found is None:
                return rasa_fingerprint(message)
            message._cached_fingerprint = found
        return message._cached_fingerprint

    fingerprint.original = rasa_fingerprint  # type: ignore[attr-defined]
    return fingerprint


PATCHED = (
    (Features, features_fingerprint),
    (Token, token_fingerprint),
    (Message, message_fingerprint),
)


def install() -> bool:
    """Whether the fingerprints were replaced now (False: they already were)."""
    if hasattr(Features.fingerprint, "original"):
        return False
    for cls, wrap in PATCHED:
        cls.fingerprint = wrap(cls.fingerprint)  # type: ignore[method-assign]
    return True


def uninstall() -> None:
    """Rasa's own fingerprints back."""
    for cls, _ in PATCHED:
        cls.fingerprint = getattr(cls.fingerprint, "original", cls.fingerprint)  # type: ignore[method-assign]
