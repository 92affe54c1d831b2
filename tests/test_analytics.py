"""Analytics in SQL, on SQLite and on a real PostgreSQL: the final verdict (the evaluator's, else
the grader's) is what every pass rate and score uses."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Dict

import pytest
import sqlalchemy as sa

from bot.grading.scorecard import CriterionResult, Scorecard
from bot.store import analytics, calls, reviews, users
from bot.store.analytics import Filters, Rate
from bot.store.schema import Call
from tests.test_store import transcript

WEIGHTS = {"greeting": 20, "name_capture": 30, "invitation": 40, "closing": 10}  # out of 100


def card(passed: Dict[str, bool]) -> Scorecard:
    return Scorecard(criteria=[CriterionResult(c, passed[c], WEIGHTS[c] if passed[c] else 0, WEIGHTS[c], (), "")
                               for c in WEIGHTS], rubric_version="1-test")


def add_call(db, started: datetime, trainee: str = "李明", persona: str = "car_showroom_inbound",
             **passed: bool) -> str:
    verdicts = {c: passed.get(c, True) for c in WEIGHTS}
    call_id = calls.finish_call(db, conversation_id=f"rest-{started.isoformat()}-{trainee}", source="rest",
                                transcript=transcript(), scorecard=card(verdicts), trainee=trainee)
    with db.session() as session:
        session.execute(sa.update(Call).where(Call.id == call_id).values(created_at=started, persona=persona))
    return call_id


def review(db, call_id: str, author_id: int, blind: bool = False, **changed: bool) -> None:
    """An evaluator's verdicts: the grader's, except `changed` (with the required comment)."""
    auto = reviews.auto_verdicts(calls.get_call(db, call_id))
    given = {**auto, **changed}
    reviews.submit_verdicts(db, call_id, author_id, given, {c: "改判" for c in changed}, blind=blind)


@pytest.fixture
def people(db):
    return {name: users.add_user(db, name, "long enough", role).id
            for name, role in (("wang", "evaluator"), ("li", "evaluator"), ("admin", "admin"))}


def test_the_evaluators_latest_verdict_wins_and_blind_verdicts_do_not(db, people):
    day = datetime(2026, 11, 2, 9)
    first = add_call(db, day, name_capture=False)
    second = add_call(db, day + timedelta(hours=1), name_capture=False, closing=False)
    review(db, first, people["wang"], name_capture=True)  # overruled: a pass
    review(db, second, people["wang"], closing=True)
    review(db, second, people["li"])  # a later review back to the grader's fail on closing
    reviews.assign(db, [second], [people["wang"], people["li"]], people["admin"])
    review(db, second, people["wang"], blind=True, name_capture=True)  # blind: calibration only
    review(db, second, people["li"], blind=True, name_capture=True)

    trend = analytics.pass_rate_trend(db)
    assert trend.granularity == "day" and trend.buckets == (date(2026, 11, 2),)
    assert trend.rates["name_capture"] == (Rate(2, 1),)  # first overruled to pass, second still fails
    assert trend.rates["closing"] == (Rate(2, 1),)  # li's later verdict restored the fail
    assert trend.rates["greeting"] == (Rate(2, 2),)
    assert trend.rates["needs_discovery"] == (Rate(0, 0),) and Rate(0, 0).rate is None

    scores = {s.call_id: s for s in analytics.call_scores(db)}
    assert scores[first].points == 100 and scores[first].percent == 100.0  # 70 automatic + 30 reviewed
    assert scores[second].points == 60 and scores[second].max_points == 100
    (trainee,) = analytics.trainee_summaries(db)
    assert trainee.name == "李明" and trainee.calls == 2 and trainee.mean_percent == pytest.approx(80.0)
    assert trainee.rates["name_capture"] == Rate(2, 1) and trainee.rates["invitation"] == Rate(2, 2)


def test_a_long_range_is_shown_per_iso_week_with_empty_weeks(db):
    add_call(db, datetime(2026, 11, 2, 9), invitation=False)  # Monday, ISO week 45
    add_call(db, datetime(2026, 11, 8, 23), invitation=True)  # Sunday, still week 45
    add_call(db, datetime(2026, 12, 7, 8), invitation=True)  # week 50, 35 days later; 46-49 have no calls
    trend = analytics.pass_rate_trend(db)
    assert trend.granularity == "week"
    assert trend.buckets == tuple(date(2026, 11, 2) + timedelta(weeks=i) for i in range(6))
    assert [trend.label(b) for b in trend.buckets][0::5] == ["2026-W45", "2026-W50"]
    assert trend.rates["invitation"] == (Rate(2, 1),) + (Rate(0, 0),) * 4 + (Rate(1, 1),)
    assert [label for label, _ in trend.rows()] == ["2026-W45", "2026-W50"]  # the table skips empty weeks
    # A range under a month, chosen in the filters, goes back to days.
    short = analytics.pass_rate_trend(db, Filters(since=date(2026, 11, 1), until=date(2026, 11, 10)))
    assert short.granularity == "day" and short.buckets[0] == date(2026, 11, 2) and len(short.buckets) == 7
    assert short.rates["invitation"][0] == Rate(1, 0) and short.rates["invitation"][6] == Rate(1, 1)


def test_filters_by_dates_and_trainee_and_only_finished_calls(db):
    add_call(db, datetime(2026, 11, 2, 9), trainee="李明")
    add_call(db, datetime(2026, 11, 3, 23, 59), trainee="张伟", greeting=False)
    add_call(db, datetime(2026, 11, 4, 0, 0), trainee="张伟")
    calls.create_web_call(db, persona="car_showroom_inbound", direction="inbound", seed=None,
                          call_date=date(2026, 11, 3), user_id=None, browser_id="b", trainee="张伟")  # still ringing
    assert [s.trainee for s in analytics.call_scores(db, Filters(trainee="张伟"))] == ["张伟", "张伟"]
    until_3rd = analytics.call_scores(db, Filters(since=date(2026, 11, 3), until=date(2026, 11, 3)))
    assert [(s.trainee, s.percent) for s in until_3rd] == [("张伟", 80.0)]  # the until day is included
    assert [t.name for t in analytics.trainee_summaries(db)] == sorted(["李明", "张伟"])
    assert analytics.trainees(db) == sorted(["李明", "张伟"])
    assert Filters.from_query({"since": "2026-11-09", "until": "2026-11-01", "trainee": " 张伟 "}) == Filters(
        date(2026, 11, 1), date(2026, 11, 9), "张伟")
    assert Filters.from_query({"since": "yesterday"}) == Filters()


def test_personas_mean_score_and_core_pass_rates(db, people):
    hard = add_call(db, datetime(2026, 11, 2, 9), persona="car_showroom_inbound_hard", invitation=False, closing=False)
    add_call(db, datetime(2026, 11, 2, 10), persona="car_showroom_inbound_hard", invitation=False, name_capture=False)
    add_call(db, datetime(2026, 11, 2, 11), persona="car_showroom_inbound_friendly")
    review(db, hard, people["wang"], closing=True)
    by_name = {p.name: p for p in analytics.persona_summaries(db)}
    friendly, difficult = by_name["car_showroom_inbound_friendly"], by_name["car_showroom_inbound_hard"]
    assert friendly.calls == 1 and friendly.mean_percent == pytest.approx(100.0)
    # 60 (invitation failed, closing overruled to pass) and 30 (invitation, name failed): mean 45.
    assert difficult.calls == 2 and difficult.mean_percent == pytest.approx(45.0)
    assert difficult.rates == {"greeting": Rate(2, 2), "name_capture": Rate(2, 1), "invitation": Rate(2, 0),
                               "closing": Rate(2, 2)}


def test_a_regrade_counts_once_with_the_current_scorecard(db):
    call_id = add_call(db, datetime(2026, 11, 2, 9), greeting=False)
    calls.add_scorecard(db, call_id, card({c: True for c in WEIGHTS}))
    (score,) = analytics.call_scores(db)
    assert score.percent == 100.0
    assert analytics.pass_rate_trend(db).rates["greeting"] == (Rate(1, 1),)


def test_no_calls_no_numbers(db):
    trend = analytics.pass_rate_trend(db)
    assert trend.buckets == () and analytics.call_scores(db) == [] and analytics.persona_summaries(db) == []
