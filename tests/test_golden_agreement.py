"""The grader against tests/golden/: labelled transcripts written from the standard (docs/standard.md).

The model-free checks make sure the set can catch a broken grader (both verdicts on every
criterion); the slow one grades every file and expects exactly the known disagreements."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from bot.cli.evaluate import MIN_CORE_AGREEMENT, labelled_files, labels_of, run_eval
from bot.grading.rubric import CORE, CRITERIA
from bot.transcript import load_transcript

GOLDEN = Path(__file__).parent / "golden"

# Files where the grader and the label differ today, each a documented borderline case (see the
# label's comment in the file). A new disagreement is a regression; one that disappears means the
# grader improved: take it off this list.
KNOWN_DISAGREEMENTS = {
    # 「我们师傅修的肯定没问题」 is on the rash-promise list; the label reads it as arguing (courtesy).
    "question_handling": {"truck_argue_01.yml"},
}


def test_golden_set_is_large_enough_and_every_file_loads_with_every_label():
    files = labelled_files(GOLDEN)
    assert len(files) >= 60
    for path in files:
        transcript = load_transcript(path)  # persona ids, if any, resolve against the fixture personas
        assert transcript.trainee_turns, path.name
        assert set(labels_of(path)) == set(CRITERIA), path.name


@pytest.mark.parametrize("criterion", CRITERIA)
def test_every_criterion_has_passes_and_failures_a_constant_grader_would_get_wrong(criterion):
    verdicts = [labels_of(path)[criterion] for path in labelled_files(GOLDEN)]
    passes, failures = sum(verdicts), len(verdicts) - sum(verdicts)
    assert passes >= 3 and failures >= 3, (passes, failures)
    if criterion in CORE:  # "always pass" or "always fail" stays below the threshold
        assert max(passes, failures) / len(verdicts) < MIN_CORE_AGREEMENT


@pytest.mark.slow
def test_the_grader_agrees_with_every_label_but_the_known_borderline_cases(shared_model):
    out = io.StringIO()
    status, table = run_eval(str(GOLDEN), None, out=out)
    print("\n" + out.getvalue())
    files = len(labelled_files(GOLDEN))
    rows = {row.criterion: row for row in table}
    assert list(rows) == list(CRITERIA) and status == 0
    for criterion, row in rows.items():
        known = KNOWN_DISAGREEMENTS.get(criterion, set())
        assert row.n == files
        assert set(row.disagreements) == known, (
            f"{criterion}: new disagreements {sorted(set(row.disagreements) - known)}, "
            f"no longer disagreeing {sorted(known - set(row.disagreements))}")
        assert row.agreement == pytest.approx(1 - len(known) / files)
        assert row.kappa >= (0.8 if known else 1.0), (criterion, row.kappa)
    assert all(rows[c].agreement == 1.0 for c in CORE)
