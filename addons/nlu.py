"""Custom NLU components for French text typed on phones."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.utils.spacy_utils import SpacyModel, SpacyNLP
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from addons.compact_spacy import compact

FALLBACK_INTENT = "nlu_fallback"  # the FallbackClassifier's intent
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'"})
_GUILLEMETS = re.compile(r"[«»“”„]")


def normalize_french(text: str) -> str:
    """Typographic apostrophes become ', guillemets become spaces.

    Every replacement is one character for one, so entity offsets stay valid.
    """
    return _GUILLEMETS.sub(" ", text.translate(_APOSTROPHES))


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER], is_trainable=False)
class FrenchTextNormalizer(GraphComponent):
    """Rewrites the message text before spaCy sees it (spaCy tokenises ’ and «» badly)."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> FrenchTextNormalizer:
        return cls()

    @staticmethod
    def _normalize(message: Message) -> None:
        text = message.get(TEXT)
        if isinstance(text, str):
            message.set(TEXT, normalize_french(text))

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            self._normalize(message)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        for message in training_data.training_examples:
            self._normalize(message)
        return training_data


def latin_free(text: str) -> bool:
    """True for a message with letters, none of them Latin (Chinese, Arabic, Cyrillic…):
    neither French nor English, so whatever the classifier guessed, it did not read it.

    >>> latin_free("你好，我丢了我的社保号码"), latin_free("привет")
    (True, True)
    >>> latin_free("je suis né à Paris"), latin_free("I lost my carte Vitale")
    (False, False)
    >>> latin_free("06 12 34 56 78"), latin_free("👍")
    (False, False)
    """
    letters = [char for char in text if char.isalpha()]
    return bool(letters) and not any(unicodedata.name(c, "").startswith("LATIN") for c in letters)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class ForeignScriptFallback(GraphComponent):
    """A message written without a Latin letter gets the NLU fallback ("je ne suis pas sûr
    d'avoir compris"): the model knows French and English only, and its guess on such a
    text is noise (a Chinese "I lost my number" was read as a goodbye)."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> ForeignScriptFallback:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT)
            if isinstance(text, str) and latin_free(text):
                fallback = {INTENT_NAME_KEY: FALLBACK_INTENT, PREDICTED_CONFIDENCE_KEY: 1.0}
                ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r is not None]
                message.set(INTENT, fallback, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [fallback, *ranking], add_to_output=True)
        return messages


SPACY_PIPES_UNUSED = (
    "tok2vec",
    "morphologizer",
    "parser",
    "senter",
    "attribute_ruler",
    "lemmatizer",
    "ner",
)
"""spaCy components whose output nothing in config.yml reads. What Rasa's components take
from spaCy is its tokens (the rule-based tokenizer, not a component) and the static word
vectors (a table lookup): the count vectorisers count the words as typed
(``use_lemma: false``), the LexicalSyntacticFeaturizer reads spellings, not
part-of-speech tags, and no component reads spaCy's entities or dependencies. The network
behind the tags and lemmas (tok2vec, morphologizer) was most of spaCy's time a message and
a sixth of the server's CPU under load (issue #17); the named-entity recogniser, with a
network of its own, half of it before. Training loads spaCy the same way
(scripts/rasa_train.py). ``tests/unit/addons/test_lean_spacy.py`` checks that no
configured component reads what these give and that the configured featurizers' features
are the same with and without them."""

ORIGINAL_SPACY_LOAD = SpacyNLP.load_model


def load_spacy_without_unused_pipes(spacy_model_name: str) -> SpacyModel:
    """``SpacyNLP.load_model`` without the components nothing reads (not even loaded:
    less memory and a faster start), and with the vectors' key table reshaped
    (``addons/compact_spacy.py``: same answers, less memory)."""
    import spacy

    try:
        language = spacy.load(spacy_model_name, exclude=list(SPACY_PIPES_UNUSED))
    except OSError:  # not installed: Rasa's loader says so in its own words
        return ORIGINAL_SPACY_LOAD(spacy_model_name)
    compact(language)
    return SpacyModel(model=language, model_name=spacy_model_name)


_LOADED_SPACY: dict[str, SpacyModel] = {}


def load_spacy_once(spacy_model_name: str) -> SpacyModel:
    """One spaCy model per name and process.

    Rasa's prediction graph holds two ``SpacyNLP`` nodes, ``provide_SpacyNLP`` (whose
    ``provide()`` hands the model to the tokenizer and featurizers) and ``run_SpacyNLP``
    (whose ``process(messages, model)`` parses with the model it is handed by the first):
    each loaded ``fr_core_news_md`` on its own, 330 MB and 2 s for a copy nothing used.
    Both now get the same object; it is never modified after loading (spaCy only reads
    its weights and tables to parse), and a model reloaded through Rasa's API reuses it.
    """
    if spacy_model_name not in _LOADED_SPACY:
        _LOADED_SPACY[spacy_model_name] = load_spacy_without_unused_pipes(spacy_model_name)
    return _LOADED_SPACY[spacy_model_name]


def install() -> None:
    """Installed in the Rasa server process by ``addons.startup.install()``."""
    SpacyNLP.load_model = staticmethod(load_spacy_once)  # type: ignore[method-assign]
