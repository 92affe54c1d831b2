"""Grade a transcript: read every turn once (NLU + spans), then apply each criterion. A live call
also passes what the simulated customer recorded (LiveFacts); a transcript alone is read from text."""

from __future__ import annotations

from typing import Optional

from bot.grading.analysis import Parse, read
from bot.grading.criteria import CRITERIA, CallReading
from bot.grading.facts import LiveFacts
from bot.grading.rubric import Rubric, load_rubric
from bot.grading.scorecard import Scorecard
from bot.transcript import Transcript


class Grader:
    def __init__(self, parse: Parse, rubric: Optional[Rubric] = None) -> None:
        self.parse = parse
        self._rubric = rubric

    @property
    def rubric(self) -> Rubric:
        """The given rubric, else data/rubric.yml as it is now (reparsed only when it changed)."""
        return self._rubric or load_rubric()

    def grade(self, transcript: Transcript, file: Optional[str] = None, facts: Optional[LiveFacts] = None) -> Scorecard:
        rubric = self.rubric
        call = CallReading(transcript, read(transcript, self.parse), rubric, facts)
        if not call.trainee:  # hung up before saying a word
            return Scorecard(
                criteria=[call.result(cid, False, [], "通话中没有销售一方的发言，无法通过。") for cid in CRITERIA],
                file=file,
                rubric_version=rubric.version,
            )
        return Scorecard(
            criteria=[check(call) for check in CRITERIA.values()], file=file, rubric_version=rubric.version
        )
