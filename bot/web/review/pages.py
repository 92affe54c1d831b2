"""The review queue, one call with its review form, and the trainee's own view with disputes."""

from __future__ import annotations

from urllib.parse import urlencode

from aiohttp import web

from bot.grading.rubric import CORE, CRITERIA
from bot.grading.scorecard import LABELS
from bot.store import calls as store
from bot.store import queue, reviews
from bot.store.schema import Call
from bot.web.pages import page_visitor, render
from bot.web.review.call_view import call_context, verdicts_from_form
from bot.web.security import Member, visitor
from bot.web.views import blocking

REVIEWERS = ("evaluator", "admin")
STATE_LABELS = {"unreviewed": "待审阅", "reviewed": "已审阅", "disputed": "有申诉"}


async def calls_list(request: web.Request) -> web.Response:
    who = await page_visitor(request, *REVIEWERS)
    wanted = queue.CallFilter.from_query(request.query)
    rows, total = await blocking(queue.find_calls, request.app["db"], wanted)
    blind = await blocking(reviews.open_assignments, request.app["db"], who.account.id)
    menus = await blocking(queue.choices, request.app["db"])
    pages = max(1, -(-total // queue.PAGE_SIZE))

    def link(**changes) -> str:
        return "/review?" + urlencode(wanted.to_query(**changes))

    return await render(
        request,
        "review/queue.html",
        rows=rows,
        total=total,
        wanted=wanted,
        menus=menus,
        pages=pages,
        link=link,
        core=CORE,
        criteria=CRITERIA,
        LABELS=LABELS,
        states=STATE_LABELS,
        sorts=SORT_LABELS,
        export=urlencode(wanted.to_query(page=1)),
        blind=blind,
    )


SORT_LABELS = {
    "newest": "最新在前",
    "oldest": "最早在前",
    "score": "分数从低到高",
    "score_desc": "分数从高到低",
    "trainee": "按学员",
}


async def finished_call(request: web.Request) -> Call:
    """The finished call in the URL, or 404."""
    call = await blocking(store.get_call, request.app["db"], request.match_info["call_id"][:40])
    if call is None or call.status != "ended":
        raise web.HTTPNotFound(text="没有这通电话", content_type="text/plain")
    return call


async def reviewable_call(request: web.Request, who: Member) -> Call:
    """The call, unless this evaluator still owes it a blind review: then they see it blind."""
    call = await finished_call(request)
    if call.id in await blocking(reviews.open_assignments, request.app["db"], who.account.id):
        raise web.HTTPFound(f"/review/blind/{call.id}")
    return call


async def call_page(request: web.Request, errors=(), status: int = 200, posted=None) -> web.Response:
    """The call; after a refused review, the form keeps what the evaluator chose and wrote."""
    who = await page_visitor(request, *REVIEWERS)
    call = await reviewable_call(request, who)
    context = await blocking(call_context, request.app["db"], call)
    return await render(
        request,
        "review/call.html",
        status=status,
        errors=list(errors),
        mode="review",
        states=STATE_LABELS,
        posted=posted,
        **context,
    )


async def submit_review(request: web.Request) -> web.Response:
    who = await page_visitor(request, *REVIEWERS)
    call = await reviewable_call(request, who)
    context = await blocking(call_context, request.app["db"], call)
    given, comments = verdicts_from_form(await request.post(), context["criteria"])
    try:
        await blocking(reviews.submit_verdicts, request.app["db"], call.id, who.account.id, given, comments)
    except reviews.ReviewError as error:
        return await call_page(request, errors=[m for _, m in error.problems], status=400, posted=(given, comments))
    raise web.HTTPFound(f"/review/calls/{call.id}#review")


# -- the trainee's own call: the reviewed result, the comments, and disputes --------------------


async def my_call(request: web.Request, errors=(), status: int = 200) -> web.Response:
    who = await visitor(request)
    call = await finished_call(request)
    if not (who.owns(call) and who.can_practise) and not who.reviews_calls:
        raise web.HTTPNotFound(text="没有这通电话", content_type="text/plain")
    if (
        not who.owns(call)
        and who.account
        and call.id in await blocking(reviews.open_assignments, request.app["db"], who.account.id)
    ):
        raise web.HTTPFound(f"/review/blind/{call.id}")  # a blind review still owed: seen blind
    context = await blocking(call_context, request.app["db"], call)
    return await render(
        request,
        "review/call.html",
        status=status,
        errors=list(errors),
        mode="trainee",
        owner=who.owns(call),
        states=STATE_LABELS,
        posted=None,
        **context,
    )


async def dispute(request: web.Request) -> web.Response:
    who = await visitor(request)
    call = await finished_call(request)
    if not (who.owns(call) and who.account is not None):
        # Disputes need an account: an evaluator must know who contests a grade.
        raise web.HTTPNotFound(text="没有这通电话", content_type="text/plain")
    form = await request.post()
    given_criterion, given_comment = form.get("criterion"), form.get("comment")
    criterion = given_criterion if isinstance(given_criterion, str) else ""
    comment = given_comment if isinstance(given_comment, str) else ""
    try:
        await blocking(reviews.submit_dispute, request.app["db"], call.id, who.account.id, criterion or "", comment)
    except reviews.ReviewError as error:
        return await my_call(request, errors=[m for _, m in error.problems], status=400)
    raise web.HTTPFound(f"/calls/{call.id}#review")
