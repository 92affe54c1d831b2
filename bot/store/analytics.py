"""Analytics over finished, graded calls: pass rates over time, trainees' progress, personas'
difficulty. Every number uses the FINAL verdict of a criterion (the latest evaluator verdict,
else the grader's), and a call's score is recomputed from those verdicts (a criterion is worth its
full points when passed, nothing otherwise, as the grader scores it).

Aggregation happens in SQL (SQLite and PostgreSQL alike); only bucketing days into ISO weeks is
done here. Days are UTC days of the call's start (created_at), as stored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Dict, List, Mapping, Optional, Tuple

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from bot.grading.rubric import CORE, CRITERIA
from bot.store.calls import made_between
from bot.store.database import Database
from bot.store.schema import Call, CriterionRow, Review, ScorecardRow

DAILY_MAX_DAYS = 31  # a longer range is shown per ISO week


@dataclass(frozen=True)
class Filters:
    since: Optional[date] = None
    until: Optional[date] = None  # inclusive
    trainee: str = ""
    # One trainee's own calls ("My calls"): their account's, or in open practice their browser's.
    # Set by the page from the session, never from the query.
    user_id: Optional[int] = None
    browser_id: str = ""

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> Filters:
        """From a page's GET parameters (the calls list's names); odd values are ignored."""

        def day(key: str) -> Optional[date]:
            try:
                return date.fromisoformat(query.get(key, "").strip())
            except ValueError:
                return None

        since, until = day("since"), day("until")
        if since and until and since > until:
            since, until = until, since
        return cls(since=since, until=until, trainee=query.get("trainee", "").strip()[:64])


@dataclass(frozen=True)
class Rate:
    n: int
    passed: int

    @property
    def rate(self) -> Optional[float]:
        return self.passed / self.n if self.n else None


@dataclass(frozen=True)
class Trend:
    granularity: str  # day | week
    buckets: Tuple[date, ...]  # each day, or the Monday of each ISO week, first to last
    rates: Dict[str, Tuple[Rate, ...]]  # criterion -> one Rate per bucket

    def rows(self) -> List[Tuple[str, List[Rate]]]:
        """(bucket label, a Rate per criterion) for the buckets that have calls."""
        rows = []
        for i, bucket in enumerate(self.buckets):
            rates = [self.rates[c][i] for c in self.rates]
            if any(rate.n for rate in rates):
                rows.append((self.label(bucket), rates))
        return rows

    def label(self, bucket: date) -> str:
        if self.granularity == "day":
            return bucket.isoformat()
        year, week, _ = bucket.isocalendar()
        return f"{year}-W{week:02d}"


@dataclass(frozen=True)
class CallScore:
    call_id: str
    trainee: str
    persona: str
    started_at: datetime
    points: int
    max_points: int

    @property
    def percent(self) -> Optional[float]:
        return 100.0 * self.points / self.max_points if self.max_points else None


@dataclass(frozen=True)
class Summary:
    """A group of calls (one trainee's, one persona's): how many, mean score %, pass rates."""

    name: str
    calls: int
    mean_percent: Optional[float]
    rates: Dict[str, Rate] = field(default_factory=dict)


def _final_rows(filters: Filters):
    """One row per criterion of every matching call: its final verdict and its weight."""
    latest = (
        sa.select(Review.call_id, Review.criterion, sa.func.max(Review.id).label("review_id"))
        .where(Review.kind == "verdict")
        .group_by(Review.call_id, Review.criterion)
        .subquery("latest")
    )
    human = aliased(Review, name="human")
    query = (
        sa.select(
            Call.id.label("call_id"),
            Call.trainee,
            Call.persona,
            Call.created_at,
            CriterionRow.criterion,
            CriterionRow.max_points,
            sa.func.coalesce(human.passed, CriterionRow.passed).label("passed"),
        )
        .join(ScorecardRow, sa.and_(ScorecardRow.call_id == Call.id, ScorecardRow.current.is_(True)))
        .join(CriterionRow, CriterionRow.scorecard_id == ScorecardRow.id)
        .outerjoin(latest, sa.and_(latest.c.call_id == Call.id, latest.c.criterion == CriterionRow.criterion))
        .outerjoin(human, human.id == latest.c.review_id)
        .where(Call.status == "ended")
    )
    query = made_between(query, filters.since, filters.until)
    if filters.trainee:
        query = query.where(Call.trainee == filters.trainee)
    if filters.user_id is not None:
        query = query.where(Call.user_id == filters.user_id)
    elif filters.browser_id:
        query = query.where(Call.browser_id == filters.browser_id, Call.user_id.is_(None))
    return query.subquery("final")


def _passes(final) -> sa.sql.ColumnElement:
    return sa.func.sum(sa.case((final.c.passed == sa.true(), 1), else_=0))


def _day(value) -> date:
    """SQLite's date() gives text, PostgreSQL's a date."""
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _granularity(filters: Filters, first: date, last: date) -> str:
    since, until = filters.since or first, filters.until or last
    return "day" if (until - since).days < DAILY_MAX_DAYS else "week"


def pass_rate_trend(db: Database, filters: Filters = Filters()) -> Trend:
    """Pass rate of each criterion per day (short ranges) or per ISO week; empty buckets included."""
    final = _final_rows(filters)
    day = sa.func.date(final.c.created_at)
    query = sa.select(
        day.label("day"), final.c.criterion, sa.func.count().label("n"), _passes(final).label("passed")
    ).group_by(day, final.c.criterion)
    with db.session() as session:
        rows = [(_day(d), criterion, int(n), int(passed or 0)) for d, criterion, n, passed in session.execute(query)]
    if not rows:
        return Trend("day", (), {c: () for c in CRITERIA})
    first, last = min(r[0] for r in rows), max(r[0] for r in rows)
    granularity = _granularity(filters, first, last)
    bucket_of = (lambda d: d) if granularity == "day" else _monday
    step = timedelta(days=1 if granularity == "day" else 7)
    buckets, current = [], bucket_of(first)
    while current <= bucket_of(last):
        buckets.append(current)
        current += step
    totals: Dict[Tuple[str, date], List[int]] = {}
    for d, criterion, n, passed in rows:
        total = totals.setdefault((criterion, bucket_of(d)), [0, 0])
        total[0] += n
        total[1] += passed
    criteria = list(CRITERIA) + sorted({r[1] for r in rows} - set(CRITERIA))
    return Trend(
        granularity, tuple(buckets), {c: tuple(Rate(*totals.get((c, b), (0, 0))) for b in buckets) for c in criteria}
    )


def _points(final) -> sa.sql.ColumnElement:
    return sa.func.sum(sa.case((final.c.passed == sa.true(), final.c.max_points), else_=0))


def call_scores(db: Database, filters: Filters = Filters()) -> List[CallScore]:
    """Every matching call's final score, oldest first."""
    final = _final_rows(filters)
    query = (
        sa.select(
            final.c.call_id,
            final.c.trainee,
            final.c.persona,
            final.c.created_at,
            _points(final),
            sa.func.sum(final.c.max_points),
        )
        .group_by(final.c.call_id, final.c.trainee, final.c.persona, final.c.created_at)
        .order_by(final.c.created_at, final.c.call_id)
    )
    with db.session() as session:
        return [
            CallScore(call_id, trainee, persona, started, int(p or 0), int(m or 0))
            for call_id, trainee, persona, started, p, m in session.execute(query)
        ]


