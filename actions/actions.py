"""One small action per kind of trainee move; each asks the customer for one reaction."""

from __future__ import annotations

import asyncio
import logging
from abc import ABC, abstractmethod
from dataclasses import replace
from functools import cache
from typing import Any, Dict, List, Type

import yaml
from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.tracker_io import grade_and_store, load_customer, send, send_scorecard, trainee_turn
from bot.customer import misheard
from bot.customer.simulator import Customer, Reply, TraineeTurn
from bot.personas.registry import UnknownPersona
from bot.settings import PROJECT_ROOT

log = logging.getLogger(__name__)


class CustomerAction(Action, ABC):
    """Runs one Customer move and stores the call state in the `call` slot."""

    action_name: str = ""
    starts_a_call = False

    def name(self) -> str:
        return self.action_name

    @abstractmethod
    def react(self, customer: Customer, turn: TraineeTurn) -> Reply:
        """The customer's reaction to this kind of trainee move."""

    def turn(self, tracker: Tracker) -> TraineeTurn:
        """The trainee's turn as this action reads it."""
        return trainee_turn(tracker)

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        try:
            customer = load_customer(tracker)
        except UnknownPersona as missing:
            log.error("unknown or broken persona %s", missing)
            dispatcher.utter_message(
                text=f"(找不到可用的客户角色 {missing}，请换一个场景重新开始。)",
                json_message={"event": "error", "reason": "unknown_persona", "persona": str(missing)},
            )
            return []
        if customer.state.ended and not self.starts_a_call:
            return []  # a late message on a finished call: it was graded and stored once already
        reply = self.react(customer, self.turn(tracker))
        send(dispatcher, reply)
        events = [SlotSet("call", customer.state.to_dict())]
        if reply.hangup:
            # Grading and the database write block: off the action server's event loop.
            card = await asyncio.get_running_loop().run_in_executor(None, grade_and_store, tracker, customer, reply)
            send_scorecard(dispatcher, card)
        return events


class ActionPickUp(CustomerAction):
    action_name = "action_pick_up"
    starts_a_call = True

    def react(self, customer: Customer, turn: TraineeTurn) -> Reply:
        return customer.pick_up()


class ActionReactToGreeting(CustomerAction):
    action_name = "action_react_to_greeting"

    def react(self, customer: Customer, turn: TraineeTurn) -> Reply:
        return customer.greet(turn)


class ActionGiveName(CustomerAction):
    action_name = "action_give_name"

    def react(self, customer: Customer, turn: TraineeTurn) -> Reply:
        return customer.give_name(turn)


class ActionGivePhone(CustomerAction):
    action_name = "action_give_phone"

    def react(self, customer: Customer, turn: TraineeTurn) -> Reply:
        return customer.give_phone(turn)


class ActionShareNeeds(CustomerAction):
    action_name = "action_share_needs"

    def react(self, customer: Customer, turn: TraineeTurn) -> Reply:
        return customer.share_needs(turn)


class ActionReactToAnswer(CustomerAction):
    action_name = "action_react_to_answer"

    def react(self, customer: Customer, turn: TraineeTurn) -> Reply:
        return customer.react_to_answer(turn)


class ActionConsiderInvitation(CustomerAction):
    action_name = "action_consider_invitation"

    def react(self, customer: Customer, turn: TraineeTurn) -> Reply:
        return customer.consider_invitation(turn)


class ActionReactToRemark(CustomerAction):
    action_name = "action_react_to_remark"

    def react(self, customer: Customer, turn: TraineeTurn) -> Reply:
        return customer.react_to_remark(turn)


class ActionReactToOffTopic(CustomerAction):
    action_name = "action_react_to_off_topic"

    def react(self, customer: Customer, turn: TraineeTurn) -> Reply:
        return customer.react_to_off_topic(turn)


class ActionAskToRepeat(CustomerAction):
    action_name = "action_ask_to_repeat"

    def react(self, customer: Customer, turn: TraineeTurn) -> Reply:
        return customer.ask_to_repeat(turn)


class ActionSayGoodbye(CustomerAction):
    action_name = "action_say_goodbye"

    def react(self, customer: Customer, turn: TraineeTurn) -> Reply:
        return customer.say_goodbye(turn)


class ActionTraineeHungUp(CustomerAction):
    action_name = "action_trainee_hung_up"

    def react(self, customer: Customer, turn: TraineeTurn) -> Reply:
        return customer.trainee_hung_up(turn)


class ActionReactToMisheard(CustomerAction):
    """nlu_fallback and out_of_scope: a fallen-back Chinese turn that leaned to a sales move gets
    that move's reaction (bot.customer.misheard.recovered_intent); anything else is not heard."""

    action_name = "action_react_to_misheard"

    def turn(self, tracker: Tracker) -> TraineeTurn:
        turn = trainee_turn(tracker)
        if turn.intent != misheard.FALLBACK:
            return turn
        guess = misheard.recovered_intent((tracker.latest_message or {}).get("intent_ranking") or [], turn.text)
        return replace(turn, intent=guess) if guess else turn

    def react(self, customer: Customer, turn: TraineeTurn) -> Reply:
        if turn.intent in (misheard.FALLBACK, misheard.OUT_OF_SCOPE):
            return customer.ask_to_repeat(turn)
        return reaction_for(turn.intent)().react(customer, turn)


class ActionReactToSilence(CustomerAction):
    action_name = "action_react_to_silence"

    def react(self, customer: Customer, turn: TraineeTurn) -> Reply:
        return customer.ask_to_repeat(turn)


@cache
def reaction_for(intent: str) -> Type[CustomerAction]:
    """The action class the rules (data/rules.yml, the one home of that mapping) run for `intent`."""
    rules = yaml.safe_load((PROJECT_ROOT / "data" / "rules.yml").read_text("utf-8"))["rules"]
    by_name = {cls.action_name: cls for cls in CustomerAction.__subclasses__()}
    for rule in rules:
        first, then = rule["steps"][0], rule["steps"][1]
        if intent in [step.get("intent") for step in first.get("or", [first])]:
            return by_name[then["action"]]
    raise KeyError(f"no rule for intent {intent!r} in data/rules.yml")
