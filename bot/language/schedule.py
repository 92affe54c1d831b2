"""Times a trainee proposes ("周六上午还是周日下午?") and whether the customer can make them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, FrozenSet, List, Optional, Sequence

from bot.language.text import normalize
from bot.language.words import DAY_NAMES, PARTS_OF_DAY, WEEKDAY_NAMES

if TYPE_CHECKING:
    from bot.language.spans import Span

_DIGIT = {
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "日": 7,
    "天": 7,
    "八": 8,
    "九": 9,
    "十": 10,
}

OPTION_SPLIT = re.compile(r"还是|或者|或是|要么|或")


@dataclass(frozen=True)
class Slot:
    """A proposed time: which weekdays it can mean, the part of the day, the words used."""

    weekdays: Optional[FrozenSet[int]]
    part: Optional[str]
    words: str
    minute: Optional[int] = None  # a clock time said with it, minutes after midnight (10:30 -> 630)

    @property
    def concrete(self) -> bool:
        """A day plus a part of the day or a clock time (call-standard.md, invitation)."""
        return bool(self.weekdays) and self.part is not None


def cn_number(text: str) -> Optional[int]:
    """'10' -> 10, '十一' -> 11, '两' -> 2, '二十三' -> 23."""
    if text.isdigit():
        return int(text)
    if not text or any(ch not in _DIGIT for ch in text):
        return None
    if "十" not in text:
        return _DIGIT[text] if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    return (_DIGIT[tens] if tens else 1) * 10 + (_DIGIT[ones] if ones else 0)


WEEKDAY_NAME = re.compile(r"(?:周|星期|礼拜)([一二三四五六日天1-7])")


def same_day_names(text: str) -> str:
    """礼拜六, 星期六 and 周六 written one way (周六, 周日), so that wordings of one day compare equal."""
    return WEEKDAY_NAME.sub(lambda m: "周" + ("日" if m.group(1) in "天7" else m.group(1)), text)


def weekdays_of(day_text: str, today: date) -> Optional[FrozenSet[int]]:
    relative = {"今天": 0, "今儿": 0, "明天": 1, "明儿": 1, "后天": 2, "大后天": 3}
    for word, offset in relative.items():
        if day_text.endswith(word):
            return frozenset({(today + timedelta(days=offset)).weekday()})
    if day_text.endswith("周末"):
        return DAY_NAMES["周末"]
    match = re.search(WEEKDAY_NAME.pattern + "$", day_text)
    if match:
        n = cn_number(match.group(1))
        return frozenset({(n - 1) % 7}) if n else None
    return None


def weekdays_of_date(date_text: str, today: date) -> Optional[FrozenSet[int]]:
    match = re.match(r"(?:(.+?)月)?(.+?)[号日]$", date_text)
    if not match:
        return None
    month = cn_number(match.group(1)) if match.group(1) else today.month
    day = cn_number(match.group(2))
    if not month or not day:
        return None
    try:
        when = date(today.year, month, day)
        if when < today:
            when = date(today.year + 1, month, day) if match.group(1) else _next_month(today, day)
    except ValueError:
        return None
    return frozenset({when.weekday()})


def _next_month(today: date, day: int) -> date:
    year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
    return date(year, month, day)


def part_of_clock(clock_text: str) -> Optional[str]:
    hour = cn_number(re.split(r"[点:：]", clock_text)[0])
    if hour is None or hour > 24:
        return None
    if hour >= 18 or hour <= 0:
        return "晚上"
    if 13 <= hour <= 17 or 1 <= hour <= 6:
        return "下午"
    return "中午" if hour == 12 else "上午"


def clock_minute(clock_text: str, part: Optional[str]) -> Optional[int]:
    """'十点半' -> 630; '两点半' with part 下午 -> 870 (12-hour speech on a 24-hour clock)."""
    hour_text, _, after = re.sub(r"[:：]", "点", clock_text).partition("点")
    hour = cn_number(hour_text)
    if hour is None or hour > 24:
        return None
    after = re.sub(r"[分钟]", "", after)
    minute = {"": 0, "半": 30, "一刻": 15, "三刻": 45}.get(after)
    if minute is None:
        minute = cn_number(after) or 0
    if hour < 12 and (part in ("下午", "晚上") or (part is None and 1 <= hour <= 6)):
        hour += 12
    return hour * 60 + minute


def proposed_slots(text: str, today: date, spans: Optional[Sequence[Span]] = None) -> List[Slot]:
    """Each option the trainee offers, in order; "周六上午还是下午" shares the day."""
    if spans is None:
        from bot.language.spans import extract  # spaCy and jieba load only when there is text to parse

        spans = extract(text)
    spans = list(spans)
    # 「还是」 parts options; so does another day after a day (「周二下午我有个会，改下周四吧」).
    cuts = [m.start() for m in OPTION_SPLIT.finditer(normalize(text))]
    day_spans = [s for s in spans if s.label in ("DAY", "DATE")]
    cuts = sorted(
        set(cuts)
        | {
            b.start
            for a, b in zip(day_spans, day_spans[1:], strict=False)
            if a.text != b.text and not any(a.start < c <= b.start for c in cuts)
        }
    )
    groups: List[List[Span]] = [[] for _ in range(len(cuts) + 1)]
    for span in spans:
        groups[sum(1 for cut in cuts if span.start >= cut)].append(span)

    slots: List[Slot] = []
    last_days: Optional[FrozenSet[int]] = None
    last_day_words = ""
    for group in groups:
        days, part, words = None, None, []
        clocks: List[str] = []
        for span in group:
            if span.label == "DAY":
                days = weekdays_of(span.text, today)
            elif span.label == "DATE":
                days = weekdays_of_date(span.text, today)
            elif span.label == "PART":
                part = PARTS_OF_DAY.get(span.text, part)
                if days is None and span.text[0] in "今明":
                    days = weekdays_of(span.text[0] + "天", today)  # 明晚 names the day too
            elif span.label == "CLOCK":
                part = part or part_of_clock(span.text)
                clocks.append(span.text)
            else:
                continue
            words.append(span.text)
        if not words:
            continue
        if days is None and last_days is not None:
            days, words = last_days, [last_day_words] + words
        if any(s.label in ("DAY", "DATE") for s in group):
            last_days = days
            last_day_words = next(s.text for s in group if s.label in ("DAY", "DATE"))
        minute = clock_minute(clocks[-1], part) if clocks else None
        slots.append(Slot(weekdays=days, part=part, words="".join(words), minute=minute))
    return slots


def describe_window(days: FrozenSet[int], part: str, today: date) -> str:
    """The customer's own counter-offer, e.g. '周六上午': the soonest allowed day after today."""
    for offset in range(1, 8):
        when = today + timedelta(days=offset)
        if when.weekday() in days:
            return f"{WEEKDAY_NAMES[when.weekday()]}{part}"
    return part
