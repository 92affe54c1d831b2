"""The customer: reacts to each trainee turn from the persona's agenda, temperament and lines.

One public method per kind of trainee move; the Rasa actions in `actions/` call exactly one each.
Line choice is seeded by (seed, turn, line key), so the same seed and the same trainee turns give
the same customer lines (exam mode).
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any, Dict, List, Optional, Sequence

from bot.customer.state import CallState
from bot.language.schedule import Slot, describe_window, proposed_slots
from bot.language.text import normalize
from bot.language.topics import TOPIC_TABLE, answers
from bot.language.words import PARTS
from bot.personas.model import Persona

MAX_TRAINEE_TURNS = 40  # the call drags on: the customer leaves
# What a trainee may do while the customer says it's not a good moment.
WHILE_BUSY = frozenset(
    {"offer_callback", "goodbye", "apologize", "thank", "ask_good_time", "acknowledge", "greet", "hangup"}
)
POLITE_GREETING = re.compile(r"您好|你好|早上好|下午好|晚上好")
PHONE_REASON = re.compile(r"通知|发给您|发您|寄|资料|优惠|活动|联系您|方便联系|以便|回访|确认|提醒|短信|微信")


@lru_cache(maxsize=1)
def monologue_chars() -> int:
    """A turn longer than the rubric's monologue limit talks over the customer (自己一个劲地说)."""
    from bot.grading.rubric import load_rubric  # the grader's package: loaded on the first turn, not on import

    return load_rubric().monologue_chars


@dataclass(frozen=True)
class TraineeTurn:
    text: str
    intent: str
    entities: Sequence[Dict[str, Any]] = ()


@dataclass
class Reply:
    lines: List[str] = field(default_factory=list)
    hangup: bool = False
    event: Optional[Dict[str, Any]] = None

    @property
    def text(self) -> str:
        return "".join(self.lines)


