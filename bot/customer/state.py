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
    end_reason: Optional[str] = None  # goodbye | impatient | dragging | misheard | trainee_hangup
    trainee: str = ""  # name or id the trainee gave in the web widget
    rings: Optional[int] = None  # inbound: rings before the trainee picked up (web widget)
    persona_version: str = ""  # the persona file version the call started on (Persona.version)
    misheard_in_a_row: int = 0  # unclear, non-Chinese or silent turns in a row (bot.customer.misheard)
    last_misheard_turn: int = 0  # the trainee turn number of the latest one (0: none yet)
    # What the customer heard the trainee state (bot.customer.memory): the latest of each, as said.
    heard_place: Optional[str] = None  # 滨江路188号, 地铁二号线出口对面
    heard_time: Optional[str] = None  # the concrete time(s) offered: 周六上午还是周日下午
    heard_price: Optional[str] = None  # 十八万八
    heard_name: Optional[str] = None  # the trainee's own name: 小李
    # Facts for grading a live call, beside agreed_slot and name_given.
    agreed_place: Optional[str] = None  # where the visit is: the trainee's place, or the customer's (上门)
    visit_to_customer: bool = False  # the agreed visit is the trainee coming to the customer (上门)
    name_form: str = ""  # the name as the customer gave it: 王 (surname) or 马长海 (full name)
    phone_said: str = ""  # the number the customer gave
    # The customer's own course through the call.
    invitations: int = 0  # concrete invitations heard (a class D/E customer wants more than one)
    counter_offers: int = 0
    offered_slot: Optional[str] = None  # the customer's latest counter-offer: 周六上午
    place_followup_said: bool = False  # 「那地铁能到吗？」 is asked once, after the first place heard
    aside_open: bool = False  # that follow-up is the customer's last question: the agenda resumes next turn
    used_lines: Dict[str, List[int]] = field(default_factory=dict)  # line options said, per line key

    @property
    def ended(self) -> bool:
        return self.ended_by is not None

    def to_dict(self) -> Dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Dict[str, Any]) -> CallState:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)
