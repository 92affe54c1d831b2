"""Graph components that keep typed words from starting, ending or silencing a call.

`start_call`, `hangup` and `silence` are the product's own control payloads
(bot.messages.CONTROL_PAYLOADS); Rasa reads a `/start_call` payload with its RegexMessageHandler,
without the NLU. ControlExamplesFilter, first in the pipeline, drops their typed look-alikes from
the training data, so DIET never learns them as labels. ControlIntentGuard is the second line:
if the classifier still reads ordinary text as one of them, the next-best intent is used
instead, so no trainee turn can restart a call (which would drop the turns before it from the
grade) or hang it up. A command typed as text (`/goodbye`, sent on as `／goodbye`,
bot.messages.spoken) means nothing on a phone line: the customer asks to hear it again, and no
entity is read from it. Placed after DIET and before the FallbackClassifier, so a weak next-best
intent still becomes a "pardon?".
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.messages import CONTROL_INTENTS, ESCAPED_PREFIX, is_control


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class ControlIntentGuard(GraphComponent):
    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> ControlIntentGuard:
        return cls()

    @staticmethod
    def guard(message: Message) -> None:
        if (message.get(TEXT) or "").startswith(ESCAPED_PREFIX):
            message.set(INTENT, {"name": DEFAULT_NLU_FALLBACK_INTENT_NAME, "confidence": 1.0}, add_to_output=True)
            message.set(ENTITIES, [], add_to_output=True)
            return
        intent = message.get(INTENT) or {}
        if intent.get("name") not in CONTROL_INTENTS or is_control(message.get(TEXT) or ""):
            return
        ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") not in CONTROL_INTENTS]
        message.set(INTENT, dict(ranking[0]) if ranking else {"name": None, "confidence": 0.0}, add_to_output=True)
        message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self.guard(message)
        return messages


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class ControlExamplesFilter(GraphComponent):
    """Training data without the control intents' examples: what DIET can't learn, it can't predict.

    The examples stay in data/nlu.yml (`rasa data validate` wants every domain intent there, and
    cross-validation shows they are never predicted); every later component sees the data without them.
    """

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> ControlExamplesFilter:
        return cls()

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return TrainingData(
            training_examples=[m for m in training_data.training_examples if m.get(INTENT) not in CONTROL_INTENTS],
            entity_synonyms=training_data.entity_synonyms,
            regex_features=training_data.regex_features,
            lookup_tables=training_data.lookup_tables,
            responses=training_data.responses,
        )

    def process(self, messages: List[Message]) -> List[Message]:
        return messages
