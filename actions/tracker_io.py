"""Reading the call from a tracker and writing the customer's reply back (shared by the actions).

The tracker's metadata was checked by the channel (bot.messages): rings, the trainee and the
source only come from our own web app. The finished call is graded here, from the turns Rasa
recorded, and stored in our tables before the customer's last words go out.
"""

from __future__ import annotations

import logging
import random
from datetime import date
from typing import Any, Dict, Optional

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.customer.simulator import Customer, Reply, TraineeTurn
from bot.customer.state import CallState
from bot.grading import Grader, LiveFacts, Scorecard
from bot.grading.analysis import parse_from
from bot.messages import MessageError, clean_metadata
from bot.personas.registry import DEFAULT_PERSONA, default_registry
from bot.store import calls as stored_calls
from bot.store.database import database
from bot.tracker_events import transcript_from, turns_from_events
from bot.transcript import CallInfo

log = logging.getLogger(__name__)


def call_options(tracker: Tracker) -> Dict[str, Any]:
    """Persona, seed, date, rings and who is calling, from the latest message's metadata."""
    raw = (tracker.latest_message or {}).get("metadata") or {}
    try:
        return clean_metadata(raw, trusted=True)  # the channel already refused anything worse
    except MessageError as error:
        log.warning("ignoring bad metadata from %s: %s", tracker.sender_id, error)
        return {}


def _seed(value: Any) -> int:
    return value if isinstance(value, int) else random.SystemRandom().randrange(1, 1_000_000)


def load_customer(tracker: Tracker) -> Customer:
    """The customer of this call, creating the call on its first turn."""
    saved: Optional[Dict[str, Any]] = tracker.get_slot("call")
    registry = default_registry()
    restarting = ((tracker.latest_message or {}).get("intent") or {}).get("name") == "start_call"
    options = call_options(tracker)
    if saved and not (restarting and saved.get("ended_by")):
        state = CallState.from_dict(saved)
        customer = Customer(registry.get(state.persona_id, state.persona_version), state)
    else:
        persona = registry.get(str(options.get("persona") or DEFAULT_PERSONA))
        today = date.fromisoformat(options["date"]) if options.get("date") else date.today()
        customer = Customer.new_call(persona, _seed(options.get("seed")), today)
        customer.state.trainee = options.get("trainee", "")
        customer.state.persona_version = persona.version  # a later edit of the file won't change this call
    if customer.state.rings is None and options.get("rings") is not None:
        customer.state.rings = options["rings"]  # measured by the web app at pick-up
    return customer


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


def live_facts(customer: Customer) -> LiveFacts:
    """What the simulated customer itself recorded: the grader takes these over re-reading the text."""
    state = customer.state
    return LiveFacts(
        surname=customer.persona.surname if state.name_given else None,
        agreed_slot=state.agreed_slot,
        agreed_place=state.agreed_place,
        customer_phone=state.phone_said or None,
    )


def grade_and_store(tracker: Tracker, customer: Customer, reply: Reply) -> Dict[str, Any]:
    """Grade the call that `reply` just ended, store it in our tables, return the stored scorecard.

    The turns come from the tracker's own record, read once; the trainee's are graded with the
    intents Rasa already parsed, so the live grade equals a re-grade of the exported transcript.
    """
    pairs, parses, _ = turns_from_events(tracker.events)
    if reply.text:
        pairs.append(("customer", reply.text))
    state = customer.state
    transcript = transcript_from(CallInfo.from_persona(customer.persona, state.rings), pairs, state.ended_by)
    card = Grader(parse_from(parses)).grade(transcript, facts=live_facts(customer))
    options = call_options(tracker)
    call_id = stored_calls.finish_call(
        database(),
        conversation_id=tracker.sender_id,
        source=options.get("source", "rest"),
        transcript=transcript,
        scorecard=card,
        customer_state=state.to_dict(),
        seed=state.seed,
        call_date=date.fromisoformat(state.call_date),
        trainee=state.trainee,
        user_id=options.get("user_id"),
        end_reason=state.end_reason,
    )
    return {**card.to_dict(), "call_id": call_id}


def send_scorecard(dispatcher: CollectingDispatcher, card: Dict[str, Any]) -> None:
    summary = Scorecard.from_dict(card).summary()
    dispatcher.utter_message(text=summary, json_message={"event": "scorecard", "scorecard": card})
