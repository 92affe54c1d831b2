"""`python -m bot export CALL_ID`: a stored call as a transcript, with who, when and its grades.

The file is the transcript format (bot/transcript.py), so `bot grade` re-grades it; the call's
`trainee`, `date`, `source` and times, its stored `scorecard` and its `record_card` come along.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional, TextIO

from bot.settings import Settings
from bot.store import calls as store
from bot.store.database import database
from bot.transcript import Transcript, Turn


def stored_transcript(call) -> Transcript:
    turns = tuple(Turn(number=t.n, speaker=t.speaker, text=t.text) for t in call.turns)
    return Transcript(
        call=store.call_info_from(call.call_info or {}), turns=turns, hangup=call.hangup_by, source=f"call {call.id}"
    )


def export_yaml(call) -> str:
    """A stored call as a transcript file with its rehearsal facts, scorecard and record card."""
    data = store.call_dict(call)
    return stored_transcript(call).to_yaml(
        rehearsal={
            key: data[key]
            for key in ("id", "trainee", "source", "date", "started_at", "ended_at", "rings", "real_call")
        },
        scorecard=data["scorecard"],
        record_card=data["record_card"],
    )


def run_export(call_id: str, output: Optional[str], out: Optional[TextIO] = None, err: Optional[TextIO] = None) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    db = database(Settings.from_env().database_url)
    db.check_current()
    call = store.get_call(db, call_id) or store.get_call_by_conversation(db, call_id)
    if call is None or call.status != "ended":
        print(f"error: no finished call {call_id!r} in {db.safe_url}", file=err)
        return 2
    text = export_yaml(call)
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        out.write(text)
    return 0
