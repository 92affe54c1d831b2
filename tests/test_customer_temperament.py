"""Depth the persona promises: difficulty and class change the customer (bot/customer/temperament.py),
counter-offers come from any window, no push line repeats, the trainer's own topics, visits to the
customer (上门)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from bot.customer.simulator import Customer, TraineeTurn
from bot.customer.temperament import temperament_of
from bot.language.words import WEEKDAY_NAMES
from bot.personas import default_registry
from bot.personas.model import AgendaItem

SUNDAY = date(2026, 11, 22)
CAR = default_registry().get("car_showroom_inbound")  # normal, class C: Sat/Sun daytime, Wed evening
TELECOM = default_registry().get("telecom_appointment_outbound")  # Tue/Thu afternoons


def T(text: str, intent: str) -> TraineeTurn:
    return TraineeTurn(text=text, intent=intent, entities=())


def greeted(seed: int = 1, persona=CAR, **changes) -> Customer:
    c = Customer.new_call(replace(persona, **changes), seed, SUNDAY)
    c.greet(T("您好，星辰汽车4S店，销售顾问小李为您服务！", "greet"))
    return c


def test_the_files_numbers_stand_when_they_fit_the_difficulty():
    assert temperament_of(CAR).patience == CAR.patience and temperament_of(CAR).price_push == CAR.price_push
    hard = default_registry().get("car_showroom_inbound_hard")
    assert (temperament_of(hard).patience, temperament_of(hard).name_reluctance) == (2, 1)


def test_a_hard_customer_is_shorter_of_patience_and_more_guarded_than_an_easy_one():
    base = dict(patience=4, name_reluctance=0, phone_reluctance=0, price_push=0)  # as a "normal" file might say
    hard, easy = greeted(difficulty="hard", **base), greeted(difficulty="easy", **base)
    assert hard.state.patience < easy.state.patience

    assert "王" not in hard.give_name(T("您贵姓？", "ask_name")).text
    assert "王" in easy.give_name(T("您贵姓？", "ask_name")).text
    assert CAR.phone in easy.give_phone(T("您电话多少？", "ask_phone")).text
    assert CAR.phone not in hard.give_phone(T("您电话多少？", "ask_phone")).text

    assert easy.react_to_answer(T("指导价十八万八", "answer_price")).text not in CAR.lines["price_push"]
    assert hard.react_to_answer(T("指导价十八万八", "answer_price")).text in CAR.lines["price_push"]

    strikes = {}
    for name, c in (("hard", hard), ("easy", easy)):
        turns = 0
        while not c.state.ended:
            turns += 1
            c.react_to_off_topic(T("今天天气真不错", "off_topic"))
        strikes[name] = turns
    assert strikes["hard"] < strikes["easy"]


def test_class_c_books_at_the_first_fitting_time_class_d_wants_a_second_either_or_invitation():
    c = greeted(customer_class="C")
    c.consider_invitation(T("周六上午十点可以吗？", "propose_time"))
    assert c.state.agreed_slot == "周六上午十点"

    d = greeted(customer_class="D")
    first = d.consider_invitation(T("周六上午十点可以吗？", "propose_time"))
    hesitant = [CAR.fill(line, slot="周六上午十点") for line in CAR.lines["invited_hesitant"]]
    assert d.state.agreed_slot is None and first.text in hesitant
    d.consider_invitation(T("那周日上午十点呢？", "propose_time"))
    assert d.state.agreed_slot is None  # a second time, but not either-or
    d.consider_invitation(T("您看周六上午还是周日下午，哪个方便？", "propose_time"))
    assert d.state.agreed_slot == "周六上午"


def test_class_e_takes_its_own_counter_offer_at_once():
    e = greeted(customer_class="E")
    e.consider_invitation(T("周一上午过来可以吗？", "propose_time"))
    offer = e.state.offered_slot
    e.consider_invitation(T(f"好的，那就{offer}", "propose_time"))
    assert e.state.agreed_slot == offer


def fits(persona, offer: str) -> bool:
    day, part = WEEKDAY_NAMES.index(offer[:2]), offer[2:]
    return any(day in window.days and part in window.parts for window in persona.availability)


def test_counter_offers_come_from_any_window_vary_with_the_seed_and_move_on_within_a_call():
    offers = set()
    for seed in range(1, 21):
        c = greeted(seed)
        c.consider_invitation(T("周一上午过来可以吗？", "propose_time"))
        first = c.state.offered_slot or ""
        c.consider_invitation(T("周二上午呢？", "propose_time"))
        assert fits(CAR, first) and fits(CAR, c.state.offered_slot or "") and c.state.offered_slot != first
        offers.add(first)
    assert "周三晚上" in offers and len(offers) >= 3  # not always the first window's first part


def test_no_push_line_repeats_in_a_call_and_an_exhausted_key_does_not_repeat_back_to_back():
    pushes = ("再便宜点吧。", "别家更便宜。", "这价太贵了。")
    c = greeted(price_push=3, lines={**CAR.lines, "price_push": pushes})
    said = [c.react_to_answer(T("指导价十八万八", "answer_price")).text for _ in range(3)]
    assert sorted(said) == sorted(pushes)

    c = greeted(price_push=3, lines={**CAR.lines, "price_push": pushes[:2]})
    said = [c.react_to_answer(T("指导价十八万八", "answer_price")).text for _ in range(3)]
    assert set(said[:2]) == set(pushes[:2]) and said[2] != said[1]


def test_a_custom_topic_is_asked_and_answered_only_by_its_words():
    transport = AgendaItem(topic="transport", asks=("你们那儿坐地铁方便吗？",), answers=("地铁", "号线"), word="地铁")
    c = greeted(agenda=(transport, *CAR.agenda[:1]))
    assert c.state.pending == "transport"
    reply = c.react_to_answer(T("我们有三款车型", "answer_model"))
    assert c.state.pending == "transport" and reply.text.endswith("那地铁呢？")
    reply = c.react_to_answer(T("很方便，地铁二号线出来就是", "give_address"))
    assert "transport" in c.state.answered and c.state.pending == "price"


def test_a_custom_topic_answered_before_it_is_asked_is_skipped():
    parking = AgendaItem(topic="parking", asks=("好停车吗？",), answers=("停车",), word="停车")
    c = greeted(agenda=(CAR.agenda[0], parking, CAR.agenda[1]))
    c.react_to_answer(T("十八万八，我们店门口免费停车", "answer_price"))
    c.react_to_answer(T("已经很实在了", "answer_price"))
    assert "parking" in c.state.answered and c.state.pending == "configuration"


def test_a_visit_to_the_customer_gets_the_customers_own_address():
    office = "高新大道77号恒达物流大厦"
    c = Customer.new_call(replace(TELECOM, busy_at_start=False, customer_address=office), 5, SUNDAY)
    c.pick_up()
    c.greet(T("李总您好，我是联信通信的客户经理小陈", "greet"))
    reply = c.consider_invitation(T("那我周二下午三点到您公司拜访您，您看方便吗？", "propose_time"))
    assert c.state.agreed_slot == "周二下午三点"
    assert office in reply.text and c.state.agreed_place == office and c.state.visit_to_customer
    assert c.state.pending != "location" and not any(line in reply.text for line in TELECOM.lines["ask_address"])
