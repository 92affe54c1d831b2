"""The caller record card (来电客户信息表) a trainee fills in after the call, checked against what
the customer actually said (call-standard.md, inbound step 11), and the follow-up cadence its
customer class implies (seed 001: 客户分级 A–E)."""

from __future__ import annotations

import contextlib
import re
import warnings
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

import cn2an

from bot.customer.state import CallState
from bot.errors import FieldError
from bot.grading.rubric import load_rubric
from bot.language.schedule import proposed_slots
from bot.language.text import normalize
from bot.personas.model import CUSTOMER_CLASSES, Persona

# Seed 001 (truck service station): what each class means and how often to call back (data/rubric.yml).
CADENCE: Mapping[str, Tuple[str, str]] = load_rubric().cadence
FIELDS: Mapping[str, str] = {
    "name": "客户姓名",
    "phone": "联系电话",
    "interest": "意向（车型/户型）",
    "budget": "预算",
    "visit": "约定到访时间",
    "class": "客户等级",
}
# The card fits the call: an inbound caller is recorded from scratch; on an outbound call the
# trainee dialled a known customer, so the name and number are on the card before the call.
FORMS: Mapping[str, Dict[str, Any]] = {
    "inbound": {
        "title": "来电客户信息表",
        "hint": "通话后立即记录：只填客户在电话里真正说过的信息，没说的留空。",
        "known": (),
    },
    "outbound": {
        "title": "回访预约记录表",
        "hint": "拨出前已知的客户姓名和电话已填好；其余只填客户在这通电话里说过的信息，没说的留空。",
        "known": ("name", "phone"),
    },
}
# What the call revealed caps the class a trainee can know (the persona's class is the ceiling):
# an agreed visit shows intent (C at most); nothing said about timing or a visit leaves D.
VISIT_CLASS, UNREVEALED_CLASS = "C", "D"
MAX_FIELD_CHARS = 100
NOT_SAID = "（客户没有说）"
# What a trainee writes for "the customer didn't tell me".
BLANK = re.compile(r"^(?:无|没有|没说|未说|未知|不详|不知道|未留|暂无|未约|没约|待定|/|-|—|－)?$")
PARTS_SPLIT = re.compile(r"[，,、；;。\s]+")
ALNUM = re.compile(r"[A-Za-z0-9]+")
NUMBER = re.compile(r"(\d+(?:\.\d+)?)\s*(百万|万|w|W|千|k|K)?")
SCALE = {"百万": 1_000_000, "万": 10_000, "w": 10_000, "W": 10_000, "千": 1_000, "k": 1_000, "K": 1_000}


class RecordCardError(FieldError):
    """A record card that can't be checked: names the field."""


@dataclass(frozen=True)
class CallFacts:
    """What the trainee could have learnt on the call. Empty strings: never said."""

    surname: str
    addressed_as: str
    phone: str
    interest: Tuple[str, ...]
    budget: str
    visit: str
    customer_class: str
    today: date
    class_reason: str = ""  # the facts the call revealed that point to customer_class

    @classmethod
    def from_call(cls, persona: Persona, state: CallState, customer_lines: Sequence[str]) -> CallFacts:
        said = normalize("\n".join(customer_lines))
        interest_parts = [p for p in PARTS_SPLIT.split(normalize(persona.needs.get("interest", ""))) if p]
        budget = normalize(persona.needs.get("budget", ""))
        dialled = persona.direction == "outbound"  # the trainee called a known name and number
        known_name = state.name_given or dialled
        customer_class, class_reason = revealed_class(persona, state, said)
        return cls(
            surname=persona.surname if known_name else "",
            addressed_as=persona.addressed_as if known_name else "",
            phone=persona.phone if state.phone_given or dialled else "",
            interest=tuple(p for p in interest_parts if _mentioned(p, said)),
            budget=budget if budget and budget in said else "",
            visit=state.agreed_slot or "",
            customer_class=customer_class,
            today=date.fromisoformat(state.call_date),
            class_reason=class_reason,
        )


