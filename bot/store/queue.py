"""The evaluators' calls list: filters, sort and pages in SQL, so it stays quick at thousands of
calls. The verdict that counts is the final one: the latest evaluator verdict, else the grader's."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import date
from typing import Any, Dict, List, Mapping, Optional, Tuple

import sqlalchemy as sa

from bot.grading.rubric import CORE, CRITERIA
from bot.store.calls import made_between
from bot.store.database import Database
from bot.store.schema import Call, CriterionRow, Review, ScorecardRow

PAGE_SIZE = 50  # the queue; exports walk every page
STATES = ("unreviewed", "reviewed", "disputed")
SORTS = {
    "newest": (Call.created_at.desc(),),
    "oldest": (Call.created_at.asc(),),
    "score": (ScorecardRow.score.asc(), Call.created_at.desc()),
    "score_desc": (ScorecardRow.score.desc(), Call.created_at.desc()),
    "trainee": (Call.trainee.asc(), Call.created_at.desc()),
}
KINDS = ("all", "rehearsal", "real")


@dataclass(frozen=True)
class CallFilter:
    trainee: str = ""
    persona: str = ""
    failed: str = ""  # a criterion id: its final verdict is a fail
    since: Optional[date] = None
    until: Optional[date] = None
    state: str = ""  # one of STATES, or "" for all
    kind: str = "all"
    sort: str = "newest"
    page: int = 1

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> CallFilter:
        """From a page's URL (a saved filter is just the URL); odd values are ignored, not errors."""

        def day(key: str) -> Optional[date]:
            try:
                return date.fromisoformat(query.get(key, ""))
            except ValueError:
                return None

        page = query.get("page", "1")
        return cls(
            trainee=query.get("trainee", "").strip()[:64],
            persona=query.get("persona", "").strip()[:64],
            failed=query.get("failed", "") if query.get("failed") in CRITERIA else "",
            since=day("since"),
            until=day("until"),
            state=query.get("state", "") if query.get("state") in STATES else "",
            kind=query.get("kind", "all") if query.get("kind") in KINDS else "all",
            sort=query.get("sort", "newest") if query.get("sort") in SORTS else "newest",
            page=max(1, min(10_000, int(page))) if page.isdigit() else 1,
        )

    def to_query(self, **changes: Any) -> Dict[str, str]:
        values = replace(self, **changes)
        query = {}
        for field in fields(values):
            value = getattr(values, field.name)
            default = field.default
            if value not in (None, "") and value != default:
                query[field.name] = value.isoformat() if isinstance(value, date) else str(value)
        return query


def _final_verdict(criterion: str):
    """SQL for a call's final verdict on `criterion`: the latest evaluator verdict, else the grader's."""
    latest_review = (
        sa.select(Review.passed)
        .where(Review.call_id == Call.id, Review.criterion == criterion, Review.kind == "verdict")
        .order_by(Review.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    auto = (
        sa.select(CriterionRow.passed)
        .where(CriterionRow.scorecard_id == ScorecardRow.id, CriterionRow.criterion == criterion)
        .limit(1)
        .scalar_subquery()
    )
    return sa.func.coalesce(latest_review, auto)


def _last(kind: str):
    return sa.select(sa.func.max(Review.id)).where(Review.call_id == Call.id, Review.kind == kind).scalar_subquery()


def _state():
    verdict, dispute = _last("verdict"), _last("dispute")
    return sa.case(
        (sa.and_(dispute.is_not(None), sa.or_(verdict.is_(None), dispute > verdict)), "disputed"),
        (verdict.is_not(None), "reviewed"),
        else_="unreviewed",
    )


def find_calls(db: Database, wanted: CallFilter, page_size: int = PAGE_SIZE) -> Tuple[List[Dict[str, Any]], int]:
    """One page of finished, graded calls and how many match in all."""
    state = _state().label("state")
    core = [_final_verdict(c).label(f"final_{c}") for c in CORE]
    query = (
        sa.select(
            Call.id,
            Call.trainee,
            Call.user_id,
            Call.source,
            Call.persona,
            Call.created_at,
            Call.answered_at,
            Call.ended_at,
            Call.real_call,
            ScorecardRow.score,
            ScorecardRow.max_score,
            state,
            *core,
        )
        .join(ScorecardRow, sa.and_(ScorecardRow.call_id == Call.id, ScorecardRow.current.is_(True)))
        .where(Call.status == "ended")
    )
    if wanted.trainee:
        query = query.where(Call.trainee == wanted.trainee)
    if wanted.persona:
        query = query.where(Call.persona == wanted.persona)
    if wanted.failed:
        query = query.where(_final_verdict(wanted.failed).is_(False))
    query = made_between(query, wanted.since, wanted.until)
    if wanted.kind != "all":
        query = query.where(Call.real_call.is_(wanted.kind == "real"))
    if wanted.state:
        query = query.where(_state() == wanted.state)
    with db.session() as session:
        total = session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
        rows = session.execute(
            query.order_by(*SORTS[wanted.sort]).offset((wanted.page - 1) * page_size).limit(page_size)
        ).all()
    return [_row(r) for r in rows], total


def _row(row) -> Dict[str, Any]:
    start = row.answered_at or row.created_at
    seconds = int((row.ended_at - start).total_seconds()) if row.ended_at and start else None
    return {
        "id": row.id,
        "trainee": row.trainee,
        "anonymous": row.user_id is None and row.source == "widget",
        "persona": row.persona,
        "date": row.created_at.strftime("%Y-%m-%d %H:%M"),
        "duration": f"{seconds // 60}:{seconds % 60:02d}" if seconds is not None else "",
        "score": row.score,
        "max_score": row.max_score,
        "state": row.state,
        "real_call": row.real_call,
        "core": {c: getattr(row, f"final_{c}") for c in CORE},
    }


def choices(db: Database) -> Dict[str, List[str]]:
    """The trainees and personas that have finished calls (the filter menus)."""
    with db.session() as session:
        ended = Call.status == "ended"
        return {
            "trainees": list(session.scalars(sa.select(Call.trainee).where(ended).distinct().order_by(Call.trainee))),
            "personas": list(session.scalars(sa.select(Call.persona).where(ended).distinct().order_by(Call.persona))),
        }
