"""Log in, log out, who am I, and the admin's settings."""

from __future__ import annotations

from aiohttp import web

from bot.store import users
from bot.web.errors import ApiError, json_response
from bot.web.security import csrf_token, log_out, sign_in, visitor
from bot.web.views import blocking, json_body, optional_text


async def _answer(request: web.Request, token: str) -> web.Response:
    who = await visitor(request)
    return json_response(
        {
            "user": who.account.to_dict() if who.account else None,
            "open_practice": who.open_practice,
            "csrf_token": token,
        }
    )


async def show(request: web.Request) -> web.Response:
    return await _answer(request, await csrf_token(request))


async def login(request: web.Request) -> web.Response:
    body = await json_body(request)
    username = optional_text(body, "username", 64) or ""
    given = body.get("password")
    await sign_in(request, username, given if isinstance(given, str) else "")
    return await _answer(request, await csrf_token(request))


async def logout(request: web.Request) -> web.Response:
    return await _answer(request, await log_out(request))


async def settings(request: web.Request) -> web.Response:
    (await visitor(request)).require_role("admin")
    return json_response({"open_practice": await blocking(users.open_practice, request.app["db"])})


async def change_settings(request: web.Request) -> web.Response:
    (await visitor(request)).require_role("admin")
    body = await json_body(request)
    if not isinstance(body.get("open_practice"), bool):
        raise ApiError(400, "open_practice must be true or false", field="open_practice", reason="bad_field")
    await blocking(users.set_open_practice, request.app["db"], body["open_practice"])
    return await settings(request)