class Customer:
    def __init__(self, persona: Persona, state: CallState) -> None:
        self.persona = persona
        self.state = state

    @classmethod
    def new_call(cls, persona: Persona, seed: int, today: date) -> Customer:
        state = CallState(
            persona_id=persona.id,
            seed=seed,
            call_date=today.isoformat(),
            patience=persona.patience,
            busy=persona.busy_at_start,
        )
        return cls(persona, state)

    @property
    def today(self) -> date:
        return date.fromisoformat(self.state.call_date)

    # -- helpers -----------------------------------------------------------------------------

    def line(self, key: str, **extra: str) -> str:
        options = self.persona.lines[key]
        rng = random.Random(f"{self.state.seed}:{self.state.trainee_turns}:{key}")
        return self.persona.fill(rng.choice(options), **extra)

    def _next_question(self) -> str:
        agenda = self.persona.agenda
        while self.state.agenda_index < len(agenda):
            item = agenda[self.state.agenda_index]
            self.state.agenda_index += 1
            if item.topic in self.state.answered:
                continue  # answered before it was asked (an eager trainee)
            self.state.pending = item.topic
            rng = random.Random(f"{self.state.seed}:{self.state.trainee_turns}:ask")
            return self.persona.fill(rng.choice(item.asks))
        self.state.pending = None
        if self.state.agenda_done_said:
            return ""
        self.state.agenda_done_said = True
        return self.line("agenda_done")

    def _follow_up(self) -> str:
        """Re-ask the open question when the trainee's turn did not answer it."""
        topic = self.state.pending
        if topic is None:
            return ""
        item = next((i for i in self.persona.agenda if i.topic == topic), None)
        if item and item.followups:
            rng = random.Random(f"{self.state.seed}:{self.state.trainee_turns}:followup")
            return self.persona.fill(rng.choice(item.followups))
        return f"那{TOPIC_TABLE[topic].word if topic in TOPIC_TABLE else '这个'}呢？"

    def _mark_answered(self, topic: str) -> None:
        if topic not in self.state.answered:
            self.state.answered.append(topic)
        if self.state.pending == topic:
            self.state.pending = None

    def _hang_up(self, reply: Reply, by: str, reason: str) -> Reply:
        self.state.ended_by, self.state.end_reason = by, reason
        reply.hangup = True
        reply.event = {"event": "hangup", "by": by, "reason": reason}
        return reply

    def _respond(self, turn: Optional[TraineeTurn], react) -> Reply:
        """Shared bookkeeping around one reaction: turn count, talking over, patience, drag."""
        if self.state.ended:
            return Reply(event={"event": "call_over", "by": self.state.ended_by})
        reply = Reply()
        if turn is not None:
            self.state.trainee_turns += 1
            if len(normalize(turn.text)) > monologue_chars():
                self.state.patience -= 1
                reply.lines.append(self.line("talked_over"))
        if turn is not None and self.persona.address and normalize(self.persona.address) in normalize(turn.text):
            # The address answers "你们在哪？" whatever else the turn does (找我小李就行 reads as give_contact).
            self.state.address_known = True
            if self.state.pending == "location":
                self._mark_answered("location")
        if turn is not None and self.state.busy and turn.intent not in WHILE_BUSY:
            # Pressing on after "not a good moment" (电话预约: offer to call back instead).
            self.state.patience -= 1
            reply.lines.append(self.line("not_good_moment"))
        else:
            react(turn, reply)
        if self.state.ended:
            return reply
        if self.state.patience <= 0:
            reply.lines.append(self.line("impatient_hangup"))
            return self._hang_up(reply, "customer", "impatient")
        if self.state.trainee_turns >= MAX_TRAINEE_TURNS:
            reply.lines.append(self.line("dragging_hangup"))
            return self._hang_up(reply, "customer", "dragging")
        reply.lines = [line for line in reply.lines if line]
        return reply

    # -- moves (one per Rasa action) -----------------------------------------------------------

    def pick_up(self) -> Reply:
        """Start of the call: an outbound customer answers the phone; inbound, it rings."""
        if self.persona.direction == "outbound":
            return self._respond(None, lambda _, r: r.lines.append(self.line("opening")))
        return Reply(event={"event": "ringing", "persona": self.persona.id})

    def greet(self, turn: TraineeTurn) -> Reply:
        def react(turn: TraineeTurn, reply: Reply) -> None:
            text = normalize(turn.text)
            introduced = any(name in text for name in (self.persona.company, *self.persona.company_aliases))
            if self.state.trainee_turns > 1:
                reply.lines.append(self.line("acknowledged"))
                reply.lines.append(self._follow_up())
            elif self.persona.direction == "inbound":
                good = introduced and POLITE_GREETING.search(text)
                reply.lines.append(self.line("greeted_well" if good else "greeted_badly"))
                reply.lines.append(self._next_question())
            elif not introduced:
                reply.lines.append(self.line("who_is_calling"))
            elif self.state.busy:
                reply.lines.append(self.line("not_good_moment"))
            else:  # outbound: the customer waits to hear why they are being called
                reply.lines.append(self.line("purpose_reply"))

        return self._respond(turn, react)

    def give_name(self, turn: TraineeTurn) -> Reply:
        def react(turn: TraineeTurn, reply: Reply) -> None:
            self.state.name_asked += 1
            if self.state.name_given or self.state.name_asked > self.persona.name_reluctance:
                self.state.name_given = True
                reply.lines.append(self.line("name_given"))
            else:
                reply.lines.append(self.line("name_refused"))
            reply.lines.append(self._follow_up())

        return self._respond(turn, react)

    def give_phone(self, turn: TraineeTurn) -> Reply:
        def react(turn: TraineeTurn, reply: Reply) -> None:
            self.state.phone_asked += 1
            reason = PHONE_REASON.search(normalize(turn.text))
            if self.state.phone_given or reason or self.state.phone_asked > self.persona.phone_reluctance:
                self.state.phone_given = True
                reply.lines.append(self.line("phone_given"))
            else:
                reply.lines.append(self.line("phone_refused"))
            reply.lines.append(self._follow_up())

        return self._respond(turn, react)

    def share_needs(self, turn: TraineeTurn) -> Reply:
        def react(turn: TraineeTurn, reply: Reply) -> None:
            reply.lines.append(self.line("needs"))
            reply.lines.append(self._follow_up())

        return self._respond(turn, react)

    def react_to_answer(self, turn: TraineeTurn) -> Reply:
        def react(turn: TraineeTurn, reply: Reply) -> None:
            if turn.intent == "give_address":
                self.state.address_known = True
            pending = self.state.pending
            if pending is None:
                reply.lines.append(self.line("answer_ack"))
                if not self.state.agreed_slot:
                    reply.lines.append(self._next_question())
            elif answers(turn.intent, pending):
                if pending == "price" and self.state.price_pushes < self.persona.price_push:
                    self.state.price_pushes += 1
                    reply.lines.append(self.line("price_push"))
                    return
                self._mark_answered(pending)
                reply.lines.append(self.line("answer_ack"))
                reply.lines.append(self._next_question())
            else:
                self.state.patience -= 1
                reply.lines.append(self.line("ignored"))
                reply.lines.append(self._follow_up())

        return self._respond(turn, react)

    def consider_invitation(self, turn: TraineeTurn) -> Reply:
        def react(turn: TraineeTurn, reply: Reply) -> None:
            if self.state.pending == "test_drive":
                self._mark_answered("test_drive")
            slots = proposed_slots(turn.text, self.today)
            concrete = [slot for slot in slots if slot.concrete]
            if not concrete:
                dated = next((slot for slot in slots if slot.weekdays), None)
                if dated is not None:
                    reply.lines.append(self.line("ask_time", day=dated.words))
                elif self.state.agreed_slot:
                    reply.lines.append(self.line("acknowledged"))
                else:
                    reply.lines.append(self.line("invited_vague"))
                return
            fitting = next((slot for slot in concrete if self._can_make(slot)), None)
            if fitting is None:
                reply.lines.append(self._counter(concrete[0]))
                return
            self.state.agreed_slot = fitting.words
            reply.lines.append(self.line("invited_accept", slot=fitting.words))
            if not self.state.address_known and "location" not in self.state.answered:
                self.state.pending = "location"
                reply.lines.append(self.line("ask_address"))
            elif self.state.pending:
                reply.lines.append(self._follow_up())

        return self._respond(turn, react)

    def _can_make(self, slot: Slot) -> bool:
        return any(
            slot.part in window.parts and bool(slot.weekdays and window.days & slot.weekdays)
            for window in self.persona.availability
        )

    def _counter(self, rejected: Slot) -> str:
        window = self.persona.availability[0]
        part = sorted(window.parts, key=PARTS.index)[0]
        return self.line(
            "invited_counter", rejected=rejected.words, offer=describe_window(window.days, part, self.today)
        )

    def react_to_remark(self, turn: TraineeTurn) -> Reply:
        """Courtesies and small moves: thanks, apology, acknowledgement, contact, read-back..."""
        keys = {
            "thank": "thanks_reply",
            "apologize": "apology_reply",
            "acknowledge": "acknowledged",
            "give_contact": "contact_noted",
            "repeat_back": "repeat_confirm",
            "state_purpose": "answer_ack",
            "offer_callback": "callback_ok",
        }

        def react(turn: TraineeTurn, reply: Reply) -> None:
            if turn.intent == "ask_good_time":
                reply.lines.append(self.line("not_good_moment" if self.state.busy else "good_time"))
                return
            if turn.intent == "state_purpose" and self.state.agenda_index == 0:
                reply.lines.append(self.line("answer_ack"))  # now they know why: their questions
                reply.lines.append(self._next_question())
                return
            reply.lines.append(self.line(keys.get(turn.intent, "acknowledged")))
            if turn.intent == "offer_callback":
                self.state.busy = False
                return
            if turn.intent != "repeat_back":
                reply.lines.append(self._follow_up())

        return self._respond(turn, react)

    def react_to_off_topic(self, turn: TraineeTurn) -> Reply:
        def react(turn: TraineeTurn, reply: Reply) -> None:
            rude = turn.intent == "rude"
            self.state.patience -= 2 if rude else 1
            reply.lines.append(self.line("rude" if rude else "off_topic"))
            reply.lines.append(self._follow_up())

        return self._respond(turn, react)

    def ask_to_repeat(self, turn: TraineeTurn) -> Reply:
        return self._respond(turn, lambda t, r: r.lines.append(self.line("not_understood")))

    def say_goodbye(self, turn: TraineeTurn) -> Reply:
        """The trainee closed: the customer says goodbye and hangs up (as the standard wants)."""

        def react(turn: TraineeTurn, reply: Reply) -> None:
            reply.lines.append(self.line("goodbye"))
            self._hang_up(reply, "customer", "goodbye")

        return self._respond(turn, react)

    def trainee_hung_up(self, turn: Optional[TraineeTurn]) -> Reply:
        def react(turn: Optional[TraineeTurn], reply: Reply) -> None:
            self._hang_up(reply, "trainee", "trainee_hangup")

        return self._respond(None, react)
