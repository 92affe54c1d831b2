"""Calibration over known tables: every expected number is worked out by hand in the comments."""

from __future__ import annotations

import pytest

from bot.grading.calibration import blind_pairs, calibrate, stat, verdict_word
from bot.grading.rubric import CRITERIA
from bot.store.reviews import VerdictPair


def rows(auto_human_counts, author="wang", author_id=1, kind="verdict", criterion="greeting", prefix="c"):
    """VerdictPairs from a 2x2 table: {(auto, human): count}."""
    out, i = [], 0
    for (auto, human), count in auto_human_counts.items():
        for _ in range(count):
            out.append(VerdictPair(f"{prefix}{i}", criterion, auto, author_id, author, kind, human))
            i += 1
    return out


def test_kappa_on_a_known_two_by_two_table():
    # a=20 both pass, b=5 grader pass/human fail, c=10 grader fail/human pass, d=15 both fail: n=50.
    # p_o = 35/50 = 0.7; grader passes 25/50 = 0.5, humans 30/50 = 0.6;
    # p_e = 0.5*0.6 + 0.5*0.4 = 0.5; kappa = (0.7 - 0.5) / (1 - 0.5) = 0.4.
    table = {(True, True): 20, (True, False): 5, (False, True): 10, (False, False): 15}
    greeting = calibrate(rows(table))[0]
    assert greeting.criterion == "greeting" and greeting.label == "开场问候" and greeting.core
    assert greeting.grader.n == 50
    assert greeting.grader.agreement == pytest.approx(0.7)
    assert greeting.grader.kappa == pytest.approx(0.4)
    assert len(greeting.disagreements) == 15
    assert greeting.evaluators.n == 0  # no blind verdicts: nothing to compare


def test_every_criterion_is_listed_and_empty_ones_show_nothing():
    results = calibrate([])
    assert [r.criterion for r in results] == list(CRITERIA)
    assert all(r.grader == stat([]) and r.grader.agreement is None and r.grader.kappa is None for r in results)
    assert [r.core for r in results] == [True] * 4 + [False] * 5
    assert verdict_word(None) == "—"


def test_disagreements_name_the_call_evaluator_and_both_verdicts():
    data = [VerdictPair("c1", "closing", True, 1, "wang", "verdict", True),
            VerdictPair("c2", "closing", True, 1, "wang", "verdict", False),
            VerdictPair("c2", "closing", True, 2, "li", "blind", False),
            VerdictPair("c3", "closing", False, 2, "li", "verdict", True)]
    closing = next(r for r in calibrate(data) if r.criterion == "closing")
    assert [(d.call_id, d.evaluator, d.kind, d.auto, d.human) for d in closing.disagreements] == [
        ("c2", "wang", "verdict", True, False), ("c2", "li", "blind", True, False),
        ("c3", "li", "verdict", False, True)]
    # Per evaluator: wang agrees on 1 of 2, li on 0 of 2.
    assert [(name, s.n, s.agreement) for name, s in closing.by_evaluator] == [("li", 2, 0.0), ("wang", 2, 0.5)]


def test_evaluator_vs_evaluator_uses_blind_verdicts_of_two_people():
    # Ten calls reviewed blind by li (id 1) and zhao (id 2): 4 both pass, li-only 1, zhao-only 1, 4 both fail.
    # p_o = 8/10 = 0.8; each passes 5/10; p_e = 0.5*0.5 + 0.5*0.5 = 0.5; kappa = 0.3/0.5 = 0.6.
    plan = [(True, True)] * 4 + [(True, False), (False, True)] + [(False, False)] * 4
    data = []
    for i, (li, zhao) in enumerate(plan):
        data.append(VerdictPair(f"c{i}", "invitation", True, 2, "zhao", "blind", zhao))  # order doesn't matter
        data.append(VerdictPair(f"c{i}", "invitation", True, 1, "li", "blind", li))
    # Normal verdicts, and one person's two blind rows of a call, make no pair.
    data.append(VerdictPair("c0", "invitation", True, 3, "wang", "verdict", False))
    data.append(VerdictPair("solo", "invitation", True, 1, "li", "blind", True))
    invitation = next(r for r in calibrate(data) if r.criterion == "invitation")
    assert invitation.evaluators.n == 10
    assert invitation.evaluators.agreement == pytest.approx(0.8)
    assert invitation.evaluators.kappa == pytest.approx(0.6)
    # Against the grader (always pass here) every human verdict counts: 22 of them, 11 passes;
    # p_o = 0.5, p_e = 1*0.5 + 0*0.5 = 0.5, so kappa = 0.
    assert invitation.grader.n == 22 and invitation.grader.agreement == pytest.approx(0.5)
    assert invitation.grader.kappa == pytest.approx(0.0)
    assert verdict_word(0.6) == "可以" and verdict_word(0.81) == "很好" and verdict_word(0.4) == "需要调整"


def test_three_blind_evaluators_give_every_pair():
    data = [VerdictPair("c1", "greeting", True, author_id, name, "blind", passed)
            for author_id, name, passed in ((1, "li", True), (2, "zhao", True), (3, "wang", False))]
    # li-zhao, li-wang, zhao-wang
    assert sorted(blind_pairs(data)) == sorted([(True, True), (True, False), (True, False)])
    greeting = calibrate(data)[0]
    assert greeting.evaluators.n == 3 and greeting.evaluators.agreement == pytest.approx(1 / 3)


def test_an_authors_later_blind_row_replaces_the_earlier_one():
    data = [VerdictPair("c1", "greeting", True, 1, "li", "blind", False),
            VerdictPair("c1", "greeting", True, 1, "li", "blind", True),
            VerdictPair("c1", "greeting", True, 2, "zhao", "blind", True)]
    assert blind_pairs(data) == [(True, True)]
