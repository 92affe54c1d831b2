"""Span extraction from a trainee turn: addressee (surname + honorific), days, parts of day,
clock times, phone numbers and addresses.

spaCy `spacy.blank("zh")` with the jieba segmenter: lexical items (surnames, honorifics, day words,
parts of the day) go through a token `Matcher`; numeric and structured forms (phones, clock times,
dates, street addresses), which jieba splits unpredictably, are regexes over the text mapped back
to token spans with `doc.char_span(..., alignment_mode="expand")`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache
from typing import List, Tuple

import jieba
import spacy
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Span as SpacySpan
from spacy.util import filter_spans

from bot.language.text import normalize
from bot.language.words import (
    ADDRESS_LEAD_RE,
    ADDRESS_RE,
    CLOCK_RE,
    COMPOUND_SURNAMES,
    DATE_RE,
    DAY_WORD_RE,
    HONORIFICS,
    PARTS_OF_DAY,
    PHONE_RE,
    PLACE_WORDS,
    SINGLE_SURNAMES,
)
from bot.settings import PROJECT_ROOT

USER_DICT_DIR = PROJECT_ROOT / "data" / "jieba"


@dataclass(frozen=True)
class Span:
    label: str  # ADDRESSEE, DAY, PART, CLOCK, DATE, PHONE, ADDRESS, PLACE
    text: str
    start: int  # character offsets into the normalised text
    end: int


@lru_cache(maxsize=1)
def _nlp() -> Tuple[Language, Matcher]:
    jieba.setLogLevel(logging.WARNING)
    for path in sorted(USER_DICT_DIR.glob("*.txt")):
        jieba.load_userdict(str(path))
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    matcher = Matcher(nlp.vocab)
    surnames = list(SINGLE_SURNAMES) + list(COMPOUND_SURNAMES)
    surname_re = "|".join(COMPOUND_SURNAMES) + "|[" + SINGLE_SURNAMES + "]"
    honorific_re = "|".join(HONORIFICS)
    matcher.add(
        "ADDRESSEE",
        [
            [{"TEXT": {"IN": surnames}}, {"TEXT": {"IN": list(HONORIFICS)}}],
            [{"TEXT": {"REGEX": f"^({surname_re})({honorific_re})$"}}],
        ],
    )
    matcher.add(
        "DAY",
        [
            [{"TEXT": {"IN": ["下", "这", "本", "这个", "下个"]}, "OP": "?"}, {"TEXT": {"REGEX": f"^{DAY_WORD_RE}$"}}],
        ],
    )
    matcher.add("PART", [[{"TEXT": {"IN": list(PARTS_OF_DAY)}}]])
    matcher.add("PLACE", [[{"TEXT": {"IN": list(PLACE_WORDS)}}]])
    return nlp, matcher


def extract(text: str) -> List[Span]:
    """All spans in `text` (Traditional accepted), longest-first without overlaps, in order."""
    nlp, matcher = _nlp()
    doc = nlp(normalize(text))
    found: List[SpacySpan] = [
        SpacySpan(doc, start, end, label=nlp.vocab.strings[match_id]) for match_id, start, end in matcher(doc)
    ]
    for label, pattern in (("PHONE", PHONE_RE), ("CLOCK", CLOCK_RE), ("DATE", DATE_RE), ("ADDRESS", ADDRESS_RE)):
        for match in pattern.finditer(doc.text):
            start = match.start()
            if label == "ADDRESS":  # "我们在滨江路88号" -> "滨江路88号"
                lead = ADDRESS_LEAD_RE.match(match.group())
                start += lead.end() if lead else 0
            span = doc.char_span(start, match.end(), label=label, alignment_mode="expand")
            if span is not None:
                found.append(span)
    return [
        Span(s.label_, s.text, s.start_char, s.end_char) for s in sorted(filter_spans(found), key=lambda s: s.start)
    ]


def split_addressee(text: str) -> Tuple[str, str]:
    """'欧阳女士' -> ('欧阳', '女士')."""
    for surname in COMPOUND_SURNAMES:
        if text.startswith(surname):
            return surname, text[len(surname) :]
    return text[:1], text[1:]
