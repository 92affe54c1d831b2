"""People's word on a call's grade: evaluators' verdicts (the human grade wins, the automatic one
stays beside it), blind verdicts for calibration, trainees' disputes, and blind assignments."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Mapping, Optional

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from bot.errors import ProblemsError
from bot.grading.scorecard import LABELS
from bot.store.calls import current_scorecard
from bot.store.database import Database
from bot.store.schema import Assignment, Call, CriterionRow, Review, ScorecardRow, User, utcnow

MAX_COMMENT_CHARS = 1000


class ReviewError(ProblemsError):
    """A refused review: every problem as (field, message)."""


def auto_verdicts(call: Call) -> Dict[str, bool]:
    card = current_scorecard(call)
    return {c.criterion: c.passed for c in card.criteria} if card else {}


def _latest(call: Call, kind: str, author_id: Optional[int] = None) -> Dict[str, Review]:
    latest: Dict[str, Review] = {}
    for review in call.reviews:  # ordered by id: later rows win
        if review.kind == kind and (author_id is None or review.author_id == author_id):
            latest[review.criterion] = review
    return latest


def review_state(call: Call) -> str:
    """unreviewed | reviewed | disputed (a dispute newer than the last review puts it back)."""
    verdicts = [r.id for r in call.reviews if r.kind == "verdict"]
    disputes = [r.id for r in call.reviews if r.kind == "dispute"]
    if disputes and (not verdicts or max(disputes) > max(verdicts)):
        return "disputed"
    return "reviewed" if verdicts else "unreviewed"


def verdicts(call: Call, names: Mapping[int, str]) -> List[Dict[str, Any]]:
    """Per criterion: the automatic verdict, the human one (if any) with its comment, the final one."""
    auto = auto_verdicts(call)
    human = _latest(call, "verdict")
    disputes = _latest(call, "dispute")
    rows = []
    for criterion, passed in auto.items():
        review = human.get(criterion)
        dispute = disputes.get(criterion)
        open_dispute = dispute is not None and (review is None or dispute.id > review.id)
        rows.append(
            {
                "id": criterion,
                "label": LABELS.get(criterion, criterion),
                "auto": passed,
                "human": review.passed if review else None,
                "comment": review.comment if review else "",
                "reviewer": names.get(review.author_id, "") if review else "",
                "final": review.passed if review else passed,
                "dispute": dispute.comment if dispute is not None and open_dispute else "",
            }
        )
    return rows


def history(call: Call, names: Mapping[int, str], include_blind: bool = False) -> List[Dict[str, Any]]:
    return [
        {
            "kind": r.kind,
            "criterion": r.criterion,
            "label": LABELS.get(r.criterion, r.criterion),
            "passed": r.passed,
            "comment": r.comment,
            "author": names.get(r.author_id, "?"),
            "at": r.created_at.strftime("%Y-%m-%d %H:%M"),
        }
        for r in reversed(call.reviews)
        if include_blind or r.kind != "blind"
    ]


def usernames(db: Database, ids: Iterable[int]) -> Dict[int, str]:
    ids = set(ids)
    if not ids:
        return {}
    with db.session() as session:
        return dict(session.execute(sa.select(User.id, User.username).where(User.id.in_(ids))).all())


def _graded_call(session, call_id: str) -> Call:
    call = session.scalar(
        sa.select(Call)
        .where(Call.id == call_id)
        .options(selectinload(Call.reviews), selectinload(Call.scorecards).selectinload(ScorecardRow.criteria))
    )
    if call is None or call.status != "ended" or current_scorecard(call) is None:
        raise ReviewError([("call", "only a finished, graded call can be reviewed")])
    return call


def _comment(value: Any) -> str:
    return (value or "").strip()[:MAX_COMMENT_CHARS] if isinstance(value, str) else ""


def submit_verdicts(
    db: Database,
    call_id: str,
    author_id: int,
    given: Mapping[str, Optional[bool]],
    comments: Mapping[str, str],
    blind: bool = False,
) -> int:
    """Store one review of a call: a verdict for every criterion. Outside blind review a comment
    is required wherever the verdict differs from the automatic one. Returns the rows added."""
    with db.session() as session:
        call = _graded_call(session, call_id)
        auto = auto_verdicts(call)
        problems = []
        for criterion, passed in auto.items():
            verdict = given.get(criterion)
            if verdict is None:
                problems.append((f"verdict.{criterion}", f"{LABELS[criterion]}：请选择通过或不通过"))
            elif not blind and verdict != passed and not _comment(comments.get(criterion)):
                problems.append((f"comment.{criterion}", f"{LABELS[criterion]}：改判必须写明理由"))
        if blind:
            assignment = session.scalar(
                sa.select(Assignment).where(Assignment.call_id == call_id, Assignment.evaluator_id == author_id)
            )
            if assignment is None:
                problems.append(("call", "this call is not assigned to you for blind review"))
            elif assignment.done_at is not None:
                problems.append(("call", "you already gave your blind review of this call"))
        if problems:
            raise ReviewError(problems)
        now = utcnow()
        for criterion in auto:
            session.add(
                Review(
                    call_id=call_id,
                    criterion=criterion,
                    kind="blind" if blind else "verdict",
                    passed=bool(given[criterion]),
                    comment=_comment(comments.get(criterion)),
                    author_id=author_id,
                    created_at=now,
                )
            )
        if blind:
            assignment.done_at = now
        return len(auto)


def submit_dispute(db: Database, call_id: str, author_id: int, criterion: str, comment: str) -> None:
    with db.session() as session:
        call = _graded_call(session, call_id)
        problems = []
        if criterion not in auto_verdicts(call):
            problems.append(("criterion", "choose one of the call's criteria"))
        if not _comment(comment):
            problems.append(("comment", "请写明申诉理由"))
        if problems:
            raise ReviewError(problems)
        session.add(
            Review(
                call_id=call_id,
                criterion=criterion,
                kind="dispute",
                passed=None,
                comment=_comment(comment),
                author_id=author_id,
                created_at=utcnow(),
            )
        )


def assign(db: Database, call_ids: Iterable[str], evaluator_ids: Iterable[int], admin_id: int) -> int:
    """Give each call to each evaluator for blind review; returns the new assignments."""
    added = 0
    evaluator_ids = list(evaluator_ids)
    with db.session() as session:
        evaluators = set(
            session.scalars(
                sa.select(User.id).where(
                    User.id.in_(evaluator_ids), User.role.in_(("evaluator", "admin")), User.disabled.is_(False)
                )
            )
        )
        if len(evaluators) < 2:
            raise ReviewError([("evaluators", "choose at least two evaluators")])
        for call_id in call_ids:
            _graded_call(session, call_id)
            for evaluator in evaluators:
                exists = session.scalar(
                    sa.select(Assignment.id).where(Assignment.call_id == call_id, Assignment.evaluator_id == evaluator)
                )
                if exists is None:
                    session.add(
                        Assignment(call_id=call_id, evaluator_id=evaluator, assigned_by=admin_id, created_at=utcnow())
                    )
                    added += 1
    return added


def blind_queue(db: Database, evaluator_id: int) -> List[Dict[str, Any]]:
    with db.session() as session:
        rows = session.execute(
            sa.select(Assignment, Call)
            .join(Call, Call.id == Assignment.call_id)
            .where(Assignment.evaluator_id == evaluator_id)
            .order_by(Assignment.done_at.is_not(None), Assignment.created_at)
        ).all()
        return [
            {
                "call_id": call.id,
                "persona": call.persona,
                "date": call.created_at.strftime("%Y-%m-%d"),
                "done": assignment.done_at is not None,
            }
            for assignment, call in rows
        ]


def is_assigned(db: Database, call_id: str, evaluator_id: int) -> bool:
    with db.session() as session:
        return (
            session.scalar(
                sa.select(Assignment.id).where(Assignment.call_id == call_id, Assignment.evaluator_id == evaluator_id)
            )
            is not None
        )


def open_assignments(db: Database, evaluator_id: int) -> set:
    """Calls this evaluator must still review blind: they see nothing graded of them meanwhile."""
    with db.session() as session:
        return set(
            session.scalars(
                sa.select(Assignment.call_id).where(
                    Assignment.evaluator_id == evaluator_id, Assignment.done_at.is_(None)
                )
            )
        )


@dataclass(frozen=True)
class VerdictPair:
    """One human verdict on one criterion, beside the automatic verdict of the same call."""

    call_id: str
    criterion: str
    auto: bool
    author_id: int
    author: str
    kind: str  # verdict | blind
    passed: bool


def verdict_pairs(db: Database) -> List[VerdictPair]:
    """Every human verdict (the latest per call, criterion, author and kind) with the current
    automatic verdict: the raw material of calibration."""
    latest = (
        sa.select(sa.func.max(Review.id))
        .where(Review.kind.in_(("verdict", "blind")))
        .group_by(Review.call_id, Review.criterion, Review.author_id, Review.kind)
    )
    query = (
        sa.select(
            Review.call_id,
            Review.criterion,
            CriterionRow.passed,
            Review.author_id,
            User.username,
            Review.kind,
            Review.passed,
        )
        .join(ScorecardRow, sa.and_(ScorecardRow.call_id == Review.call_id, ScorecardRow.current.is_(True)))
        .join(
            CriterionRow,
            sa.and_(CriterionRow.scorecard_id == ScorecardRow.id, CriterionRow.criterion == Review.criterion),
        )
        .join(User, User.id == Review.author_id)
        .where(Review.id.in_(latest))
        .order_by(Review.call_id, Review.criterion, Review.id)
    )
    with db.session() as session:
        return [VerdictPair(*row) for row in session.execute(query).all()]
