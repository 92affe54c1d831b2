"""Bad input while a class is on the line: every malformed, hostile or oversized request to the web
app and to Rasa's REST channel, sent concurrently with ten normal calls, gets a 4xx that names what
is wrong (never a 5xx), and every normal call still ends with a stored scorecard."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any, Dict, List, Tuple, Union

import aiohttp
import pytest

pytestmark = pytest.mark.servers
NORMAL_CALLS = 10
TURNS = ("您好，星辰汽车4S店，销售顾问小李为您服务！", "X5的指导价是十八万八起，现在店里有两万的优惠", "请问您贵姓？",
         "您看周六上午还是周日下午方便来店里看看？", "好的，那我们周六上午见，谢谢您的来电，再见！")  # fmt: skip
HUGE = "x" * 1_000_000
Body = Union[Dict[str, Any], bytes, list, str]
BAD_TEXTS: List[Any] = ["", "   \n\t", "好" * 10_000, "😀🎉🔥", "<script>alert(1)</script><img src=x onerror=alert(2)>",
                        "' OR 1=1 --; DROP TABLE calls;", "\x00\x1b[2J\x07", 123, ["列表"], {"text": "嵌套"}, None]  # fmt: skip


def bad_turns(call_id: str) -> List[Tuple[str, Body]]:
    turns: List[Tuple[str, Body]] = [(f"/api/calls/{call_id}/turns", {"text": t}) for t in BAD_TEXTS]
    return turns + [
        (f"/api/calls/{call_id}/turns", b'{"text": "unterminated'),
        (f"/api/calls/{call_id}/turns", b"\xff\xfe not utf-8"),
        (f"/api/calls/{call_id}/turns", {"text": "你好", "metadata": {"junk": HUGE}}),
        (f"/api/calls/{uuid.uuid4().hex}/turns", {"text": "别人的电话"}),
        ("/api/calls/../../etc/passwd/turns", {"text": "路径"}),
        ("/api/calls", {"persona": "no_such_persona"}),
        ("/api/calls", {"persona": "car_showroom_inbound", "seed": "七"}),
        ("/api/calls", [1, 2, 3]),
    ]


def bad_rest() -> List[Body]:
    found: List[Body] = [{"sender": f"bad-{n}", "message": t} for n, t in enumerate(BAD_TEXTS)]
    return found + [
        b'{"sender": "bad-json", "message": ',
        {"message": "没有 sender"},
        {"sender": "../../etc/passwd", "message": "你好"},
        {"sender": "x" * 500, "message": "你好"},
        {"sender": "bad-persona", "message": "/start_call", "metadata": {"persona": "no_such_persona"}},
        {"sender": "bad-meta", "message": "你好", "metadata": {"junk": HUGE}},
        {"sender": "bad-type", "message": "你好", "metadata": "not a mapping"},
        ["not", "an", "object"],
    ]


async def post(session: aiohttp.ClientSession, url: str, body: Body, headers: Dict[str, str]) -> Tuple[int, Any]:
    data = body if isinstance(body, bytes) else json.dumps(body).encode("utf-8")
    try:
        async with session.post(url, data=data, headers={"Content-Type": "application/json", **headers}) as r:
            text = await r.text(errors="replace")
            try:
                return r.status, json.loads(text)
            except ValueError:
                return r.status, text
    except aiohttp.ServerDisconnectedError:
        return 413, None  # a server may close the line on a body past its limit instead of reading it


async def web_session(web_url: str) -> Tuple[aiohttp.ClientSession, Dict[str, str]]:
    # unsafe=True: aiohttp keeps no cookies from an IP address (127.0.0.1) otherwise.
    session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=120), cookie_jar=aiohttp.CookieJar(unsafe=True))
    async with session.get(f"{web_url}/api/session") as response:
        csrf = (await response.json())["csrf_token"]
    return session, {"X-CSRF-Token": csrf}


async def normal_call(web_url: str, number: int) -> Dict[str, Any]:
    session, headers = await web_session(web_url)
    async with session:
        status, created = await post(session, f"{web_url}/api/calls",
                                     {"persona": "car_showroom_inbound", "seed": number, "trainee": f"学员{number}"},
                                     headers)  # fmt: skip
        assert status == 201, created
        call_id = created["call"]["id"]
        assert (await post(session, f"{web_url}/api/calls/{call_id}/answer", {}, headers))[0] == 200
        last: Dict[str, Any] = {}
        for text in TURNS:
            status, last = await post(session, f"{web_url}/api/calls/{call_id}/turns", {"text": text}, headers)
            assert status == 200 and last["messages"], (text, last)
            if last["ended"]:
                break
        if not last["ended"]:
            status, last = await post(session, f"{web_url}/api/calls/{call_id}/hangup", {}, headers)
        return {"call_id": call_id, **last}


async def attacker(web_url: str, rest_url: str, token: str) -> List[Tuple[str, int, Any]]:
    session, headers = await web_session(web_url)
    results: List[Tuple[str, int, Any]] = []
    async with session:
        _, created = await post(session, f"{web_url}/api/calls", {"persona": "car_showroom_inbound"}, headers)
        call_id = created["call"]["id"]
        await post(session, f"{web_url}/api/calls/{call_id}/answer", {}, headers)
        web_requests = [post(session, f"{web_url}{path}", body, headers) for path, body in bad_turns(call_id)]
        rest_requests = [post(session, rest_url, body, {"Authorization": f"Bearer {token}"}) for body in bad_rest()]
        answers = await asyncio.gather(*web_requests, *rest_requests)
    names = [f"web {p} {str(b)[:40]!r}" for p, b in bad_turns(call_id)] + [f"rest {str(b)[:40]!r}" for b in bad_rest()]
    results.extend((name, status, body) for name, (status, body) in zip(names, answers, strict=True))
    return results


async def everything(servers) -> Tuple[List[Dict[str, Any]], List[Tuple[str, int, Any]]]:
    rest_url = f"{servers.rasa_url}/webhooks/rest/webhook"
    normal = [normal_call(servers.web_url, n) for n in range(NORMAL_CALLS)]
    results = await asyncio.gather(*normal, attacker(servers.web_url, rest_url, servers.token))
    return list(results[:-1]), results[-1]


def test_bad_input_during_ten_calls_never_gives_a_server_error(servers):
    calls, bad = asyncio.run(everything(servers))
    server_errors = [(name, status, body) for name, status, body in bad if status >= 500]
    assert not server_errors
    for name, status, body in bad:
        if status == 200:
            continue  # odd but harmless text is a turn the customer answers
        assert 400 <= status < 500, (name, status)
        if isinstance(body, dict):  # Sanic's own 413 on a body past its limit has no JSON
            assert body.get("field") or body.get("reason") or body.get("problems"), (name, body)
    for call in calls:
        assert call["ended"] and call["scorecard"] and call["scorecard"]["score"] is not None, call
        stored = servers.store.get_call(call["call_id"])
        assert stored["scorecard"] and len([t for t in stored["turns"] if t["speaker"] == "trainee"]) >= 4
