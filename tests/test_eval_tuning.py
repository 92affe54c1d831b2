"""The grader against the blind evaluation set's tuning split (tests/eval/tuning/): labelled
transcripts written from call-standard.md by someone who did not read the grader. The held-out
split (tests/eval/heldout/) is never read by tests or by tuning; `make eval` prints its table."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from bot.cli.evaluate import labelled_files, labels_of, run_eval
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
