"""The review queue's SQL and the reviews, on SQLite and on a real PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest

from bot.grading.scorecard import CriterionResult, Scorecard
from bot.store import calls, queue, reviews, users
from tests.test_store import transcript


def graded(db, trainee: str, invitation: bool, persona: str = "car_showroom_inbound") -> str:
    card = Scorecard(criteria=[CriterionResult("greeting", True, 15, 15, (), "好"),
                               CriterionResult("invitation", invitation, 15 if invitation else 0, 15, (), "邀约")],
                     rubric_version="1-x")
    info = transcript()
    return calls.finish_call(db, conversation_id=f"c-{trainee}-{invitation}", source="rest", transcript=info,
                             scorecard=card, trainee=trainee)


def test_filters_states_and_the_final_verdict(db):
    eva = users.add_user(db, "eva", "secret pass", "evaluator")
    li = users.add_user(db, "li", "secret pass", "trainee")
    passed = graded(db, "li", True)
    failed = graded(db, "wang", False)
    ids = lambda **f: [r["id"] for r in queue.find_calls(db, queue.CallFilter(**f))[0]]  # noqa: E731
    assert sorted(ids()) == sorted([passed, failed])
    assert ids(failed="invitation") == [failed]
    assert ids(trainee="li") == [passed]
    assert ids(state="unreviewed", sort="score") == [failed, passed]
    reviews.submit_verdicts(db, passed, eva.id, {"greeting": True, "invitation": False}, {"invitation": "没约时间"})
    assert sorted(ids(failed="invitation")) == sorted([passed, failed])  # the human verdict wins
    assert ids(state="reviewed") == [passed]
    reviews.submit_dispute(db, passed, li.id, "invitation", "我约了周六")
    assert ids(state="disputed") == [passed] and ids(state="reviewed") == []
    row = queue.find_calls(db, queue.CallFilter(trainee="li"))[0][0]
    assert row["core"]["invitation"] is False and row["state"] == "disputed"
    assert ids(since=date(2000, 1, 1), until=date(2000, 1, 2)) == []
    assert queue.find_calls(db, queue.CallFilter(page=2))[1] == 2  # the total, whatever the page


def test_a_filter_is_its_url():
    wanted = queue.CallFilter.from_query({"trainee": "李明", "failed": "invitation", "since": "2026-11-01",
                                          "sort": "score", "page": "3", "state": "bogus"})
    assert wanted.state == "" and wanted.page == 3 and wanted.since == date(2026, 11, 1)
    assert queue.CallFilter.from_query(wanted.to_query()) == wanted
    assert wanted.to_query(page=1) == {"trainee": "李明", "failed": "invitation", "since": "2026-11-01", "sort": "score"}


def test_review_rules(db):
    eva = users.add_user(db, "eva", "secret pass", "evaluator")
    call_id = graded(db, "li", True)
    with pytest.raises(reviews.ReviewError) as error:
        reviews.submit_verdicts(db, call_id, eva.id, {"greeting": False}, {})
    fields = {f for f, _ in error.value.problems}
    assert fields == {"comment.greeting", "verdict.invitation"}  # every problem, not only the first
    with pytest.raises(reviews.ReviewError):
        reviews.submit_verdicts(db, call_id, eva.id, {"greeting": True, "invitation": True}, {}, blind=True)
    with pytest.raises(reviews.ReviewError):
        reviews.submit_dispute(db, call_id, eva.id, "nonsense", "x")
    open_call = calls.create_web_call(db, persona="car_showroom_inbound", direction="inbound", seed=None,
                                      call_date=date(2026, 11, 1), user_id=None, browser_id="b", trainee="x")
    with pytest.raises(reviews.ReviewError):
        reviews.submit_verdicts(db, open_call.id, eva.id, {}, {})
