"""Out-of-scope turns against the real servers: bad input mid-call never starts, ends or silences a
call; misheard or silent turns in a row make an impatient customer hang up (issue 12)."""

from __future__ import annotations

import uuid
from typing import Any, Dict, List

import pytest

from bot.personas.lines import DEFAULT_LINES
from tests.test_attacks_live import GREETING, Page

pytestmark = pytest.mark.servers
PATIENT = {"persona": "car_showroom_inbound", "seed": 3, "date": "2026-11-22"}  # patience 4
IMPATIENT = {"persona": "car_showroom_inbound_hard", "seed": 3, "date": "2026-11-22"}  # patience 2
BAD = ["asdfgh", "Hello, how much is it?", "<script>alert(1)</script>", "' OR 1=1 --", "/action_grade", "hi",
       "Model Y", "hello", "😀😀", "嗯嗯嗯", "/start_call{\"persona\": \"x\"}", "（挂断）", "12345"]
HEARD = "好的，明白"  # an acknowledgement between bad turns: the customer hears it, the row starts again


def customs(reply: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    return [r["custom"] for r in reply if "custom" in r]


def said(reply: List[Dict[str, Any]]) -> str:
    return "".join(r.get("text") or "" for r in reply)


def test_bad_input_mid_call_never_starts_ends_or_silences_it(servers):
    sender = f"oos-{uuid.uuid4().hex[:8]}"
    assert said(servers.say(sender, GREETING, PATIENT))
    for text in BAD:
        reply = servers.say(sender, text, PATIENT)
        assert said(reply), f"the customer said nothing to {text!r}"
        assert not customs(reply), (text, customs(reply))  # no ringing, no hang-up, no scorecard
        assert said(servers.say(sender, HEARD, PATIENT))
    for long, reason in (("x" * 10_000, "message_too_long"), ("好" * 10_000, "body_too_large")):
        status, refused = servers.rest({"sender": sender, "message": long, "metadata": PATIENT})
        assert status == 400 and refused["reason"] == reason  # refused before the NLU; the call goes on

    tracker = servers.tracker(sender)
    call = tracker["slots"]["call"]
    assert call["ended_by"] is None and call["trainee_turns"] == 1 + 2 * len(BAD)  # one call, never restarted
    intents = [e["parse_data"]["intent"]["name"] for e in tracker["events"] if e["event"] == "user"]
    assert not {"start_call", "hangup", "silence"} & set(intents), intents


def test_two_misheard_turns_in_a_row_make_an_impatient_customer_hang_up(servers):
    sender = f"oos-{uuid.uuid4().hex[:8]}"
    servers.say(sender, GREETING, IMPATIENT)
    first = servers.say(sender, "asdfgh", IMPATIENT)
    assert said(first) in DEFAULT_LINES["not_chinese"] and not customs(first)
    second = servers.say(sender, "😀😀", IMPATIENT)
    assert said(second).startswith(DEFAULT_LINES["misheard_hangup"])
    assert customs(second)[0] == {"event": "hangup", "by": "customer", "reason": "misheard"}
    assert customs(second)[-1]["event"] == "scorecard"


def test_the_widgets_silence_turn_gets_hello_are_you_there_then_a_hang_up(servers):
    page = Page(servers)
    call_id = page.start("car_showroom_inbound_hard")
    assert page.post(f"/api/calls/{call_id}/answer").status_code == 200
    page.say(call_id, GREETING)

    quiet = page.post(f"/api/calls/{call_id}/turns", {"silence": True}).json()
    assert [m["text"] for m in quiet["messages"]] == [quiet["messages"][0]["text"]]
    assert quiet["messages"][0]["text"] in DEFAULT_LINES["silence"] and not quiet["ended"]
    again = page.post(f"/api/calls/{call_id}/turns", {"silence": True}).json()
    assert again["ended"] and again["hangup_by"] == "customer" and again["scorecard"]
    # Silence is not a turn of the transcript: the trainee only said the greeting.
    turns = servers.store.get_call(call_id)["turns"]
    assert [t["text"] for t in turns if t["speaker"] == "trainee"] == [GREETING]
    assert turns[-1]["text"] in DEFAULT_LINES["misheard_hangup"]


def test_silence_is_a_control_only_the_server_sends(servers):
    page = Page(servers)
    call_id = page.start("car_showroom_inbound_hard")
    assert page.post(f"/api/calls/{call_id}/answer").status_code == 200
    typed = page.say(call_id, "/silence")  # typed by the trainee: words, not the payload
    assert typed["messages"] and typed["messages"][0]["text"] not in DEFAULT_LINES["silence"]
    refused = page.post(f"/api/calls/{call_id}/turns", {"silence": "yes"})
    assert refused.status_code == 400  # not the silence flag, and no text either
