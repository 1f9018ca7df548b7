"""Finds social-security numbers (NIR) in a message, whatever their typing.

DIET does not learn digit patterns reliably (RasaHQ/rasa#9843): this component uses
``secu.nir.find_nirs`` instead. It adds a ``nir`` entity whose value is the *masked*
number (nothing identifying), and makes the message a ``check_nir`` request: a number
typed in the chat is checked, then forgotten. The number itself stays in the message
text only in memory; the redacting tracker store and the log filter mask it on the way
to any storage.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    EXTRACTOR,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from secu.nir import find_nirs, mask

NIR_ENTITY = "nir"
CHECK_INTENT = "check_nir"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class NIRExtractor(GraphComponent):
    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> NIRExtractor:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT)
            if not isinstance(text, str) or text.startswith("/"):
                continue  # button payloads carry intents, not numbers
            matches = find_nirs(text)
            if not matches:
                continue
            entities = [e for e in message.get(ENTITIES, []) if not _overlaps(e, matches)]
            entities += [
                {
                    ENTITY_ATTRIBUTE_TYPE: NIR_ENTITY,
                    ENTITY_ATTRIBUTE_START: match.start,
                    ENTITY_ATTRIBUTE_END: match.end,
                    ENTITY_ATTRIBUTE_VALUE: mask(match.compact),
                    EXTRACTOR: self.__class__.__name__,
                }
                for match in matches
            ]
            message.set(ENTITIES, entities, add_to_output=True)
            intent = {INTENT_NAME_KEY: CHECK_INTENT, PREDICTED_CONFIDENCE_KEY: 1.0}
            message.set(INTENT, intent, add_to_output=True)
            ranking = [
                r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") != CHECK_INTENT
            ]
            message.set(INTENT_RANKING_KEY, [intent, *ranking], add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data


def _overlaps(entity: dict[str, Any], matches: list[Any]) -> bool:
    """Digits of a NIR mistaken by DIET for a postal code or a department."""
    start, end = entity.get(ENTITY_ATTRIBUTE_START), entity.get(ENTITY_ATTRIBUTE_END)
    if start is None or end is None:
        return False
    return any(start < m.end and m.start < end for m in matches)
