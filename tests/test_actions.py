"""The rasa-sdk actions, run on JSON tracker fixtures with a CollectingDispatcher."""

from __future__ import annotations

from actions.actions import (
    ActionGiveName,
    ActionReactToAnswer,
    ActionReactToGreeting,
    ActionSayGoodbye,
    ActionTraineeHungUp,
)
from bot.personas import default_registry
from tests.conftest import slot_value

PERSONA = default_registry().get("car_showroom_inbound")
PRICE_ASKS = PERSONA.agenda[0].asks
SECOND_ASKS = PERSONA.agenda[1].asks


async def test_greeting_starts_the_call_with_the_first_question(tracker, dispatcher, domain):
    events = await ActionReactToGreeting().run(dispatcher, tracker("first_turn_greet"), domain)

    (message,) = dispatcher.messages
    assert any(ask in message["text"] for ask in PRICE_ASKS)
    call = slot_value(events, "call")
    assert call["persona_id"] == "car_showroom_inbound"
    assert call["pending"] == "price" and call["seed"] == 7 and call["trainee_turns"] == 1


async def test_greeting_without_company_gets_a_doubtful_customer(tracker, dispatcher, domain):
    await ActionReactToGreeting().run(dispatcher, tracker("first_turn_greet", text="喂？"), domain)

    assert "星辰汽车4S店" in dispatcher.messages[0]["text"]  # "喂？是星辰汽车4S店吗？"


async def test_answering_the_open_question_moves_to_the_next(tracker, dispatcher, domain):
    events = await ActionReactToAnswer().run(dispatcher, tracker("price_pending"), domain)

    assert any(ask in dispatcher.messages[0]["text"] for ask in SECOND_ASKS)
    assert slot_value(events, "call")["answered"] == ["price"]


async def test_answering_off_the_question_costs_patience(tracker, dispatcher, domain):
    wrong = tracker("price_pending", text="我们在滨江路88号", intent={"name": "give_address", "confidence": 0.9})
    events = await ActionReactToAnswer().run(dispatcher, wrong, domain)

    call = slot_value(events, "call")
    assert call["patience"] == 3 and call["pending"] == "price"
    # The price was given and pushed back on once already: the customer bargains on, never re-asks it.
    assert any(push in dispatcher.messages[0]["text"] for push in PERSONA.lines["price_push"])


async def test_name_asked_gives_the_persona_surname(tracker, dispatcher, domain):
    asked = tracker("price_pending", text="请问您贵姓？", intent={"name": "ask_name", "confidence": 0.9})
    events = await ActionGiveName().run(dispatcher, asked, domain)

    assert "王" in dispatcher.messages[0]["text"]
    assert slot_value(events, "call")["name_given"] is True


async def test_goodbye_makes_the_customer_hang_up_and_the_call_is_graded(tracker, dispatcher, domain):
    events = await ActionSayGoodbye().run(dispatcher, tracker("call_closing"), domain)

    goodbye, scorecard = dispatcher.messages
    assert goodbye["text"] in PERSONA.lines["goodbye"]
    assert goodbye["custom"] == {"event": "hangup", "by": "customer", "reason": "goodbye"}
    assert slot_value(events, "call")["ended_by"] == "customer"

    card = scorecard["custom"]["scorecard"]
    assert scorecard["custom"]["event"] == "scorecard" and scorecard["text"].startswith("通话评分")
    assert "scorecard" not in {e.get("name") for e in events}  # stored in our tables, not the tracker
    results = {c["id"]: c for c in card["criteria"]}
    assert all(results[cid]["passed"] for cid in ("greeting", "name_capture", "invitation", "closing"))
    assert {(e["turn"], e["text"]) for e in results["greeting"]["evidence"]} == {(1, "您好，星辰汽车4S店，销售顾问小李为您服务！")}
    assert card["score"] == sum(c["points"] for c in card["criteria"])


async def test_the_finished_call_is_stored_before_the_customer_hangs_up(tracker, dispatcher, domain, private_database):
    from bot.store import calls
    from bot.store.database import database

    closing = tracker("call_closing", metadata={"source": "widget", "trainee": "小李-001"})
    await ActionSayGoodbye().run(dispatcher, closing, domain)
    card = dispatcher.messages[-1]["custom"]["scorecard"]
    stored = calls.call_dict(calls.get_call(database(private_database), card["call_id"]))
    assert stored["source"] == "widget" and stored["status"] == "ended" and stored["trainee"] == ""
    assert stored["scorecard"]["score"] == card["score"]
    assert [c["passed"] for c in stored["scorecard"]["criteria"]] == [c["passed"] for c in card["criteria"]]
    assert stored["turns"][0]["text"] == "您好，星辰汽车4S店，销售顾问小李为您服务！"
    assert stored["turns"][-1]["speaker"] == "customer" and stored["hangup_by"] == "customer"


async def test_bad_metadata_never_silences_the_customer(tracker, dispatcher, domain):
    """The channel refuses it first; if it ever got through, the customer still answers."""
    start = tracker("first_turn_greet", metadata={"persona": "car_showroom_inbound", "date": "2026-02-30",
                                                  "rings": -5, "seed": "abc"})
    events = await ActionReactToGreeting().run(dispatcher, start, domain)
    assert dispatcher.messages and dispatcher.messages[0]["text"]
    assert slot_value(events, "call")["rings"] is None


async def test_trainee_hangup_is_recorded_without_customer_words(tracker, dispatcher, domain):
    hang = tracker("price_pending", text="/hangup", intent={"name": "hangup", "confidence": 1.0})
    events = await ActionTraineeHungUp().run(dispatcher, hang, domain)

    message, scorecard = dispatcher.messages
    assert message["text"] is None
    assert message["custom"]["by"] == "trainee"
    assert slot_value(events, "call")["end_reason"] == "trainee_hangup"
    closing = next(c for c in scorecard["custom"]["scorecard"]["criteria"] if c["id"] == "closing")
    assert closing["passed"] is False


async def test_unknown_persona_is_reported_not_raised(tracker, dispatcher, domain):
    start = tracker("first_turn_greet", metadata={"persona": "no_such_persona"})
    events = await ActionReactToGreeting().run(dispatcher, start, domain)

    assert events == []
    assert dispatcher.messages[0]["custom"]["reason"] == "unknown_persona"


async def test_rings_and_trainee_from_the_widget_are_kept_and_graded(tracker, dispatcher, domain):
    first = tracker("first_turn_greet", metadata={"persona": "car_showroom_inbound", "seed": 7,
                                                  "rings": 5, "trainee": "小李-001"})
    events = await ActionReactToGreeting().run(dispatcher, first, domain)
    call = slot_value(events, "call")
    assert call["rings"] == 5 and call["trainee"] == "小李-001"

    closing = tracker("call_closing", metadata={"rings": 5})
    closing.slots["call"]["rings"] = None
    await ActionSayGoodbye().run(dispatcher, closing, domain)
    card = dispatcher.messages[-1]["custom"]["scorecard"]
    greeting = next(c for c in card["criteria"] if c["id"] == "greeting")
    assert not greeting["passed"] and "铃响5声" in greeting["feedback"]
