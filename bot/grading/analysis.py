"""Each turn of a transcript read once: normalised text, NLU intent/entities (trainee turns), spans."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Sequence, Tuple

from bot.language.spans import Span, extract
from bot.language.text import normalize
from bot.transcript import Transcript, Turn

# text -> {"intent": {"name": ...}, "entities": [...]} (Rasa parse data)
Parse = Callable[[str], Dict[str, Any]]


@dataclass(frozen=True)
class ReadTurn:
    turn: Turn
    text: str  # Simplified, folded
    intent: str  # "" for customer turns
    entities: Tuple[Dict[str, Any], ...]
    spans: Tuple[Span, ...]

    @property
    def number(self) -> int:
        return self.turn.number

    @property
    def speaker(self) -> str:
        return self.turn.speaker

    def labels(self, *labels: str) -> List[Span]:
        return [s for s in self.spans if s.label in labels]


def read(transcript: Transcript, parse: Parse) -> List[ReadTurn]:
    turns = []
    for turn in transcript.turns:
        text = normalize(turn.text)
        intent, entities = "", ()
        if turn.speaker == "trainee":
            data = parse(turn.text) or {}
            intent = ((data.get("intent") or {}).get("name")) or ""
            entities = tuple(data.get("entities") or ())
        turns.append(ReadTurn(turn, text, intent, entities, tuple(extract(text))))
    return turns


def parse_from(parses: Sequence[Dict[str, Any]]) -> Parse:
    """A Parse that answers from parse data already recorded (the tracker's user events)."""
    by_text = {p.get("text"): p for p in parses if p.get("text")}
    return lambda text: by_text.get(text, {})
