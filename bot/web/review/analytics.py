"""/review/analytics: pass rates over time, trainees' progress, personas' difficulty; each as a
chart and as a table of the same numbers. Filters are GET parameters, so a view is a URL."""

from __future__ import annotations

from typing import Any, Dict, List

from aiohttp import web

from bot.grading.rubric import CORE, CRITERIA
from bot.grading.scorecard import LABELS
from bot.store import analytics
from bot.store.database import Database
from bot.store.reviews import open_assignments
from bot.web.charts import Bars, Series, bar_chart, line_chart
from bot.web.pages import page_visitor, render
from bot.web.review.insights import REVIEWERS, percent, score
from bot.web.views import blocking
from bot.web.views.scenarios import DIFFICULTIES

MAX_TRAINEE_LINES = 8  # more lines than this are unreadable: the chart shows the busiest trainees
MAX_CALL_ROWS = 100


def _rate(rate: analytics.Rate):
    return None if rate.rate is None else 100 * rate.rate


def trend_chart(trend: analytics.Trend):
    unit = "日" if trend.granularity == "day" else "周"
    # Empty buckets are left out, not drawn as gaps: the line joins the days that had calls.
    return line_chart(
        [
            Series(LABELS.get(c, c), [(b, _rate(r)) for b, r in zip(trend.buckets, rates, strict=True) if r.n])
            for c, rates in trend.rates.items()
        ],
        title=f"各标准通过率（按{unit}）",
        y_label="通过率",
        x_label="日期",
    )


def progress_chart(scores: List[analytics.CallScore]):
    by_trainee: Dict[str, List[analytics.CallScore]] = {}
    for call in scores:
        by_trainee.setdefault(call.trainee, []).append(call)
    busiest = sorted(by_trainee, key=lambda name: (-len(by_trainee[name]), name))[:MAX_TRAINEE_LINES]
    return line_chart(
        [Series(name or "（未署名）", [(c.started_at, c.percent) for c in by_trainee[name]]) for name in busiest],
        title="学员每通电话得分",
        y_label="得分",
        x_label="通话时间",
        unit="分",
    ), len(by_trainee)


def criteria_chart(summary: analytics.Summary):
    criteria = [c for c in CRITERIA if c in summary.rates]
    return bar_chart(
        [LABELS.get(c, c) for c in criteria],
        [Bars(f"{summary.name} 通过率", [_rate(summary.rates[c]) for c in criteria])],
        title=f"{summary.name}：各标准通过率",
    )


def persona_chart(personas: List[Dict[str, Any]]):
    return bar_chart(
        [p["title"] for p in personas],
        [Bars("平均得分", [p["summary"].mean_percent for p in personas])]
        + [
            Bars(f"{LABELS[c]}通过率", [_rate(p["summary"].rates.get(c, analytics.Rate(0, 0))) for p in personas])
            for c in CORE
        ],
        title="各客户角色：平均得分与核心标准通过率",
        x_label="得分（满分100）/ 通过率（%）",
        unit="",
    )


def _collect(db: Database, filters: analytics.Filters) -> Dict[str, Any]:
    return {
        "trend": analytics.pass_rate_trend(db, filters),
        "scores": analytics.call_scores(db, filters),
        "trainees": analytics.trainee_summaries(db, filters),
        "personas": analytics.persona_summaries(db, filters),
        "names": analytics.trainees(db),
    }


async def page(request: web.Request) -> web.Response:
    who = await page_visitor(request, *REVIEWERS)
    filters = analytics.Filters.from_query(request.query)
    data = await blocking(_collect, request.app["db"], filters)
    blind = await blocking(open_assignments, request.app["db"], who.account.id)  # no scores of those
    known, _ = await blocking(request.app["registry"].scan)
    titles = {persona_id: persona.title for persona_id, persona in known.items()}
    personas = [
        {
            "id": s.name,
            "summary": s,
            "title": titles.get(s.name, s.name),
            "difficulty": DIFFICULTIES.get(known[s.name].difficulty, "") if s.name in known else "",
        }
        for s in data["personas"]
    ]
    progress, trainee_count = progress_chart(data["scores"])
    chosen = next((s for s in data["trainees"] if s.name == filters.trainee), None) if filters.trainee else None
    return await render(
        request,
        "review/analytics.html",
        filters=filters,
        names=data["names"],
        trend=data["trend"],
        trend_chart=trend_chart(data["trend"]),
        trainees=data["trainees"],
        progress_chart=progress,
        trainee_count=trainee_count,
        max_lines=MAX_TRAINEE_LINES,
        chosen=chosen,
        criteria_chart=criteria_chart(chosen) if chosen else None,
        calls=[c for c in reversed(data["scores"]) if c.call_id not in blind][:MAX_CALL_ROWS] if chosen else [],
        personas=personas,
        titles=titles,
        persona_chart=persona_chart(personas),
        core=CORE,
        criteria=CRITERIA,
        percent=percent,
        score=score,
    )
