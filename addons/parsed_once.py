"""The training data read from its files once in a training, not five times.

``rasa train`` reads the NLU data through its importer five times before DIET starts (the
validation, the checks of what to train, the fingerprints of the graph, the training):
each read parses the 40 YAML files again and merges them, 4.1 to 4.8 s a time on two
slow cores (30 November 2026, 22:00 UTC), about 18 s of every training spent parsing what
was already parsed. Here Rasa's reading of a list of files
(``rasa.shared.importers.utils.training_data_from_paths``) keeps what it read, by the
files' paths, sizes and modification times (and the language, except for Rasa's YAML,
whose reader does not read it); every caller gets its own deep copy (Rasa's
``TrainingData.merge``, as Rasa's reading itself returns), so that nothing a caller
changes in its data reaches another's.

Installed by scripts/rasa_train.py, so for training only: the server reads no training
data.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from typing import Any

from rasa.shared.importers import utils
from rasa.shared.nlu.training_data.training_data import TrainingData

Key = tuple[str, Any, int, int]
_READ: dict[tuple[Key, ...], TrainingData] = {}
YAML_SUFFIXES = (".yml", ".yaml")


def file_key(filename: str, language: Any) -> Key:
    """What reading a file depends on: its path, size, modification time, and the
    language, except for Rasa's YAML, whose reader does not read it (Rasa asks with the
    pipeline's language in one place, its default "en" in the others).

    >>> file_key("config.yml", "fr")[1], file_key("config.yml", "en")[1]
    (None, None)
    >>> file_key("pyproject.toml", "fr")[1]
    'fr'
    """
    stat = os.stat(filename)
    if filename.endswith(YAML_SUFFIXES):
        language = None
    return os.path.realpath(filename), language, stat.st_size, stat.st_mtime_ns


def read_once(read: Callable[..., TrainingData]) -> Callable[..., TrainingData]:
    """``read`` (Rasa's ``training_data_from_paths``) keeping what it read; a copy
    returned."""

    def reading(paths: Iterable[str], language: Any) -> TrainingData:
        paths = list(paths)
        key = tuple(file_key(path, language) for path in paths)
        if key not in _READ:
            _READ[key] = read(paths, language)
        return TrainingData().merge(_READ[key])

    reading.original = read  # type: ignore[attr-defined]
    return reading


def install() -> bool:
    """Whether Rasa's reading of training-data files was wrapped now (False: it was)."""
    if hasattr(utils.training_data_from_paths, "original"):
        return False
    utils.training_data_from_paths = read_once(utils.training_data_from_paths)
    return True


def uninstall() -> None:
    """Rasa's own reading back, and nothing kept."""
    utils.training_data_from_paths = getattr(
        utils.training_data_from_paths, "original", utils.training_data_from_paths
    )
    _READ.clear()
