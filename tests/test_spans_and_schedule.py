"""Spans (spaCy Matcher + regex char spans on jieba tokens) and proposed times."""

from __future__ import annotations

from datetime import date

import pytest

from bot.language.schedule import cn_number, proposed_slots
from bot.language.spans import extract, split_addressee
from bot.language.words import HONORIFIC_BY_GENDER, HONORIFICS

SUNDAY = date(2026, 11, 22)


@pytest.mark.parametrize(
    "text, label, expected",
    [
        ("王先生您好", "ADDRESSEE", "王先生"),
        ("请问是李总吗", "ADDRESSEE", "李总"),
        ("歐陽女士，您好", "ADDRESSEE", "欧阳女士"),  # Traditional in, Simplified out
        ("马师傅，您上次保养", "ADDRESSEE", "马师傅"),
        ("我们在滨江路88号", "ADDRESS", "滨江路88号"),
        ("地址是城南新区锦绣大道1号", "ADDRESS", "城南新区锦绣大道1号"),
        ("我手机是138 1234 5678", "PHONE", "138 1234 5678"),
        ("下周三上午10点半", "CLOCK", "10点半"),
        ("5月3号下午两点", "DATE", "5月3号"),
        ("礼拜六下午", "DAY", "礼拜六"),
        ("本周三下午3点", "DAY", "本周三"),  # jieba splits 本周 + 三
        ("一三九 零一二三 四五六七", "PHONE", "一三九 零一二三 四五六七"),  # digits read out
        ("地铁二号线锦绣路站C出口对面", "LANDMARK", "地铁二号线锦绣路站C出口对面"),
        ("软件园B座12楼", "ADDRESS", "软件园B座12楼"),
    ],
)
def test_spans(text, label, expected):
    assert expected in [s.text for s in extract(text) if s.label == label]


def test_no_addressee_in_plain_words():
    assert not [s for s in extract("这款车最高总价也就二十万") if s.label == "ADDRESSEE"]


@pytest.mark.parametrize("text", ["我和经理商量一下", "我帮您向经理申请当月的活动价", "我跟总部确认"])
def test_a_preposition_before_a_title_is_no_addressee(text):
    assert not [s for s in extract(text) if s.label == "ADDRESSEE"]


@pytest.mark.parametrize(
    "text, minute",
    [("周六上午十点", 600), ("礼拜六早上十点半", 630), ("周日下午两点半", 870), ("周一7:30", 450), ("周二晚上八点", 1200)],
)
def test_slots_carry_the_clock_time_on_a_24_hour_clock(text, minute):
    assert proposed_slots(text, SUNDAY)[0].minute == minute


def test_split_addressee_handles_compound_surnames():
    assert split_addressee("欧阳女士") == ("欧阳", "女士")
    assert split_addressee("马师傅") == ("马", "师傅")


@pytest.mark.parametrize("text, n", [("10", 10), ("十一", 11), ("两", 2), ("二十三", 23), ("十", 10)])
def test_cn_number(text, n):
    assert cn_number(text) == n


def test_either_or_gives_two_concrete_options():
    first, second = proposed_slots("您看是周六上午还是周日下午方便？", SUNDAY)
    assert (first.weekdays, first.part, second.weekdays, second.part) == ({5}, "上午", {6}, "下午")
    assert first.concrete and second.concrete


def test_relative_days_resolve_against_the_call_date():
    (slot,) = proposed_slots("明天下午三点可以吗", SUNDAY)
    assert slot.weekdays == {0} and slot.part == "下午"


@pytest.mark.parametrize("text, minute", [("明晚七点", 1140), ("明早九点半", 570), ("明天晚上7点", 1140)])
def test_tomorrow_evening_in_one_word_names_the_day_and_keeps_the_clock(text, minute):
    (slot,) = proposed_slots(text, SUNDAY)
    assert (slot.weekdays, slot.minute) == ({0}, minute) and slot.concrete


@pytest.mark.parametrize("text", ["晚一点再说", "早两点来也行", "早点来", "多一点"])
def test_a_bit_earlier_or_later_is_no_clock_time(text):
    assert not [s for s in extract(text) if s.label == "CLOCK"]


def test_shared_day_in_either_or():
    slots = proposed_slots("周六上午还是下午？", SUNDAY)
    assert [(s.words, s.part) for s in slots] == [("周六上午", "上午"), ("周六下午", "下午")]


def test_vague_invitation_has_no_concrete_slot():
    assert not any(s.concrete for s in proposed_slots("欢迎您有空过来看看", SUNDAY))
    assert not proposed_slots("这周末过来吧", SUNDAY)[0].concrete


def test_the_default_honorifics_are_ones_the_grader_hears():
    assert set(HONORIFIC_BY_GENDER.values()) <= set(HONORIFICS)
    assert [s.text for s in extract("王先生，李女士")] == ["王先生", "李女士"]


def test_loading_personas_and_schedule_does_not_load_spacy():
    import subprocess
    import sys

    code = "import sys, bot.personas, bot.language.schedule, bot.language.words; print('spacy' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "False"
