"""`python -m bot grade | regrade | export | eval | bench` in-process with the trained model, loaded
once for the session (the `shared_model` fixture): scorecards, JSON lines, malformed files, real
calls stored, exported and regraded, agreement tables and exit codes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml

from bot.grading.rubric import CRITERIA

TESTS = Path(__file__).parent
FIXTURES = TESTS / "fixtures" / "transcripts"
GOLDEN = TESTS / "golden"
GOOD = str(FIXTURES / "car_good.yml")
BROKEN = str(FIXTURES / "broken.yml")
GREETING = "您好，星辰汽车4S店，销售顾问小李为您服务！"

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("shared_model")]


def labels(name: str) -> dict:
    return yaml.safe_load((GOLDEN / name).read_text("utf-8"))["labels"]


def test_a_good_call_passes_every_criterion_and_the_scorecard_quotes_turns(cli):
    code, out, err = cli("grade", GOOD)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[:2] == [GOOD, "总分 100/100"]
    assert [line.split()[0] for line in lines if line.startswith("  ") and not line.startswith("      ")] == ["✓"] * 9
    assert f"      第1句：「{GREETING}」（您好、星辰汽车4S店、销售顾问）" in lines  # the turn, then the exact words


def test_json_lines_and_a_malformed_file_does_not_stop_the_others(cli, tmp_path):
    code, out, err = cli("grade", "--json", BROKEN, GOOD, str(tmp_path / "missing.yml"))

    assert code == 2
    errors = err.splitlines()
    assert errors[0] == f"error: {BROKEN}:6: turns[2]: unknown speaker 'salesman'; use trainee, customer or hangup"
    assert errors[1].startswith(f"error: {tmp_path / 'missing.yml'}: file: cannot be read")
    (line,) = out.strip().splitlines()
    card = json.loads(line)
    assert card["file"] == GOOD and card["max_score"] == 100 and card["score"] == 100
    assert [c["id"] for c in card["criteria"]] == list(CRITERIA)
    assert sum(c["max_points"] for c in card["criteria"]) == 100
    for criterion in card["criteria"]:
        assert set(criterion) == {"id", "label", "core", "passed", "points", "max_points", "evidence", "feedback"}
        assert criterion["passed"] and criterion["points"] == criterion["max_points"] and criterion["feedback"]
        assert all(set(e) == {"turn", "text", "start", "end", "rule"} for e in criterion["evidence"])
    greeting = card["criteria"][0]
    assert [(e["turn"], e["text"][e["start"] : e["end"]], e["rule"]) for e in greeting["evidence"]] == [
        (1, "您好", "greeting.polite_word"), (1, "星辰汽车4S店", "greeting.company"), (1, "销售顾问", "greeting.role")
    ]


@pytest.mark.parametrize("name", ["car_no_greeting_word_01.yml", "estate_name_never_asked_01.yml",
                                  "telecom_no_thanks_01.yml", "truck_no_time_01.yml", "car_ni_01.yml"])
def test_flawed_calls_fail_exactly_their_labelled_criteria(cli, name):
    code, out, err = cli("grade", "--json", str(GOLDEN / name))
    assert (code, err) == (0, "")
    card = json.loads(out)
    failed = {c["id"] for c in card["criteria"] if not c["passed"]}
    assert failed == {c for c, passed in labels(name).items() if not passed}
    assert all(c["points"] < c["max_points"] for c in card["criteria"] if not c["passed"])
    assert card["score"] == sum(c["points"] for c in card["criteria"]) < 100


def test_real_calls_are_saved_exported_and_regraded_under_a_new_rubric(cli_store, cli, tmp_path, monkeypatch):
    code, out, err = cli("grade", "--json", "--save", "--trainee", "李明", GOOD)
    assert (code, err) == (0, "")
    card = json.loads(out)
    call_id = card["call_id"]

    monkeypatch.chdir(tmp_path)
    assert cli("export", call_id, "-o", "call.yml")[0] == 0
    data = yaml.safe_load((tmp_path / "call.yml").read_text("utf-8"))
    assert data["rehearsal"]["trainee"] == "李明" and data["rehearsal"]["real_call"] is True
    assert data["rehearsal"]["source"] == "import" and data["scorecard"]["score"] == card["score"] == 100
    assert data["turns"][0] == {"trainee": GREETING}
    assert data["call"]["persona"] == "car_showroom_inbound"

    # The exported file grades like the original.
    regraded_file = json.loads(cli("grade", "--json", "call.yml")[1])
    assert [c["passed"] for c in regraded_file["criteria"]] == [c["passed"] for c in card["criteria"]]

    code, out, _ = cli("regrade", call_id)
    assert code == 0 and out == f"{call_id}: already graded with rubric {card['rubric_version']}\n"
    with cli_store.engine.begin() as connection:  # as if graded by an older rubric
        connection.execute(sa.text("UPDATE scorecards SET rubric_version = '0-old', score = 1 WHERE call_id = :c"),
                           {"c": call_id})
    code, out, _ = cli("regrade", call_id)
    assert code == 0 and out == f"{call_id}: 1 (0-old) -> {card['score']} ({card['rubric_version']})\n"
    with cli_store.engine.connect() as connection:
        versions = connection.execute(sa.text("SELECT rubric_version, current FROM scorecards WHERE call_id = :c "
                                              "ORDER BY id"), {"c": call_id}).all()
    assert [tuple(v) for v in versions] == [("0-old", False), (card["rubric_version"], True)]

    code, out, err = cli("regrade", call_id, "no-such-call")  # a missing call doesn't stop the others
    assert code == 2 and "already graded" in out and "error: no finished call 'no-such-call'" in err
    code, _, err = cli("export", "no-such-call")
    assert code == 2 and "no finished call" in err


def test_regrade_without_ids_regrades_every_finished_call(cli_store, cli):
    ids = [json.loads(cli("grade", "--json", "--save", str(GOLDEN / name))[1])["call_id"]
           for name in ("car_good_01.yml", "car_ni_01.yml")]
    with cli_store.engine.begin() as connection:
        connection.execute(sa.text("UPDATE scorecards SET rubric_version = '0-old'"))
    code, out, err = cli("regrade")
    assert (code, err) == (0, "")
    assert sorted(line.split(":")[0] for line in out.splitlines()) == sorted(ids)
    assert all("(0-old) ->" in line for line in out.splitlines())
    assert cli("regrade")[1].count("already graded") == 2


def _folder(tmp_path: Path, *names: str) -> Path:
    folder = tmp_path / "golden"
    folder.mkdir()
    for name in names:
        shutil.copy(GOLDEN / name, folder / name)
    return folder


def _flip(path: Path, criterion: str) -> None:
    text = path.read_text("utf-8")
    value = labels(path.name)[criterion]
    old, new = f"  {criterion}: {str(value).lower()}", f"  {criterion}: {str(not value).lower()}"
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), "utf-8")


def test_eval_prints_agreement_and_kappa_and_fails_below_the_core_threshold(cli, tmp_path):
    names = ("car_good_01.yml", "car_no_greeting_word_01.yml", "estate_name_never_asked_01.yml")
    folder = _folder(tmp_path, *names)
    code, out, err = cli("eval", str(folder))
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == f"3 labelled transcripts in {folder}"
    rows = {line.split()[0]: line.split() for line in lines[2:-1]}
    assert list(rows) == list(CRITERIA)
    assert rows["greeting"] == ["greeting", "*", "3", "1.000", "1.00"]  # one false label, graded false
    assert rows["courtesy"] == ["courtesy", "3", "1.000", "1.00"]  # all true: kappa 1 when both agree
    assert lines[-1] == "* core criteria; the test fails below agreement 0.95"

    _flip(folder / "car_no_greeting_word_01.yml", "greeting")  # a wrong label: the grader now disagrees
    _flip(folder / "car_good_01.yml", "courtesy")  # off the core: reported, not failing
    code, out, _ = cli("eval", str(folder))
    assert code == 1
    rows = {line.split()[0]: line.split() for line in out.splitlines()[2:-1]}
    assert rows["greeting"] == ["greeting", "*", "3", "0.667", "0.00", "car_no_greeting_word_01.yml"]
    assert rows["courtesy"] == ["courtesy", "3", "0.667", "0.00", "car_good_01.yml"]
    assert rows["name_capture"][2:] == ["3", "1.000", "1.00"]


def test_bench_times_the_grading(cli, tmp_path):
    folder = _folder(tmp_path, "car_good_01.yml", "estate_good_01.yml")
    code, out, err = cli("bench", str(folder))
    assert (code, err) == (0, "")
    lines = out.splitlines()
    turns = sum(sum(1 for t in yaml.safe_load((folder / n).read_text("utf-8"))["turns"] if "trainee" in t)
                for n in ("car_good_01.yml", "estate_good_01.yml"))
    assert lines[0].endswith(f"2 transcripts, {turns} trainee turns")
    assert [line.split(":")[0] for line in lines[1:]] == ["round 1", "round 2", "round 3"]
    assert all("transcripts/s" in line and "ms per trainee turn" in line for line in lines[1:])
