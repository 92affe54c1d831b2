"""A rehearsal as Rasa recorded it (tracker events) turned into the transcript format."""

from __future__ import annotations

from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

from bot.transcript import CallInfo, Transcript, Turn

# Bot messages that are the product talking, not the customer.
NOT_CUSTOMER_WORDS = ("scorecard", "error")


def turns_from_events(
    events: Iterable[Dict[str, Any]],
) -> Tuple[List[Tuple[str, str]], List[Dict[str, Any]], Optional[str]]:
    """(speaker, text) pairs, the trainee turns' parse data, and who hung up first.

    Only the latest call counts: a conversation may hold several calls (REST), each beginning with
    the `/start_call` after the previous call's hang-up. A `/start_call` in the middle of a call
    starts nothing, so it can't drop the turns before it from the grade.
    """
    events = list(events)
    events = events[_latest_call_start(events) :]
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


def _latest_call_start(events: Sequence[Dict[str, Any]]) -> int:
    """Where the latest call begins: its `/start_call`, or (inbound over REST) its first words."""
    start, ended = 0, True
    for i, event in enumerate(events):
        if event.get("event") == "user" and ended and _intent(event) != "hangup":
            start, ended = (i + 1 if _intent(event) == "start_call" else i), False
        elif (event.get("event") == "user" and _intent(event) == "hangup") or (
            event.get("event") == "bot" and ((event.get("data") or {}).get("custom") or {}).get("event") == "hangup"
        ):
            ended = True
    return start


def _intent(event: Dict[str, Any]) -> str:
    """The intent Rasa recorded; control messages (/start_call, 开始练习, /hangup) are intents too."""
    return ((event.get("parse_data") or {}).get("intent") or {}).get("name") or ""


def transcript_from(info: CallInfo, pairs: Sequence[Tuple[str, str]], hangup: Optional[str]) -> Transcript:
    turns = tuple(Turn(number=i, speaker=s, text=t) for i, (s, t) in enumerate(pairs, 1))
    return Transcript(call=info, turns=turns, hangup=hangup)
