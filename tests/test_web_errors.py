"""The API's error shape for failures below the views: the database unavailable is a 503 the
widget words in Chinese, aiohttp's own refusals carry a reason, and nothing is a bare 500 page."""

from __future__ import annotations

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy.exc import OperationalError

from bot.web.errors import json_errors


async def client_for(handler) -> TestClient:
    app = web.Application(middlewares=[json_errors], client_max_size=1024)
    app.router.add_post("/api/thing", handler)
    client = TestClient(TestServer(app))
    await client.start_server()
    return client


async def test_a_locked_database_is_a_503_with_a_reason_not_a_500():
    async def locked(_request):
        raise OperationalError("INSERT INTO calls ...", {}, Exception("database is locked"))

    client = await client_for(locked)
    try:
        response = await client.post("/api/thing", json={})
        body = await response.json()
        assert response.status == 503 and body["reason"] == "database_unavailable" and "数据库" in body["error"]
    finally:
        await client.close()


async def test_a_body_past_the_limit_names_the_body():
    async def echo(request):
        return web.json_response(await request.json())

    client = await client_for(echo)
    try:
        response = await client.post("/api/thing", data=b"x" * 5000)
        body = await response.json()
        assert response.status == 413 and body == {"error": "Request Entity Too Large", "reason": "body_too_large",
                                                   "field": "body"}
    finally:
        await client.close()
