"""A scorecard: each criterion with points, the trainee's own turns as evidence, and feedback."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Tuple


@dataclass(frozen=True)
class Evidence:
    turn: int  # 1-based over the whole transcript
    text: str


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
            "passed": self.passed,
            "points": self.points,
            "max_points": self.max_points,
            "evidence": [{"turn": e.turn, "text": e.text} for e in self.evidence],
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
                evidence=tuple(Evidence(e["turn"], e["text"]) for e in c["evidence"]),
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
            for e in c.evidence:
                lines.append(f"      第{e.turn}句：「{e.text}」")
        return "\n".join(lines)


LABELS = {
    "greeting": "开场问候",
    "name_capture": "询问并称呼姓氏",
    "invitation": "邀约（时间、地点）",
    "closing": "致谢道别",
    "needs_discovery": "了解需求",
    "question_handling": "解答问题",
    "contact_exchange": "留取联系方式",
    "confirmation": "复述确认",
    "courtesy": "礼貌用语与禁忌",
}
