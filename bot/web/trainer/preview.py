"""What the persona pages show of a persona or a problem: the lobby card, a few of the
customer's lines, and each loader problem as line + field + message with the offending line's text."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Dict, List, Optional

from bot.language.topics import TOPIC_TABLE
from bot.personas.lines import DEFAULT_LINES
from bot.personas.loader import PersonaError
from bot.personas.model import Persona
from bot.web.views.scenarios import persona_card

# Lines shown when the persona overrides none: the ones a trainee hears first and last.
FIRST_LINES = ("opening", "greeted_well", "name_given", "phone_given", "goodbye")
MAX_LINES = 6


def preview(persona: Persona) -> Dict[str, Any]:
    """The lobby card plus the customer's needs, agenda and own lines, filled in as said."""
    own = [key for key, said in persona.lines.items() if tuple(said) != DEFAULT_LINES.get(key)]
    keys = (own or [key for key in FIRST_LINES if key != "opening" or persona.direction == "outbound"])[:MAX_LINES]
    return {
        "card": persona_card(persona),
        "addressed_as": persona.addressed_as,
        "customer_class": persona.customer_class,
        "needs": dict(persona.needs),
        "agenda": [
            {
                "topic": TOPIC_TABLE[item.topic].label if item.topic in TOPIC_TABLE else item.word or item.topic,
                "asks": list(item.asks),
                "followups": list(item.followups),
            }
            for item in persona.agenda
        ],
        "lines": [{"key": key, "said": [persona.fill(line) for line in persona.lines[key][:2]]} for key in keys],
        "patience": persona.patience,
    }


def problems(error: PersonaError, folder: Path, text: Optional[str] = None) -> List[Dict[str, Any]]:
    """Every problem of a persona file, as `problem` shows one (the file read once)."""
    if text is None:
        try:
            text = Path(error.path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            text = ""
    return [problem(one, folder, text) for one in error.problems]


def problem(error: Any, folder: Path, text: Optional[str] = None) -> Dict[str, Any]:
    """A PersonaError or DraftError for a page: where (relative to the personas folder), line,
    field, message, and the text of that line when we have it."""
    line = getattr(error, "line", None)
    where = ""
    if isinstance(error, PersonaError):
        where = os.path.relpath(error.path, folder) if os.path.isabs(error.path) else error.path
        if text is None:
            try:
                text = Path(error.path).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                text = None
    source = ""
    if line and text is not None:
        lines: List[str] = text.splitlines()
        source = lines[line - 1] if 0 < line <= len(lines) else ""
    return {
        "where": where,
        "line": line,
        "field": getattr(error, "field", "") or "",
        "message": getattr(error, "message", str(error)),
        "source": source,
    }
