"""Calls in our tables: created by the web app, finished and graded by the action server (or the
CLI), read back for the trainee, the evaluator and `bot export`."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from datetime import date, datetime, timedelta
from typing import Any, Dict, List, Optional

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from bot.grading.scorecard import LABELS, Scorecard
from bot.messages import WEB_CALL_PREFIX
from bot.store.database import Database
from bot.store.schema import Call, CriterionRow, RecordCardRow, ScorecardRow, TurnRow, utcnow
from bot.transcript import CallInfo, Transcript

OPEN = ("ringing", "live", "ending")  # `ending`: a hang-up on its way to Rasa


class CallConflict(Exception):
    """The call is not in a state that allows this (reason: a short machine-readable word)."""

    def __init__(self, reason: str, message: str) -> None:
        self.reason, self.message = reason, message
        super().__init__(message)


def new_id() -> str:
    return uuid.uuid4().hex


def create_web_call(
    db: Database,
    *,
    persona: str,
    direction: str,
    seed: Optional[int],
    call_date: date,
    user_id: Optional[int],
    browser_id: Optional[str],
    trainee: str,
) -> Call:
    call_id = new_id()
    with db.session() as session:
        call = Call(
            id=call_id,
            conversation_id=WEB_CALL_PREFIX + call_id,
            source="widget",
            real_call=False,
            user_id=user_id,
            browser_id=browser_id,
            trainee=trainee,
            persona=persona,
            seed=seed,
            direction=direction,
            call_date=call_date,
            status="ringing",
            created_at=utcnow(),
        )
        session.add(call)
    return call


def get_call(db: Database, call_id: str) -> Optional[Call]:
    with db.session() as session:
        return session.scalar(_loaded().where(Call.id == call_id))


def get_calls(db: Database, call_ids: List[str]) -> Dict[str, Call]:
    """Several calls with everything a page shows of them, in one round of queries."""
    with db.session() as session:
        return {call.id: call for call in session.scalars(_loaded().where(Call.id.in_(call_ids)))}


def get_call_by_conversation(db: Database, conversation_id: str) -> Optional[Call]:
    """The latest call of a Rasa conversation (a REST `sender`)."""
    with db.session() as session:
        return session.scalar(
            _loaded().where(Call.conversation_id == conversation_id).order_by(Call.created_at.desc()).limit(1)
        )


def _loaded():
    return sa.select(Call).options(
        selectinload(Call.turns),
        selectinload(Call.record_card),
        selectinload(Call.reviews),
        selectinload(Call.scorecards).selectinload(ScorecardRow.criteria),
    )


def mark_answered(db: Database, call_id: str, rings: Optional[int]) -> None:
    with db.session() as session:
        call = session.get(Call, call_id, with_for_update=True)
        if call is None or call.status != "ringing":
            raise CallConflict("already_answered", "the call was already answered")
        call.status, call.answered_at, call.rings = "live", utcnow(), rings


def unmark_answered(db: Database, call_id: str) -> None:
    """The customer's server could not be reached at pick-up: the phone is still ringing."""
    with db.session() as session:
        call = session.get(Call, call_id)
        if call is not None and call.status == "live" and not call.turns:
            call.status, call.answered_at, call.rings = "ringing", None, None


def touch(db: Database, call_id: str) -> None:
    with db.session() as session:
        session.execute(sa.update(Call).where(Call.id == call_id).values(last_active_at=utcnow()))


def claim_hangup(db: Database, call_id: str) -> bool:
    """Take the right to hang this live call up (once, whoever asks: the trainee or the sweeper)."""
    with db.session() as session:
        result = session.execute(
            sa.update(Call).where(Call.id == call_id, Call.status == "live").values(status="ending")
        )
        return result.rowcount == 1


def release_hangup(db: Database, call_id: str) -> None:
    with db.session() as session:
        session.execute(sa.update(Call).where(Call.id == call_id, Call.status == "ending").values(status="live"))


_OPEN_WEB_CALLS = sa.select(Call).where(Call.source == "widget", Call.status.in_(("ringing", "live")))


def made_between(query, since: Optional[date], until: Optional[date]):
    """`query` limited to calls made from the day `since` through the day `until` (both whole days)."""
    if since:
        query = query.where(Call.created_at >= datetime.combine(since, datetime.min.time()))
    if until:
        query = query.where(Call.created_at < datetime.combine(until + timedelta(days=1), datetime.min.time()))
    return query


