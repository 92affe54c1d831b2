"""The grader against the blind evaluation set's tuning split (tests/eval/tuning/): labelled
transcripts written from call-standard.md by someone who did not read the grader. The held-out
split (tests/eval/heldout/) is never read by tests or by tuning; `make eval` prints its table."""

from __future__ import annotations

import dataclasses
import io
import re
from pathlib import Path

import opencc
import pytest

from bot.cli.evaluate import labelled_files, labels_of, run_eval
from bot.grading import Grader
from bot.grading.rubric import CRITERIA
from bot.transcript import load_transcript

TUNING = Path(__file__).parent / "eval" / "tuning"
MIN_KAPPA = 0.80


def test_the_tuning_split_loads_and_can_catch_a_constant_grader():
    files = labelled_files(TUNING)
    assert len(files) >= 40
    for path in files:
        assert load_transcript(path).trainee_turns, path.name
        assert set(labels_of(path)) == set(CRITERIA), path.name
    for criterion in CRITERIA:
        verdicts = [labels_of(path)[criterion] for path in files]
        assert sum(verdicts) >= 3 and len(verdicts) - sum(verdicts) >= 3, criterion  # kappa means something


@pytest.mark.slow
def test_kappa_is_at_least_0_80_on_every_criterion_of_the_tuning_split(shared_model):
    out = io.StringIO()
    _, table = run_eval(str(TUNING), None, out=out)
    print("\n" + out.getvalue())
    rows = {row.criterion: row for row in table}
    assert list(rows) == list(CRITERIA)
    low = {c: round(r.kappa, 2) for c, r in rows.items() if r.kappa < MIN_KAPPA}
    assert not low, f"kappa below {MIN_KAPPA}: {low}\n{out.getvalue()}"


# Rewrites that keep a call's meaning, as speech recognition and regional speech produce them.
def _no_punctuation(text: str, speaker: str) -> str:
    return re.sub(r"[，,。！!？?、；;]+|(?<!\d)[：:]", " ", text).strip()  # pauses, not marks (10:30 stays)


def _traditional(text: str, speaker: str) -> str:
    return _S2T.convert(text)


def _libai(text: str, speaker: str) -> str:
    return re.sub(r"周([一二三四五六日天])", r"礼拜\1", text)


def _customer_fillers(text: str, speaker: str) -> str:
    return f"嗯 那个 {text}" if speaker == "customer" else text  # the customer's words never count


_S2T = opencc.OpenCC("s2t")
REWRITES = [_no_punctuation, _traditional, _libai, _customer_fillers]


@pytest.mark.slow
def test_verdicts_do_not_change_when_the_same_call_is_transcribed_differently(model_parser):
    grader = Grader(model_parser)
    changed = []
    for path in [*labelled_files(TUNING), *labelled_files(TUNING.parent.parent / "golden")]:
        transcript = load_transcript(path)
        before = grader.grade(transcript)
        for rewrite in REWRITES:
            turns = tuple(dataclasses.replace(t, text=rewrite(t.text, t.speaker)) for t in transcript.turns)
            after = grader.grade(dataclasses.replace(transcript, turns=turns))
            changed += [
                f"{path.name} {rewrite.__name__} {c}: {before.result(c).passed} -> {after.result(c).passed}"
                for c in CRITERIA
                if after.result(c).passed != before.result(c).passed
            ]
    assert not changed, "\n".join(changed)
