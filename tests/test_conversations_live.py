"""Conversation tests over the trained model and the real servers: for each persona, scripted trainees
(good, rude, off-topic, silent, repeating a question, giving another address, changing the time,
hanging up early) and the customer's next move and the final verdicts."""

from __future__ import annotations

import re

import pytest

from bot.personas import default_registry
from tests.conversations import ScriptedTrainee

pytestmark = pytest.mark.servers
REGISTRY = default_registry()
PERSONAS = sorted(REGISTRY.scan()[0])
CORE = ("greeting", "name_capture", "invitation", "closing")
ASKS_LOCATION = re.compile(r"在哪|哪个位置|地址|怎么走|怎么去")


@pytest.fixture(params=PERSONAS)
def trainee(request, servers) -> ScriptedTrainee:
    return ScriptedTrainee(servers, REGISTRY.get(request.param))


def test_a_good_trainee_passes_the_core_and_the_customer_says_goodbye(trainee):
    agreed = trainee.good_call()
    busy = trainee.persona.busy_at_start  # the good move is a call-back time, not a visit
    assert agreed or busy, "the customer never agreed to any of their own available times"
    unclear = {"action_ask_to_repeat", "action_react_to_misheard"}
    assert not any(unclear & set(m.actions) for m in trainee.moves), [m.text for m in trainee.moves]
    last = trainee.moves[-1]
    assert last.hangup == {"event": "hangup", "by": "customer", "reason": "goodbye"}
    verdicts = trainee.scorecard()
    core = [c for c in CORE if not (busy and c == "invitation")]
    assert {c: verdicts[c] for c in core} == dict.fromkeys(core, True)
    assert verdicts["courtesy"] and (busy or verdicts["confirmation"]), verdicts


def test_a_rude_trainee_loses_the_customer(trainee):
    trainee.start()
    trainee.say(trainee.greeting())
    moves = [trainee.say("你烦不烦啊，爱买不买，不买拉倒。") for _ in range(trainee.persona.patience + 1)]
    assert moves[0].actions == ["action_react_to_off_topic"]
    ended = next(m for m in moves if m.hangup)
    assert ended.hangup["by"] == "customer" and ended.hangup["reason"] == "impatient"
    assert ended.text  # the customer says something before hanging up
    assert trainee.scorecard()["courtesy"] is False


def test_an_off_topic_trainee_is_brought_back_to_the_open_question(trainee):
    trainee.start()
    trainee.say(trainee.greeting())
    before = trainee.state
    move = trainee.say("对了，今天天气真不错，您吃饭了吗？")
    assert move.actions == ["action_react_to_off_topic"] and move.text and not move.hangup
    after = trainee.state
    assert after["pending"] == before["pending"]  # the question is still open
    assert after["patience"] < before["patience"]


def test_a_silent_trainee_is_asked_if_still_there_and_then_hung_up_on(trainee):
    trainee.start()
    trainee.say(trainee.greeting())
    first = trainee.say("/silence")
    assert first.text and not first.hangup and not first.actions[0].startswith("action_pick_up")
    moves = [first] + [trainee.say("/silence") for _ in range(4)]
    assert any(m.hangup for m in moves), [m.text for m in moves]
    assert next(m for m in moves if m.hangup).hangup["by"] == "customer"


def test_asking_the_name_twice_gets_the_same_name(trainee):
    if trainee.persona.direction == "outbound":
        pytest.skip("the caller knows the name of the customer they dialled")
    trainee.start()
    trainee.say(trainee.greeting())
    said = []
    for _ in range(trainee.persona.name_reluctance + 3):
        move = trainee.say("请问您贵姓？")
        assert move.actions == ["action_give_name"]
        said.append(move.text)
    given = [text for text in said if trainee.persona.surname in text]
    assert given and said[-1] in given  # once given, the name is given again, never refused
    assert not trainee.ended


def test_a_place_the_trainee_states_is_accepted(trainee):
    if trainee.persona.busy_at_start:
        pytest.skip("a busy customer books nothing on this call")
    trainee.start()
    trainee.say(trainee.greeting())
    trainee.answer_open_questions()
    agreed = trainee.agree_a_visit()
    assert agreed
    moves = [trainee.say("我们在滨江路188号，地铁二号线出口对面。")]
    moves += [trainee.say(line) for line in ("好的，那就这么定了。", "到时候您直接过来就行。")]
    assert not any(ASKS_LOCATION.search(m.text) for m in moves), [m.text for m in moves]
    trainee.say(f"跟您确认一下，{agreed}，滨江路188号，我专程等您。")
    trainee.say("谢谢您，再见！")
    verdicts = trainee.scorecard()
    assert verdicts["invitation"] and verdicts["confirmation"], verdicts


def test_a_changed_time_replaces_the_agreed_one(trainee):
    trainee.start()
    trainee.say(trainee.greeting())
    trainee.answer_open_questions()
    first = trainee.agree_a_visit()
    others = [s for s in trainee.slots() if s != first]
    if not first or not others:
        pytest.skip("the persona has a single available time")
    trainee.say(f"不好意思，那天我们店里有活动，改到{others[0]}可以吗？")
    assert trainee.state.get("agreed_slot") == others[0]
    trainee.say(f"我们在{trainee.persona.address}。")
    trainee.say(f"跟您确认一下，{first}，{trainee.persona.address}。")  # the old time: no confirmation
    trainee.say("谢谢您，再见！")
    assert trainee.scorecard()["confirmation"] is False


def test_a_trainee_who_hangs_up_early_fails_the_closing(trainee):
    trainee.start()
    trainee.say(trainee.greeting())
    move = trainee.hang_up()
    assert move.hangup and move.hangup["by"] == "trainee"
    verdicts = trainee.scorecard()
    assert verdicts["closing"] is False and verdicts["invitation"] is False
