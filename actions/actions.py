"""One small action per kind of trainee move; each asks the customer for one reaction."""

from __future__ import annotations

import asyncio
import logging
from abc import ABC, abstractmethod
from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.tracker_io import grade_and_store, load_customer, send, send_scorecard, trainee_turn
from bot.customer.simulator import Customer, Reply, TraineeTurn
from bot.personas.registry import UnknownPersona

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
        reply = self.react(customer, trainee_turn(tracker))
        send(dispatcher, reply)
        events = [SlotSet("call", customer.state.to_dict())]
        if reply.hangup:
            # Grading and the database write block: off the action server's event loop.
            card = await asyncio.get_running_loop().run_in_executor(None, grade_and_store, tracker, customer, reply)
            send_scorecard(dispatcher, card)
            events.append(SlotSet("scorecard", card))
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
