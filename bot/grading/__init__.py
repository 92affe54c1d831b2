"""Grading a call against the rubric (data/rubric.yml, call-standard.md)."""

from bot.grading.facts import LiveFacts
from bot.grading.grader import Grader
from bot.grading.rubric import Rubric, RubricError, load_rubric
from bot.grading.scorecard import CriterionResult, Evidence, Scorecard

__all__ = ["CriterionResult", "Evidence", "Grader", "LiveFacts", "Rubric", "RubricError", "Scorecard", "load_rubric"]
