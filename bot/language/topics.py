"""The topics a customer can ask about (one home: persona files name them, the customer raises and
reacts to them, the trainer's preview labels them, the grader judges whether they were answered)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, FrozenSet, Tuple


@dataclass(frozen=True)
class Topic:
    word: str  # how the customer says it: "那价格呢？"
    label: str  # how the trainer's preview names it
    answered_by: FrozenSet[str]  # trainee intents that answer it


# In the vocabulary of the call standard; the order persona files document.
TOPIC_TABLE: Dict[str, Topic] = {
    "price": Topic("价格", "价格", frozenset({"answer_price", "answer_finance"})),
    "models": Topic("车型", "车型/户型", frozenset({"answer_model", "answer_config"})),
    "configuration": Topic("配置", "配置", frozenset({"answer_config", "answer_model"})),
    "test_drive": Topic("试驾", "试驾/看样", frozenset({"invite_visit", "propose_time"})),
    "location": Topic("地址", "位置", frozenset({"give_address"})),
    "hours": Topic("营业时间", "营业时间", frozenset({"answer_hours"})),
    "finance": Topic("付款方式", "付款/贷款", frozenset({"answer_finance", "answer_price"})),
    "delivery": Topic("交付时间", "交付/进度", frozenset({"answer_delivery"})),
}
TOPICS: Tuple[str, ...] = tuple(TOPIC_TABLE)
ANSWERS: Dict[str, FrozenSet[str]] = {name: topic.answered_by for name, topic in TOPIC_TABLE.items()}


def answers(intent: str, topic: str) -> bool:
    return intent in ANSWERS.get(topic, frozenset())
