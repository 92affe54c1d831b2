"""The trainee's web page (port 8000): the widget's files and a small JSON API.

The browser talks to the customer directly over Rasa's socketio channel; this app serves the
widget, lists the personas, and checks the record card against the call Rasa recorded.

    GET  /                              the rehearsal page (an exam link: /?persona=ID&seed=N)
    GET  /widget.js, /widget.css        the embeddable widget
    GET  /api/config                    where the widget finds Rasa, limits, ring timing
    GET  /api/personas                  persona cards
    POST /api/calls/{call_id}/record-card   {"card": {name, phone, interest, budget, visit, class}}
"""

from __future__ import annotations

import asyncio
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, Optional
from urllib.parse import quote, urlsplit

import aiohttp
from aiohttp import web

from bot.calls import turns_from_events
from bot.customer.state import CallState
from bot.grading.record_card import (CADENCE, FIELDS, MAX_FIELD_CHARS, CallFacts, RecordCardError, cadence,
                                     check_card, customer_lines, parse_card)
from bot.personas.registry import PersonaRegistry, UnknownPersona, default_registry

log = logging.getLogger(__name__)
STATIC = Path(__file__).resolve().parent / "static"
MAX_MESSAGE_CHARS = 300  # a phone turn; the grader's monologue taboo starts at 150
INDUSTRIES = {"car": "汽车", "real_estate": "房产", "truck": "货车服务", "telecom": "通信"}
DIRECTIONS = {"inbound": "来电接听", "outbound": "电话回访/预约"}
DIFFICULTIES = {"easy": "简单", "normal": "普通", "hard": "困难"}


@dataclass(frozen=True)
class Settings:
    rasa_url: str = "http://localhost:5005"  # how this app reaches Rasa
    public_rasa_url: str = ""  # how browsers reach Rasa; default: this page's host, Rasa's port
    ring_ms: int = 3000  # one ring cycle (tone + pause)

    @classmethod
    def from_env(cls) -> "Settings":
        return cls(
            rasa_url=os.environ.get("PEILIAN_RASA_URL", cls.rasa_url).rstrip("/"),
            public_rasa_url=os.environ.get("PEILIAN_PUBLIC_RASA_URL", "").rstrip("/"),
            ring_ms=int(os.environ.get("PEILIAN_RING_MS", cls.ring_ms)),
        )


class ApiError(Exception):
    def __init__(self, status: int, message: str, field: Optional[str] = None) -> None:
        super().__init__(message)
        self.status, self.message, self.field = status, message, field


@web.middleware
async def cors_and_errors(request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]):
    """The widget may be embedded in another site (a trainer's LMS); odd requests get JSON errors."""
    if request.method == "OPTIONS":
        response: web.StreamResponse = web.Response(status=204)
    else:
        try:
            response = await handler(request)
        except ApiError as error:
            body = {"error": error.message, **({"field": error.field} if error.field else {})}
            response = web.json_response(body, status=error.status)
        except web.HTTPException as error:
            if not request.path.startswith("/api/"):
                raise
            response = web.json_response({"error": error.reason}, status=error.status)
        except Exception:  # never a bare 500 page: log it, answer in JSON
            log.exception("web request %s %s failed", request.method, request.path)
            response = web.json_response({"error": "internal error; see the web server log"}, status=500)
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Allow-Headers"] = "Content-Type"
    response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
    return response


def persona_card(persona) -> Dict[str, Any]:
    card = {
        "id": persona.id, "title": persona.title,
        "industry": persona.industry, "industry_label": INDUSTRIES.get(persona.industry, persona.industry),
        "direction": persona.direction, "direction_label": DIRECTIONS[persona.direction],
        "difficulty": persona.difficulty, "difficulty_label": DIFFICULTIES[persona.difficulty],
        "company": persona.company,
    }
    if persona.direction == "outbound":  # the trainee knows whom they are calling
        card["customer"] = persona.addressed_as
        card["phone"] = persona.phone
    return card


