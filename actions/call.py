"""Reading the call from a tracker and writing the customer's reply back (shared by the actions)."""

from __future__ import annotations

import random
from datetime import date
from typing import Any, Dict, Optional

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.calls import call_info_for, transcript_from, turns_from_events
from bot.customer.simulator import Customer, Reply, TraineeTurn
from bot.grading import Grader, Scorecard
from bot.grading.analysis import parse_from
from bot.customer.state import CallState
from bot.personas.registry import DEFAULT_PERSONA, default_registry


def call_options(tracker: Tracker) -> Dict[str, Any]:
    """Persona, seed and date for a new call: `/start_call{"persona": ..}` entities or metadata."""
    message = tracker.latest_message or {}
    options: Dict[str, Any] = dict(message.get("metadata") or {})
    for entity in message.get("entities") or []:
        if entity.get("entity") in ("persona", "seed"):
            options[entity["entity"]] = entity.get("value")
    return options


def _seed(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return random.SystemRandom().randrange(1, 1_000_000)


def load_customer(tracker: Tracker) -> Customer:
    """The customer of this call, creating the call on its first turn."""
    saved: Optional[Dict[str, Any]] = tracker.get_slot("call")
    registry = default_registry()
    restarting = ((tracker.latest_message or {}).get("intent") or {}).get("name") == "start_call"
    options = call_options(tracker)
    if saved and not (restarting and saved.get("ended_by")):
        state = CallState.from_dict(saved)
        customer = Customer(registry.get(state.persona_id), state)
    else:
        persona = registry.get(str(options.get("persona") or DEFAULT_PERSONA))
        today = date.fromisoformat(options["date"]) if options.get("date") else date.today()
        customer = Customer.new_call(persona, _seed(options.get("seed")), today)
        customer.state.trainee = str(options.get("trainee") or "")[:64]
    _note_pick_up(customer.state, options.get("rings"))
    return customer


def _note_pick_up(state: CallState, rings: Any) -> None:
    """The web widget counts the rings before an inbound pick-up and sends them with each turn."""
    if state.rings is None and isinstance(rings, int) and not isinstance(rings, bool) and 0 <= rings < 100:
        state.rings = rings


def trainee_turn(tracker: Tracker) -> TraineeTurn:
    message = tracker.latest_message or {}
    return TraineeTurn(
        text=message.get("text") or "",
        intent=(message.get("intent") or {}).get("name") or "",
        entities=tuple(message.get("entities") or ()),
    )


def send(dispatcher: CollectingDispatcher, reply: Reply) -> None:
    """One bot message per reply; a hang-up carries {"event": "hangup", "by": "customer"}."""
    if reply.text or reply.event:
        dispatcher.utter_message(text=reply.text or None, json_message=reply.event)


def grade_finished_call(tracker: Tracker, customer: Customer, reply: Reply) -> Scorecard:
    """Grade the call that `reply` just ended, from the tracker's own record of it.

    The trainee turns are read with the intents Rasa already parsed, so the live grade equals a
    re-grade of the exported transcript with the same model.
    """
    pairs, parses, _ = turns_from_events(tracker.events)
    if reply.text:
        pairs.append(("customer", reply.text))
    info = call_info_for(customer.persona, customer.state.rings)
    transcript = transcript_from(info, pairs, customer.state.ended_by)
    return Grader(parse_from(parses)).grade(transcript)


def send_scorecard(dispatcher: CollectingDispatcher, card: Scorecard) -> None:
    dispatcher.utter_message(text=card.summary(), json_message={"event": "scorecard", "scorecard": card.to_dict()})