def open_calls_of(db: Database, *, user_id: Optional[int], browser_id: Optional[str]) -> List[Call]:
    """An owner's web calls still ringing or live (ended when they start another)."""
    owner = Call.user_id == user_id if user_id is not None else Call.browser_id == browser_id
    with db.session() as session:
        return list(session.scalars(_OPEN_WEB_CALLS.where(owner).limit(100)))


def stale_calls(db: Database, *, idle_before: datetime, ringing_before: datetime) -> List[Call]:
    """Web calls to end: live with no turn since `idle_before`, or unanswered since `ringing_before`."""
    active = sa.func.coalesce(Call.last_active_at, Call.answered_at, Call.created_at)
    query = _OPEN_WEB_CALLS.where(
        sa.or_(
            sa.and_(Call.status == "live", active < idle_before),
            sa.and_(Call.status == "ringing", Call.created_at < ringing_before),
        )
    )
    with db.session() as session:
        return list(session.scalars(query.limit(100)))


def mark_missed(db: Database, call_id: str) -> None:
    with db.session() as session:
        call = session.get(Call, call_id)
        if call is not None and call.status == "ringing":
            call.status, call.ended_at = "missed", utcnow()


def finish_call(
    db: Database,
    *,
    conversation_id: str,
    source: str,
    transcript: Transcript,
    scorecard: Scorecard,
    customer_state: Optional[Dict[str, Any]] = None,
    seed: Optional[int] = None,
    call_date: Optional[date] = None,
    trainee: str = "",
    user_id: Optional[int] = None,
    end_reason: Optional[str] = None,
    real_call: bool = False,
) -> str:
    """Store a finished call with its turns and scorecard; returns the call id.

    A call the web app opened for this conversation is completed in place; anything else (REST,
    `bot chat`, an imported transcript) becomes a new row.
    """
    with db.session() as session:
        call = session.scalar(
            sa.select(Call).where(Call.conversation_id == conversation_id, Call.status.in_(OPEN)).with_for_update()
        )
        if call is None:
            call = Call(
                id=new_id(),
                conversation_id=conversation_id,
                source=source,
                real_call=real_call,
                user_id=user_id,
                trainee=trainee,
                persona=transcript.call.persona,
                seed=seed,
                direction=transcript.call.direction,
                call_date=call_date,
                created_at=utcnow(),
            )
            session.add(call)
        call.status, call.ended_at = "ended", utcnow()
        call.hangup_by, call.end_reason = transcript.hangup, end_reason
        call.rings = transcript.call.rings if transcript.call.rings is not None else call.rings
        call.call_info = call_info_dict(transcript.call)
        call.customer_state = customer_state
        session.flush()
        # One INSERT for all the turns (and the criteria below), not one a row: this is on the
        # hang-up turn's path, which the customer's goodbye waits for.
        session.execute(sa.delete(TurnRow).where(TurnRow.call_id == call.id))
        _insert_all(session, TurnRow, [{"call_id": call.id, "n": t.number, "speaker": t.speaker, "text": t.text}
                                       for t in transcript.turns])  # fmt: skip
        _add_scorecard(session, call, scorecard)
        return call.id


def _insert_all(session, table, rows: List[Dict[str, Any]]) -> None:
    if rows:  # an executemany with no rows would insert one empty row
        session.execute(sa.insert(table), rows)


def add_scorecard(db: Database, call_id: str, scorecard: Scorecard) -> None:
    """A re-grade: the new scorecard becomes current, the old ones stay with their rubric version."""
    with db.session() as session:
        call = session.get(Call, call_id)
        if call is None:
            raise KeyError(call_id)
        _add_scorecard(session, call, scorecard)


def _add_scorecard(session, call: Call, scorecard: Scorecard) -> None:
    session.execute(sa.update(ScorecardRow).where(ScorecardRow.call_id == call.id).values(current=False))
    row = ScorecardRow(
        call_id=call.id,
        rubric_version=scorecard.rubric_version or "unknown",
        graded_at=utcnow(),
        score=scorecard.score,
        max_score=scorecard.max_score,
        current=True,
    )
    session.add(row)
    session.flush()
    _insert_all(
        session,
        CriterionRow,
        [
            {
                "scorecard_id": row.id,
                "position": i,
                "criterion": c.id,
                "passed": c.passed,
                "points": c.points,
                "max_points": c.max_points,
                # {turn, start, end, rule} per quote; rows written before spans hold bare turn numbers.
                "evidence_turns": [
                    {"turn": e.turn, "start": e.start, "end": e.to_dict()["end"], "rule": e.rule} for e in c.evidence
                ],
                "feedback": c.feedback,
            }
            for i, c in enumerate(scorecard.criteria)
        ],
    )


