"""The customer: reacts to each trainee turn from the persona's agenda, temperament and lines.

One public method per kind of trainee move; the Rasa actions in `actions/` call exactly one each.
Line choice is seeded by (seed, turn, line key), so the same seed and the same trainee turns give
the same customer lines (exam mode); no line option is said twice in a call while others are left.
What the trainee states is read once per turn (bot.customer.memory) and kept in CallState;
difficulty and class shape the customer through bot.customer.temperament.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any, Dict, List, Optional, Sequence

from bot.customer import misheard
from bot.customer.memory import NOTHING_SAID, Said, read_turn
from bot.customer.state import CallState
from bot.customer.temperament import temperament_of
from bot.language.schedule import Slot, describe_window
from bot.language.text import normalize
from bot.language.topics import TOPIC_TABLE, answers
from bot.language.words import PARTS, PHONE_REASON, WEEKDAY_NAMES
from bot.personas.model import AgendaItem, Persona

MAX_TRAINEE_TURNS = 40  # the call drags on: the customer leaves
# What a trainee may do while the customer says it's not a good moment.
WHILE_BUSY = frozenset(
    {"offer_callback", "goodbye", "apologize", "thank", "ask_good_time", "acknowledge", "greet", "hangup"}
)
# Small moves that may carry a new time for a visit already agreed (不好意思，改到周日下午可以吗？).
RESCHEDULE_WITH = frozenset({"apologize", "acknowledge", "thank", "state_purpose", "give_contact"})
POLITE_GREETING = re.compile(r"您好|你好|早上好|下午好|晚上好")


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
        self.temper = temperament_of(persona)
        self.said: Said = NOTHING_SAID  # the current trainee turn, read once by _listen
        self._first_place = False  # this turn named the call's first concrete place
        self._aside = False  # the customer's last question was the place follow-up

    @classmethod
    def new_call(cls, persona: Persona, seed: int, today: date) -> Customer:
        state = CallState(
            persona_id=persona.id,
            seed=seed,
            call_date=today.isoformat(),
            patience=temperament_of(persona).patience,
            busy=persona.busy_at_start,
        )
        return cls(persona, state)

    @property
    def today(self) -> date:
        return date.fromisoformat(self.state.call_date)

    # -- helpers -----------------------------------------------------------------------------

    def line(self, key: str, **extra: str) -> str:
        options = self.persona.lines[key]
        return self.persona.fill(options[self._pick(key, len(options))], **extra)

    def _pick(self, key: str, count: int) -> int:
        """A seeded choice among the options of `key` not said yet in this call; when all were said,
        among all but the latest (a customer varies their words, and never repeats a push)."""
        rng = random.Random(f"{self.state.seed}:{self.state.trainee_turns}:{key}")
        used = [i for i in self.state.used_lines.get(key, []) if i < count]
        fresh = [i for i in range(count) if i not in used]
        if not fresh:
            used = used[-1:] if count > 1 else []
            fresh = [i for i in range(count) if i not in used]
        choice = rng.choice(fresh)
        self.state.used_lines[key] = used + [choice]
        return choice

    def _item(self, topic: str) -> Optional[AgendaItem]:
        return next((i for i in self.persona.agenda if i.topic == topic), None)

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
        """Re-ask the open question when the trainee's turn did not answer it; go on when it did."""
        topic = self.state.pending
        if topic is None:
            # The trainee took up the place follow-up: the customer goes on with their questions.
            return self._next_question() if self._aside and not self.state.agreed_slot else ""
        if topic in self.said.topics:  # answered in passing: never asked again
            self._mark_answered(topic)
            return self._next_question()
        if topic == "price" and self.state.price_pushes:
            return self.line("price_push")  # the price was given: bargain on rather than ask it again
        item = self._item(topic)
        if item and item.followups:
            return self.persona.fill(item.followups[self._pick(f"followup:{topic}", len(item.followups))])
        word = item.word if item and item.word else TOPIC_TABLE[topic].word if topic in TOPIC_TABLE else "这个"
        return f"那{word}呢？"

    def _place_followup(self) -> str:
        """「那地铁能到吗？」: once a call, right after the first place the trainee names (not a visit
        to the customer, who knows their own place). The agenda waits a turn for the answer."""
        if not self._first_place or self._visit or self.state.place_followup_said:
            return ""
        self.state.place_followup_said = self.state.aside_open = True
        return self.line("place_followup")

    @property
    def _visit(self) -> bool:
        """This turn is about the trainee coming to the customer: said so, or named the customer's place."""
        own = self.persona.customer_address
        return self.said.visit or bool(own and self.said.place == own)

    def _listen(self, turn: TraineeTurn) -> None:
        """Keep what the trainee stated; topics it answers before they are asked won't be asked."""
        self.said, self._first_place = NOTHING_SAID, False
        if turn.intent in (misheard.FALLBACK, misheard.OUT_OF_SCOPE, misheard.SILENCE):
            return  # a turn that did not get through tells the customer nothing
        state = self.state
        self.said = said = read_turn(turn.text, turn.intent, self.persona, self.today)
        self._first_place = said.place is not None and state.heard_place is None
        if said.place:
            state.heard_place = said.place
            state.address_known = True
            if state.agreed_slot:  # the place named after the time was agreed
                state.agreed_place = said.place
                state.visit_to_customer = self._visit
        state.heard_time = said.time or state.heard_time
        state.heard_price = said.price or state.heard_price
        state.heard_name = said.name or state.heard_name
        agenda = {item.topic for item in self.persona.agenda}
        for topic in said.topics & agenda:
            if topic != state.pending:  # the open question is the move's to settle (a price push)
                self._mark_answered(topic)

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
        self._aside, self.state.aside_open = self.state.aside_open, False
        if turn is not None:
            self.state.trainee_turns += 1
            self._listen(turn)
            if len(normalize(turn.text)) > monologue_chars():
                self.state.patience -= 1
                reply.lines.append(self.line("talked_over"))
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
            if self.state.name_given or self.state.name_asked > self.temper.name_reluctance:
                self.state.name_given = True
                said = self.line("name_given")
                reply.lines.append(said)
                self._note_name(said)
            else:
                reply.lines.append(self.line("name_refused"))
            reply.lines.append(self._follow_up())

        return self._respond(turn, react)

    def _note_name(self, said: str) -> None:
        """Which form of their name the customer gave: the full name if the line says it, else the surname."""
        full = f"{self.persona.surname}{self.persona.given_name}"
        form = full if self.persona.given_name and full in said else self.persona.surname
        if len(form) > len(self.state.name_form):
            self.state.name_form = form

    def give_phone(self, turn: TraineeTurn) -> Reply:
        def react(turn: TraineeTurn, reply: Reply) -> None:
            self.state.phone_asked += 1
            reason = PHONE_REASON.search(normalize(turn.text))
            if self.state.phone_given or reason or self.state.phone_asked > self.temper.phone_reluctance:
                self.state.phone_given = True
                self.state.phone_said = self.persona.phone
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
                    reply.lines.append(self._place_followup() or self._next_question())
            elif answers(turn.intent, pending) or pending in self.said.topics:
                if pending == "price" and self.state.price_pushes < self.temper.price_push:
                    self.state.price_pushes += 1
                    reply.lines.append(self.line("price_push"))
                    return
                self._mark_answered(pending)
                reply.lines.append(self.line("answer_ack"))
                reply.lines.append(self._place_followup() or self._next_question())
            else:
                self.state.patience -= 1
                reply.lines.append(self.line("ignored"))
                reply.lines.append(self._follow_up())

        return self._respond(turn, react)

    def consider_invitation(self, turn: TraineeTurn) -> Reply:
        return self._respond(turn, self._consider)

    def _reschedules(self) -> bool:
        """The turn names a concrete time other than the one agreed (不好意思，改到周日下午可以吗？)."""
        agreed = self.state.agreed_slot
        return bool(agreed) and any(slot.concrete and slot.words != agreed for slot in self.said.slots)

    def _consider(self, turn: TraineeTurn, reply: Reply) -> None:
        """Weigh the times a turn offers: accept one that fits, hesitate (class D/E) or counter-offer."""
        state = self.state
        if state.pending == "test_drive" or (state.pending == "price" and state.price_pushes):
            # An invitation settles a test drive, and a price already given: steering from the
            # price to a visit is what the standard asks (避免与客户谈价格…灵活转移话题).
            self._mark_answered(state.pending)
        slots = self.said.slots
        concrete = [slot for slot in slots if slot.concrete]
        if not concrete:
            dated = next((slot for slot in slots if slot.weekdays), None)
            if dated is not None:
                reply.lines.append(self.line("ask_time", day=dated.words))
            elif state.agreed_slot:
                reply.lines.append(self.line("acknowledged"))
            else:
                reply.lines.append(self.line("invited_vague"))
            return
        state.invitations += 1
        fitting = next((slot for slot in concrete if self._can_make(slot)), None)
        if fitting is None:
            reply.lines.append(self._counter(concrete[0]))
            return
        if not self._ready_to_accept(fitting, len(concrete)):
            reply.lines.append(self.line("invited_hesitant", slot=fitting.words))
            return
        state.agreed_slot = fitting.words
        if self._visit:  # 上门: the customer says where they are
            state.visit_to_customer = True
            state.agreed_place = self.persona.customer_address or None
            reply.lines.append(self.line("visit_accept", slot=fitting.words))
            if self.persona.customer_address:
                reply.lines.append(self.line("visit_address"))
            reply.lines.append(self._follow_up())
            return
        state.visit_to_customer = False
        state.agreed_place = state.heard_place
        reply.lines.append(self.line("invited_accept", slot=fitting.words))
        if not state.address_known and "location" not in state.answered:
            state.pending = "location"
            reply.lines.append(self.line("ask_address"))
        elif state.pending:
            reply.lines.append(self._follow_up())
        else:
            reply.lines.append(self._place_followup())

    def _can_make(self, slot: Slot) -> bool:
        return any(
            slot.part in window.parts and bool(slot.weekdays and window.days & slot.weekdays)
            for window in self.persona.availability
        )

    def _ready_to_accept(self, fitting: Slot, options: int) -> bool:
        """Class D/E wants a second, either-or invitation (二选一) before saying yes; its own
        counter-offer, or a change to a time already agreed, it takes at once."""
        state, temper = self.state, self.temper
        if temper.invitations <= 1 or state.agreed_slot or self._is_own_offer(fitting):
            return True
        return state.invitations >= temper.invitations and (options >= 2 or not temper.either_or)

    def _is_own_offer(self, slot: Slot) -> bool:
        offer = self.state.offered_slot
        if not offer or offer[:2] not in WEEKDAY_NAMES:
            return False
        return slot.part == offer[2:] and bool(slot.weekdays and WEEKDAY_NAMES.index(offer[:2]) in slot.weekdays)

    def _counter(self, rejected: Slot) -> str:
        """A time the customer can make, from any window: a seeded order per call, so each counter
        in a call offers the next one and exam mode offers the same."""
        options = sorted(
            {(day, part) for window in self.persona.availability for day in window.days for part in window.parts},
            key=lambda option: (option[0], PARTS.index(option[1])),
        )
        random.Random(f"{self.state.seed}:counter").shuffle(options)
        day, part = options[self.state.counter_offers % len(options)]
        self.state.counter_offers += 1
        self.state.offered_slot = describe_window(frozenset({day}), part, self.today)
        return self.line("invited_counter", rejected=rejected.words, offer=self.state.offered_slot)

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
            if turn.intent in RESCHEDULE_WITH and self._reschedules():
                if turn.intent == "apologize":
                    reply.lines.append(self.line("apology_reply"))
                self._consider(turn, reply)
                return
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
        """Garbled, non-Chinese or silent turns: 「喂？您说什么？」, and a hang-up if they go on."""
        from bot.customer import misheard

        def react(turn: TraineeTurn, reply: Reply) -> None:
            heard = misheard.hear(self.state, turn.text, turn.intent)
            reply.lines.append(self.line(heard.line))
            if heard.hang_up:
                self._hang_up(reply, "customer", "misheard")

        return self._respond(turn, react)

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
