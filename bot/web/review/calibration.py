"""/review/calibration: grader vs evaluators and evaluator vs evaluator (blind), per criterion."""

from __future__ import annotations

from aiohttp import web

from bot.grading.calibration import calibrate, verdict_word
from bot.store.reviews import verdict_pairs
from bot.web.pages import page_visitor, render
from bot.web.review.insights import REVIEWERS, decimal, percent
from bot.web.views import blocking

MAX_LISTED = 100  # disagreements listed per criterion; the count shows the rest exist
TONES = {"很好": "ws-ok", "需要调整": "ws-bad"}


def tone(kappa) -> str:
    return TONES.get(verdict_word(kappa), "")


async def page(request: web.Request) -> web.Response:
    await page_visitor(request, *REVIEWERS)
    results = calibrate(await blocking(verdict_pairs, request.app["db"]))
    return await render(request, "review/calibration.html", results=results, max_listed=MAX_LISTED,
                        percent=percent, decimal=decimal, word=verdict_word, tone=tone)
