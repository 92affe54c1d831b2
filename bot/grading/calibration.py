"""Calibration: does the grader agree with evaluators, and do evaluators agree with each other?

Pure functions over VerdictPair-like rows (bot.store.reviews.verdict_pairs): anything with
call_id, criterion, auto, author_id, author, kind (verdict | blind) and passed. Evaluator-vs-
evaluator agreement is the ceiling the grader can be held to: if two people agree on a criterion
only 70 % of the time, a grader at 70 % is as good as a person there.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from typing import Dict, Iterable, List, Optional, Protocol, Sequence, Tuple

from bot.grading.evaluation import cohen_kappa
from bot.grading.rubric import CORE, CRITERIA
from bot.grading.scorecard import LABELS


class VerdictLike(Protocol):
    call_id: str
    criterion: str
    auto: bool
    author_id: int
    author: str
    kind: str
    passed: bool


@dataclass(frozen=True)
class Stat:
    """Agreement between two raters over n paired verdicts; None where there is nothing to compare."""

    n: int
    agreement: Optional[float]
    kappa: Optional[float]


@dataclass(frozen=True)
class Disagreement:
    call_id: str
    evaluator: str
    kind: str  # verdict | blind
    auto: bool
    human: bool


@dataclass(frozen=True)
class CriterionCalibration:
    criterion: str
    label: str
    core: bool
    grader: Stat  # evaluators (verdict and blind) vs the automatic verdict
    evaluators: Stat  # evaluator vs evaluator, blind verdicts only
    disagreements: Tuple[Disagreement, ...]
    by_evaluator: Tuple[Tuple[str, Stat], ...]  # the grader comparison split per evaluator


def stat(pairs: Sequence[Tuple[bool, bool]]) -> Stat:
    if not pairs:
        return Stat(0, None, None)
    first = [a for a, _ in pairs]
    second = [b for _, b in pairs]
    agreed = sum(a == b for a, b in pairs) / len(pairs)
    return Stat(len(pairs), agreed, cohen_kappa(first, second))


def blind_pairs(rows: Iterable[VerdictLike]) -> List[Tuple[bool, bool]]:
    """Every pair of different evaluators' blind verdicts on the same call and criterion.

    Each pair is ordered by author id, so with the usual two evaluators the first element is
    always the same person and κ is exactly Cohen's κ between them. An author's later row wins.
    """
    by_item: Dict[Tuple[str, str], Dict[int, bool]] = {}
    for row in rows:
        if row.kind == "blind":
            by_item.setdefault((row.call_id, row.criterion), {})[row.author_id] = bool(row.passed)
    pairs = []
    for authors in by_item.values():
        for first, second in combinations(sorted(authors), 2):
            pairs.append((authors[first], authors[second]))
    return pairs


def _human(rows: Iterable[VerdictLike]) -> List[VerdictLike]:
    return [r for r in rows if r.kind in ("verdict", "blind")]


def calibrate_criterion(criterion: str, rows: Sequence[VerdictLike]) -> CriterionCalibration:
    """rows: this criterion's verdicts."""
    human = _human(rows)
    per_evaluator: Dict[str, List[Tuple[bool, bool]]] = {}
    for row in human:
        per_evaluator.setdefault(row.author, []).append((bool(row.auto), bool(row.passed)))
    return CriterionCalibration(
        criterion=criterion,
        label=LABELS.get(criterion, criterion),
        core=criterion in CORE,
        grader=stat([(bool(r.auto), bool(r.passed)) for r in human]),
        evaluators=stat(blind_pairs(human)),
        disagreements=tuple(
            Disagreement(r.call_id, r.author, r.kind, bool(r.auto), bool(r.passed))
            for r in human
            if bool(r.auto) != bool(r.passed)
        ),
        by_evaluator=tuple((name, stat(pairs)) for name, pairs in sorted(per_evaluator.items())),
    )


def calibrate(rows: Iterable[VerdictLike], criteria: Sequence[str] = CRITERIA) -> List[CriterionCalibration]:
    """One result per criterion, in rubric order (criteria unknown to the rubric come last)."""
    grouped: Dict[str, List[VerdictLike]] = {c: [] for c in criteria}
    for row in rows:
        grouped.setdefault(row.criterion, []).append(row)
    return [calibrate_criterion(criterion, items) for criterion, items in grouped.items()]


def verdict_word(kappa: Optional[float]) -> str:
    """How to read κ, in the words the calibration page uses."""
    if kappa is None:
        return "—"
    if kappa > 0.8:
        return "很好"
    if kappa >= 0.6:
        return "可以"
    return "需要调整"
