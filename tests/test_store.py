"""Our SQL store, on SQLite and on a real PostgreSQL started by the test session."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from bot.grading.scorecard import CriterionResult, Evidence, Scorecard
from bot.store import calls, users
from bot.store.database import Database
from bot.store.schema import metadata
from bot.transcript import CallInfo, Transcript, Turn


def transcript(hangup: str = "customer") -> Transcript:
    turns = (Turn(1, "trainee", "您好，星辰汽车4S店，销售顾问小李为您服务！"), Turn(2, "customer", "X5多少钱？"),
             Turn(3, "trainee", "请问您贵姓？"), Turn(4, "customer", "姓王。"))
    return Transcript(CallInfo(direction="inbound", company="星辰汽车4S店", persona="car_showroom_inbound", rings=2),
                      turns, hangup=hangup)


def scorecard(points: int = 15, version: str = "1-abc") -> Scorecard:
    return Scorecard(criteria=[
        CriterionResult("greeting", True, points, 15, (Evidence(1, "您好，星辰汽车4S店，销售顾问小李为您服务！"),), "好"),
        CriterionResult("name_capture", False, 0, 15, (Evidence(3, "请问您贵姓？"),), "没有称呼"),
    ], rubric_version=version)


def test_migrations_from_empty_and_down_and_up_again(empty_database_url):
    db = Database(empty_database_url)
    assert db.revision() is None
    db.upgrade()
    assert db.revision() == db.head()
    db.downgrade("0001_calls")
    assert "users" not in sa.inspect(db.engine).get_table_names()
    db.upgrade()
    assert {"users", "calls", "scorecards", "reviews"} <= set(sa.inspect(db.engine).get_table_names())
    db.engine.dispose()


def test_upgrade_from_the_previous_revision_keeps_the_calls(empty_database_url):
    db = Database(empty_database_url)
    db.upgrade("0001_calls")
    with db.engine.begin() as connection:
        connection.execute(sa.text(
            "INSERT INTO calls (id, conversation_id, source, real_call, trainee, persona, direction, status, created_at)"
            " VALUES ('c1', 'rest-1', 'rest', false, '李明', 'car_showroom_inbound', 'inbound', 'ended', '2026-11-01 10:00:00')"))
    db.upgrade()
    call = calls.get_call(db, "c1")
    assert call.trainee == "李明" and call.user_id is None
    db.engine.dispose()


def test_the_models_match_the_migrations(db):
    """An Alembic autogenerate comparison finds nothing to change."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        diff = [d for d in compare_metadata(context, metadata) if d[0] != "remove_table"]
    assert diff == []


def test_a_finished_call_is_stored_with_turns_and_scorecard(db):
    call_id = calls.finish_call(db, conversation_id="rest-1", source="rest", transcript=transcript(),
                                scorecard=scorecard(), customer_state={"persona_id": "car_showroom_inbound"},
                                seed=7, call_date=date(2026, 11, 22), trainee="李明")
    stored = calls.call_dict(calls.get_call(db, call_id))
    assert stored["trainee"] == "李明" and stored["seed"] == 7 and stored["date"] == "2026-11-22"
    assert stored["rings"] == 2 and stored["hangup_by"] == "customer" and stored["status"] == "ended"
    assert [t["text"] for t in stored["turns"]][1] == "X5多少钱？"
    card = stored["scorecard"]
    assert card["score"] == 15 and card["max_score"] == 30 and card["rubric_version"] == "1-abc"
    assert card["criteria"][1]["evidence"] == [{"turn": 3, "text": "请问您贵姓？", "start": 0, "end": 6, "rule": ""}]
    assert card["criteria"][0]["label"] == "开场问候"


def test_a_web_call_is_completed_in_place_not_duplicated(db):
    call = calls.create_web_call(db, persona="car_showroom_inbound", direction="inbound", seed=None,
                                 call_date=date(2026, 11, 22), user_id=None, browser_id="b1", trainee="匿名学员")
    calls.mark_answered(db, call.id, 3)
    with pytest.raises(calls.CallConflict):
        calls.mark_answered(db, call.id, 0)  # the ring count is measured once
    finished = calls.finish_call(db, conversation_id=call.conversation_id, source="widget",
                                 transcript=transcript(), scorecard=scorecard())
    assert finished == call.id
    assert len(calls.list_calls(db, everyone=True)) == 1
    assert calls.list_calls(db, browser_id="b1")[0]["score"] == 15
    assert calls.list_calls(db, browser_id="someone-else") == []


def test_regrade_keeps_the_old_scorecard_and_its_version(db):
    call_id = calls.finish_call(db, conversation_id="rest-2", source="rest", transcript=transcript(), scorecard=scorecard())
    calls.add_scorecard(db, call_id, scorecard(points=5, version="2-def"))
    call = calls.get_call(db, call_id)
    assert [(s.rubric_version, s.current) for s in call.scorecards] == [("1-abc", False), ("2-def", True)]
    assert calls.call_dict(call)["scorecard"]["score"] == 5


def test_parallel_record_cards_store_one_and_refuse_the_rest(db):
    from concurrent.futures import ThreadPoolExecutor

    call_id = calls.finish_call(db, conversation_id="rest-4", source="rest", transcript=transcript(), scorecard=scorecard())

    def submit(i):
        try:
            calls.save_record_card(db, call_id, {"class": "C"}, {"correct": i, "total": 6, "fields": []})
            return "stored"
        except calls.CallConflict as conflict:
            return conflict.reason

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(submit, range(8)))
    assert answers.count("stored") == 1 and answers.count("already_submitted") == 7


