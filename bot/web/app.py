"""The web app (port 8000): the trainee's page and its JSON API (docs/api.md).

The browser talks only to this app, on its own origin; the app talks to Rasa's REST channel on
127.0.0.1 with Rasa's token, and to our SQL store. Views live in bot/web/views/, who-may-do-what
in bot/web/security.py.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import mimetypes
from pathlib import Path
from typing import Optional

from aiohttp import web

from bot.personas.registry import PersonaRegistry, default_registry
from bot.secrets import rasa_token, session_key
from bot.settings import PROJECT_ROOT, Settings
from bot.store.database import Database, database
from bot.web import my_calls, speech, trainer
from bot.web.errors import json_errors
from bot.web.pages import render
from bot.web.rasa_client import RasaClient
from bot.web.review import blind, insights, pages, transfer
from bot.web.security import guard, install_sessions
from bot.web.views import calls, login, scenarios, session

log = logging.getLogger(__name__)
STATIC = Path(__file__).resolve().parent / "static"


def create_app(
    settings: Settings,
    db: Optional[Database] = None,
    registry: Optional[PersonaRegistry] = None,
    rasa: Optional[RasaClient] = None,
    sweep: bool = True,
) -> web.Application:
    app = web.Application(middlewares=[json_errors], client_max_size=64 * 1024)
    install_sessions(app, settings, session_key(settings))
    app["speech_key"] = hashlib.sha256(b"speech\0" + session_key(settings)).digest()  # signs spoken lines
    app.middlewares.append(guard)
    app["settings"] = settings
    app["db"] = db or database(settings.database_url)
    app["registry"] = registry or default_registry()
    app["rasa"] = rasa or RasaClient(settings.rasa_url, rasa_token(settings))

    async def rasa_client(app: web.Application):
        await app["rasa"].start()
        yield
        await app["rasa"].close()

    app.cleanup_ctx.append(rasa_client)
    app.cleanup_ctx.append(speech.renderer)
    if sweep:
        app.cleanup_ctx.append(background(calls.sweep_stale_calls))
    routes = app.router
    routes.add_get("/", page("index.html"))
    routes.add_get("/widget.js", static_file("widget.js"))
    routes.add_get("/widget.css", static_file("widget.css"))
    routes.add_get("/favicon.ico", static_file("favicon.svg"))
    routes.add_static("/static/", STATIC)
    routes.add_get("/standard", standard_page)
    routes.add_get("/login", login.show)
    routes.add_post("/login", login.submit)
    routes.add_post("/logout", login.logout)
    routes.add_get("/api/config", scenarios.config)
    routes.add_get("/api/personas", scenarios.personas)
    routes.add_get("/api/session", session.show)
    routes.add_post("/api/login", session.login)
    routes.add_post("/api/logout", session.logout)
    routes.add_get("/api/settings", session.settings)
    routes.add_post("/api/settings", session.change_settings)
    routes.add_get("/api/speech", speech.speak)
    routes.add_get("/api/calls", calls.index)
    routes.add_post("/api/calls", calls.create)
    routes.add_get("/api/calls/{call_id}", calls.show)
    routes.add_post("/api/calls/{call_id}/answer", calls.answer)
    routes.add_post("/api/calls/{call_id}/turns", calls.turn)
    routes.add_post("/api/calls/{call_id}/hangup", calls.hang_up)
    routes.add_post("/api/calls/{call_id}/record-card", calls.record_card)
    routes.add_post("/api/calls/{call_id}/disputes", calls.disputes)
    routes.add_get("/calls", my_calls.my_calls)
    routes.add_get("/calls/{call_id}", pages.my_call)
    routes.add_post("/calls/{call_id}/disputes", pages.dispute)
    routes.add_get("/review", pages.calls_list)
    routes.add_get("/review/calls/{call_id}", pages.call_page)
    routes.add_post("/review/calls/{call_id}/review", pages.submit_review)
    routes.add_get("/review/calls/{call_id}/transcript.yml", transfer.export_transcript)
    routes.add_get("/review/export.csv", transfer.export_csv)
    routes.add_get("/review/export.jsonl", transfer.export_jsonl)
    routes.add_get("/review/import", transfer.import_page)
    routes.add_post("/review/import", transfer.import_calls)
    routes.add_get("/review/blind", blind.queue_page)
    routes.add_post("/review/blind/assign", blind.assign)
    routes.add_get("/review/blind/{call_id}", blind.call_page)
    routes.add_post("/review/blind/{call_id}", blind.submit)
    insights.add_routes(app)
    trainer.add_routes(app)
    return app


STANDARD = PROJECT_ROOT / "docs" / "standard.md"


async def standard_page(request: web.Request) -> web.Response:
    """The standard the scorecard grades against (docs/standard.md), linked from every scorecard."""
    return await render(request, "standard.html", text=STANDARD.read_text(encoding="utf-8"))


def background(job):
    """A task that runs while the app does (cleanup context)."""

    async def context(app: web.Application):
        task = asyncio.get_running_loop().create_task(job(app))
        yield
        task.cancel()

    return context


def page(name: str):
    async def handler(_: web.Request) -> web.Response:
        response = web.Response(
            text=(STATIC / name).read_text(encoding="utf-8"),
            content_type="text/html",
            headers={"Cache-Control": "no-cache"},
        )
        response.enable_compression()
        return response

    return handler


def static_file(name: str):
    """A file of static/, gzip-compressed when the browser accepts it (widget.js: 88 KB -> ~20 KB)."""
    path = STATIC / name
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"

    async def handler(_: web.Request) -> web.Response:
        response = web.Response(body=path.read_bytes(), content_type=content_type,
                                headers={"Cache-Control": "no-cache"})  # fmt: skip
        response.enable_compression()  # gzip or deflate, as Accept-Encoding allows; none otherwise
        return response

    return handler


async def announce_when_ready(rasa: RasaClient, url: str, timeout: float = 600) -> None:
    """Print the page's address once Rasa has loaded its model, so `make run` users know when."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        if await rasa.ready():
            print(f"\n    Peilian 陪练 is ready: open {url}\n", flush=True)
            return
        await asyncio.sleep(1)
    print(f"    Rasa did not answer at {rasa.url} within {timeout:.0f}s", flush=True)


def serve(settings: Optional[Settings] = None) -> None:
    settings = settings or Settings.from_env()
    db = database(settings.database_url)
    db.check_current()
    app = create_app(settings, db)
    shown_host = "localhost" if settings.host in ("127.0.0.1", "::1", "localhost") else settings.host
    url = f"http://{shown_host}:{settings.web_port}/"

    app.cleanup_ctx.append(background(lambda app: announce_when_ready(app["rasa"], url)))
    print(f"==> Web page on {url} (listening on {settings.host}; waiting for Rasa at {settings.rasa_url})", flush=True)
    web.run_app(app, host=settings.host, port=settings.web_port, print=None, access_log=None)