class PeilianWeb:
    def __init__(self, settings: Settings, registry: Optional[PersonaRegistry] = None) -> None:
        self.settings = settings
        self.registry = registry or default_registry()

    def app(self) -> web.Application:
        app = web.Application(middlewares=[cors_and_errors], client_max_size=64 * 1024)
        app.router.add_get("/", self.index)
        app.router.add_get("/widget.js", self.static_file("widget.js"))
        app.router.add_get("/widget.css", self.static_file("widget.css"))
        app.router.add_static("/static/", STATIC)
        app.router.add_get("/api/config", self.config)
        app.router.add_get("/api/personas", self.personas)
        app.router.add_post("/api/calls/{call_id}/record-card", self.record_card)
        app.cleanup_ctx.append(self._http_session)
        return app

    async def _http_session(self, app: web.Application):
        self.http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=15))
        yield
        await self.http.close()

    def static_file(self, name: str):
        async def handler(_: web.Request) -> web.FileResponse:
            return web.FileResponse(STATIC / name, headers={"Cache-Control": "no-cache"})
        return handler

    async def index(self, _: web.Request) -> web.FileResponse:
        return web.FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-cache"})

    async def config(self, request: web.Request) -> web.Response:
        public = self.settings.public_rasa_url
        if not public:
            port = urlsplit(self.settings.rasa_url).port or 5005
            host = urlsplit(f"//{request.host}").hostname or "localhost"
            public = f"{request.scheme}://{f'[{host}]' if ':' in host else host}:{port}"
        return web.json_response({
            "rasa_url": public, "max_message_chars": MAX_MESSAGE_CHARS, "ring_ms": self.settings.ring_ms,
            "record_card": {
                "fields": [{"id": field, "label": label} for field, label in FIELDS.items()],
                "classes": [cadence(c) for c in CADENCE],
                "max_chars": MAX_FIELD_CHARS,
            },
        })

    async def personas(self, _: web.Request) -> web.Response:
        personas, _ = self.registry.scan()
        cards = [persona_card(p) for p in sorted(personas.values(), key=lambda p: (p.industry, p.id))]
        return web.json_response({"personas": cards})

    async def record_card(self, request: web.Request) -> web.Response:
        call_id = request.match_info["call_id"]
        try:
            body = await request.json()
        except ValueError:
            raise ApiError(400, "the body must be JSON: {\"card\": {...}}") from None
        try:
            card = parse_card(body.get("card") if isinstance(body, dict) else None)
        except RecordCardError as error:
            raise ApiError(400, error.message, error.field) from None
        tracker = await self._tracker(call_id)
        slots = tracker.get("slots") or {}
        call = slots.get("call") or {}
        if not call.get("ended_by"):
            raise ApiError(409, "the call has not ended yet")
        try:
            state = CallState.from_dict(call)
            persona = self.registry.get(state.persona_id)
        except (TypeError, UnknownPersona) as error:
            raise ApiError(409, f"the call's persona is not available: {error}") from None
        pairs, _, _ = turns_from_events(tracker.get("events") or [])
        result = check_card(card, CallFacts.from_call(persona, state, customer_lines(pairs))).to_dict()
        result["card"] = card
        await self._post_events(call_id, [{"event": "slot", "name": "record_card", "value": result}])
        return web.json_response({"record_card": result, "scorecard": slots.get("scorecard")})

    async def _tracker(self, call_id: str) -> Dict[str, Any]:
        return await self._rasa("GET", call_id, "tracker")

    async def _post_events(self, call_id: str, events: list) -> None:
        await self._rasa("POST", call_id, "tracker/events", json=events, params={"include_events": "NONE"})

    async def _rasa(self, method: str, call_id: str, path: str, **kwargs: Any) -> Dict[str, Any]:
        """One call to Rasa's HTTP API about a conversation; failures become ApiErrors."""
        url = f"{self.settings.rasa_url}/conversations/{quote(call_id, safe='')}/{path}"
        try:
            async with self.http.request(method, url, **kwargs) as response:
                if response.status != 200:
                    raise ApiError(502, f"Rasa answered {response.status} to {method} {path} for call {call_id}")
                return await response.json()
        except aiohttp.ClientError as error:
            raise ApiError(503, f"Rasa is not reachable at {self.settings.rasa_url}: {error}") from None


async def announce_when_ready(settings: Settings, url: str, timeout: float = 600) -> None:
    """Print the page's address once Rasa has loaded its model, so `make run` users know when."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=3)) as http:
        while loop.time() < deadline:
            try:
                async with http.get(f"{settings.rasa_url}/status") as response:
                    if response.status == 200:
                        print(f"\n    Peilian 陪练 is ready: open {url}\n", flush=True)
                        return
            except (aiohttp.ClientError, asyncio.TimeoutError):
                pass
            await asyncio.sleep(1)
    print(f"    Rasa did not answer at {settings.rasa_url} within {timeout:.0f}s", flush=True)


def serve(host: str = "localhost", port: int = 8000, settings: Optional[Settings] = None) -> None:
    settings = settings or Settings.from_env()
    peilian = PeilianWeb(settings)
    app = peilian.app()
    url = f"http://{host}:{port}/"

    async def start_announcer(app: web.Application):
        task = asyncio.get_running_loop().create_task(announce_when_ready(settings, url))
        yield
        task.cancel()

    app.cleanup_ctx.append(start_announcer)
    print(f"==> Web page on {url} (waiting for Rasa at {settings.rasa_url})", flush=True)
    web.run_app(app, host=host, port=port, print=None, access_log=None)
