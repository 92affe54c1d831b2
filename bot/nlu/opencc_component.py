"""A graph component that converts Traditional Chinese input to Simplified before tokenizing.

Placed first in the pipeline so training data, live messages (shell, REST, socketio) and the
grader all see the same script.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.language.text import normalize


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class TraditionalToSimplified(GraphComponent):
    """Rewrites the message text to Simplified Chinese (OpenCC t2s), length-preserving."""

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> TraditionalToSimplified:
        return cls()

    @staticmethod
    def _convert(message: Message) -> None:
        text = message.get(TEXT)
        if text:
            message.set(TEXT, normalize(text))
        # Annotated values too, or the synonym mapper learns 李总 -> 李總.
        for entity in message.get(ENTITIES) or []:
            if isinstance(entity.get("value"), str):
                entity["value"] = normalize(entity["value"])

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        for example in training_data.training_examples:
            self._convert(example)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self._convert(message)
        return messages
