"""Which trainee intents answer which customer question topics (one home for the mapping:
the customer uses it to react, the grader to judge question handling)."""

from __future__ import annotations

from typing import Dict, FrozenSet

ANSWERS: Dict[str, FrozenSet[str]] = {
    "price": frozenset({"answer_price", "answer_finance"}),
    "models": frozenset({"answer_model", "answer_config"}),
    "configuration": frozenset({"answer_config", "answer_model"}),
    "test_drive": frozenset({"invite_visit", "propose_time"}),
    "location": frozenset({"give_address"}),
    "hours": frozenset({"answer_hours"}),
    "finance": frozenset({"answer_finance", "answer_price"}),
    "delivery": frozenset({"answer_delivery"}),
}

ANSWER_INTENTS: FrozenSet[str] = frozenset().union(*ANSWERS.values()) - {"invite_visit", "propose_time"}


def answers(intent: str, topic: str) -> bool:
    return intent in ANSWERS.get(topic, frozenset())
