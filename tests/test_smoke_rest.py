"""A whole inbound call over the REST channel against the real servers."""

from __future__ import annotations

import re
import uuid

import pytest

from bot.personas import default_registry

pytestmark = pytest.mark.servers
PERSONA = default_registry().get("car_showroom_inbound")
CJK = re.compile(r"[\u4e00-\u9fff]")


def persona_says(text: str) -> bool:
    """The line comes from the persona file (its agenda or its lines), not from domain responses."""
    pieces = [ask for item in PERSONA.agenda for ask in (*item.asks, *item.followups)]
    pieces += [PERSONA.fill(line, slot="", rejected="", offer="", day="").strip("，。？") for lines in PERSONA.lines.values() for line in lines]
    return any(p and p[:4] in text for p in pieces)


def test_a_whole_inbound_call(servers):
    sender = f"smoke-{uuid.uuid4().hex[:8]}"
    meta = {"persona": "car_showroom_inbound", "seed": 11, "date": "2026-11-22"}
    said = []

    def turn(text: str):
        replies = servers.say(sender, text, meta)
        # The scorecard's summary is the product talking, not the customer.
        said.extend(r["text"] for r in replies if r.get("text") and not r["text"].startswith("通话评分"))
        return replies

    first = turn("您好，星辰汽车4S店，销售顾问小李为您服务！")
    assert any(ask in first[0]["text"] for ask in PERSONA.agenda[0].asks)  # price or models
    turn("您好，X5的指导价是十八万八起，现在店里有两万的优惠")
    turn("价格这块电话里不好说，您来店里我给您申请最低价")
    name = turn("请问您贵姓？")
    assert "王" in name[0]["text"]
    turn("王先生，X5有三个配置，顶配带全景天窗和自适应巡航")
    accepted = turn("王先生，欢迎您来店里试驾，您看是周六上午还是周日下午方便？")
    assert "周六上午" in accepted[0]["text"]
    turn("我们店在滨江路88号，到了您直接找我小李就行")
    turn("谢谢王先生")
    last = turn("好的王先生，那我们周六上午见，谢谢您的来电，再见！")
    # REST sends a message's text and its custom payload as two items, in that order.
    customs = [r["custom"] for r in last if "custom" in r]
    assert customs[0] == {"event": "hangup", "by": "customer", "reason": "goodbye"}
    assert customs[-1]["event"] == "scorecard" and "custom" in last[-1]  # the scorecard comes last

    assert all(CJK.search(text) for text in said), said
    assert all(persona_says(text) for text in said), [t for t in said if not persona_says(t)]
    tracker = servers.tracker(sender)
    assert tracker["slots"]["call"]["agreed_slot"] == "周六上午"
    assert tracker["slots"]["call"]["ended_by"] == "customer"
    assert servers.store.call_of_conversation(sender)["hangup_by"] == "customer"


def test_a_live_call_is_graded_stored_and_exported_for_the_same_grade(servers, tmp_path):
    import json

    import yaml

    sender = f"graded-{uuid.uuid4().hex[:8]}"
    meta = {"persona": "car_showroom_inbound", "seed": 5, "date": "2026-11-22"}
    for text in ("您好，星辰汽车4S店，销售顾问小李为您服务！", "请问您贵姓？", "王先生，X5指导价十八万八起，现在有优惠"):
        servers.say(sender, text, meta)
    last = servers.say(sender, "好的王先生，谢谢您的来电，再见！", meta)

    assert [r["custom"]["event"] for r in last if "custom" in r] == ["hangup", "scorecard"]
    scorecard = last[-1]["custom"]
    assert scorecard["event"] == "scorecard" and last[-2]["text"].startswith("通话评分")
    card = scorecard["scorecard"]
    assert {c["id"] for c in card["criteria"]} >= {"greeting", "name_capture", "invitation", "closing"}

    stored = servers.store.call_of_conversation(sender)  # our tables are the system of record
    assert stored["id"] == card["call_id"] and stored["source"] == "rest" and stored["date"] == "2026-11-22"
    assert stored["scorecard"]["score"] == card["score"]
    assert [c["passed"] for c in stored["scorecard"]["criteria"]] == [c["passed"] for c in card["criteria"]]
    assert stored["turns"][0]["text"] == "您好，星辰汽车4S店，销售顾问小李为您服务！"

    exported = tmp_path / "call.yml"
    result = servers.cli("export", stored["id"], "-o", str(exported))
    assert result.returncode == 0, result.stderr
    data = yaml.safe_load(exported.read_text("utf-8"))
    assert data["rehearsal"]["date"] == "2026-11-22" and data["rehearsal"]["source"] == "rest"
    assert data["scorecard"]["score"] == card["score"] and data["record_card"] is None
    regraded = servers.cli("grade", "--json", str(exported))
    again = json.loads(regraded.stdout)
    assert again["score"] == card["score"]
    assert [c["passed"] for c in again["criteria"]] == [c["passed"] for c in card["criteria"]]
    assert [c["evidence"] for c in again["criteria"]] == [c["evidence"] for c in card["criteria"]]
