"""The persona data model: what a trainer writes in a persona file, as typed values."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, FrozenSet, Mapping, Tuple

DIRECTIONS = ("inbound", "outbound")
DIFFICULTIES = ("easy", "normal", "hard")
CUSTOMER_CLASSES = ("A", "B", "C", "D", "E")


@dataclass(frozen=True)
class AgendaItem:
    """One question the customer raises, with alternative wordings. `answers` are words a trainee
    answer to it would contain (required for a topic beyond bot.language.topics.TOPICS, extra words
    for a built-in one); `word` is how the customer names the topic in 「那…呢？」."""

    topic: str
    asks: Tuple[str, ...]
    followups: Tuple[str, ...] = ()
    answers: Tuple[str, ...] = ()
    word: str = ""


@dataclass(frozen=True)
class Availability:
    """When the customer can come: weekdays 0=Mon..6=Sun and parts of the day."""

    days: FrozenSet[int]
    parts: FrozenSet[str]


@dataclass(frozen=True)
class Persona:
    id: str
    title: str
    industry: str
    direction: str
    difficulty: str
    company: str
    company_aliases: Tuple[str, ...]
    address: str
    surname: str
    honorific: str
    phone: str
    given_name: str = ""
    occupation: str = ""
    customer_address: str = ""  # where the customer is, for a visit to them (上门); "" when not given
    needs: Mapping[str, str] = field(default_factory=dict)
    customer_class: str = "C"
    agenda: Tuple[AgendaItem, ...] = ()
    patience: int = 4
    name_reluctance: int = 0
    phone_reluctance: int = 0
    price_push: int = 0
    busy_at_start: bool = False
    availability: Tuple[Availability, ...] = ()
    lines: Mapping[str, Tuple[str, ...]] = field(default_factory=dict)
    source: str = ""
    version: str = ""  # digest of the file's text: a call keeps the version it started with

    @property
    def addressed_as(self) -> str:
        """How a polite trainee addresses this customer: 王先生, 李总, 马师傅."""
        return f"{self.surname}{self.honorific}"

    def fill(self, template: str, **extra: str) -> str:
        """Fill a line template's {placeholders} from the persona and extra values."""
        values: Dict[str, str] = {
            "surname": self.surname,
            "honorific": self.honorific,
            "addressed_as": self.addressed_as,
            "phone": self.phone,
            "company": self.company,
            "address": self.address,
            "customer_address": self.customer_address,
            **{k: str(v) for k, v in self.needs.items()},
            **extra,
        }
        return template.format_map(_Default(values))


class _Default(dict):
    """format_map helper: an unknown placeholder stays visible instead of raising."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"
