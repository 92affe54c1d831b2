"""How well the grader agrees with human labels: per-criterion agreement and Cohen's kappa."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Sequence, Tuple


@dataclass(frozen=True)
class Agreement:
    criterion: str
    n: int
    agreement: float
    kappa: float
    disagreements: Tuple[str, ...]  # files where grader and label differ


def cohen_kappa(expected: Sequence[bool], predicted: Sequence[bool]) -> float:
    """Cohen's kappa for two binary raters; 1.0 when both agree perfectly (even if constant)."""
    n = len(expected)
    if n == 0:
        return 0.0
    observed = sum(e == p for e, p in zip(expected, predicted, strict=True)) / n
    p_yes = (sum(expected) / n) * (sum(predicted) / n)
    p_no = (1 - sum(expected) / n) * (1 - sum(predicted) / n)
    chance = p_yes + p_no
    if chance == 1.0:
        return 1.0 if observed == 1.0 else 0.0
    return (observed - chance) / (1 - chance)


def agreement(criterion: str, rows: List[Tuple[str, bool, bool]]) -> Agreement:
    """rows: (file, label, grader's verdict)."""
    expected = [label for _, label, _ in rows]
    predicted = [verdict for _, _, verdict in rows]
    n = len(rows)
    return Agreement(
        criterion=criterion,
        n=n,
        agreement=sum(e == p for e, p in zip(expected, predicted, strict=True)) / n if n else 0.0,
        kappa=cohen_kappa(expected, predicted),
        disagreements=tuple(f for f, label, verdict in rows if label != verdict),
    )


def evaluate(results: Dict[str, Dict[str, Tuple[bool, bool]]]) -> List[Agreement]:
    """results: file -> criterion -> (label, verdict)."""
    criteria: Dict[str, List[Tuple[str, bool, bool]]] = {}
    for file, verdicts in sorted(results.items()):
        for criterion, (label, verdict) in verdicts.items():
            criteria.setdefault(criterion, []).append((file, label, verdict))
    return [agreement(c, rows) for c, rows in criteria.items()]