def revealed_class(persona: Persona, state: CallState, said: str) -> Tuple[str, str]:
    """The class the call supports, never more urgent than the persona's, and the facts behind it."""
    timing = normalize(persona.needs.get("timing", ""))
    if timing and timing in said:
        return persona.customer_class, f"客户说过「{timing}」"
    if state.agreed_slot:
        supported, reason = VISIT_CLASS, f"客户没说购买时间，但约了{state.agreed_slot}到访，说明有意向"
    else:
        supported, reason = UNREVEALED_CLASS, "通话中客户没有说购买时间，也没有约到访"
    return max(persona.customer_class, supported), reason  # "A" < "E": the less urgent of the two


@dataclass(frozen=True)
class FieldResult:
    field: str
    label: str
    given: str
    expected: str
    correct: bool
    feedback: str


@dataclass(frozen=True)
class RecordCardResult:
    fields: Tuple[FieldResult, ...]
    chosen_class: str
    right_class: str

    @property
    def correct(self) -> int:
        return sum(f.correct for f in self.fields)

    def to_dict(self) -> Dict[str, Any]:
        return {
            "correct": self.correct,
            "total": len(self.fields),
            "fields": [asdict(f) for f in self.fields],
            "cadence": cadence(self.chosen_class),
            "right_cadence": cadence(self.right_class),
        }


def cadence(customer_class: str) -> Optional[Dict[str, str]]:
    if customer_class not in CADENCE:
        return None
    meaning, next_call = CADENCE[customer_class]
    return {"class": customer_class, "meaning": meaning, "next_call": next_call}


def with_known_fields(card: Dict[str, str], persona: Persona) -> Dict[str, str]:
    """The card with the fields the trainee knew before the call (an outbound call's name and
    number) taken from the persona, whatever the client sent for them."""
    known = {"name": persona.addressed_as, "phone": persona.phone}
    return {**card, **{field: known[field] for field in FORMS[persona.direction]["known"]}}


def parse_card(data: Any) -> Dict[str, str]:
    """The submitted card as {field: text}; RecordCardError names the first bad field."""
    if not isinstance(data, dict):
        raise RecordCardError("card", "must be an object with the fields " + ", ".join(FIELDS))
    card: Dict[str, str] = {}
    for field in FIELDS:
        value = data.get(field, "")
        if value is None:
            value = ""
        if not isinstance(value, str):
            raise RecordCardError(field, "must be text")
        value = value.strip()
        if len(value) > MAX_FIELD_CHARS:
            raise RecordCardError(field, f"is {len(value)} characters; at most {MAX_FIELD_CHARS}")
        card[field] = value
    if card["class"] and card["class"].upper() not in CUSTOMER_CLASSES:
        raise RecordCardError("class", "must be one of A, B, C, D, E")
    card["class"] = card["class"].upper()
    return card


def check_card(card: Mapping[str, str], facts: CallFacts) -> RecordCardResult:
    text = {k: normalize(v) for k, v in card.items()}
    results = [
        _name(text["name"], facts),
        _phone(text["phone"], facts),
        _interest(text["interest"], facts),
        _budget(text["budget"], facts),
        _visit(text["visit"], facts),
        _class(text["class"], facts),
    ]
    return RecordCardResult(
        fields=tuple(
            FieldResult(field, FIELDS[field], card.get(field, ""), expected, ok, feedback)
            for field, expected, ok, feedback in results
        ),
        chosen_class=text["class"],
        right_class=facts.customer_class,
    )


Check = Tuple[str, str, bool, str]


def _unsaid(field: str, given: str) -> Check:
    if BLANK.match(given):
        return field, NOT_SAID, True, "客户没有提供，留空正确。"
    return field, NOT_SAID, False, "客户在通话中没有说过，不要凭猜测填写。"


def _missing(field: str, expected: str) -> Check:
    return field, expected, False, f"客户说过「{expected}」，记录卡上漏填了。"


def _name(given: str, facts: CallFacts) -> Check:
    if not facts.surname:
        return _unsaid("name", given)
    if BLANK.match(given):
        return _missing("name", facts.addressed_as)
    if facts.surname in given:
        return "name", facts.addressed_as, True, "姓氏正确。"
    return "name", facts.addressed_as, False, f"客户姓{facts.surname}（{facts.addressed_as}），记录的姓氏不对。"


