"""What a message to the customer may be: one home for the limits every channel enforces.

A trainee's turn is speech, never a command. Rasa reads any text that starts with `/` as an
intent with entities (`/restart`, `/goodbye`, `/inform{"surname": ...}`), so typed text has its
leading slash made full-width and is read by the NLU like any other words. Only the control
payloads the product itself sends (ring/pick up, hang up, silence) pass as commands, and only where a
channel lets controls through.

Metadata is checked the same way everywhere: a bad seed or date, an unknown key, or too much of it
is refused with every problem named, never silently ignored. What is measured or decided by our
own server (rings, the trainee's identity, where the call came from) is accepted only from a
trusted caller (the web app, with Rasa's token) and refused from anyone else.
"""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any, Dict, List, Mapping, Optional, Tuple

from bot.errors import ProblemsError

MAX_MESSAGE_CHARS = 300  # a phone turn; the grader flags turns past thresholds.monologue_chars (rubric)
MAX_METADATA_BYTES = 2048
MAX_SEED = 2**31 - 1
MAX_RINGS = 99
EARLIEST_DATE, LATEST_DATE = date(2000, 1, 1), date(2099, 12, 31)
# The web app sends /silence when the trainee has said nothing for a while (bot.web.views.calls).
SILENCE_PAYLOAD = "/silence"
CONTROL_PAYLOADS = {"/start_call": "start_call", "/hangup": "hangup", SILENCE_PAYLOAD: "silence"}
CONTROL_INTENTS = frozenset(CONTROL_PAYLOADS.values())
COMMAND_PREFIX = "/"  # rasa.shared.constants.INTENT_MESSAGE_PREFIX
ESCAPED_PREFIX = "／"  # full-width solidus: the same look, no command
SENDER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$")
WEB_CALL_PREFIX = "web-"  # conversation ids the web app issues; nobody else may use them
SOURCES = ("widget", "rest", "chat")

PUBLIC_KEYS = ("persona", "seed", "date")
TRUSTED_KEYS = ("trainee", "user_id", "rings", "source")


class MessageError(ProblemsError):
    """A refused message: every problem as (field, reason, text)."""

    problems: List[Tuple[str, str, str]]

    def to_dict(self) -> Dict[str, Any]:
        field, reason, message = self.problems[0]
        return {
            "error": str(self),
            "field": field,
            "reason": reason,
            "problems": [{"field": f, "reason": r, "error": m} for f, r, m in self.problems],
        }


def text_problem(text: Any) -> Optional[Tuple[str, str, str]]:
    if not isinstance(text, str) or not text.strip():
        return ("message", "empty_message", "must be a non-empty string")
    if len(text) > MAX_MESSAGE_CHARS:
        return ("message", "message_too_long", f"is {len(text)} characters; the limit is {MAX_MESSAGE_CHARS}")
    return None


def spoken(text: str) -> str:
    """The trainee's words as plain speech: a leading slash can't make them a command."""
    stripped = text.strip()
    if stripped.startswith(COMMAND_PREFIX):
        return ESCAPED_PREFIX + stripped[len(COMMAND_PREFIX) :]
    return stripped


def is_control(text: str) -> bool:
    return text.strip() in CONTROL_PAYLOADS


def message_text(text: Any, allow_controls: bool) -> str:
    """The text to hand to Rasa, or MessageError."""
    problem = text_problem(text)
    if problem:
        raise MessageError([problem])
    if allow_controls and is_control(text):
        return text.strip()
    return spoken(text)


def check_sender(sender: Any, trusted: bool) -> Optional[Tuple[str, str, str]]:
    if not isinstance(sender, str) or not sender:
        return ("sender", "missing_sender", "is required: the conversation id of this call")
    if not SENDER.match(sender):
        return ("sender", "bad_sender", "must be 1-64 letters, digits, '_', '.', ':' or '-'")
    if sender.startswith(WEB_CALL_PREFIX) and not trusted:
        return ("sender", "reserved_sender", f"ids starting with {WEB_CALL_PREFIX!r} belong to the web app")
    return None


def clean_metadata(raw: Any, trusted: bool) -> Dict[str, Any]:
    """Validated metadata, or MessageError naming every bad field."""
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise MessageError([("metadata", "bad_metadata", "must be an object")])
    size = len(json.dumps(raw, ensure_ascii=False, default=str).encode("utf-8"))
    if size > MAX_METADATA_BYTES:
        raise MessageError([("metadata", "metadata_too_large", f"is {size} bytes; the limit is {MAX_METADATA_BYTES}")])
    problems: List[Tuple[str, str, str]] = []
    clean: Dict[str, Any] = {}
    for key, value in raw.items():
        field = f"metadata.{key}"
        if key in TRUSTED_KEYS and not trusted:
            problems.append((field, "untrusted_metadata", "is set by the Peilian server, not by the client"))
        elif key not in PUBLIC_KEYS and key not in TRUSTED_KEYS:
            problems.append((field, "unknown_metadata", f"is not a known key ({', '.join(PUBLIC_KEYS)})"))
        else:
            problem = _value_problem(key, value)
            if problem:
                problems.append((field, "bad_metadata", problem))
            else:
                clean[key] = value
    if problems:
        raise MessageError(problems)
    return clean


def _whole(value: Any, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _value_problem(key: str, value: Any) -> Optional[str]:
    if key == "persona" and not (isinstance(value, str) and re.fullmatch(r"[a-z0-9_]{1,64}", value)):
        return "must be a persona id (lower-case letters, digits, _)"
    if key == "seed" and not _whole(value, 0, MAX_SEED):
        return f"must be a whole number 0-{MAX_SEED}"
    if key == "date":
        try:
            day = date.fromisoformat(value)
        except (TypeError, ValueError):
            return "must be an ISO date such as 2026-11-22"
        if not EARLIEST_DATE <= day <= LATEST_DATE:  # the customer's calendar adds days to it
            return f"must be between {EARLIEST_DATE} and {LATEST_DATE}"
    if key == "trainee" and not (isinstance(value, str) and len(value) <= 64):
        return "must be a string of at most 64 characters"
    if key == "user_id" and not _whole(value, 1, 2**63 - 1):
        return "must be a user id"
    if key == "rings" and not _whole(value, 0, MAX_RINGS):
        return f"must be a whole number 0-{MAX_RINGS}"
    if key == "source" and value not in SOURCES:
        return f"must be one of {', '.join(SOURCES)}"
    return None
