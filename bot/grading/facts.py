"""What a call agreed, as facts rather than strings: the visit time as a normalised slot (weekdays,
part of the day, clock minute: 周六上午十点 = 礼拜六早上十点), places compared by their street and
number, phone numbers by their digits. Live calls pass the simulator's own record (LiveFacts);
a transcript without it is read from its text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Callable, FrozenSet, Iterator, List, Optional, Sequence, Tuple

from bot.language.schedule import OPTION_SPLIT, Slot, cn_number, proposed_slots
from bot.language.text import normalize
from bot.language.words import PARTS_OF_DAY, phone_digits

if TYPE_CHECKING:
    from bot.grading.analysis import ReadTurn

REFERENCE_DATE = date(2026, 1, 5)  # for weekday arithmetic only: concreteness doesn't depend on it
PLACE_LABELS = ("ADDRESS", "LANDMARK", "PLACE")
_NUMBER = re.compile(r"[零一二两三四五六七八九十百]+(?=号|楼|栋|座)")


@dataclass(frozen=True)
class LiveFacts:
    """What the simulated customer recorded during a live call (bot/customer/state.py); each optional."""

    surname: Optional[str] = None  # the surname the customer gave
    agreed_slot: Optional[str] = None  # the last agreed time in words, e.g. "周六上午十点"
    agreed_place: Optional[str] = None  # the agreed place in words, e.g. "滨江路188号"
    customer_phone: Optional[str] = None  # the number the customer gave


@dataclass(frozen=True)
class When:
    """A time as agreed so far: each part may still be open."""

    weekdays: Optional[FrozenSet[int]] = None
    part: Optional[str] = None
    minute: Optional[int] = None

    @property
    def concrete(self) -> bool:
        """A day plus a part of the day or a clock time (call-standard.md, invitation)."""
        return bool(self.weekdays) and (self.part is not None or self.minute is not None)

    def then(self, slot: Slot) -> When:
        """This time after `slot` was said: a new day replaces it all, a part of the day or a clock
        time alone refines it (「十点半吧」 keeps the day and the part)."""
        if slot.weekdays and slot.weekdays != self.weekdays:
            return When(slot.weekdays, slot.part, slot.minute)
        said_part = any(word in slot.words for word in PARTS_OF_DAY)  # not just inferred from a clock
        part = slot.part if said_part or self.part is None else self.part
        minute = slot.minute
        if minute is not None and part in ("下午", "晚上") and minute < 12 * 60:
            minute += 12 * 60
        if minute is None and part == self.part:
            minute = self.minute
        return When(self.weekdays, part, minute)

    def restated_by(self, slot: Slot) -> bool:
        """`slot` says this time: the same day, the same part and clock time where both say one, and
        at least a part of the day or a clock time if one was agreed."""
        if self.weekdays and slot.weekdays != self.weekdays:
            return False
        if self.part and slot.part and slot.part != self.part:
            return False
        if self.minute is not None and slot.minute is not None and slot.minute != self.minute:
            return False
        return (self.part is None and self.minute is None) or slot.part is not None


def slots_of(turn: ReadTurn, today: date = REFERENCE_DATE) -> List[Slot]:
    return proposed_slots(turn.text, today, turn.spans)


def reference_date(turns: Sequence[ReadTurn]) -> date:
    """The month a call's dates are in: 「5月3号」 then 「3号见」 is the same day."""
    for turn in turns:
        for span in turn.labels("DATE"):
            month = cn_number(span.text.split("月")[0]) if "月" in span.text else None
            if month and 1 <= month <= 12:
                return date(REFERENCE_DATE.year, month, 1)
    return REFERENCE_DATE


def agreed_time(
    turns: Sequence[ReadTurn], facts: Optional[LiveFacts] = None, recap: Callable[[ReadTurn], bool] = lambda t: False
) -> Tuple[Optional[When], int]:
    """The last agreed time and the number of the turn that settled it (0 when from `facts`)."""
    if facts is not None and facts.agreed_slot:
        slots = proposed_slots(facts.agreed_slot, REFERENCE_DATE)
        if slots:
            return When().then(slots[0]), 0
    updates = list(time_updates(turns, recap))
    if not updates:
        return None, 0
    turn, when = updates[-1]
    return when, turn.number