def save_record_card(db: Database, call_id: str, card: Dict[str, str], result: Dict[str, Any]) -> None:
    already = CallConflict("already_submitted", "the record card of this call was already submitted")
    try:
        with db.session() as session:
            if session.get(RecordCardRow, call_id) is not None:
                raise already
            session.add(
                RecordCardRow(
                    call_id=call_id,
                    card=card,
                    result=result,
                    correct=result["correct"],
                    total=result["total"],
                    submitted_at=utcnow(),
                )
            )
    except sa.exc.IntegrityError:  # a parallel submission won the race
        raise already from None


def list_calls(
    db: Database,
    *,
    user_id: Optional[int] = None,
    browser_id: Optional[str] = None,
    everyone: bool = False,
    limit: int = 200,
) -> List[Dict[str, Any]]:
    query = sa.select(Call).options(selectinload(Call.scorecards)).order_by(Call.created_at.desc()).limit(limit)
    if not everyone:
        if user_id is not None:
            query = query.where(Call.user_id == user_id)
        elif browser_id:
            query = query.where(Call.browser_id == browser_id, Call.user_id.is_(None))
        else:
            return []
    with db.session() as session:
        return [summary(call) for call in session.scalars(query)]


# -- the shapes the API and the CLI show --------------------------------------------------------


def current_scorecard(call: Call) -> Optional[ScorecardRow]:
    return next((s for s in reversed(call.scorecards) if s.current), None)


def summary(call: Call) -> Dict[str, Any]:
    card = current_scorecard(call)
    return {
        "id": call.id,
        "persona": call.persona,
        "trainee": call.trainee,
        "source": call.source,
        # Open practice: the name was typed, not an account's. Shown as such, never as a user.
        "anonymous": call.user_id is None and call.source == "widget",
        "status": call.status,
        "started_at": _iso(call.created_at),
        "score": card.score if card else None,
        "max_score": card.max_score if card else None,
    }


def scorecard_dict(call: Call, row: ScorecardRow) -> Dict[str, Any]:
    texts = {t.n: t.text for t in call.turns}
    return {
        "score": row.score,
        "max_score": row.max_score,
        "rubric_version": row.rubric_version,
        "graded_at": _iso(row.graded_at),
        "criteria": [
            {
                "id": c.criterion,
                "label": LABELS.get(c.criterion, c.criterion),
                "passed": c.passed,
                "points": c.points,
                "max_points": c.max_points,
                "feedback": c.feedback,
                "evidence": [_evidence(item, texts) for item in c.evidence_turns],
            }
            for c in row.criteria
        ],
    }


def _evidence(item: Any, texts: Dict[int, str]) -> Dict[str, Any]:
    """A stored quote: {turn, start, end, rule}, or a bare turn number (rows from before spans)."""
    if not isinstance(item, dict):
        text = texts.get(item, "")
        return {"turn": item, "text": text, "start": 0, "end": len(text), "rule": ""}
    text = texts.get(item["turn"], "")
    return {
        "turn": item["turn"],
        "text": text,
        "start": item.get("start", 0),
        "end": item.get("end", len(text)),
        "rule": item.get("rule", ""),
    }


def call_dict(call: Call) -> Dict[str, Any]:
    card = current_scorecard(call)
    return {
        **summary(call),
        "direction": call.direction,
        "seed": call.seed,
        "date": call.call_date.isoformat() if call.call_date else None,
        "answered_at": _iso(call.answered_at),
        "ended_at": _iso(call.ended_at),
        "rings": call.rings,
        "hangup_by": call.hangup_by,
        "end_reason": call.end_reason,
        "real_call": call.real_call,
        "turns": [{"n": t.n, "speaker": t.speaker, "text": t.text} for t in call.turns],
        "scorecard": scorecard_dict(call, card) if card else None,
        "record_card": call.record_card.result if call.record_card else None,
    }


def call_info_dict(info: CallInfo) -> Dict[str, Any]:
    data = asdict(info)
    data["company_aliases"] = list(info.company_aliases)
    return data


def call_info_from(data: Dict[str, Any]) -> CallInfo:
    known = {k: v for k, v in (data or {}).items() if k in CallInfo.__dataclass_fields__}
    known["company_aliases"] = tuple(known.get("company_aliases") or ())
    return CallInfo(**known)


def _iso(value: Optional[datetime]) -> Optional[str]:
    return value.isoformat() + "Z" if value else None
