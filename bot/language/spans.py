"""Span extraction from a turn: addressee (surname + honorific), days, parts of day, clock times,
phone numbers, addresses, landmarks and places, from the one lexicon (data/lexicon.yml). The NLU,
the customer and the grader all read turns through `extract`.

spaCy `spacy.blank("zh")` with the jieba segmenter: lexical items (surnames with honorifics, parts
of the day, place words) go through a token `Matcher`; forms jieba splits unpredictably (day words,
phones, clock times, dates, addresses, landmarks) are regexes over the text mapped back to token
spans with `doc.char_span(..., alignment_mode="expand")`.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import List, Optional, Pattern, Tuple

import jieba
import spacy
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Span as SpacySpan

from bot.language.text import normalize
from bot.language.words import CLOCK_RE, DATE_RE, Lexicon, lexicon
from bot.settings import PROJECT_ROOT

USER_DICT_DIR = PROJECT_ROOT / "data" / "jieba"


# Every span label; the NLU's entities are these in lower case (domain.yml lists them).
LABELS = ("ADDRESSEE", "DAY", "PART", "CLOCK", "DATE", "PHONE", "ADDRESS", "LANDMARK", "PLACE")


@dataclass(frozen=True)
class Span:
    label: str  # one of LABELS
    text: str
    start: int  # character offsets into the normalised text
    end: int


_loaded: Optional[Tuple[Lexicon, Language, Matcher]] = None


def _nlp() -> Tuple[Lexicon, Language, Matcher]:
    """The pipeline for the current lexicon (built again only when data/lexicon.yml changed)."""
    global _loaded
    lex = lexicon()
    if _loaded is not None and _loaded[0] is lex:
        return _loaded
    jieba.setLogLevel(logging.WARNING)
    for path in sorted(USER_DICT_DIR.glob("*.txt")):
        jieba.load_userdict(str(path))
    _extract.cache_clear()
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    matcher = Matcher(nlp.vocab)
    surnames = list(lex.single_surnames) + list(lex.compound_surnames)
    honorific_re = "|".join(lex.honorifics)
    matcher.add(
        "ADDRESSEE",
        [
            [{"TEXT": {"IN": surnames}}, {"TEXT": {"IN": list(lex.honorifics)}}],
            [{"TEXT": {"REGEX": f"^({lex.surname_re})({honorific_re})$"}}],
        ],
    )
    matcher.add("PART", [[{"TEXT": {"IN": list(lex.parts_of_day)}}]])
    matcher.add("PLACE", [[{"TEXT": {"IN": list(lex.place_words)}}]])
    _loaded = (lex, nlp, matcher)
    return _loaded


@lru_cache(maxsize=4)
def _day_re(day_word_re: str) -> Pattern[str]:
    """Day words over the text, not jieba's tokens: jieba may split 本周三 as 本周 + 三."""
    return re.compile(f"(?:下个|这个|下|这|本)?{day_word_re}")


def _function_word(lex: Lexicon, text: str, start: int) -> bool:
    """「我和经理商量」「向经理申请」: a preposition or verb after another character, not a surname."""
    return start > 0 and text[start] in lex.function_surnames and "\u4e00" <= text[start - 1] <= "\u9fff"


# jieba's count for a word of everyday Chinese; a surname + title (王工, 李经理) scores far below it.
COMMON_WORD_FREQ = 100


def _common_word(span: SpacySpan) -> bool:
    """「施工」「员工」: one everyday word that only looks like a surname + 工."""
    return len(span) == 1 and (jieba.get_FREQ(span.text) or 0) >= COMMON_WORD_FREQ


def extract(text: str) -> List[Span]:
    """All spans in `text` (Traditional accepted), longest-first without overlaps, in order."""
    _nlp()  # first: a changed lexicon empties the cache below
    return list(_extract(text))


# A call's turns are read several times (the customer's memory each turn, the grader at the
# hang-up, the schedule facts): one jieba + Matcher pass per distinct text, not per reading.
@lru_cache(maxsize=4096)
def _extract(text: str) -> Tuple[Span, ...]:
    lex, nlp, matcher = _nlp()
    doc = nlp(normalize(text))
    found: List[Span] = []
    for match_id, start, end in matcher(doc):
        span = SpacySpan(doc, start, end, label=nlp.vocab.strings[match_id])
        if span.label_ == "ADDRESSEE" and (_function_word(lex, doc.text, span.start_char) or _common_word(span)):
            continue
        found.append(Span(span.label_, span.text, span.start_char, span.end_char))
    patterns = (
        ("DAY", _day_re(lex.day_word_re)),
        ("PHONE", lex.phone_re),
        ("CLOCK", CLOCK_RE),
        ("DATE", DATE_RE),
        ("ADDRESS", lex.address_re),
        ("LANDMARK", lex.landmark_re),
    )
    for label, pattern in patterns:
        for match in pattern.finditer(doc.text):
            start = match.start()
            if label == "ADDRESS":  # "我们在滨江路88号" -> "滨江路88号"
                lead = lex.address_lead_re.match(match.group())
                start += lead.end() if lead else 0
            # The regex's own characters, not jieba's token around them (今天天气 is one token).
            if start < match.end():
                found.append(Span(label, doc.text[start : match.end()], start, match.end()))
    return tuple(_longest_first(found))


def _longest_first(spans: List[Span]) -> List[Span]:
    """Keep the longest of overlapping spans (the earliest on a tie), as spaCy's filter_spans does."""
    kept: List[Span] = []
    for span in sorted(spans, key=lambda s: (-(s.end - s.start), s.start)):
        if all(span.end <= k.start or span.start >= k.end for k in kept):
            kept.append(span)
    return sorted(kept, key=lambda s: s.start)


def words(text: str) -> List[str]:
    """The words of `text` as the extractor segments them (jieba with the project dictionary)."""
    _, nlp, _ = _nlp()
    return [token.text for token in nlp.make_doc(normalize(text))]


def split_addressee(text: str) -> Tuple[str, str]:
    """'欧阳女士' -> ('欧阳', '女士')."""
    for surname in lexicon().compound_surnames:
        if text.startswith(surname):
            return surname, text[len(surname) :]
    return text[:1], text[1:]
