"""Page times of the evaluators' workspace over a database of N stored calls (default 1,000).

    .venv/bin/python bench/workspace.py [--calls 1000]

The calls are the labelled transcripts of tests/golden graded once by the trained model, then
stored N times over (different trainees and days) with evaluator reviews on a tenth of them.
Prints a table and writes it into bench/results.md (section "Workspace pages").
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.report import write_section  # noqa: E402

PAGES = [
    "/review",
    "/review?failed=invitation",
    "/review?state=reviewed&sort=score",
    "/review/calls/{id}",
    "/review/calibration",
    "/review/analytics",
    "/review/export.csv",
    "/api/calls",
]


def seed(db, calls: int) -> list:
    from bot.grading import Grader
    from bot.nlu.model import ModelParser
    from bot.store import calls as store
    from bot.store import reviews, users
    from bot.store.schema import Call
    from bot.transcript import load_transcript

    print("==> grading tests/golden once with the trained model", flush=True)
    grader = Grader(ModelParser())
    files = sorted((ROOT / "tests" / "golden").glob("*.yml"))
    graded = [(t, grader.grade(t)) for t in (load_transcript(p) for p in files)]
    evaluator = users.add_user(db, "bench-eva", "bench password", "evaluator")
    trainees = [users.add_user(db, f"trainee{i:02d}", "bench password", "trainee") for i in range(30)]
    rng = random.Random(7)
    ids = []
    print(f"==> storing {calls} calls", flush=True)
    start = datetime(2026, 9, 1)
    for i in range(calls):
        transcript, card = graded[i % len(graded)]
        trainee = trainees[i % len(trainees)]
        call_id = store.finish_call(
            db,
            conversation_id=f"bench-{i}",
            source="rest",
            transcript=transcript,
            scorecard=card,
            trainee=trainee.username,
            user_id=trainee.id,
            call_date=date(2026, 9, 1),
        )
        when = start + timedelta(hours=rng.randrange(0, 24 * 80))
        with db.session() as session:
            row = session.get(Call, call_id)
            row.created_at, row.answered_at, row.ended_at = when, when, when + timedelta(seconds=rng.randrange(60, 400))
        if i % 10 == 0:
            given = {c.id: (c.passed if rng.random() > 0.2 else not c.passed) for c in card.criteria}
            reviews.submit_verdicts(db, call_id, evaluator.id, given, {c: "bench" for c in given})
        ids.append(call_id)
    return ids


async def time_pages(db, settings, call_id: str, rounds: int) -> list:
    from aiohttp.test_utils import TestClient, TestServer

    from bot.web.app import create_app

    client = TestClient(TestServer(create_app(settings, db, sweep=False)))
    await client.start_server()
    try:
        csrf = (await (await client.get("/api/session")).json())["csrf_token"]
        login = await client.post(
            "/api/login", json={"username": "bench-eva", "password": "bench password"}, headers={"X-CSRF-Token": csrf}
        )
        assert login.status == 200, await login.text()
        rows = []
        for page in PAGES:
            path = page.format(id=call_id)
            times = []
            for _ in range(rounds):
                began = time.perf_counter()
                response = await client.get(path)
                await response.read()
                times.append((time.perf_counter() - began) * 1000)
                assert response.status == 200, (path, response.status)
            rows.append((page, statistics.median(times), max(times)))
        return rows
    finally:
        await client.close()


def write_results(rows, calls: int) -> str:
    table = [
        f"Workspace pages ({calls} stored calls, SQLite, {os.cpu_count()} cores, {date.today()})",
        "",
        "| page | median ms | max ms |",
        "|---|---|---|",
    ]
    table += [f"| `{page}` | {median:.0f} | {worst:.0f} |" for page, median, worst in rows]
    return write_section("Workspace pages", "\n".join(table))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="peilian-bench-"))
    os.environ["PEILIAN_VAR_DIR"] = str(folder / "var")
    os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'bench.db'}"
    from bot.settings import Settings
    from bot.store.database import Database

    settings = Settings.from_env()
    db = Database(settings.database_url)
    db.upgrade()
    ids = seed(db, args.calls)
    rows = asyncio.run(time_pages(db, settings, ids[len(ids) // 2], args.rounds))
    print(write_results(rows, args.calls))
    return 0


if __name__ == "__main__":
    sys.exit(main())
