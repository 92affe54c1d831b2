"""The rubric criteria on hand-made calls. Trainee intents are given as recorded parse data
(the path live grading takes), so these tests don't need the trained model."""

from __future__ import annotations

from typing import Optional, Sequence, Tuple

import pytest

from bot.grading import Grader, RubricError, load_rubric
from bot.grading.analysis import parse_from
from bot.grading.evaluation import cohen_kappa
from bot.transcript import CallInfo, Transcript, Turn

CAR = CallInfo(direction="inbound", company="星辰汽车4S店", company_aliases=("星辰汽车",), address="滨江路88号")
TRUCK = CallInfo(direction="outbound", company="九鑫汽运服务站", customer_surname="马", customer_honorific="师傅")

GOOD_CAR: Sequence[Tuple[str, str, str]] = (
    ("trainee", "您好，星辰汽车4S店，销售顾问小李为您服务！", "greet"),
    ("customer", "你好，X5多少钱？", ""),
    ("trainee", "X5指导价十八万八起，现在有两万优惠。请问您贵姓？", "answer_price"),
    ("customer", "我姓王。", ""),
    ("trainee", "王先生，您主要是家用吗？预算大概多少？", "ask_needs"),
    ("customer", "家用，二十万左右。能试驾吗？", ""),
    ("trainee", "可以的，王先生，欢迎您来试驾，您看是周六上午还是周日下午方便？", "propose_time"),
    ("customer", "周六上午吧。你们在哪？", ""),
    ("trainee", "我们在滨江路88号。方便留个电话吗？有活动提前通知您。", "ask_phone"),
    ("customer", "13912345678。", ""),
    ("trainee", "跟您确认一下，周六上午，滨江路88号，电话13912345678，对吗？", "repeat_back"),
    ("customer", "对。", ""),
    ("trainee", "好的王先生，谢谢您的来电，再见！", "goodbye"),
    ("customer", "再见。", ""),
)


def grade(turns: Sequence[Tuple[str, str, str]], call: CallInfo = CAR, hangup: Optional[str] = "customer"):
    transcript = Transcript(call=call, hangup=hangup,
                            turns=tuple(Turn(i, s, t) for i, (s, t, _) in enumerate(turns, 1)))
    parses = [{"text": t, "intent": {"name": intent}, "entities": []} for s, t, intent in turns if s == "trainee"]
    return Grader(parse_from(parses)).grade(transcript)


def replace(turns, number: int, text: str, intent: Optional[str] = None):
    turns = list(turns)
    speaker, _, old_intent = turns[number - 1]
    turns[number - 1] = (speaker, text, old_intent if intent is None else intent)
    return turns


def test_a_good_call_passes_everything_with_evidence_from_the_trainee():
    card = grade(GOOD_CAR)
    assert card.score == 100 and all(c.passed for c in card.criteria)
    assert [c.id for c in card.criteria][:4] == ["greeting", "name_capture", "invitation", "closing"]
    assert card.result("greeting").evidence[0].turn == 1
    assert [e.turn for e in card.result("name_capture").evidence] == [3, 5]
    assert all(e.text == GOOD_CAR[e.turn - 1][1] for c in card.criteria for e in c.evidence)


@pytest.mark.parametrize(
    "first, missing",
    [
        ("喂？", "问候语"),
        ("您好，销售顾问小李为您服务！", "公司名称"),
        ("您好，星辰汽车4S店。", "自己的姓名或岗位"),
        ("星辰汽车，小李。", "问候语"),
    ],
)
def test_greeting_names_what_is_missing(first, missing):
    result = grade(replace(GOOD_CAR, 1, first)).result("greeting")
    assert not result.passed and missing in result.feedback and "销售顾问小李为您服务" in result.feedback
    assert result.evidence[0].turn == 1


def test_greeting_in_traditional_characters():
    assert grade(replace(GOOD_CAR, 1, "您好，星辰汽車4S店，銷售顧問小李為您服務！")).result("greeting").passed


def test_name_capture_paraphrase_of_the_question_passes():
    turns = replace(GOOD_CAR, 3, "X5指导价十八万八起。方便问一下您怎么称呼吗？", "ask_name")
    assert grade(turns).result("name_capture").passed


def test_name_capture_wrong_surname_fails():
    result = grade(replace(GOOD_CAR, 5, "李先生，您主要是家用吗？")).result("name_capture")
    assert not result.passed and "客户姓王" in result.feedback and "李先生" in result.feedback


def test_name_capture_asked_but_never_used_fails():
    turns = [(s, t.replace("王先生，", "").replace("王先生", ""), i) for s, t, i in GOOD_CAR]
    result = grade(turns).result("name_capture")
    assert not result.passed and "王先生" in result.feedback


def test_name_capture_never_asked_fails():
    turns = replace(replace(GOOD_CAR, 3, "X5指导价十八万八起。", "answer_price"), 4, "哦。")
    result = grade(turns).result("name_capture")
    assert not result.passed and "没有询问" in result.feedback


