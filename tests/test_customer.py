"""The simulated customer's behaviour, independent of Rasa."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from bot.customer.simulator import Customer, TraineeTurn, monologue_chars
from bot.personas import default_registry

SUNDAY = date(2026, 11, 22)
PERSONA = default_registry().get("car_showroom_inbound")  # free Sat/Sun daytime, Wed evening


def customer(seed: int = 1, **changes) -> Customer:
    return Customer.new_call(replace(PERSONA, **changes) if changes else PERSONA, seed, SUNDAY)


def T(text: str, intent: str) -> TraineeTurn:
    return TraineeTurn(text=text, intent=intent)


def greeted(**changes) -> Customer:
    c = customer(**changes)
    c.greet(T("您好，星辰汽车4S店，销售顾问小李为您服务！", "greet"))
    return c


def test_agenda_questions_come_in_order_and_then_the_customer_waits():
    c = greeted(price_push=0)
    assert c.state.pending == "price"
    reply = c.react_to_answer(T("X5指导价十八万八起", "answer_price"))
    assert c.state.pending == "configuration"
    assert any(ask in reply.text for ask in PERSONA.agenda[1].asks)
    c.react_to_answer(T("顶配带全景天窗和自适应巡航", "answer_config"))
    assert c.state.pending == "test_drive"
    c.consider_invitation(T("可以试驾的，欢迎您过来试驾", "invite_visit"))
    assert c.state.answered == ["price", "configuration", "test_drive"]
    assert c.state.pending is None


def test_price_push_repeats_the_question_once():
    c = greeted(price_push=1)
    reply = c.react_to_answer(T("指导价十八万八", "answer_price"))
    assert reply.text in PERSONA.lines["price_push"] and c.state.pending == "price"
    c.react_to_answer(T("价格已经很实在了，来店里还能申请礼包", "answer_price"))
    assert c.state.pending == "configuration"


@pytest.mark.parametrize(
    "offer, accepted",
    [
        ("您看周六上午还是周日下午方便？", "周六上午"),
        ("那周五下午还是周日上午？", "周日上午"),  # either-or: the customer takes the option that fits
        ("下周三晚上七点可以吗？", "下周三晚上七点"),
    ],
)
def test_a_concrete_time_inside_availability_is_accepted(offer, accepted):
    c = greeted()
    reply = c.consider_invitation(T(offer, "propose_time"))
    assert c.state.agreed_slot == accepted
    assert accepted in reply.text


def test_a_time_outside_availability_is_countered_with_one_that_fits():
    c = greeted()
    reply = c.consider_invitation(T("周一上午过来可以吗？", "propose_time"))
    offer = c.state.offered_slot
    assert c.state.agreed_slot is None
    assert offer in {"周六上午", "周六下午", "周日上午", "周日下午", "周三晚上"}
    assert "周一上午" in reply.text and offer in reply.text
    c.consider_invitation(T(f"好的，那就{offer}", "propose_time"))
    assert c.state.agreed_slot == offer


def test_a_vague_invitation_gets_a_vague_answer():
    c = greeted()
    reply = c.consider_invitation(T("欢迎您有空来店里看看", "invite_visit"))
    assert reply.text in PERSONA.lines["invited_vague"]
    assert c.state.agreed_slot is None


def test_accepting_without_an_address_makes_the_customer_ask_where():
    c = greeted()
    reply = c.consider_invitation(T("周六上午十点过来吧", "propose_time"))
    assert c.state.pending == "location"
    assert any(line in reply.text for line in PERSONA.lines["ask_address"])
    c.react_to_answer(T("我们在滨江路88号", "give_address"))
    assert "location" in c.state.answered and c.state.address_known


def test_phone_is_refused_once_without_a_reason_and_given_with_one():
    c = greeted(phone_reluctance=1)
    assert PERSONA.phone not in c.give_phone(T("您电话多少？", "ask_phone")).text
    assert PERSONA.phone in c.give_phone(T("方便留个电话吗？有优惠活动第一时间通知您", "ask_phone")).text


def test_a_reluctant_customer_gives_the_name_on_the_second_ask():
    c = greeted(name_reluctance=1)
    assert not c.give_name(T("您贵姓？", "ask_name")).text.startswith(("我姓", "免贵"))
    assert "王" in c.give_name(T("请问怎么称呼您？", "ask_name")).text
    assert c.state.name_given


def test_ignoring_questions_and_rudeness_exhaust_patience_and_the_customer_hangs_up():
    c = greeted(patience=3)
    c.react_to_answer(T("我们营业到六点", "answer_hours"))  # not the price: -1
    reply = c.react_to_off_topic(T("你烦不烦啊", "rude"))  # -2
    assert reply.hangup and reply.event == {"event": "hangup", "by": "customer", "reason": "impatient"}
    assert c.state.ended_by == "customer"
    assert c.greet(T("喂？喂？", "greet")).event["event"] == "call_over"


def test_a_monologue_talks_over_the_customer():
    c = greeted()
    reply = c.react_to_answer(T("我跟您说" * (monologue_chars() // 4 + 1), "answer_price"))
    assert any(line in reply.text for line in PERSONA.lines["talked_over"])
    assert c.state.patience == PERSONA.patience - 1


def test_goodbye_ends_with_the_customer_hanging_up():
    c = greeted()
    reply = c.say_goodbye(T("谢谢您的来电，再见！", "goodbye"))
    assert reply.hangup and reply.event["by"] == "customer" and reply.text in PERSONA.lines["goodbye"]


def test_same_seed_same_lines_different_seed_can_differ():
    script = [
        ("greet", T("您好，星辰汽车4S店，小李为您服务", "greet")),
        ("react_to_answer", T("十八万八", "answer_price")),
        ("react_to_answer", T("很实在了", "answer_price")),
        ("give_name", T("您贵姓", "ask_name")),
        ("say_goodbye", T("再见", "goodbye")),
    ]

    def play(seed: int):
        c = customer(seed)
        return [getattr(c, move)(turn).text for move, turn in script]

    assert play(42) == play(42)
    assert any(play(42) != play(seed) for seed in range(1, 6))


def test_outbound_customer_picks_up_and_asks_who_is_calling():
    outbound = replace(PERSONA, direction="outbound")
    c = Customer.new_call(outbound, 3, SUNDAY)
    assert c.pick_up().text in PERSONA.lines["opening"]
    assert c.greet(T("喂，你好", "greet")).text in PERSONA.lines["who_is_calling"]


def outbound(**changes) -> Customer:
    persona = default_registry().get("telecom_appointment_outbound")
    return Customer.new_call(replace(persona, **changes), 4, SUNDAY)


def test_outbound_customer_waits_for_the_purpose_before_asking():
    c = outbound(busy_at_start=False)
    c.pick_up()
    reply = c.greet(T("李总您好，我是联信通信的客户经理小陈", "greet"))
    assert c.state.pending is None and reply.text in c.persona.lines["purpose_reply"]
    c.react_to_remark(T("想约您见个面，介绍一下我们新的企业专线方案", "state_purpose"))
    assert c.state.pending == c.persona.agenda[0].topic


def test_busy_customer_loses_patience_unless_offered_a_call_back():
    c = outbound(busy_at_start=True)
    c.pick_up()
    assert c.greet(T("李总您好，我是联信通信的客户经理小陈", "greet")).text in c.persona.lines["not_good_moment"]
    before = c.state.patience
    c.react_to_remark(T("就占用您两分钟，我们的专线方案……", "state_purpose"))
    assert c.state.patience == before - 1
    c.react_to_remark(T("那好的，我晚些时候再给您打电话", "offer_callback"))
    assert not c.state.busy
    reply = c.say_goodbye(T("不打扰您了，再见", "goodbye"))
    assert reply.hangup and reply.event["by"] == "customer"


def test_the_address_answers_the_location_question_whatever_the_intent():
    customer = Customer.new_call(PERSONA, 7, date(2026, 11, 22))
    customer.state.pending = "location"
    customer.react_to_answer(TraineeTurn("我们店在滨江路88号，到了您直接找我小李就行", "give_contact", ()))
    assert customer.state.address_known and "location" in customer.state.answered
