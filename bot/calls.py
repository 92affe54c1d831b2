"""A rehearsal as Rasa recorded it (tracker events) turned into the transcript format."""

from __future__ import annotations

from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

from bot.transcript import CallInfo, Transcript, Turn


# Bot messages that are the product talking, not the customer.
NOT_CUSTOMER_WORDS = ("scorecard", "error")


def call_info_for(persona, rings: Optional[int] = None) -> CallInfo:
    return CallInfo(
        direction=persona.direction, company=persona.company, company_aliases=persona.company_aliases,
        address=persona.address, customer_surname=persona.surname, customer_honorific=persona.honorific,
        persona=persona.id, rings=rings,
    )


def turns_from_events(events: Iterable[Dict[str, Any]]) -> Tuple[List[Tuple[str, str]], List[Dict[str, Any]], Optional[str]]:
    """(speaker, text) pairs, the trainee turns' parse data, and who hung up first.

    Only the latest call counts: everything before the last `/start_call` is dropped.
    """
    events = list(events)
    starts = [i for i, e in enumerate(events) if e.get("event") == "user" and _intent(e) == "start_call"]
    if starts:
        events = events[starts[-1] + 1:]
    pairs: List[Tuple[str, str]] = []
    parses: List[Dict[str, Any]] = []
    hangup = None
    for event in events:
        text = (event.get("text") or "").strip()
        if event.get("event") == "user":
            if _intent(event) == "hangup":
                hangup = hangup or "trainee"
            elif text and not text.startswith("/"):
                pairs.append(("trainee", text))
                parses.append({**(event.get("parse_data") or {}), "text": text})
        elif event.get("event") == "bot":
            custom = ((event.get("data") or {}).get("custom")) or {}
            if custom.get("event") in NOT_CUSTOMER_WORDS:
                continue
            if custom.get("event") == "hangup" and hangup is None:
                hangup = custom.get("by")
            if text:
                pairs.append(("customer", text))
    return pairs, parses, hangup


def _intent(event: Dict[str, Any]) -> str:
    """The intent Rasa recorded; control messages (/start_call, 开始练习, /hangup) are intents too."""
    return ((event.get("parse_data") or {}).get("intent") or {}).get("name") or ""


def transcript_from(info: CallInfo, pairs: Sequence[Tuple[str, str]], hangup: Optional[str]) -> Transcript:
    turns = tuple(Turn(number=i, speaker=s, text=t) for i, (s, t) in enumerate(pairs, 1))
    return Transcript(call=info, turns=turns, hangup=hangup)
