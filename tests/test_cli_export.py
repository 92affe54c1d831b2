"""`python -m bot export` in-process on a private store (no model: the call is stored with a
hand-made scorecard), and the grading commands' answer when the model is missing. The model-
dependent commands are in test_grade_cli.py."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from bot.grading.scorecard import CriterionResult, Evidence, Scorecard
from bot.store import calls
from bot.transcript import CallInfo, Transcript, Turn, load_transcript

PROJECT = Path(__file__).resolve().parent.parent
GREETING = "您好，星辰汽车4S店，销售顾问小李为您服务！"


def stored_call(db, conversation_id: str = "rest-export-1") -> str:
    turns = (Turn(1, "trainee", GREETING), Turn(2, "customer", "X5多少钱？"),
             Turn(3, "trainee", "请问您贵姓？"), Turn(4, "customer", "我姓王。"))
    transcript = Transcript(CallInfo(direction="inbound", company="星辰汽车4S店", address="滨江路88号",
                                     persona="car_showroom_inbound", rings=2), turns, hangup="customer")
    card = Scorecard(criteria=[
        CriterionResult("greeting", True, 15, 15, (Evidence(1, GREETING),), "好"),
        CriterionResult("name_capture", False, 0, 15, (Evidence(3, "请问您贵姓？"),), "没有称呼"),
    ], rubric_version="1-abc")
    return calls.finish_call(db, conversation_id=conversation_id, source="rest", transcript=transcript,
                             scorecard=card, trainee="李明", call_date=date(2026, 11, 23))


def test_export_o_relative_path_lands_in_the_working_directory(cli_store, cli, tmp_path, monkeypatch):
    call_id = stored_call(cli_store)
    work = tmp_path / "elsewhere"
    (work / "out").mkdir(parents=True)
    monkeypatch.chdir(work)

    code, out, err = cli("export", call_id, "-o", "out/exported-call.yml")

    assert (code, out, err) == (0, "", "")
    written = work / "out" / "exported-call.yml"
    assert written.is_file()
    assert not (PROJECT / "out" / "exported-call.yml").exists()
    assert not (PROJECT / "exported-call.yml").exists()
    assert cli("export", call_id, "-o", "plain.yml")[0] == 0
    assert (work / "plain.yml").read_text("utf-8") == written.read_text("utf-8")


def test_export_is_a_transcript_with_its_rehearsal_facts_and_scorecard(cli_store, cli, tmp_path):
    call_id = stored_call(cli_store)
    code, out, err = cli("export", call_id)  # no -o: standard output
    assert code == 0 and err == ""
    data = yaml.safe_load(out)
    assert data["call"] == {"direction": "inbound", "company": "星辰汽车4S店", "address": "滨江路88号",
                            "persona": "car_showroom_inbound", "rings": 2}
    assert data["turns"] == [{"trainee": GREETING}, {"customer": "X5多少钱？"}, {"trainee": "请问您贵姓？"},
                             {"customer": "我姓王。"}, {"hangup": "customer"}]
    rehearsal = data["rehearsal"]
    assert rehearsal["id"] == call_id and rehearsal["trainee"] == "李明" and rehearsal["source"] == "rest"
    assert rehearsal["date"] == "2026-11-23" and rehearsal["real_call"] is False and rehearsal["rings"] == 2
    assert data["scorecard"]["score"] == 15 and data["scorecard"]["rubric_version"] == "1-abc"
    assert [(c["id"], c["passed"]) for c in data["scorecard"]["criteria"]] == [("greeting", True),
                                                                               ("name_capture", False)]
    assert data["record_card"] is None

    # `bot grade` can read the file back; its persona id resolves against the fixture personas.
    path = tmp_path / "call.yml"
    path.write_text(out, "utf-8")
    transcript = load_transcript(path)
    assert transcript.call.customer_surname == "王" and transcript.call.customer_honorific == "先生"
    assert [t.text for t in transcript.turns][0] == GREETING and transcript.hangup == "customer"


def test_export_by_the_conversation_id_and_refusals(cli_store, cli):
    call_id = stored_call(cli_store, conversation_id="rest-sender-42")
    code, out, _ = cli("export", "rest-sender-42")
    assert code == 0 and yaml.safe_load(out)["rehearsal"]["id"] == call_id

    code, out, err = cli("export", "no-such-call")
    assert code == 2 and out == "" and "error: no finished call 'no-such-call'" in err

    ringing = calls.create_web_call(cli_store, persona="car_showroom_inbound", direction="inbound", seed=None,
                                    call_date=date(2026, 11, 23), user_id=None, browser_id=None, trainee="")
    code, _, err = cli("export", ringing.id)
    assert code == 2 and f"no finished call {ringing.id!r}" in err


def test_export_refuses_an_old_schema(cli, tmp_path, monkeypatch):
    from bot.store.database import Database

    url = f"sqlite:///{tmp_path / 'old.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    Database(url).upgrade("0001_calls")
    with pytest.raises(RuntimeError, match="python -m bot setup"):
        cli("export", "anything")


@pytest.mark.parametrize("argv", [["grade", "{fixture}"], ["grade", "--json", "{fixture}"], ["regrade"]])
def test_a_missing_model_is_an_error_message_not_a_traceback(cli_store, cli, tmp_path, argv):
    fixture = str(Path(__file__).parent / "fixtures" / "transcripts" / "car_good.yml")
    argv = [a.replace("{fixture}", fixture) for a in argv]
    missing = tmp_path / "no-model.tar.gz"
    code, out, err = cli(*argv, "--model", str(missing))
    assert code == 2 and out == ""
    assert err == f"error: no trained model at {missing}: run `make model` first\n"
