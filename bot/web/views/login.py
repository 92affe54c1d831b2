"""The login page for the workspace (the widget logs in through /api/login)."""

from __future__ import annotations

from aiohttp import web

from bot.store import users
from bot.web.pages import render, safe_next
from bot.web.security import client_address, log_in, log_out, visitor
from bot.web.views import blocking

HOME = {"trainee": "/", "trainer": "/personas", "evaluator": "/review", "admin": "/review"}


async def show(request: web.Request) -> web.Response:
    return await render(request, "login.html", next=safe_next(request.query.get("next")), error="")


async def submit(request: web.Request) -> web.Response:
    form = await request.post()
    given = form.get("next")
    target = given if isinstance(given, str) else None
    try:
        account = await blocking(
            users.authenticate,
            request.app["db"],
            str(form.get("username", ""))[:64],
            str(form.get("password", ""))[:1024],
            client_address(request),
        )
    except users.LoginThrottled as throttled:
        return await render(
            request,
            "login.html",
            status=429,
            next=safe_next(target),
            error=f"尝试次数过多，请{throttled.retry_after}秒后再试。",
        )
    if account is None:
        return await render(request, "login.html", status=401, next=safe_next(target), error="用户名或密码错误。")
    await log_in(request, account)
    home = HOME.get(account.role, "/")
    raise web.HTTPFound(safe_next(target) if target else home)


async def logout(request: web.Request) -> web.Response:
    if (await visitor(request)).account is not None:
        await log_out(request)
    raise web.HTTPFound("/login")
