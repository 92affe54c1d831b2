"""Span extraction from a trainee turn: addressee (surname + honorific), days, parts of day,
clock times, phone numbers and addresses.

spaCy `spacy.blank("zh")` with the jieba segmenter: lexical items (surnames, honorifics, day words,
parts of the day) go through a token `Matcher`; numeric and structured forms (phones, clock times,
dates, street addresses), which jieba splits unpredictably, are regexes over the text mapped back
to token spans with `doc.char_span(..., alignment_mode="expand")`.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, List, Tuple

import jieba
import spacy
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc
from spacy.tokens import Span as SpacySpan
from spacy.util import filter_spans

from bot.text import normalize

USER_DICT_DIR = Path(__file__).resolve().parent.parent / "data" / "jieba"

# Single-character surnames (the common ~120 of 百家姓) and compound ones.
SINGLE_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
    "龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左"
    "柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶"
    "解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬"
    "边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
)
COMPOUND_SURNAMES = (
    "欧阳",
    "司马",
    "诸葛",
    "上官",
    "东方",
    "皇甫",
    "尉迟",
    "公孙",
    "慕容",
    "令狐",
    "夏侯",
    "长孙",
    "宇文",
    "司徒",
    "端木",
    "独孤",
    "南宫",
    "西门",
    "百里",
    "呼延",
)
HONORIFICS = (
    "先生",
    "女士",
    "小姐",
    "师傅",
    "总",
    "经理",
    "老师",
    "老板",
    "主任",
    "大哥",
    "大姐",
    "阿姨",
    "叔叔",
    "姐",
    "哥",
    "工",
    "书记",
    "院长",
    "教授",
    "医生",
    "律师",
)
PARTS_OF_DAY = {
    "早上": "上午",
    "早晨": "上午",
    "上午": "上午",
    "中午": "中午",
    "午饭后": "下午",
    "下午": "下午",
    "傍晚": "晚上",
    "晚上": "晚上",
    "今晚": "晚上",
    "明晚": "晚上",
}
DAY_WORD_RE = (
    r"(今天|今儿|明天|明儿|后天|大后天|周末|"
    r"(周|星期|礼拜)[一二三四五六日天1-7]|礼拜天|下周[一二三四五六日天]?|下星期[一二三四五六日天]?)"
)

_CN_NUM = "零一二两三四五六七八九十"
_CLOCK = rf"(?:\d{{1,2}}|[{_CN_NUM}]{{1,3}})"
CLOCK_RE = re.compile(rf"{_CLOCK}(?:[点:：](?:半|一刻|三刻|\d{{1,2}}分?|[{_CN_NUM}]{{1,3}}分?)?|点钟)")
DATE_RE = re.compile(rf"(?:{_CLOCK}月)?{_CLOCK}[号日](?![子常])")
PHONE_RE = re.compile(r"(?<!\d)(?:1[3-9]\d(?:[\s-]?\d{4}){2}|0\d{2,3}-?\d{7,8}|400-?\d{3}-?\d{4})(?!\d)")
ADDRESS_RE = re.compile(
    r"[\u4e00-\u9fff]{1,10}(?:路|街|大道|道|巷|弄)(?:\d+|[一二三四五六七八九十百]+)号"
    r"|[\u4e00-\u9fff]{2,8}(?:区|镇|广场|大厦|中心|园区|开发区)(?:\d+号)?"
)
ADDRESS_LEAD_RE = re.compile(r"^.*?(?:地址是|地址在|位于|就在|我们在|我们是|在|是|到|于)")
# Places a trainee names without a street: "我们展厅", "店里", "售楼处".
PLACE_WORDS = ("展厅", "店里", "门店", "4S店", "售楼处", "样板间", "服务站", "营业厅", "贵公司", "您公司", "公司楼下")


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


def parse(text: str) -> Doc:
    nlp, _ = _nlp()
    return nlp(normalize(text))


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


def of_label(spans: Iterable[Span], *labels: str) -> List[Span]:
    return [s for s in spans if s.label in labels]


def split_addressee(text: str) -> Tuple[str, str]:
    """'欧阳女士' -> ('欧阳', '女士')."""
    for surname in COMPOUND_SURNAMES:
        if text.startswith(surname):
            return surname, text[len(surname) :]
    return text[:1], text[1:]
