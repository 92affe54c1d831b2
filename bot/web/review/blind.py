"""Blind double review: an admin gives the same calls to two evaluators, who review them without
seeing the grader's verdicts, its evidence or each other (calibration compares them)."""

from __future__ import annotations

import sqlalchemy as sa
from aiohttp import web

from bot.store import reviews
from bot.store.schema import User
from bot.web.pages import page_visitor, render
from bot.web.review.call_view import call_context, verdicts_from_form
from bot.web.review.pages import REVIEWERS, finished_call
from bot.web.views import blocking


def _evaluators(db):
    with db.session() as session:
        return [
            {"id": i, "username": n}
            for i, n in session.execute(
                sa.select(User.id, User.username)
                .where(User.role.in_(REVIEWERS), User.disabled.is_(False))
                .order_by(User.username)
            ).all()
        ]


async def queue_page(request: web.Request, message: str = "", errors=(), status: int = 200) -> web.Response:
    who = await page_visitor(request, *REVIEWERS)
    assigned = await blocking(reviews.blind_queue, request.app["db"], who.account.id)
    evaluators = await blocking(_evaluators, request.app["db"]) if who.account.role == "admin" else []
    return await render(
        request,
        "review/blind.html",
        status=status,
        assigned=assigned,
        evaluators=evaluators,
        message=message,
        errors=list(errors),
    )


async def assign(request: web.Request) -> web.Response:
    who = await page_visitor(request, "admin")
    form = await request.post()
    call_ids = [c.strip() for c in str(form.get("calls", "")).replace(",", " ").split() if c.strip()][:200]
    evaluator_ids = [int(v) for v in form.getall("evaluator", []) if isinstance(v, str) and v.isdigit()]
    if not call_ids:
        return await queue_page(request, errors=["请填写要盲评的通话编号"], status=400)
    try:
        added = await blocking(reviews.assign, request.app["db"], call_ids, evaluator_ids, who.account.id)
    except reviews.ReviewError as error:
        return await queue_page(request, errors=[m for _, m in error.problems], status=400)
    return await queue_page(request, message=f"已分配 {added} 项盲评任务。")


async def call_page(request: web.Request, errors=(), status: int = 200, posted=None) -> web.Response:
    who = await page_visitor(request, *REVIEWERS)
    call = await finished_call(request)
    if not await blocking(reviews.is_assigned, request.app["db"], call.id, who.account.id):
        raise web.HTTPForbidden(text="这通电话没有分配给你盲评", content_type="text/plain")
    context = await blocking(call_context, request.app["db"], call, True)
    return await render(
        request,
        "review/call.html",
        status=status,
        errors=list(errors),
        mode="blind",
        states={},
        posted=posted,
        **context,
    )


async def submit(request: web.Request) -> web.Response:
    who = await page_visitor(request, *REVIEWERS)
    call = await finished_call(request)
    context = await blocking(call_context, request.app["db"], call, True)
    given, comments = verdicts_from_form(await request.post(), context["criteria"])
    try:
        await blocking(reviews.submit_verdicts, request.app["db"], call.id, who.account.id, given, comments, True)
    except reviews.ReviewError as error:
        return await call_page(request, errors=[m for _, m in error.problems], status=400, posted=(given, comments))
    raise web.HTTPFound("/review/blind")
