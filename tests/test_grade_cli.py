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
    assert 0 <= card["score"] <= 100
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
