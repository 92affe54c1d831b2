"""`python -m bot grade` with the trained model: scorecards, JSON lines, malformed files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures" / "transcripts"

pytestmark = pytest.mark.slow


def bot(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=PROJECT, capture_output=True,
                          text=True, timeout=300)


def test_json_lines_and_a_malformed_file_does_not_stop_the_others():
    done = bot("grade", "--json", str(FIXTURES / "broken.yml"), str(FIXTURES / "car_good.yml"))

    assert done.returncode == 2
    assert "broken.yml:6: turns[2]: unknown speaker 'salesman'" in done.stderr
    (line,) = done.stdout.strip().splitlines()
    card = json.loads(line)
    assert card["file"].endswith("car_good.yml") and card["max_score"] == 100
    assert card["score"] == sum(c["points"] for c in card["criteria"]) and card["score"] >= 85
    assert [c["id"] for c in card["criteria"]] == [
        "greeting", "name_capture", "invitation", "closing", "needs_discovery",
        "question_handling", "contact_exchange", "confirmation", "courtesy"]
    for criterion in card["criteria"]:
        assert set(criterion) == {"id", "label", "passed", "points", "max_points", "evidence", "feedback"}
        assert all(set(e) == {"turn", "text"} for e in criterion["evidence"])
    greeting = card["criteria"][0]
    assert greeting["passed"] and greeting["evidence"] == [{"turn": 1, "text": "您好，星辰汽车4S店，销售顾问小李为您服务！"}]


def test_readable_scorecard_quotes_turns():
    done = bot("grade", str(FIXTURES / "car_good.yml"))
    assert done.returncode == 0
    assert "总分" in done.stdout and "第1句：「您好，星辰汽车4S店，销售顾问小李为您服务！」" in done.stdout


def test_real_calls_are_saved_exported_and_regraded_under_a_new_rubric(private_database, tmp_path):
    import sqlalchemy as sa
    import yaml

    from bot.store.database import database

    saved = bot("grade", "--json", "--save", "--trainee", "李明", str(FIXTURES / "car_good.yml"))
    assert saved.returncode == 0, saved.stderr
    card = json.loads(saved.stdout)
    call_id = card["call_id"]

    exported = tmp_path / "call.yml"
    assert bot("export", call_id, "-o", str(exported)).returncode == 0
    data = yaml.safe_load(exported.read_text("utf-8"))
    assert data["rehearsal"]["trainee"] == "李明" and data["rehearsal"]["real_call"] is True
    assert data["rehearsal"]["source"] == "import" and data["scorecard"]["score"] == card["score"]
    assert data["turns"][0] == {"trainee": "您好，星辰汽车4S店，销售顾问小李为您服务！"}

    unchanged = bot("regrade", call_id)
    assert "already graded with rubric" in unchanged.stdout
    with database(private_database).engine.begin() as connection:  # as if graded by an older rubric
        connection.execute(sa.text("UPDATE scorecards SET rubric_version = '0-old', score = 1 WHERE call_id = :c"),
                           {"c": call_id})
    regraded = bot("regrade", call_id)
    assert f"{call_id}: 1 (0-old) -> {card['score']} ({card['rubric_version']})" in regraded.stdout
    with database(private_database).engine.connect() as connection:
        versions = connection.execute(sa.text("SELECT rubric_version, current FROM scorecards WHERE call_id = :c "
                                              "ORDER BY id"), {"c": call_id}).all()
    assert [tuple(v) for v in versions] == [("0-old", False), (card["rubric_version"], True)]
    missing = bot("export", "no-such-call")
    assert missing.returncode == 2 and "no finished call" in missing.stderr
