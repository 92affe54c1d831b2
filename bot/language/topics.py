"""The topics a customer can ask about (one home, data/lexicon.yml `topics`: persona files name
them, the customer raises and reacts to them, the trainer's preview labels them, the grader judges
whether they were answered)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, FrozenSet, Tuple

from bot.language.words import lexicon


@dataclass(frozen=True)
class Topic:
    word: str  # how the customer says it: "那价格呢？"
    label: str  # how the trainer's preview names it
    answered_by: FrozenSet[str]  # trainee intents that answer it
    keywords: Tuple[str, ...] = ()  # words that tell a customer's question is about it


# In the vocabulary of the call standard; the order persona files document.
TOPIC_TABLE: Dict[str, Topic] = {
    name: Topic(t.word, t.label, t.answered_by, t.keywords) for name, t in lexicon().topics.items()
}
TOPICS: Tuple[str, ...] = tuple(TOPIC_TABLE)
ANSWERS: Dict[str, FrozenSet[str]] = {name: topic.answered_by for name, topic in TOPIC_TABLE.items()}


def answers(intent: str, topic: str) -> bool:
    return intent in ANSWERS.get(topic, frozenset())
