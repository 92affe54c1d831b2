"""The words and forms the customer, the NLU and the grader look for (surnames, honorifics, days and
parts of the day, clock times, dates, phone numbers, addresses, places, question topics), read from
the one lexicon, data/lexicon.yml. Plain data and regexes, no spaCy: persona validation and the web
import this without loading a language model (`bot.language.spans` matches them).

The module-level names are the lexicon as it was at import; `lexicon()` rereads a changed file."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, FrozenSet, Mapping, Pattern, Tuple

from bot.language.datafile import ANY, DataFileError, cached, read, unknown_keys
from bot.settings import PROJECT_ROOT

LEXICON_PATH = PROJECT_ROOT / "data" / "lexicon.yml"
_SCHEMA = {
    "version": None,
    "surnames": {"single": None, "compound": None, "also_function_words": None},
    "honorifics": None,
    "familiar_prefixes": None,
    "honorific_by_gender": {"male": None, "female": None},
    "parts_of_day": None,
    "day_word": None,
    "weekday_names": None,
    "parts": None,
    "spoken_digits": None,
    "spoken_forms": None,
    "mobile": None,
    "phone": None,
    "phone_reason": None,
    "address": None,
    "address_lead": None,
    "landmark": None,
    "place_words": None,
    "topics": {ANY: {"word": None, "label": None, "answered_by": None, "keywords": None}},
}
_CN_NUM = "零一二两三四五六七八九十"
_CLOCK = rf"(?:\d{{1,2}}|[{_CN_NUM}]{{1,3}})"


@dataclass(frozen=True)
class TopicWords:
    word: str
    label: str
    answered_by: FrozenSet[str]
    keywords: Tuple[str, ...]


@dataclass(frozen=True)
class Lexicon:
    single_surnames: str
    compound_surnames: Tuple[str, ...]
    function_surnames: str  # surnames that are also prepositions/verbs: no name after another character
    honorifics: Tuple[str, ...]
    familiar_prefixes: Tuple[str, ...]
    honorific_by_gender: Mapping[str, str]
    parts_of_day: Mapping[str, str]
    day_word_re: str
    weekday_names: Tuple[str, ...]
    parts: Tuple[str, ...]
    spoken_digits: Mapping[str, str]
    spoken_forms: Mapping[str, str]
    mobile: str
    phone_re: Pattern[str]
    phone_reason_re: Pattern[str]
    address_re: Pattern[str]
    address_lead_re: Pattern[str]
    landmark_re: Pattern[str]
    place_words: Tuple[str, ...]
    topics: Mapping[str, TopicWords]

    @property
    def surname_re(self) -> str:
        return "|".join(self.compound_surnames) + f"|[{self.single_surnames}]"


def _build(path: Path) -> Lexicon:
    name = str(path)
    _, data = read(path)
    if not isinstance(data, dict):
        raise DataFileError(name, [("file", None, "must be a mapping")])
    problems = unknown_keys(data, _SCHEMA)
    problems += [(key, None, "is required") for key in _SCHEMA if key != "version" and key not in data]
    if problems:
        raise DataFileError(name, problems)

    def pattern(key: str, text: str) -> Pattern[str]:
        try:
            return re.compile(text)
        except re.error as error:
            raise DataFileError(name, [(key, None, f"not a valid regular expression: {error}")]) from error

    surnames = data["surnames"]
    mobile = str(data["mobile"])
    return Lexicon(
        single_surnames="".join(str(surnames["single"]).split()),
        compound_surnames=tuple(surnames["compound"]),
        function_surnames=str(surnames.get("also_function_words", "")),
        honorifics=tuple(data["honorifics"]),
        familiar_prefixes=tuple(data["familiar_prefixes"]),
        honorific_by_gender=dict(data["honorific_by_gender"]),
        parts_of_day=dict(data["parts_of_day"]),
        day_word_re=str(data["day_word"]),
        weekday_names=tuple(data["weekday_names"]),
        parts=tuple(data["parts"]),
        spoken_digits={str(k): str(v) for k, v in data["spoken_digits"].items()},
        spoken_forms={str(k): str(v) for k, v in data["spoken_forms"].items()},
        mobile=mobile,
        phone_re=pattern("phone", str(data["phone"]).replace("{mobile}", mobile)),
        phone_reason_re=pattern("phone_reason", str(data["phone_reason"])),
        address_re=pattern("address", str(data["address"])),
        address_lead_re=pattern("address_lead", str(data["address_lead"])),
        landmark_re=pattern("landmark", str(data["landmark"])),
        place_words=tuple(data["place_words"]),
        topics={
            str(key): TopicWords(
                word=str(node["word"]),
                label=str(node["label"]),
                answered_by=frozenset(node.get("answered_by") or ()),
                keywords=tuple(node.get("keywords") or ()),
            )
            for key, node in data["topics"].items()
        },
    )


def lexicon(path: Path = LEXICON_PATH) -> Lexicon:
    """The lexicon, parsed once and again only after the file changes."""
    return cached(path, "lexicon", _build)


def plain_words(text: str) -> str:
    """Colloquial and regional question words in standard Mandarin (「几多钱」 → 「多少钱」), longest first."""
    forms = lexicon().spoken_forms
    if not forms:
        return text
    return re.sub("|".join(sorted(map(re.escape, forms), key=len, reverse=True)), lambda m: forms[m.group()], text)


def phone_digits(text: str) -> str:
    """The digits of a phone number however it was said: '一三九 0123-4567' -> '13901234567'."""
    digits = lexicon().spoken_digits
    return "".join(digits.get(ch, ch) for ch in text if ch.isdigit() or ch in digits)


_LEX = lexicon()
SINGLE_SURNAMES = _LEX.single_surnames
COMPOUND_SURNAMES = _LEX.compound_surnames
HONORIFICS = _LEX.honorifics
HONORIFIC_BY_GENDER = _LEX.honorific_by_gender
PARTS_OF_DAY = _LEX.parts_of_day
DAY_WORD_RE = _LEX.day_word_re
# Not 「多一点」「快一点」「早一点」「一点儿」 (a bit), nor 「有一点」; 「明晚七点」 is a clock time.
CLOCK_RE = re.compile(
    rf"(?:(?<![多少快慢好大小早晚贵宜再有差])|(?<=[早晚])(?![一两1-2][点:：]))"
    rf"{_CLOCK}(?:[点:：](?:半|一刻|三刻|\d{{1,2}}分?|[{_CN_NUM}]{{1,3}}分?)?(?!儿)|点钟)"
)
# Not 「二号车间」「3号楼」「五号线」 (a numbered place), nor the end of a house number (「301号」).
DATE_RE = re.compile(
    rf"(?<![\d零一二两三四五六七八九十百])(?:{_CLOCK}月)?{_CLOCK}[号日](?![子常车楼门线口库位房间栋厅仓院厂机窗台桌工])"
)
MOBILE = _LEX.mobile
PHONE_RE = _LEX.phone_re
PHONE_REASON = _LEX.phone_reason_re
ADDRESS_RE = _LEX.address_re
ADDRESS_LEAD_RE = _LEX.address_lead_re
LANDMARK_RE = _LEX.landmark_re
PLACE_WORDS = _LEX.place_words
WEEKDAY_NAMES = _LEX.weekday_names
PARTS = _LEX.parts
# Day names a persona file may use in `availability.days`.
DAY_NAMES: Dict[str, FrozenSet[int]] = {
    **{name: frozenset({i}) for i, name in enumerate(WEEKDAY_NAMES)},
    "周末": frozenset({5, 6}),
    "工作日": frozenset({0, 1, 2, 3, 4}),
}
