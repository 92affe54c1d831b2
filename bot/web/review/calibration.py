"""/review/calibration: grader vs evaluators and evaluator vs evaluator (blind), per criterion."""

from __future__ import annotations

from typing import Dict, List, Optional

from aiohttp import web

from bot.grading.calibration import CriterionCalibration, Disagreement, calibrate, verdict_word
from bot.store.reviews import open_assignments, verdict_pairs
from bot.web.pages import page_visitor, render
from bot.web.review.insights import REVIEWERS, decimal, percent
from bot.web.views import blocking

MAX_LISTED = 100  # disagreements listed per criterion; the count shows the rest exist
TONES = {"很好": "ws-ok", "需要调整": "ws-bad"}


def tone(kappa: Optional[float]) -> str:
    return TONES.get(verdict_word(kappa), "")


def listed(results: List[CriterionCalibration], blind: set) -> Dict[str, List[Disagreement]]:
    """The disagreements to list, without the calls the visitor still has to review blind (the
    list shows the grader's verdict and other evaluators': blind review must not see them)."""
    return {r.criterion: [d for d in r.disagreements if d.call_id not in blind][:MAX_LISTED] for r in results}


async def page(request: web.Request) -> web.Response:
    who = await page_visitor(request, *REVIEWERS)
    db = request.app["db"]
    results = calibrate(await blocking(verdict_pairs, db))
    blind = await blocking(open_assignments, db, who.account.id)
    return await render(
        request,
        "review/calibration.html",
        results=results,
        listed=listed(results, blind),
        max_listed=MAX_LISTED,
        percent=percent,
        decimal=decimal,
        word=verdict_word,
        tone=tone,
    )
