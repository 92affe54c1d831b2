"""The customer's memory of one call, kept in the `call` slot between turns (JSON-safe)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Dict, List, Optional


@dataclass
class CallState:
    persona_id: str
    seed: int
    call_date: str  # ISO date: resolves "明天" / "周六" the same way on replay
    patience: int
    trainee_turns: int = 0
    agenda_index: int = 0
    pending: Optional[str] = None  # the topic of the customer's open question
    answered: List[str] = field(default_factory=list)
    agenda_done_said: bool = False
    name_asked: int = 0
    name_given: bool = False
    phone_asked: int = 0
    phone_given: bool = False
    price_pushes: int = 0
    address_known: bool = False
    agreed_slot: Optional[str] = None
    busy: bool = False
    ended_by: Optional[str] = None  # "customer" | "trainee"
    end_reason: Optional[str] = None  # goodbye | impatient | dragging | trainee_hangup
    trainee: str = ""  # name or id the trainee gave in the web widget
    rings: Optional[int] = None  # inbound: rings before the trainee picked up (web widget)

    @property
    def ended(self) -> bool:
        return self.ended_by is not None

    def to_dict(self) -> Dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Dict[str, Any]) -> CallState:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)
