"""`python -m bot grade FILE...`: scorecards for transcript files, the model loaded once.
`--save` stores each graded file in our database as a real call; `python -m bot regrade` grades
stored calls again under the current rubric, keeping the old scorecards and their versions."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import List, Optional, TextIO

from bot.transcript import TranscriptError, load_transcript


def _grader(model: Optional[str], err: TextIO):
    from bot.grading import Grader, RubricError, load_rubric
    from bot.nlu.model import DEFAULT_MODEL, ModelParser

    try:
        return Grader(ModelParser(Path(model) if model else DEFAULT_MODEL), load_rubric())
    except (RubricError, FileNotFoundError) as error:
        print(f"error: {error}", file=err)
        return None


def run_grade(
    files: List[str],
    as_json: bool,
    model: Optional[str],
    save: bool = False,
    trainee: str = "",
    out: Optional[TextIO] = None,
    err: Optional[TextIO] = None,
) -> int:
    """Grade each file; a malformed one is reported (exit code 2) and the rest still graded."""
    out, err = out or sys.stdout, err or sys.stderr
    db = None
    if save:
        from bot.settings import Settings
        from bot.store.database import database

        db = database(Settings.from_env().database_url)
        db.check_current()
    grader = _grader(model, err)
    if grader is None:
        return 2
    status = 0
    for name in files:
        try:
            transcript = load_transcript(Path(name))
        except TranscriptError as error:
            print(f"error: {error}", file=err)
            status = 2
            continue
        card = grader.grade(transcript, file=name)
        data = card.to_dict()
        if db is not None:
            from bot.store import calls as store

            data["call_id"] = store.finish_call(
                db,
                conversation_id=f"import:{Path(name).name}"[:64],
                source="import",
                transcript=transcript,
                scorecard=card,
                trainee=trainee[:64],
                real_call=True,
            )
        if as_json:
            print(json.dumps(data, ensure_ascii=False), file=out)
        else:
            saved = f"\n  saved as call {data['call_id']}" if db is not None else ""
            print(card.to_text() + saved + "\n", file=out)
    return status


def run_regrade(
    call_ids: List[str], model: Optional[str], out: Optional[TextIO] = None, err: Optional[TextIO] = None
) -> int:
    """Grade stored calls again when the rubric changed (all finished calls if none are named)."""
    out, err = out or sys.stdout, err or sys.stderr
    import sqlalchemy as sa

    from bot.cli.export import stored_transcript
    from bot.settings import Settings
    from bot.store import calls as store
    from bot.store.database import database
    from bot.store.schema import Call

    db = database(Settings.from_env().database_url)
    db.check_current()
    grader = _grader(model, err)
    if grader is None:
        return 2
    if not call_ids:
        with db.session() as session:
            call_ids = list(session.scalars(sa.select(Call.id).where(Call.status == "ended")))
    status = 0
    for call_id in call_ids:
        call = store.get_call(db, call_id)
        if call is None or call.status != "ended":
            print(f"error: no finished call {call_id!r}", file=err)
            status = 2
            continue
        current = store.current_scorecard(call)
        if current is not None and current.rubric_version == grader.rubric.version:
            print(f"{call_id}: already graded with rubric {grader.rubric.version}", file=out)
            continue
        card = grader.grade(stored_transcript(call))
        store.add_scorecard(db, call_id, card)
        before = f"{current.score} ({current.rubric_version})" if current else "none"
        print(f"{call_id}: {before} -> {card.score} ({card.rubric_version})", file=out)
    return status
