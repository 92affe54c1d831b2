"""What the customer takes in from one trainee turn: the place, time, price and name stated, the
agenda topics the turn answers (by intent or by what it says), and a proposal to come over (上门).

Places and times come from bot.language.spans (one extraction per turn, shared with the time
reading); the patterns below are what the customer listens for beyond those spans.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, FrozenSet, Optional, Sequence, Tuple

from bot.language.schedule import Slot, proposed_slots
from bot.language.text import normalize
from bot.language.words import ADDRESS_LEAD_RE, PLACE_WORDS, SINGLE_SURNAMES
from bot.personas.model import Persona

if TYPE_CHECKING:
    from bot.language.spans import Span

# The topic an intent answers on its own, for a topic not asked yet. (topics.py is looser on
# purpose: a finance answer may settle an open price question, but shouldn't skip a later one.)
OWN_TOPIC = {
    "answer_price": "price",
    "answer_model": "models",
    "answer_config": "configuration",
    "answer_hours": "hours",
    "answer_finance": "finance",
    "answer_delivery": "delivery",
    "give_address": "location",
    "invite_visit": "test_drive",
    "propose_time": "test_drive",
}

# Not a landmark: the speaker's or the listener's own place (我们店旁边, 您家附近); a bare 旁边 is too short.
_NOT_A_LANDMARK = re.compile(r"^(?:我|您|你|他|她|这|那|店|公司)")
# A figure with a money unit: 十八万八, 18.8万, 两千块; not distances or counts (一万公里), nor 千万别.
PRICE_RE = re.compile(
    r"(?:\d+(?:\.\d+)?|[一二两三四五六七八九十][一二两三四五六七八九十百千]*)(?:万|块|元|千)[一二三四五六七八九\d]?(?!公里|里|次|人|平)"
)
# How long until it is ready: 当天就能弄好, 两个小时修好, 有现车.
DELIVERY_RE = re.compile(
    r"现车|现货|有货|到货|"
    r"(?:当天|[\d一二两三四五六七八九十半]+个?(?:小时|天|周|星期|礼拜|月))(?:就|之内|以内|内)?(?:能|可以)?"
    r"(?:修好|弄好|弄完|修完|换好|装好|开通|提车|交付|交房)|"
    r"(?:只要|大概|差不多|需要|得)[\d一二两三四五六七八九十半]+个?(?:小时|天|周|星期|礼拜|月)"
)
FINANCE_RE = re.compile(r"首付|分期|月供|按揭|贷款|利率|利息|全款|公积金")
HOURS_RE = re.compile(r"开门|关门|下班|上班|营业|开到|全天|24小时")
# The trainee proposes to come to the customer (上门, 登门拜访).
VISIT_RE = re.compile(r"上门|登门|拜访您|拜访一下您|过去找您|去找您|(?:去|到)(?:您|贵)(?:那|公司|单位|办公室|家|店)")
# The trainee's own name as said: 小李, 老王, 我姓陈.
TRAINEE_NAME_RE = re.compile(
    rf"(?:我是|我叫|找我|顾问|经理|专员|我)([小老][{SINGLE_SURNAMES}])|我姓([{SINGLE_SURNAMES}])"
)
_QUESTION_RE = re.compile(r"[？?]|[吗呢][。！!]?$")


@dataclass(frozen=True)
class Said:
    place: Optional[str]  # a concrete place named: an address, a landmark, either party's own address
    slots: Tuple[Slot, ...]  # the times offered, in order
    price: Optional[str]
    name: Optional[str]
    visit: bool  # the trainee proposes to come over (上门)
    topics: FrozenSet[str]  # agenda topics this turn answers

    @property
    def time(self) -> Optional[str]:
        concrete = [slot.words for slot in self.slots if slot.concrete]
        return "还是".join(concrete) or None


NOTHING_SAID = Said(place=None, slots=(), price=None, name=None, visit=False, topics=frozenset())


def read_turn(text: str, intent: str, persona: Persona, today: date) -> Said:
    if not text.strip():
        return NOTHING_SAID
    from bot.language.spans import extract  # spaCy and jieba load on the first turn, not on import

    said = normalize(text)
    spans = extract(text)
    place = concrete_place(said, spans, persona)
    price = PRICE_RE.search(said)
    name = TRAINEE_NAME_RE.search(said)
    return Said(
        place=place,
        slots=tuple(proposed_slots(text, today, spans)),
        price=price.group() if price else None,
        name=(name.group(1) or name.group(2)) if name else None,
        visit=bool(VISIT_RE.search(said)),
        topics=_topics(said, intent, spans, persona, place, bool(price)),
    )


def concrete_place(said: str, spans: Sequence[Span], persona: Persona) -> Optional[str]:
    """The longest concrete place in the turn: either party's own address, a street address or a
    landmark (地铁二号线出口对面); a venue word alone (展厅, 店里) says where nothing is."""
    found = [a for a in (persona.address, persona.customer_address) if a and normalize(a) in said]
    for span in spans:
        if span.label == "ADDRESS" or (span.label == "PLACE" and span.text not in PLACE_WORDS):
            found.append(span.text)
        elif span.label == "LANDMARK":  # "我们展厅在人民医院对面" -> "人民医院对面"
            lead = ADDRESS_LEAD_RE.match(span.text)
            landmark = span.text[lead.end() if lead else 0 :]
            if len(landmark) >= 4 and not _NOT_A_LANDMARK.match(landmark):
                found.append(landmark)
    return max(found, key=len) if found else None


def _topics(
    said: str, intent: str, spans: Sequence[Span], persona: Persona, place: Optional[str], price: bool
) -> FrozenSet[str]:
    clocks = [s for s in spans if s.label == "CLOCK"]
    statement = not _QUESTION_RE.search(said)
    content = {
        "price": price,
        "location": place is not None,
        "delivery": bool(DELIVERY_RE.search(said)),
        "finance": statement and bool(FINANCE_RE.search(said)),
        "hours": (bool(HOURS_RE.search(said)) and (bool(clocks) or "24小时" in said or "全天" in said))
        or (len(clocks) >= 2 and bool(re.search("到|至", said[clocks[0].start : clocks[1].start]))),
    }
    topics = {topic for topic, heard in content.items() if heard}
    if intent in OWN_TOPIC:
        topics.add(OWN_TOPIC[intent])
    for item in persona.agenda:
        if any(word and normalize(word) in said for word in item.answers):
            topics.add(item.topic)
    return frozenset(topics)
