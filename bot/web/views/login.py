"""The login page for the workspace (the widget logs in through /api/login)."""

from __future__ import annotations

from aiohttp import web

from bot.web.errors import ApiError
from bot.web.pages import render, safe_next
from bot.web.security import log_out, sign_in, visitor

HOME = {"trainee": "/", "trainer": "/personas", "evaluator": "/review", "admin": "/review"}


async def show(request: web.Request) -> web.Response:
    return await render(request, "login.html", next=safe_next(request.query.get("next")), error="")


async def submit(request: web.Request) -> web.Response:
    form = await request.post()
    given = form.get("next")
    target = given if isinstance(given, str) else None
    try:
        account = await sign_in(request, str(form.get("username", "")), str(form.get("password", "")))
    except ApiError as refused:
        return await render(request, "login.html", status=refused.status, next=safe_next(target), error=refused.message)
    home = HOME.get(account.role, "/")
    raise web.HTTPFound(safe_next(target) if target else home)


async def logout(request: web.Request) -> web.Response:
    if (await visitor(request)).account is not None:
        await log_out(request)
    raise web.HTTPFound("/login")
