"""The customer remembers what the trainee said: places, times, prices and names, and never asks
again what was already answered (bot/customer/memory.py and the simulator around it)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from typing import List

from bot.customer.simulator import Customer, TraineeTurn
from bot.customer.state import CallState
from bot.personas import default_registry

SUNDAY = date(2026, 11, 22)
CAR = default_registry().get("car_showroom_inbound")  # address 滨江路88号; price, configuration, test_drive
FRIENDLY = default_registry().get("car_showroom_inbound_friendly")  # models, price, test_drive
TRUCK = default_registry().get("truck_followup_outbound")  # price, delivery (repair time), hours


def T(text: str, intent: str) -> TraineeTurn:
    return TraineeTurn(text=text, intent=intent, entities=())


def call(persona=CAR, seed: int = 1, **changes) -> Customer:
    return Customer.new_call(replace(persona, **changes) if changes else persona, seed, SUNDAY)


def greeted(persona=CAR, seed: int = 1, **changes) -> Customer:
    c = call(persona, seed, **changes)
    c.greet(T(f"您好，{persona.company}，销售顾问小李为您服务！", "greet"))
    return c


def said_any(text: str, lines) -> bool:
    return any(line in text for line in lines)


def test_an_address_the_trainee_states_answers_where_even_when_the_persona_file_says_another():
    c = greeted()
    c.consider_invitation(T("周六上午十点过来吧", "propose_time"))
    assert c.state.pending == "location"
    c.react_to_answer(T("我们在滨江路188号", "give_address"))  # the file says 88
    assert "location" in c.state.answered and c.state.pending != "location"
    assert c.state.heard_place == "滨江路188号" and c.state.agreed_place == "滨江路188号"
    later = [
        c.react_to_remark(T("好的", "acknowledge")),
        c.give_name(T("请问您贵姓？", "ask_name")),
        c.consider_invitation(T("那就周六上午十点", "propose_time")),
    ]
    assert not any(said_any(reply.text, CAR.lines["ask_address"]) for reply in later)


def test_an_address_answers_where_whatever_the_intent_it_was_read_as():
    c = greeted()
    c.consider_invitation(T("周六上午十点过来吧", "propose_time"))
    reply = c.react_to_remark(T("好的，地址是滨江路188号，到了找我小李", "give_contact"))
    assert "location" in c.state.answered and c.state.heard_name == "小李"
    assert not said_any(reply.text, CAR.lines["ask_address"])


def test_an_invitation_that_names_the_place_is_not_followed_by_where_are_you():
    c = greeted()
    reply = c.consider_invitation(T("好的，那就周六上午十点，滨江路188号，我专程等您", "propose_time"))
    assert c.state.agreed_slot == "周六上午十点" and c.state.agreed_place == "滨江路188号"
    assert c.state.pending != "location" and not said_any(reply.text, CAR.lines["ask_address"])


def test_a_landmark_is_a_place_but_a_venue_word_alone_is_not():
    c = greeted()
    reply = c.consider_invitation(T("欢迎您周六上午来店里看看", "invite_visit"))
    assert c.state.heard_place is None and said_any(reply.text, CAR.lines["ask_address"])
    c.react_to_answer(T("我们就在地铁二号线出口对面", "give_address"))
    assert c.state.heard_place == "地铁二号线出口对面" and c.state.agreed_place == "地铁二号线出口对面"
    assert "location" in c.state.answered


def test_a_price_stated_before_it_is_asked_is_never_asked():
    c = greeted(FRIENDLY)
    assert c.state.pending == "models"
    reply = c.react_to_answer(T("我们有三款，入门款十二万八，顶配十五万", "answer_model"))
    assert c.state.heard_price == "十二万八"
    assert "price" in c.state.answered and c.state.pending == "test_drive"
    price_asks = FRIENDLY.agenda[1].asks + FRIENDLY.agenda[1].followups
    assert not said_any(reply.text, price_asks)


def test_a_price_already_given_and_pushed_back_on_is_not_asked_again_after_an_invitation():
    c = greeted(price_push=1)
    assert c.react_to_answer(T("X5指导价十八万八", "answer_price")).text in CAR.lines["price_push"]
    reply = c.consider_invitation(T("价格的事您来店里我给您申请，周六上午十点您方便吗？", "propose_time"))
    assert c.state.agreed_slot == "周六上午十点"
    assert "price" in c.state.answered
    assert not said_any(reply.text, CAR.agenda[0].asks + CAR.agenda[0].followups)


def test_after_a_push_an_answer_off_the_question_gets_bargaining_not_the_price_question_again():
    c = greeted(price_push=1)
    push = c.react_to_answer(T("X5指导价十八万八", "answer_price")).text
    reply = c.react_to_answer(T("我们在滨江路88号", "give_address"))
    assert c.state.patience == CAR.patience - 1 and c.state.pending == "price"
    assert said_any(reply.text, CAR.lines["price_push"]) and push not in reply.text
    assert not said_any(reply.text, CAR.agenda[0].asks + CAR.agenda[0].followups)


def test_the_customers_own_facts_stay_the_same_when_asked_again():
    c = greeted(name_reluctance=0, phone_reluctance=0)
    names = [c.give_name(T("您贵姓？", "ask_name")).text for _ in range(3)]
    phones = [c.give_phone(T("您电话多少？", "ask_phone")).text for _ in range(3)]
    assert all("王" in text for text in names) and all(CAR.phone in text for text in phones)
    assert c.state.name_form == "王" and c.state.phone_said == CAR.phone


def test_a_repair_time_given_in_passing_is_not_asked():
    c = call(TRUCK, busy_at_start=False)
    c.pick_up()
    c.greet(T("马师傅您好，我是九鑫汽运服务站的小王", "greet"))
    c.react_to_remark(T("给您做个回访，看看车用得怎么样", "state_purpose"))
    assert c.state.pending == "price"
    reply = c.react_to_answer(T("保养六百块，离合器片有现货，两个小时就能换好", "answer_price"))
    assert "delivery" in c.state.answered
    replies: List[str] = [reply.text]
    for _ in range(3):  # whatever the price push does, the repair time is never asked
        replies.append(c.react_to_answer(T("已经是老客户价了", "answer_price")).text)
    delivery = TRUCK.agenda[1].asks + TRUCK.agenda[1].followups
    assert not any(said_any(text, delivery) for text in replies)


def test_an_open_question_answered_by_content_in_another_move_is_not_re_asked():
    c = call(TRUCK, busy_at_start=False)
    c.pick_up()
    c.greet(T("马师傅您好，我是九鑫汽运服务站的小王", "greet"))
    c.react_to_remark(T("给您做个回访", "state_purpose"))
    c.state.pending, c.state.agenda_index = "delivery", 2  # the repair time is the open question
    reply = c.give_name(T("当天就能弄好。对了，您全名怎么称呼来着？", "ask_name"))
    assert "delivery" in c.state.answered
    assert not said_any(reply.text, TRUCK.agenda[1].asks + TRUCK.agenda[1].followups)


def test_a_follow_up_about_the_place_once_then_the_questions_go_on():
    c = greeted()
    c.react_to_answer(T("X5指导价十八万八", "answer_price"))
    c.react_to_answer(T("价格很实在了", "answer_price"))
    assert c.state.pending == "configuration"
    reply = c.react_to_answer(T("顶配带全景天窗，我们店在滨江路188号", "answer_config"))
    assert reply.text.endswith(tuple(CAR.lines["place_followup"])) and c.state.pending is None
    reply = c.react_to_answer(T("好停车，地铁二号线也能到", "answer_config"))
    assert said_any(reply.text, CAR.agenda[2].asks) and c.state.pending == "test_drive"
    reply = c.react_to_answer(T("我们另一个店在江北路9号", "give_address"))
    assert not said_any(reply.text, CAR.lines["place_followup"])  # once a call


def test_a_turn_the_customer_did_not_catch_tells_them_nothing():
    c = greeted()
    c.ask_to_repeat(T("十八万八，滨江路188号", "nlu_fallback"))
    assert c.state.heard_price is None and c.state.heard_place is None and c.state.pending == "price"


def test_the_customer_records_the_facts_a_live_grade_needs():
    c = greeted(name_reluctance=0)
    c.react_to_answer(T("X5指导价十八万八", "answer_price"))
    c.give_name(T("请问您贵姓？", "ask_name"))
    c.give_phone(T("方便留个电话吗？有优惠活动第一时间通知您", "ask_phone"))
    c.consider_invitation(T("您看周六上午还是周日下午？我们在滨江路188号", "propose_time"))
    state = c.state
    assert (state.name_given, state.name_form) == (True, "王")
    assert (state.phone_given, state.phone_said) == (True, CAR.phone)
    assert state.heard_price == "十八万八" and state.heard_time == "周六上午还是周日下午"
    assert (state.agreed_slot, state.agreed_place) == ("周六上午", "滨江路188号")


def test_a_full_name_in_the_customers_line_is_recorded_as_the_full_name():
    c = call(TRUCK, busy_at_start=False, lines={**TRUCK.lines, "name_given": ("我叫马长海，你们本子上有。",)})
    c.pick_up()
    c.give_name(T("您怎么称呼？", "ask_name"))
    assert c.state.name_form == "马长海"


SCRIPT = [
    ("greet", T("您好，星辰汽车4S店，小李为您服务", "greet")),
    ("react_to_answer", T("十八万八", "answer_price")),
    ("react_to_answer", T("很实在了", "answer_price")),
    ("give_name", T("您贵姓", "ask_name")),
    ("react_to_off_topic", T("今天天气不错", "off_topic")),
    ("consider_invitation", T("周一上午过来可以吗？", "propose_time")),
    ("consider_invitation", T("周二上午呢？", "propose_time")),
    ("react_to_answer", T("我们在滨江路188号", "give_address")),
    ("give_phone", T("留个电话吧", "ask_phone")),
    ("say_goodbye", T("再见", "goodbye")),
]


def play(seed: int):
    c = call(seed=seed)
    return [getattr(c, move)(turn).text for move, turn in SCRIPT], c.state.to_dict()


def test_exam_mode_same_seed_same_lines_and_state_another_seed_differs():
    lines, state = play(42)
    assert play(42) == (lines, state)
    assert any(play(seed)[0] != lines for seed in range(1, 6))


def test_call_state_stays_json_safe_and_old_states_still_load():
    _, state = play(3)
    assert CallState.from_dict(json.loads(json.dumps(state))).to_dict() == state
    old = {"persona_id": "car_showroom_inbound", "seed": 1, "call_date": "2026-11-22", "patience": 4, "gone": 1}
    restored = CallState.from_dict(old)
    assert restored.agreed_place is None and restored.used_lines == {} and restored.heard_place is None


def test_a_new_time_said_with_an_apology_replaces_the_agreed_one():
    c = greeted()
    c.consider_invitation(T("周六上午十点过来吧", "propose_time"))
    assert c.state.agreed_slot == "周六上午十点"
    reply = c.react_to_remark(T("不好意思，那天店里有活动，改到周日下午可以吗？", "apologize"))
    assert c.state.agreed_slot == "周日下午"
    assert said_any(reply.text, CAR.lines["apology_reply"]) and "周日下午" in reply.text
    same = c.react_to_remark(T("不好意思，刚才信号不好", "apologize"))  # no new time: just an apology
    assert c.state.agreed_slot == "周日下午" and said_any(same.text, CAR.lines["apology_reply"])
