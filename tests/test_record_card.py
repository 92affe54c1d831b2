"""The caller record card, checked against what the customer said on the call."""

from __future__ import annotations

import pytest

from bot.customer.state import CallState
from bot.grading.record_card import FORMS, CallFacts, RecordCardError, check_card, parse_card
from bot.personas import default_registry

CAR = default_registry().get("car_showroom_inbound")
HOUSE = default_registry().get("real_estate_inbound")
TRUCK = default_registry().get("truck_followup_outbound")
SAID = ["你好，我想问一下你们星辰X5现在什么价格？", "我姓王。", "主要是家用，预算20万左右，一个月内想定下来吧。",
        "行，那就周六上午吧。", "我手机是13912345678。"]
GOOD = {"name": "王先生", "phone": "139 1234 5678", "interest": "X5", "budget": "二十万", "visit": "周六上午", "class": "c"}


def state(**values) -> CallState:
    base = dict(persona_id=CAR.id, seed=7, call_date="2026-11-22", patience=4, name_given=True,
                phone_given=True, agreed_slot="周六上午")
    return CallState(**{**base, **values})


def check(card, said=SAID, persona=CAR, **state_values):
    return {f.field: f for f in check_card(parse_card(card), CallFacts.from_call(persona, state(**state_values), said)).fields}


def test_a_card_that_matches_the_call_is_all_correct_with_the_cadence():
    result = check_card(parse_card(GOOD), CallFacts.from_call(CAR, state(), SAID))
    assert result.correct == 6, [f for f in result.fields if not f.correct]
    cadence = result.to_dict()["cadence"]
    assert cadence == {"class": "C", "meaning": "有购买意向，还在比较", "next_call": "每周跟进一次"}


@pytest.mark.parametrize("field, value, words", [
    ("name", "李先生", "姓王"),
    ("name", "", "漏填"),
    ("phone", "13912345679", "一位之差"),
    ("interest", "星辰X3", "星辰X5"),
    ("budget", "三十万", "20万"),
    ("visit", "周日下午", "周六上午"),
    ("class", "A", "应为C类"),
])
def test_each_wrong_field_is_named_with_what_the_customer_said(field, value, words):
    result = check({**GOOD, field: value})[field]
    assert not result.correct and words in result.feedback
    assert all(r.correct for name, r in check({**GOOD, field: value}).items() if name != field)


def test_facts_the_customer_never_gave_must_stay_blank():
    results = check({**GOOD, "name": "王先生", "phone": "13912345678", "visit": "周六上午"},
                    said=SAID[:1], name_given=False, phone_given=False, agreed_slot=None)
    assert not results["name"].correct and "没有说过" in results["name"].feedback
    assert not results["phone"].correct and not results["visit"].correct
    assert not results["budget"].correct  # 20万 was never said either
    blank = check({**GOOD, "name": "未知", "phone": "", "budget": "", "visit": "无"},
                  said=SAID[:1], name_given=False, phone_given=False, agreed_slot=None)
    assert all(blank[f].correct for f in ("name", "phone", "budget", "visit"))


def test_chinese_amounts_and_layout_words_match():
    said = ["我们想要三室两厅的，一百平左右。", "预算一百五十万吧。"]
    results = check({**GOOD, "interest": "三室", "budget": "150万", "class": HOUSE.customer_class},
                    said=said, persona=HOUSE)
    assert results["interest"].correct and results["budget"].correct and results["class"].correct


@pytest.mark.parametrize("card, field", [
    ([], "card"),
    ({"name": 5}, "name"),
    ({"name": "王" * 101}, "name"),
    ({"class": "F"}, "class"),
])
def test_bad_cards_name_the_field(card, field):
    with pytest.raises(RecordCardError) as error:
        parse_card(card)
    assert error.value.field == field


def test_an_outbound_card_accepts_the_dialled_name_and_number():
    said = ["喂，哪位？", "哦，是你啊。"]  # the customer never says the number: the trainee dialled it
    card = {**GOOD, "name": TRUCK.addressed_as, "phone": TRUCK.phone, "class": ""}
    results = check(card, said=said, persona=TRUCK, name_given=False, phone_given=False)
    assert results["name"].correct and results["phone"].correct, (results["name"], results["phone"])
    assert set(FORMS["outbound"]["known"]) == {"name", "phone"} and FORMS["inbound"]["known"] == ()
    assert FORMS["inbound"]["title"] == "来电客户信息表" and FORMS["outbound"]["title"] != FORMS["inbound"]["title"]


@pytest.mark.parametrize("written", ["周六", "下周吧", "周六上午"])
def test_a_visit_written_when_none_was_agreed_is_wrong(written):
    result = check({**GOOD, "visit": written}, agreed_slot=None)["visit"]
    assert not result.correct and "没有约定" in result.feedback


def test_the_class_is_what_the_call_revealed_with_the_persona_as_the_ceiling():
    timing_said = check(GOOD)["class"]  # SAID has 一个月内想定下来: the persona's own class
    assert timing_said.correct and timing_said.expected == "C" and "一个月内想定下来" in timing_said.feedback
    unrevealed = check(GOOD, said=SAID[:2], agreed_slot=None)["class"]
    assert not unrevealed.correct and unrevealed.expected == "D" and "没有约到访" in unrevealed.feedback
    assert check({**GOOD, "class": "D"}, said=SAID[:2], agreed_slot=None)["class"].correct
    # A class-B driver who only agreed a visit: the call supports C, not the B only his file knows.
    truck = check({**GOOD, "class": "B"}, said=["行，那我周六上午过去。"], persona=TRUCK)["class"]
    assert TRUCK.customer_class == "B" and not truck.correct and truck.expected == "C" and "到访" in truck.feedback