def _summaries(db: Database, filters: Filters, key: str, criteria: Tuple[str, ...]) -> List[Summary]:
    """Per trainee or per persona (`key`): calls, mean final score %, pass rate per criterion."""
    final = _final_rows(filters)
    group = final.c[key]
    percent = 100.0 * _points(final) / sa.func.nullif(sa.func.sum(final.c.max_points), 0)
    per_call = (
        sa.select(group.label("name"), percent.label("percent")).group_by(final.c.call_id, group).subquery("per_call")
    )
    means = sa.select(per_call.c.name, sa.func.count(), sa.func.avg(per_call.c.percent)).group_by(per_call.c.name)
    rates = (
        sa.select(group, final.c.criterion, sa.func.count(), _passes(final))
        .where(final.c.criterion.in_(criteria))
        .group_by(group, final.c.criterion)
    )
    with db.session() as session:
        result = {
            name: Summary(name, int(calls), float(mean) if mean is not None else None)
            for name, calls, mean in session.execute(means)
        }
        for name, criterion, n, passed in session.execute(rates):
            result[name].rates[criterion] = Rate(int(n), int(passed or 0))
    return [result[name] for name in sorted(result)]


def trainee_summaries(db: Database, filters: Filters = Filters()) -> List[Summary]:
    return _summaries(db, filters, "trainee", CRITERIA)


def persona_summaries(db: Database, filters: Filters = Filters()) -> List[Summary]:
    """Per persona: how hard it is (mean score, pass rate of each core criterion)."""
    return _summaries(db, filters, "persona", CORE)


def trainees(db: Database) -> List[str]:
    """Names with at least one finished call, for the filter menu."""
    with db.session() as session:
        return list(
            session.scalars(sa.select(Call.trainee).where(Call.status == "ended").distinct().order_by(Call.trainee))
        )
