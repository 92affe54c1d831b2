"""Two Rasa replicas behind nginx on a shared PostgreSQL tracker store and Redis lock store: the
turns of 20 calls, interleaved, are all served by both replicas, and the store keeps every turn of
every call exactly once, in order, each answered."""

from __future__ import annotations

import asyncio
import json
import re
import tempfile
from collections import Counter
from pathlib import Path
from typing import Dict, List

import aiohttp
import pytest
import sqlalchemy as sa

from tests import servers as running
from tests.postgres import binaries_missing, postgres_server
from tests.redis_server import binary_missing, redis_server

pytestmark = [
    pytest.mark.servers,
    pytest.mark.skipif(bool(binaries_missing()), reason=binaries_missing() or ""),
    pytest.mark.skipif(bool(binary_missing()), reason=binary_missing() or ""),
]
CALLS = 20
TURNS = (
    "您好，星辰汽车4S店，销售顾问小李为您服务！",
    "X5的指导价是十八万八起，现在店里有两万的优惠",
    "请问您贵姓？",
    "您看周六上午还是周日下午方便来店里看看？",
    "我们店在滨江路88号",
    "好的，那我们周六上午见，谢谢您的来电，再见！",
)


@pytest.fixture(scope="module")
def replicas():
    with postgres_server() as database_url, redis_server() as redis_url:
        workdir = Path(tempfile.mkdtemp(prefix="replicas-"))
        servers = running.start_supervised(workdir, {"DATABASE_URL": database_url, "REDIS_URL": redis_url},
                                           replicas=2)
        try:
            yield servers
        finally:
            running.stop(servers)


async def play(session: aiohttp.ClientSession, url: str, sender: str, number: int) -> List[str]:
    """One call, turn by turn; the customer's answers (a list per turn)."""
    answers = []
    async with session.post(url, json={"sender": sender, "message": "/start_call",
                                       "metadata": {"persona": "car_showroom_inbound", "seed": number}}) as r:
        assert r.status == 200, await r.text()
    for text in TURNS:
        await asyncio.sleep(0.05 * (number % 3))  # the calls' turns interleave
        async with session.post(url, json={"sender": sender, "message": text}) as response:
            assert response.status == 200, await response.text()
            answers.append(json.dumps(await response.json(), ensure_ascii=False))
    return answers


async def play_all(url: str) -> Dict[str, List[str]]:
    senders = [f"replica-call-{n:02d}" for n in range(CALLS)]
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=300)) as session:
        answers = await asyncio.gather(*(play(session, url, s, n) for n, s in enumerate(senders)))
    return dict(zip(senders, answers, strict=True))


def test_twenty_interleaved_calls_over_two_replicas_lose_duplicate_and_reorder_nothing(replicas):
    answers = asyncio.run(play_all(f"{replicas.rasa_url}/webhooks/rest/webhook"))
    assert all("text" in a for per_call in answers.values() for a in per_call)  # every turn answered

    # Both replicas served turns (nginx logs the upstream of each request).
    log = (Path(replicas.env["PEILIAN_VAR_DIR"]) / "log" / "nginx-access.log").read_text()
    upstreams = Counter(re.findall(r"webhook \d{3} (127\.0\.0\.1:\d+)", log))
    assert len(upstreams) == 2 and min(upstreams.values()) >= CALLS, upstreams

    engine = sa.create_engine(replicas.env["DATABASE_URL"])
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text("SELECT sender_id, type_name, data FROM events WHERE sender_id LIKE 'replica-call-%' ORDER BY id")
        ).all()
    engine.dispose()
    for sender in answers:
        events = [(t, json.loads(d)) for s, t, d in rows if s == sender]
        said = [e["text"] for t, e in events if t == "user"]
        assert said == ["/start_call", *TURNS], sender  # each turn once, in the order sent
        # After each trainee turn the customer spoke (a bot event) before the next turn.
        kinds = [t for t, _ in events if t in ("user", "bot")]
        turns_answered = sum(1 for a, b in zip(kinds, kinds[1:]) if a == "user" and b == "bot")
        assert turns_answered >= len(TURNS), (sender, kinds)
