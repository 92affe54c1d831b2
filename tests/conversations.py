"""A scripted trainee for whole calls over the real servers: it says its lines over the REST channel,
answers whatever the customer has open (read from the call state in Rasa's tracker), and reports the
customer's move after each turn (the action Rasa ran and the customer's events)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

from bot.language.words import WEEKDAY_NAMES
from bot.personas.model import Persona

# A plain answer per built-in topic, worded as a trainee would say it on any of the four lines of business.
ANSWERS = {
    "price": "价格是二十万左右，具体优惠您来了我给您详细算。",
    "models": "我们有三款可以选，您来了可以都看看。",
    "configuration": "标配就带导航和倒车影像，高配还有天窗。",
    "test_drive": "可以的，随时欢迎您来体验。",
    "hours": "我们早上八点开门，晚上九点下班。",
    "finance": "可以分期，首付三成就行，利率也不高。",
    "delivery": "有现货，当天就能弄好。",
}
DATE = "2026-11-23"  # a Monday: weekday names resolve the same way in every run


@dataclass
class Move:
    """What the customer did after one trainee turn."""

    actions: List[str]  # Rasa actions run for the turn (action_listen left out)
    text: str  # the customer's words
    events: List[Dict[str, Any]] = field(default_factory=list)  # custom payloads: hangup, scorecard...

    @property
    def hangup(self) -> Optional[Dict[str, Any]]:
        return next((e for e in self.events if e.get("event") == "hangup"), None)


class ScriptedTrainee:
    def __init__(self, servers, persona: Persona, seed: int = 7) -> None:
        self.servers, self.persona = servers, persona
        self.sender = f"script-{persona.id}-{uuid.uuid4().hex[:6]}"
        self.meta = {"persona": persona.id, "seed": seed, "date": DATE}
        self.moves: List[Move] = []

    # -- talking -------------------------------------------------------------------------------

    def _send(self, message: str) -> Move:
        seen = len(self.servers.tracker(self.sender).get("events") or []) if self.moves else 0
        replies = self.servers.say(self.sender, message, self.meta)
        events = (self.servers.tracker(self.sender).get("events") or [])[seen:]
        actions = [e["name"] for e in events if e.get("event") == "action" and e.get("name") != "action_listen"]
        text = "".join(r.get("text", "") for r in replies if not r.get("text", "").startswith("通话评分"))
        move = Move(actions, text, [r["custom"] for r in replies if isinstance(r.get("custom"), dict)])
        self.moves.append(move)
        return move

    def start(self) -> Move:
        return self._send("/start_call")

    def say(self, text: str) -> Move:
        return self._send(text)

    def hang_up(self) -> Move:
        return self._send("/hangup")

    # -- what the trainee knows ----------------------------------------------------------------

    @property
    def state(self) -> Dict[str, Any]:
        return self.servers.tracker(self.sender)["slots"]["call"] or {}

    @property
    def ended(self) -> bool:
        return bool(self.state.get("ended_by"))

    def greeting(self) -> str:
        p = self.persona
        if p.direction == "inbound":
            return f"您好，{p.company}，销售顾问小李为您服务！"
        return f"{p.addressed_as}您好，我是{p.company}的小李，现在方便说话吗？"

    def answer(self) -> Optional[str]:
        """The answer to the customer's open question, if any."""
        topic = self.state.get("pending")
        if topic is None:
            return None
        if topic == "location":
            return f"我们在{self.persona.address}。"
        if topic in ANSWERS:
            return ANSWERS[topic]
        item = next((i for i in self.persona.agenda if i.topic == topic), None)
        words = getattr(item, "answers", ()) if item else ()
        return f"这个您放心，{words[0]}没问题。" if words else "这个您放心，没问题。"

    def slots(self) -> List[str]:
        """Times the customer can make, from the persona's availability: 周六上午, 周三晚上..."""
        found = []
        for window in self.persona.availability:
            for day in sorted(window.days):
                for part in sorted(window.parts):
                    found.append(f"{WEEKDAY_NAMES[day]}{part}")
        return found

    def answer_open_questions(self, limit: int = 6) -> None:
        for _ in range(limit):
            line = self.answer()
            if line is None or self.ended:
                return
            self.say(line)

    def invite(self, slot: str) -> Move:
        a = self.persona.addressed_as
        return self.say(f"{a}，欢迎您来我们这里当面看看，{slot}您方便吗？")

    def agree_a_visit(self) -> Optional[str]:
        """Invite with the customer's own times until one is agreed; the agreed slot."""
        for slot in self.slots()[:3]:
            self.invite(slot)
            agreed = self.state.get("agreed_slot")
            if agreed or self.ended:
                return agreed
        return None

    def scorecard(self) -> Dict[str, bool]:
        call = self.servers.store.call_of_conversation(self.sender)
        assert call and call["scorecard"], f"no stored scorecard for {self.sender}"
        return {c["id"]: c["passed"] for c in call["scorecard"]["criteria"]}

    def good_call(self) -> Optional[str]:
        """A trainee who does everything the standard asks; the agreed slot."""
        p = self.persona
        a = p.addressed_as
        self.start()
        self.say(self.greeting())
        if self.state.get("busy"):  # not a good moment (电话预约): agree when to call back, and go
            self.say("不好意思打扰您了，那我今天晚上七点再给您打过来，您看行吗？")
            self.say(f"好的{a}，谢谢您，再见！")
            return None
        self.answer_open_questions()
        for _ in range(4):  # a reluctant customer is asked again later (seed 003)
            if p.direction == "outbound" or self.state.get("name_given") or self.ended:
                break
            self.say("请问您贵姓？")
        self.say(f"{a}，您平时主要是什么用途？预算大概多少？")
        self.answer_open_questions()
        agreed = self.agree_a_visit()
        self.say(f"我们的地址是{p.address}，到了您找我小李就行。")
        self.answer_open_questions()
        self.say(f"{a}，方便留个手机号吗？我把资料发给您。")
        self.answer_open_questions()
        if agreed:
            self.say(f"跟您确认一下，{agreed}，{p.address}，您的电话是{p.phone}，我专程等您。")
        self.say(f"好的{a}，谢谢您，再见！")
        return agreed
