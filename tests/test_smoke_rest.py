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
        said.extend(r.get("text") for r in replies if r.get("text"))
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
    assert last[-1]["custom"] == {"event": "hangup", "by": "customer", "reason": "goodbye"}

    assert all(CJK.search(text) for text in said), said
    assert all(persona_says(text) for text in said), said
    tracker = servers.tracker(sender)
    assert tracker["slots"]["call"]["agreed_slot"] == "周六上午"
    assert tracker["slots"]["call"]["ended_by"] == "customer"
