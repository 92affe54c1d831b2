"""The transcript format (YAML) shared by recorded rehearsals, typed-up real calls and fixtures.

call:
  direction: inbound            # inbound: the customer called; outbound: the trainee called
  company: 星辰汽车4S店           # the trainee's company
  company_aliases: [星辰汽车]     # optional
  address: 滨江路88号            # optional: where the trainee works
  customer: {surname: 马, honorific: 师傅}   # optional: known before the call (outbound)
  persona: car_showroom_inbound # optional: company and customer taken from the persona file
  rings: 2                      # optional, inbound: rings before the trainee picked up
turns:
  - trainee: 您好,星辰汽车4S店,销售顾问小李为您服务!
  - customer: 你好,我想问一下X5什么价格?
  - hangup: customer            # optional last entry: who put the phone down first
rehearsal: {id, trainee, date, source, started_at, ended_at, ...}   # `bot export` only
scorecard: {...}                # `bot export` only: the stored grade (ignored when grading)
record_card: {...}              # `bot export` only: the trainee's record card and its check
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from bot.errors import FieldError, yaml_line
from bot.yaml_io import YAMLError, dump, load_lines

SPEAKERS = ("trainee", "customer")


class TranscriptError(FieldError):
    """A malformed transcript: names the file, the entry and what is wrong."""

    def __init__(self, path: str, entry: str, message: str, line: Optional[int] = None) -> None:
        super().__init__(entry, message, path, line)
        self.entry = entry


@dataclass(frozen=True)
class Turn:
    number: int  # 1-based position over the whole transcript
    speaker: str  # trainee | customer
    text: str


@dataclass(frozen=True)
class CallInfo:
    direction: str = "inbound"
    company: str = ""
    company_aliases: Tuple[str, ...] = ()
    address: str = ""
    customer_surname: str = ""
    customer_honorific: str = ""
    persona: str = ""
    rings: Optional[int] = None  # inbound: rings before pick-up, when recorded (web widget)

    @classmethod
    def from_persona(cls, persona: Any, rings: Optional[int] = None) -> CallInfo:
        """What a persona says about its call: the trainee's company and the customer's name."""
        return cls(
            direction=persona.direction,
            company=persona.company,
            company_aliases=persona.company_aliases,
            address=persona.address,
            customer_surname=persona.surname,
            customer_honorific=persona.honorific,
            persona=persona.id,
            rings=rings,
        )


@dataclass(frozen=True)
class Transcript:
    call: CallInfo
    turns: Tuple[Turn, ...]
    hangup: Optional[str] = None  # who hung up first, if recorded
    source: str = ""

    @property
    def trainee_turns(self) -> List[Turn]:
        return [t for t in self.turns if t.speaker == "trainee"]

    def to_yaml(self, **sections: Any) -> str:
        """The file; `sections` are extra top-level entries (an export's scorecard, record card)."""
        return dump({**self.to_data(), **sections})

    def to_data(self) -> Dict[str, Any]:
        call: Dict[str, Any] = {"direction": self.call.direction, "company": self.call.company}
        if self.call.company_aliases:
            call["company_aliases"] = list(self.call.company_aliases)
        if self.call.address:
            call["address"] = self.call.address
        if self.call.customer_surname:
            call["customer"] = {"surname": self.call.customer_surname, "honorific": self.call.customer_honorific}
        if self.call.persona:
            call["persona"] = self.call.persona
        if self.call.rings is not None:
            call["rings"] = self.call.rings
        turns: List[Dict[str, str]] = [{t.speaker: t.text} for t in self.turns]
        if self.hangup:
            turns.append({"hangup": self.hangup})
        return {"call": call, "turns": turns}


def load_transcript(path: Path, personas=None) -> Transcript:
    """Read one transcript file; TranscriptError names the entry that is wrong."""
    name = str(path)
    try:
        root = load_lines(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise TranscriptError(name, "file", f"cannot be read: {error}") from error
    except YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise TranscriptError(
            name, "yaml", str(getattr(error, "problem", error)), mark.line + 1 if mark else None
        ) from error
    return parse_transcript(root, name, personas)


def parse_transcript(root: Any, name: str = "<transcript>", personas=None) -> Transcript:
    if not isinstance(root, dict):
        raise TranscriptError(name, "file", "must be a mapping with `call` and `turns`")
    call_node = root.get("call")
    if not isinstance(call_node, dict):
        raise TranscriptError(
            name, "call", "is required and must be a mapping", yaml_line(root, "call") if "call" in root else None
        )
    call = _call_info(call_node, name, personas)
    turns_node = root.get("turns")
    if not isinstance(turns_node, list) or not turns_node:
        raise TranscriptError(
            name,
            "turns",
            "must be a non-empty list of {trainee: ...} / {customer: ...} entries",
            yaml_line(root, "turns") if "turns" in root else None,
        )
    turns: List[Turn] = []
    hangup: Optional[str] = None
    for i, entry in enumerate(turns_node):
        where = f"turns[{i + 1}]"
        line = yaml_line(turns_node, i)
        if not isinstance(entry, dict) or len(entry) != 1:
            raise TranscriptError(name, where, "must have exactly one key: trainee, customer or hangup", line)
        ((speaker, value),) = entry.items()
        if speaker == "hangup":
            if i != len(turns_node) - 1:
                raise TranscriptError(name, where, "hangup must be the last entry", line)
            if value not in SPEAKERS:
                raise TranscriptError(name, where, f"hangup must be trainee or customer, got {value!r}", line)
            hangup = value
            continue
        if speaker not in SPEAKERS:
            raise TranscriptError(name, where, f"unknown speaker {speaker!r}; use trainee, customer or hangup", line)
        if not isinstance(value, (str, int, float)) or not str(value).strip():
            raise TranscriptError(name, where, f"{speaker} text must be a non-empty string", line)
        turns.append(Turn(number=len(turns) + 1, speaker=speaker, text=str(value).strip()))
    if not any(t.speaker == "trainee" for t in turns):
        raise TranscriptError(name, "turns", "has no trainee turn to grade")
    return Transcript(call=call, turns=tuple(turns), hangup=hangup, source=name)


def _call_info(node: Dict[str, Any], name: str, personas) -> CallInfo:
    def text(key: str, default: str = "") -> str:
        value = node.get(key, default)
        if value is None:
            return default
        if not isinstance(value, (str, int)):
            raise TranscriptError(name, f"call.{key}", "must be a string", yaml_line(node, key))
        return str(value)

    values: Dict[str, Any] = {}
    persona_id = text("persona")
    if persona_id:
        from bot.personas.registry import UnknownPersona, default_registry

        try:
            persona = (personas or default_registry()).get(persona_id)
        except UnknownPersona:
            raise TranscriptError(
                name, "call.persona", f"unknown or invalid persona {persona_id!r}", yaml_line(node, "persona")
            ) from None
        values = asdict(CallInfo.from_persona(persona))
    direction = text("direction", values.get("direction", ""))
    if direction not in ("inbound", "outbound"):
        raise TranscriptError(
            name,
            "call.direction",
            f"must be inbound or outbound, got {direction!r}",
            yaml_line(node, "direction") if "direction" in node else None,
        )
    company = text("company", values.get("company", ""))
    if not company:
        raise TranscriptError(name, "call.company", "is required (or give call.persona)")
    aliases = node.get("company_aliases", values.get("company_aliases", ()))
    if isinstance(aliases, str):
        aliases = [aliases]
    if not isinstance(aliases, (list, tuple)) or not all(isinstance(a, str) for a in aliases):
        raise TranscriptError(
            name, "call.company_aliases", "must be a list of strings", yaml_line(node, "company_aliases")
        )
    rings = node.get("rings")
    if rings is not None and (not isinstance(rings, int) or isinstance(rings, bool) or rings < 0):
        raise TranscriptError(
            name, "call.rings", f"must be a whole number >= 0, got {rings!r}", yaml_line(node, "rings")
        )
    customer = node.get("customer") or {}
    if not isinstance(customer, dict):
        raise TranscriptError(
            name, "call.customer", "must be a mapping with surname and honorific", yaml_line(node, "customer")
        )
    return CallInfo(
        direction=direction,
        company=company,
        company_aliases=tuple(aliases),
        address=text("address", values.get("address", "")),
        customer_surname=str(customer.get("surname") or values.get("customer_surname", "")),
        customer_honorific=str(customer.get("honorific") or values.get("customer_honorific", "")),
        persona=persona_id,
        rings=rings,
    )
