"""Entities from the same lexicon and patterns the grader reads (bot.language.spans.extract).

One extractor for everyone: the tracker's entities are exactly the spans the grader quotes
(bot.language.spans.LABELS in lower case, each listed in domain.yml), so
there is no second, learned reading to disagree with it. Nothing is trained.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.language.spans import extract

EXTRACTOR = "LexiconEntities"


def entities(text: str) -> List[Dict[str, Any]]:
    return [
        {
            "entity": span.label.lower(),
            "value": span.text,
            "start": span.start,
            "end": span.end,
            "confidence_entity": 1.0,
            "extractor": EXTRACTOR,
        }
        for span in extract(text)
    ]


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class LexiconEntities(GraphComponent):
    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LexiconEntities:
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            # The text is already Simplified (TraditionalToSimplified, length-preserving), so the
            # spans' offsets are offsets into it. Before ControlIntentGuard, which clears them
            # from a command typed as text.
            message.set(ENTITIES, entities(message.get(TEXT) or ""), add_to_output=True)
        return messages
