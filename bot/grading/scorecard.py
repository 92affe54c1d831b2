"""A scorecard: each criterion with points, the words that decided it as evidence, and feedback."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Tuple

from bot.grading.rubric import load_rubric


@dataclass(frozen=True)
class Evidence:
    """Quoted words: the turn, its text, the words' [start, end) in it and the rule that found them.

    A whole-turn quote (or one stored before spans existed) has start 0 and end len(text)."""

    turn: int  # 1-based over the whole transcript
    text: str
    start: int = 0
    end: Optional[int] = None  # None: to the end of the turn
    rule: str = ""

    @property
    def words(self) -> str:
        return self.text[self.start : self.end]

    def to_dict(self) -> Dict[str, Any]:
        end = len(self.text) if self.end is None else self.end
        return {"turn": self.turn, "text": self.text, "start": self.start, "end": end, "rule": self.rule}

    @classmethod
    def from_dict(cls, data: Dict[str, Any]) -> Evidence:
        return cls(data["turn"], data.get("text", ""), data.get("start", 0), data.get("end"), data.get("rule", ""))


@dataclass(frozen=True)
class CriterionResult:
    id: str
    passed: bool
    points: int
    max_points: int
    evidence: Tuple[Evidence, ...]
    feedback: str

    def to_dict(self) -> Dict[str, Any]:
        return {
            "id": self.id,
            "label": LABELS.get(self.id, self.id),
            "core": self.id in load_rubric().core,
            "passed": self.passed,
            "points": self.points,
            "max_points": self.max_points,
            "evidence": [e.to_dict() for e in self.evidence],
            "feedback": self.feedback,
        }


@dataclass
class Scorecard:
    criteria: List[CriterionResult]
    file: Optional[str] = None
    rubric_version: str = ""

    @property
    def score(self) -> int:
        return sum(c.points for c in self.criteria)

    @property
    def max_score(self) -> int:
        return sum(c.max_points for c in self.criteria)

    @classmethod
    def from_dict(cls, data: Dict[str, Any]) -> Scorecard:
        """The inverse of to_dict (a stored scorecard read back)."""
        criteria = [
            CriterionResult(
                id=c["id"],
                passed=bool(c["passed"]),
                points=int(c["points"]),
                max_points=int(c["max_points"]),
                feedback=c["feedback"],
                evidence=tuple(Evidence.from_dict(e) for e in c["evidence"]),
            )
            for c in data["criteria"]
        ]
        return cls(criteria=criteria, file=data.get("file"), rubric_version=data.get("rubric_version", ""))

    def result(self, criterion_id: str) -> CriterionResult:
        return next(c for c in self.criteria if c.id == criterion_id)

    def to_dict(self) -> Dict[str, Any]:
        data: Dict[str, Any] = {"file": self.file} if self.file is not None else {}
        data.update(
            score=self.score,
            max_score=self.max_score,
            rubric_version=self.rubric_version,
            criteria=[c.to_dict() for c in self.criteria],
        )
        return data

    def summary(self) -> str:
        """The short text sent to the trainee at the end of a call."""
        passed = [c for c in self.criteria if c.passed]
        missed = [c for c in self.criteria if not c.passed]
        lines = [f"通话评分：{self.score}/{self.max_score}（通过 {len(passed)}/{len(self.criteria)} 项）"]
        lines += [f"✗ {LABELS[c.id]}：{c.feedback}" for c in missed]
        return "\n".join(lines)

    def to_text(self) -> str:
        """A readable scorecard for the terminal."""
        head = f"{self.file}\n" if self.file else ""
        lines = [f"{head}总分 {self.score}/{self.max_score}"]
        for c in self.criteria:
            mark = "✓" if c.passed else "✗"
            lines.append(f"  {mark} {LABELS[c.id]} ({c.id}) {c.points}/{c.max_points}")
            lines.append(f"      {c.feedback}")
            by_turn: Dict[int, List[Evidence]] = {}
            for e in c.evidence:
                by_turn.setdefault(e.turn, []).append(e)
            for turn, quotes in by_turn.items():
                words = "、".join(dict.fromkeys(e.words for e in quotes if e.words and e.words != e.text))
                lines.append(f"      第{turn}句：「{quotes[0].text}」" + (f"（{words}）" if words else ""))
        return "\n".join(lines)


# The Chinese names shown in the UI (data/rubric.yml `label`), as the rubric was at import.
LABELS: Dict[str, str] = load_rubric().labels
