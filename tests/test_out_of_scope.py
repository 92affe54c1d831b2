"""Turns the customer can't take as words (bot.customer.misheard), without the trained model:
which line, when the customer hangs up, and when a fallen-back turn is read as the move it leaned to."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
import yaml

from actions.actions import ActionReactToMisheard, ActionReactToSilence, reaction_for
from bot.customer import misheard
from bot.customer.simulator import Customer, TraineeTurn
from bot.personas import default_registry
from bot.personas.lines import DEFAULT_LINES
from bot.settings import PROJECT_ROOT
from tests.conftest import slot_value

PERSONA = default_registry().get("car_showroom_inbound")  # patience 4
HARD = default_registry().get("car_showroom_inbound_hard")  # patience 2


def call(persona=PERSONA) -> Customer:
    return Customer.new_call(persona, 5, date(2026, 11, 22))


def T(text: str, intent: str = "out_of_scope") -> TraineeTurn:
    return TraineeTurn(text=text, intent=intent)


def fallback(*ranked) -> list:
    return [{"name": "nlu_fallback", "confidence": 0.4}, *({"name": n, "confidence": c} for n, c in ranked)]


@pytest.mark.parametrize("text, kind", [
    ("asdfgh", "not_chinese"),
    ("Hello, how much is it?", "not_chinese"),
    ("' OR 1=1 --", "not_chinese"),
    ("Model Y多少钱", "not_chinese"),  # more Latin letters than Chinese characters
    ("嗯嗯嗯", "misheard"),
    ("😀😀", "misheard"),
    ("12345", "misheard"),
    ("那个价格大概多少", "misheard"),
])
def test_the_line_depends_on_what_was_heard(text, kind):
    assert misheard.kind(text, "out_of_scope") == kind
    assert misheard.kind(text, "silence") == "silence"  # the widget's payload, whatever its text


def test_a_policy_fallback_on_a_real_move_is_not_understood():
    assert misheard.kind("我们周六见", "propose_time") == "not_understood"


@pytest.mark.parametrize("ranking, text, expected", [
    (fallback(("answer_price", 0.3)), "那个……大概二十来万吧", "answer_price"),
    (fallback(("answer_price", misheard.RECOVER_CONFIDENCE)), "大概二十来万吧", "answer_price"),
    (fallback(("answer_price", 0.2)), "大概二十来万吧", None),  # too weak a lean
    (fallback(("goodbye", 0.39)), "那个先这样", None),  # a guess never ends the call
    (fallback(("rude", 0.39)), "你怎么回事", None),  # nor costs patience
    (fallback(("off_topic", 0.39)), "天气不错", None),
    (fallback(("out_of_scope", 0.39), ("answer_price", 0.3)), "大概二十来万吧", None),
    (fallback(("start_call", 0.39)), "开始吧开始", None),
    (fallback(("answer_price", 0.39)), "about 200k", None),  # not Chinese
    (fallback(("acknowledge", 0.39)), "嗯嗯嗯", None),  # fillers only
    ([], "大概二十来万吧", None),
    (fallback(("propose_time", 0.9)), "／周六上午见", None),  # typed as a command (bot.messages.spoken)
])
def test_a_fallen_back_chinese_turn_is_read_as_the_sales_move_it_leaned_to(ranking, text, expected):
    assert misheard.recovered_intent(ranking, text) == expected


def test_an_impatient_customer_hangs_up_on_the_second_misheard_turn_in_a_row():
    customer = call(HARD)
    first = customer.ask_to_repeat(T("asdfgh"))
    assert not first.hangup and first.text in DEFAULT_LINES["not_chinese"]
    second = customer.ask_to_repeat(T("嗯嗯嗯"))
    assert second.hangup and second.text in DEFAULT_LINES["misheard_hangup"]
    assert (customer.state.ended_by, customer.state.end_reason) == ("customer", "misheard")
    assert second.event == {"event": "hangup", "by": "customer", "reason": "misheard"}


def test_a_patient_customer_asks_twice_and_hangs_up_on_the_third():
    customer = call()
    replies = [customer.ask_to_repeat(T(text)) for text in ("😀", "12345", "<b>")]
    assert [r.hangup for r in replies] == [False, False, True]
    assert replies[0].text in DEFAULT_LINES["misheard"]
    assert customer.state.misheard_in_a_row == 3


def test_a_heard_turn_in_between_starts_the_count_again():
    customer = call(HARD)
    customer.ask_to_repeat(T("asdfgh"))
    customer.greet(T("您好，星辰汽车4S店，销售顾问小李为您服务！", "greet"))
    again = customer.ask_to_repeat(T("asdfgh"))
    assert not again.hangup and customer.state.misheard_in_a_row == 1


def test_silence_and_garble_count_together():
    customer = call(HARD)
    quiet = customer.ask_to_repeat(T("/silence", "silence"))
    assert quiet.text in DEFAULT_LINES["silence"] and not quiet.hangup
    assert customer.ask_to_repeat(T("/silence", "silence")).hangup


def test_a_persona_can_say_it_its_own_way():
    own = replace(PERSONA, lines={**PERSONA.lines, "silence": ("喂喂？人呢？说话呀。",)})
    assert call(own).ask_to_repeat(T("/silence", "silence")).text == "喂喂？人呢？说话呀。"


async def test_a_fallback_that_leaned_to_the_price_gets_the_answer_reaction(tracker, dispatcher, domain):
    turn = tracker("price_pending", text="那个……落地大概二十万出头吧",
                   intent={"name": "nlu_fallback", "confidence": 0.4},
                   intent_ranking=fallback(("answer_price", 0.33), ("answer_delivery", 0.2)))
    events = await ActionReactToMisheard().run(dispatcher, turn, domain)

    said = dispatcher.messages[0]["text"]
    assert not any(said.startswith(line) for key in ("misheard", "not_chinese") for line in DEFAULT_LINES[key])
    assert slot_value(events, "call")["price_pushes"] == 1 or "price" in slot_value(events, "call")["answered"]


async def test_out_of_scope_is_never_guessed_into_a_move(tracker, dispatcher, domain):
    turn = tracker("price_pending", text="asdfgh", intent={"name": "out_of_scope", "confidence": 0.9},
                   intent_ranking=[{"name": "out_of_scope", "confidence": 0.9}, {"name": "answer_price", "confidence": 0.1}])
    events = await ActionReactToMisheard().run(dispatcher, turn, domain)

    assert dispatcher.messages[0]["text"] in DEFAULT_LINES["not_chinese"]
    assert slot_value(events, "call")["misheard_in_a_row"] == 1


async def test_the_silence_action_says_hello_are_you_there(tracker, dispatcher, domain):
    turn = tracker("price_pending", text="/silence", intent={"name": "silence", "confidence": 1.0})
    await ActionReactToSilence().run(dispatcher, turn, domain)

    assert dispatcher.messages[0]["text"] in DEFAULT_LINES["silence"]


def test_every_intent_a_guess_can_become_has_a_rule_and_an_action():
    intents = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text("utf-8"))["intents"]
    for intent in intents:
        if intent not in misheard.NEVER_GUESSED:
            assert reaction_for(intent).action_name.startswith("action_"), intent
    with pytest.raises(KeyError):
        reaction_for("no_such_intent")
