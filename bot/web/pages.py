"""Server-rendered pages (the evaluators' workspace, the trainers' persona pages): Jinja2 with
autoescaping, so every transcript line and comment is text; the same sessions, roles and CSRF as
the API (a form carries the token in a hidden `csrf_token` field)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional
from urllib.parse import quote

import jinja2
from aiohttp import web

from bot.grading.scorecard import LABELS
from bot.web.security import Member, csrf_token, visitor

TEMPLATES = Path(__file__).resolve().parent / "templates"
_env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(str(TEMPLATES)),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_env.globals["LABELS"] = LABELS
ROLE_LABELS = {"trainee": "学员", "trainer": "培训师", "evaluator": "评估员", "admin": "管理员"}
_env.globals["ROLE_LABELS"] = ROLE_LABELS


async def render(request: web.Request, template: str, status: int = 200, **context: Any) -> web.Response:
    who = await visitor(request)
    html = _env.get_template(template).render(
        who=who, csrf_token=await csrf_token(request), path=request.path_qs, **context
    )
    return web.Response(text=html, status=status, content_type="text/html", headers={"Cache-Control": "no-store"})


async def page_visitor(request: web.Request, *roles: str) -> Member:
    """The visitor if their role may see this page: otherwise to the login page (no account) or
    a 403 page (wrong role)."""
    who = await visitor(request)
    if who.account is None:
        raise web.HTTPFound(f"/login?next={quote(request.path_qs, safe='')}")
    if roles and who.account.role not in roles:
        raise web.HTTPForbidden(
            text=_env.get_template("forbidden.html").render(
                who=who, csrf_token=await csrf_token(request), path=request.path_qs
            ),
            content_type="text/html",
        )
    return Member(who.account, who.browser_id, who.open_practice)


def safe_next(target: Optional[str]) -> str:
    """Only a local path may follow a login (no open redirect to another site)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/review"