def _phone(given: str, facts: CallFacts) -> Check:
    if not facts.phone:
        return _unsaid("phone", given)
    digits = re.sub(r"\D", "", given)
    if not digits:
        return _missing("phone", facts.phone)
    if digits == facts.phone:
        return "phone", facts.phone, True, "电话号码正确。"
    return "phone", facts.phone, False, f"号码应为{facts.phone}，记录的是{digits}：一位之差就联系不上客户。"


def _interest(given: str, facts: CallFacts) -> Check:
    if not facts.interest:
        return _unsaid("interest", given)
    expected = "，".join(facts.interest)
    if BLANK.match(given):
        return _missing("interest", expected)
    if any(_overlaps(given, part) for part in facts.interest):
        return "interest", expected, True, "意向记录正确。"
    return "interest", expected, False, f"客户的意向是「{expected}」，与记录不符。"


def _budget(given: str, facts: CallFacts) -> Check:
    if not facts.budget:
        return _unsaid("budget", given)
    if BLANK.match(given):
        return _missing("budget", facts.budget)
    if given in facts.budget or facts.budget in given or _amounts(given) & _amounts(facts.budget):
        return "budget", facts.budget, True, "预算记录正确。"
    return "budget", facts.budget, False, f"客户说的预算是{facts.budget}，与记录不符。"


def _visit(given: str, facts: CallFacts) -> Check:
    if not facts.visit:
        if BLANK.match(given):
            return "visit", "（没有约定）", True, "没有约定到访，记录正确。"
        return "visit", "（没有约定）", False, "通话中没有约定到访时间，不要填写未约定的时间。"
    if BLANK.match(given):
        return _missing("visit", facts.visit)
    agreed = proposed_slots(facts.visit, facts.today)
    written = proposed_slots(given, facts.today)
    if facts.visit in given or any(_same_slot(a, w) for a in agreed for w in written):
        return "visit", facts.visit, True, "到访时间记录正确。"
    return "visit", facts.visit, False, f"约定的是{facts.visit}，与记录不符。"


def _class(given: str, facts: CallFacts) -> Check:
    right = facts.customer_class
    meaning = CADENCE[right][0]
    why = f"依据：{facts.class_reason}。" if facts.class_reason else ""
    if not given:
        return "class", right, False, f"没有给客户分级。应为{right}类（{meaning}）。{why}"
    if given == right:
        return "class", right, True, f"{right}类：{meaning}。{why}"
    return "class", right, False, f"应为{right}类（{meaning}），不是{given}类（{CADENCE[given][0]}）。{why}"


def _mentioned(part: str, said: str) -> bool:
    """Whether a fact was said: the phrase itself, or its model code (星辰X5 -> X5)."""
    return part in said or any(len(code) >= 2 and code in said for code in ALNUM.findall(part))


def _overlaps(given: str, part: str) -> bool:
    if part in given or (len(given) >= 2 and given in part):
        return True
    codes = {c.upper() for c in ALNUM.findall(part) if len(c) >= 2}
    return bool(codes & {c.upper() for c in ALNUM.findall(given)})


def _amounts(text: str) -> set:
    """Amounts in yuan: 20万, 二十万, 150万, 一百五十万 -> {200000}, ..."""
    with warnings.catch_warnings():  # cn2an warns about the parts it leaves alone ("20万")
        warnings.simplefilter("ignore")
        with contextlib.suppress(ValueError, KeyError):
            text = cn2an.transform(text, "cn2an")
    return {round(float(number) * SCALE.get(unit, 1)) for number, unit in NUMBER.findall(text)}


def _same_slot(a, b) -> bool:
    days = bool(a.weekdays and b.weekdays and (a.weekdays & b.weekdays))
    return days and (a.part is None or b.part is None or a.part == b.part)


def customer_lines(pairs: Sequence[Tuple[str, str]]) -> List[str]:
    return [text for speaker, text in pairs if speaker == "customer"]