def test_the_record_card_is_submitted_once(db):
    call_id = calls.finish_call(db, conversation_id="rest-3", source="rest", transcript=transcript(), scorecard=scorecard())
    calls.save_record_card(db, call_id, {"class": "C"}, {"correct": 5, "total": 6, "fields": []})
    with pytest.raises(calls.CallConflict) as conflict:
        calls.save_record_card(db, call_id, {"class": "B"}, {"correct": 6, "total": 6, "fields": []})
    assert conflict.value.reason == "already_submitted"
    assert calls.call_dict(calls.get_call(db, call_id))["record_card"]["correct"] == 5


def test_accounts_roles_and_passwords(db):
    account = users.add_user(db, "wang", "correct horse", "evaluator")
    assert account.role == "evaluator"
    stored_hash = db.engine.connect().execute(sa.text("SELECT password_hash FROM users")).scalar()
    assert stored_hash.startswith("$argon2") and "correct horse" not in stored_hash
    with pytest.raises(users.UserError) as duplicate:
        users.add_user(db, "wang", "another one", "trainee")
    assert duplicate.value.field == "username"
    for bad in (dict(username="li", password="short", role="trainee"), dict(username="li", password="long enough", role="boss"),
                dict(username="a b", password="long enough", role="trainee")):
        with pytest.raises(users.UserError):
            users.add_user(db, **bad)
    assert users.authenticate(db, "wang", "correct horse", "127.0.0.1") == account
    assert users.authenticate(db, "wang", "wrong", "127.0.0.1") is None
    assert users.set_role(db, "wang", "admin").role == "admin"
    users.set_disabled(db, "wang")
    assert users.authenticate(db, "wang", "correct horse", "127.0.0.1") is None
    assert users.get_account(db, account.id) is None


def test_failed_logins_are_throttled_per_user_and_per_address(db):
    users.add_user(db, "li", "right password", "trainee")
    for _ in range(users.MAX_FAILURES_PER_USER):
        assert users.authenticate(db, "li", "wrong", "10.0.0.1") is None
    with pytest.raises(users.LoginThrottled) as throttled:
        users.authenticate(db, "li", "right password", "10.0.0.2")  # even the right password waits
    assert 0 < throttled.value.retry_after <= users.THROTTLE_WINDOW.total_seconds()
    for i in range(users.MAX_FAILURES_PER_ADDRESS):
        users.authenticate(db, f"guess{i}", "x", "10.0.0.9")
    with pytest.raises(users.LoginThrottled):
        users.authenticate(db, "zhang", "x", "10.0.0.9")
    # One noisy address (or the proxy everybody comes through) can't lock a real user out.
    users.add_user(db, "zhao", "zhao's password", "trainee")
    assert users.authenticate(db, "zhao", "zhao's password", "10.0.0.9").username == "zhao"


def test_parallel_guesses_cannot_slip_past_the_count(db):
    from concurrent.futures import ThreadPoolExecutor

    users.add_user(db, "bob", "right password", "trainee")

    def guess(_):
        try:
            return users.authenticate(db, "bob", "wrong", "10.1.1.1")
        except users.LoginThrottled:
            return "throttled"

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(guess, range(24)))
    assert answers.count(None) <= users.MAX_FAILURES_PER_USER  # the rest waited
    assert answers.count("throttled") >= 24 - users.MAX_FAILURES_PER_USER


def test_the_first_admin_and_open_practice(db):
    account, password = users.create_first_admin(db)
    assert account.username == "admin" and account.role == "admin" and len(password) >= 12
    assert users.authenticate(db, "admin", password, "127.0.0.1") == account
    assert users.create_first_admin(db) is None  # shown once: never a second admin
    assert users.open_practice(db) is True
    users.set_open_practice(db, False)
    assert users.open_practice(db) is False


def test_evidence_keeps_the_exact_words_and_rows_from_before_spans_still_read(db):
    card = Scorecard(criteria=[
        CriterionResult("name_capture", True, 15, 15, (Evidence(3, "请问您贵姓？", 2, 4, "name_capture.asked"),), "好"),
    ], rubric_version="2-x")
    call_id = calls.finish_call(db, conversation_id="rest-spans", source="rest", transcript=transcript(), scorecard=card)
    stored = calls.call_dict(calls.get_call(db, call_id))["scorecard"]["criteria"][0]["evidence"]
    assert stored == [{"turn": 3, "text": "请问您贵姓？", "start": 2, "end": 4, "rule": "name_capture.asked"}]
    with db.engine.begin() as connection:  # a row written before evidence had spans: bare turn numbers
        connection.execute(sa.update(metadata.tables["criterion_results"]).values(evidence_turns=[3]))
    old = calls.call_dict(calls.get_call(db, call_id))["scorecard"]["criteria"][0]["evidence"]
    assert old == [{"turn": 3, "text": "请问您贵姓？", "start": 0, "end": 6, "rule": ""}]
    again = Scorecard.from_dict({"criteria": [{**card.to_dict()["criteria"][0], "evidence": old}]})
    assert again.criteria[0].evidence[0].words == "请问您贵姓？"
