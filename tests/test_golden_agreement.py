"""The grader against tests/golden/: labelled transcripts written from call-standard.md."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from bot.cli.evaluate import MIN_CORE_AGREEMENT, labelled_files, run_eval
from bot.grading.rubric import CORE

GOLDEN = Path(__file__).parent / "golden"

pytestmark = pytest.mark.slow


def test_golden_set_is_large_enough():
    assert len(labelled_files(GOLDEN)) >= 40


def test_core_criteria_agree_with_the_labels():
    out = io.StringIO()
    _, table = run_eval(str(GOLDEN), None, out=out)
    print("\n" + out.getvalue())
    rows = {row.criterion: row for row in table}
    for criterion in CORE:
        row = rows[criterion]
        assert row.agreement >= MIN_CORE_AGREEMENT, (
            f"{criterion}: agreement {row.agreement:.3f} < {MIN_CORE_AGREEMENT}; disagreements {row.disagreements}")