def last_change(turns: Sequence[ReadTurn], recap: Callable[[ReadTurn], bool] = lambda t: False) -> Optional[ReadTurn]:
    """The turn that last changed the agreed day or part of the day (「十点吧」 only refines it)."""
    before: Optional[When] = None
    changed = None
    for turn, when in time_updates(turns, recap):
        # A day or a part of the day added to the time so far only refines it; replacing one changes it.
        if (
            before is None
            or (before.weekdays and when.weekdays != before.weekdays)
            or (before.part and when.part != before.part)
        ):
            changed = turn
        before = when
    return changed


def time_updates(turns: Sequence[ReadTurn], recap: Callable[[ReadTurn], bool]) -> Iterator[Tuple[ReadTurn, When]]:
    """Each turn that changes the time agreed so far, with the time after it.

    Offers of several options (二选一) agree nothing but a day they share; every single time said
    after them refines or replaces the time so far, so the last change counts. The trainee can't
    move an agreed day by reading back a superseded one (`recap`) or by 「周日见」, and a part of
    the day without a day in a trainee turn is about something else (「晚上切换」)."""
    today = reference_date(turns)
    when: Optional[When] = None
    for turn in turns:
        slots = slots_of(turn, today)
        if len(slots) > 1 and turn.speaker == "customer" and not OPTION_SPLIT.search(normalize(turn.text)):
            slots = slots[-1:]  # 「周二下午我有个会，改下周四吧」: the customer's last word, not two options
        if len(slots) > 1:
            days = {s.weekdays for s in slots}
            if len(days) != 1 or None in days:
                continue
            slots = [Slot(weekdays=days.pop(), part=None, words="")]
        if not slots:
            continue
        slot = slots[0]
        if turn.speaker == "trainee":
            if not slot.weekdays:
                continue
            other_day = when is not None and bool(when.weekdays) and slot.weekdays != when.weekdays
            other_part = when is not None and when.part is not None and slot.part not in (None, when.part)
            if (other_day and slot.part is None) or ((other_day or other_part) and recap(turn)):
                continue
        updated = (when or When()).then(slot)
        if updated != when:
            when = updated
            yield turn, when


def place_key(text: str) -> str:
    """An address without its lead words and with its numbers in digits: 滨江路八十八号 -> 滨江路88号."""
    text = normalize(text)
    return _NUMBER.sub(lambda m: str(cn_number(m.group()) or m.group()), text)


_ROAD = re.compile(r"([\u4e00-\u9fff]+?(?:路|街|大道|道|巷|弄))(\d+)号")


def _street(text: str) -> Optional[Tuple[str, str]]:
    """(street, number) of an address: 城南新区锦绣大道1号 -> (城南新区锦绣大道, 1)."""
    match = _ROAD.search(place_key(text))
    return (match.group(1), match.group(2)) if match else None


def _same_street(a: str, b: str) -> bool:
    short, long = sorted((a, b), key=len)
    return long.endswith(short)  # 天府三街 = 高新区天府三街


def same_place(a: str, b: str) -> bool:
    """The same street and number (高新区天府三街200号 = 天府三街200号云玺台), or one place name
    containing the other; 滨江路188号 is not 滨江路88号."""
    sa, sb = _street(a), _street(b)
    if sa and sb:
        return _same_street(sa[0], sb[0]) and sa[1] == sb[1]
    a, b = place_key(a), place_key(b)
    return bool(a and b) and (a in b or b in a)


def conflicts(address: str, with_address: str) -> bool:
    """Another number on the same street (滨江路188号 for 滨江路88号): a wrong address, not another place."""
    sa, sb = _street(address), _street(with_address)
    return bool(sa and sb and _same_street(sa[0], sb[0]) and sa[1] != sb[1])


def phones_given(customer_turns: Sequence[ReadTurn], facts: Optional[LiveFacts] = None) -> List[str]:
    """The digits of each number the customer gave, in order (the simulator's record first)."""
    if facts is not None and facts.customer_phone:
        return [phone_digits(facts.customer_phone)]
    return [phone_digits(s.text) for t in customer_turns for s in t.labels("PHONE")]