def test_name_capture_outbound_known_surname_and_self_introduction_is_not_addressing():
    turns = [
        ("customer", "喂，哪位？", ""),
        ("trainee", "马师傅您好，我是九鑫汽运服务站的小王，您现在方便接听电话吗？", "greet"),
        ("customer", "方便，你说。", ""),
        ("trainee", "我是王经理的同事，想回访一下您上次保养的情况，谢谢您，再见。", "goodbye"),
    ]
    card = grade(turns, TRUCK)
    assert card.result("name_capture").passed
    assert card.result("greeting").passed


@pytest.mark.parametrize(
    "offer, reason",
    [
        ("欢迎您有空来店里看看。", "明确的时间"),
        ("那您周六过来吧。", "明确的时间"),
    ],
)
def test_invitation_without_a_concrete_time_fails(offer, reason):
    turns = replace(replace(GOOD_CAR, 7, offer, "invite_visit"), 8, "好。你们在哪？")
    turns = replace(turns, 11, "好的，那就这样。", "acknowledge")
    result = grade(turns).result("invitation")
    assert not result.passed and reason in result.feedback


def test_invitation_without_a_place_fails_even_if_the_greeting_named_the_showroom():
    turns = replace(GOOD_CAR, 9, "方便留个电话吗？有活动提前通知您。")
    turns = replace(turns, 11, "跟您确认一下，周六上午，电话13912345678，对吗？")
    result = grade(turns).result("invitation")
    assert not result.passed and "明确的地点" in result.feedback


def test_closing_fails_when_the_trainee_hangs_up_first():
    result = grade(GOOD_CAR[:-1], hangup="trainee").result("closing")
    assert not result.passed and "对方放下电话后，方可挂断电话" in result.feedback


def test_closing_without_thanks_fails():
    result = grade(replace(GOOD_CAR, 13, "好的王先生，再见！")).result("closing")
    assert not result.passed and "致谢" in result.feedback


def test_unanswered_question_and_exaggeration_fail_question_handling():
    turns = replace(GOOD_CAR, 3, "请问您贵姓？", "ask_name")  # the price question is never answered
    result = grade(turns).result("question_handling")
    assert not result.passed and "X5多少钱" in result.feedback
    bragging = replace(GOOD_CAR, 3, "X5是全市最低价，绝对不会后悔。请问您贵姓？")
    assert "夸大" in grade(bragging).result("question_handling").feedback


def test_courtesy_flags_rudeness_with_the_turn_as_evidence():
    result = grade(replace(GOOD_CAR, 9, "你自己查去，爱买不买。", "rude")).result("courtesy")
    assert not result.passed and [e.turn for e in result.evidence] == [9]


def test_a_call_with_no_trainee_words_fails_every_criterion():
    card = grade([("customer", "喂？", "")], hangup="trainee")
    assert card.score == 0 and not any(c.passed for c in card.criteria)


def test_rubric_weights_must_add_up_to_100(tmp_path):
    text = load_rubric.__defaults__[0].read_text("utf-8").replace("weight: 15", "weight: 16", 1)
    (tmp_path / "rubric.yml").write_text(text, "utf-8")
    with pytest.raises(RubricError, match="add up to 100"):
        load_rubric(tmp_path / "rubric.yml")


def test_kappa():
    assert cohen_kappa([True, False, True, False], [True, False, True, False]) == 1.0
    assert cohen_kappa([True, True, False, False], [True, False, True, False]) == 0.0


def ringing(rings: Optional[int]) -> CallInfo:
    return CallInfo(direction="inbound", company="星辰汽车4S店", company_aliases=("星辰汽车",), rings=rings)


@pytest.mark.parametrize("rings", [1, 3])
def test_picking_up_within_three_rings_is_noted(rings):
    result = grade(GOOD_CAR, ringing(rings)).result("greeting")
    assert result.passed and f"铃响{rings}声接听" in result.feedback


def test_picking_up_after_the_third_ring_without_apology_fails_the_greeting():
    result = grade(GOOD_CAR, ringing(5)).result("greeting")
    assert not result.passed and "铃响5声" in result.feedback and "让您久等了" in result.feedback


def test_picking_up_late_with_an_apology_passes():
    turns = replace(GOOD_CAR, 1, "您好，星辰汽车4S店，销售顾问小李，让您久等了！")
    result = grade(turns, ringing(5)).result("greeting")
    assert result.passed and "已致歉" in result.feedback


def test_unrecorded_rings_are_not_graded():
    assert "铃响" not in grade(GOOD_CAR, ringing(None)).result("greeting").feedback


def test_asking_for_a_moment_on_the_phone_is_not_asking_for_the_number():
    turns = [("trainee", "马师傅您好，我是九鑫汽运服务站的小王，您现在方便接听电话吗？", "ask_good_time"),
             ("customer", "方便，你说。", "")]
    result = grade(turns, TRUCK, hangup="trainee").result("contact_exchange")
    assert not result.passed and result.feedback.startswith("没有留取客户电话")
