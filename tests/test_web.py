"""The web app's JSON API and files, on aiohttp's test server (no Rasa needed for these)."""

from __future__ import annotations

import re

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.web.app import STATIC, PeilianWeb, Settings


@pytest.fixture
async def client():
    app = PeilianWeb(Settings(rasa_url="http://localhost:9")).app()  # nothing listens on port 9
    async with TestClient(TestServer(app)) as test_client:
        yield test_client


async def test_persona_cards_describe_each_scenario(client):
    response = await client.get("/api/personas")
    cards = {c["id"]: c for c in (await response.json())["personas"]}
    assert {"car_showroom_inbound", "truck_followup_outbound"} <= set(cards)
    truck = cards["truck_followup_outbound"]
    assert truck["direction_label"] == "电话回访/预约" and truck["customer"] == "马师傅" and truck["phone"]
    assert "customer" not in cards["car_showroom_inbound"]  # an inbound caller is unknown
    assert response.headers["Access-Control-Allow-Origin"] == "*"


async def test_config_points_the_browser_at_rasa_on_the_page_host(client):
    config = await (await client.get("/api/config", headers={"Host": "trainer.example:8000"})).json()
    assert config["rasa_url"] == "http://trainer.example:9" and config["max_message_chars"] == 300
    card = config["record_card"]
    assert [f["id"] for f in card["fields"]] == ["name", "phone", "interest", "budget", "visit", "class"]
    assert card["classes"][0] == {"class": "A", "meaning": "购买意向强烈，1–2天内购买", "next_call": "每天跟进一次"}


@pytest.mark.parametrize("body, field", [
    ("not json", None),
    ({"card": {"phone": 13912345678}}, "phone"),
    ({"card": {"class": "Z"}}, "class"),
    ({"card": {"visit": "周" * 101}}, "visit"),
])
async def test_bad_record_cards_get_400_naming_the_field(client, body, field):
    kwargs = {"data": body} if isinstance(body, str) else {"json": body}
    response = await client.post("/api/calls/abc/record-card", **kwargs)
    assert response.status == 400
    assert (await response.json()).get("field") == field


async def test_rasa_down_is_a_clear_503_not_a_crash(client):
    response = await client.post("/api/calls/abc/record-card", json={"card": {"class": "C"}})
    assert response.status == 503 and "not reachable" in (await response.json())["error"]


async def test_preflight_and_unknown_api_paths(client):
    assert (await client.options("/api/calls/x/record-card")).status == 204
    missing = await client.get("/api/nothing")
    assert missing.status == 404 and "error" in await missing.json()


async def test_the_page_is_the_documented_two_line_embed(client):
    html = await (await client.get("/")).text()
    assert '<div id="peilian"></div>' in html and '<script src="/widget.js"></script>' in html
    assert (await client.get("/widget.js")).status == 200


def test_the_vendored_socketio_client_is_the_pinned_version():
    (vendored,) = (STATIC / "vendor").glob("socket.io-*.min.js")
    pinned = re.search(r"socket\.io-(\d+\.\d+\.\d+)\.min\.js", vendored.name).group(1)
    assert f"Socket.IO v{pinned}" in vendored.read_text(encoding="utf-8")[:200]
    assert pinned.split(".")[0] in ("3", "4")  # what python-socketio 5 (Rasa 3.6) speaks
    assert vendored.name in (STATIC / "widget.js").read_text(encoding="utf-8")
