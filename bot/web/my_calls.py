"""/calls: a trainee's own calls (per login; in open practice per browser), newest first, with
their progress: the score of every call and each criterion's pass rate over time.

The same final verdicts as the evaluators' analytics (an evaluator's override counts), so a
trainee and their evaluator never see two different numbers for one call.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from aiohttp import web

from bot.grading.rubric import CORE
from bot.grading.scorecard import LABELS
from bot.store import analytics
from bot.store import calls as store
from bot.store.database import Database
from bot.web.charts import Series, line_chart
from bot.web.pages import render
from bot.web.review.analytics import trend_chart
from bot.web.review.insights import percent
from bot.web.security import Visitor, visitor
from bot.web.views import blocking


def owner_filters(who: Visitor) -> Optional[analytics.Filters]:
    """Whose calls these are; None when the visitor has made none yet (no account, no browser id)."""
    if who.account is not None:
        return analytics.Filters(user_id=who.account.id)
    if who.browser_id:
        return analytics.Filters(browser_id=who.browser_id)
    return None


def _progress(db: Database, owner: analytics.Filters) -> Dict[str, Any]:
    rows = store.list_calls(db, user_id=owner.user_id, browser_id=owner.browser_id or None)
    scores = analytics.call_scores(db, owner)
    trend = analytics.pass_rate_trend(db, owner)
    return {"rows": rows, "scores": scores, "trend": trend}


def score_chart(scores: List[analytics.CallScore]):
    return line_chart(
        [Series("我的得分", [(c.started_at, c.percent) for c in scores])],
        title="每通电话得分",
        y_label="得分",
        x_label="通话时间",
        unit="分",
    )


async def my_calls(request: web.Request) -> web.Response:
    who = await visitor(request)
    if who.account is None and not who.open_practice:
        raise web.HTTPFound("/login?next=/calls")
    owner = owner_filters(who)
    found = await blocking(_progress, request.app["db"], owner) if owner else {"rows": [], "scores": [], "trend": None}
    known, _ = await blocking(request.app["registry"].scan)
    titles: Dict[str, str] = {persona_id: persona.title for persona_id, persona in known.items()}
    trend = found["trend"] or analytics.Trend("day", (), {})
    final = {c.call_id: c for c in found["scores"]}  # the final score, an evaluator's override counted
    return await render(
        request,
        "my_calls.html",
        rows=found["rows"],
        final=final,
        titles=titles,
        scores=found["scores"],
        score_chart=score_chart(found["scores"]),
        trend=trend,
        trend_chart=trend_chart(trend),
        LABELS=LABELS,
        core=CORE,
        percent=percent,
    )
