"""Reading the call from a tracker and writing the customer's reply back (shared by the actions)."""

from __future__ import annotations

import random
from datetime import date
from typing import Any, Dict, Optional

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.customer.simulator import Customer, Reply, TraineeTurn
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
    if saved:
        state = CallState.from_dict(saved)
        return Customer(registry.get(state.persona_id), state)
    options = call_options(tracker)
    persona = registry.get(str(options.get("persona") or DEFAULT_PERSONA))
    today = date.fromisoformat(options["date"]) if options.get("date") else date.today()
    return Customer.new_call(persona, _seed(options.get("seed")), today)


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
