"""A graph component that keeps typed words from starting or ending a call.

`start_call` and `hangup` are the product's own control payloads (bot.messages.CONTROL_PAYLOADS).
If the classifier reads ordinary text as one of them ("开始", a typo, gibberish), the next-best
intent is used instead, so no trainee turn can restart a call (which would drop the turns before
it from the grade) or hang it up. A command typed as text (`/goodbye`, sent on as `／goodbye`,
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
