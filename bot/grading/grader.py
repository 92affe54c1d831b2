"""Grade a transcript: read every turn once (NLU + spans), then apply each criterion."""

from __future__ import annotations

from typing import Optional

from bot.grading.analysis import Parse, read
from bot.grading.criteria import CRITERIA, CallReading
from bot.grading.rubric import Rubric, load_rubric
from bot.grading.scorecard import Scorecard
from bot.transcript import Transcript


class Grader:
    def __init__(self, parse: Parse, rubric: Optional[Rubric] = None) -> None:
        self.parse = parse
        self.rubric = rubric or load_rubric()

    def grade(self, transcript: Transcript, file: Optional[str] = None) -> Scorecard:
        call = CallReading(transcript, read(transcript, self.parse), self.rubric)
        if not call.trainee:  # hung up before saying a word
            return Scorecard(
                criteria=[call.result(cid, False, [], "通话中没有销售一方的发言，无法通过。") for cid in CRITERIA],
                file=file,
                rubric_version=self.rubric.version,
            )
        return Scorecard(
            criteria=[check(call) for check in CRITERIA.values()], file=file, rubric_version=self.rubric.version
        )
