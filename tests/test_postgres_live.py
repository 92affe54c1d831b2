"""The three servers on one PostgreSQL database (DATABASE_URL): Rasa's tracker store and our
tables side by side, a REST call and a web call stored and graded. `PEILIAN_TEST_POSTGRES=1
make test` runs every live test this way."""

from __future__ import annotations

import shutil
import tempfile
import time

import pytest
import requests
import sqlalchemy as sa

from tests.conftest import PROJECT, new_postgres_database

pytestmark = pytest.mark.servers
META = {"persona": "car_showroom_inbound", "seed": 9, "date": "2026-11-22"}


@pytest.fixture(scope="module")
def pg_servers(postgres_url):
    from tests import servers as running

    (PROJECT / "test-output").mkdir(exist_ok=True)
    workdir = tempfile.mkdtemp(prefix="servers-pg-", dir=PROJECT / "test-output")
    instance = running.start(__import__("pathlib").Path(workdir),
                             env={"DATABASE_URL": new_postgres_database(postgres_url), "PEILIAN_RING_MS": "1000"})
    yield instance
    running.stop(instance)
    shutil.rmtree(workdir, ignore_errors=True)


def test_calls_over_rest_and_the_web_land_in_postgresql(pg_servers):
    servers = pg_servers
    assert servers.env["DATABASE_URL"].startswith("postgresql://")
    for text in ("您好，星辰汽车4S店，销售顾问小李为您服务！", "请问您贵姓？"):
        servers.say("pg-rest-1", text, META)
    last = servers.say("pg-rest-1", "好的王先生，谢谢您的来电，再见！", META)
    card = next(r["custom"]["scorecard"] for r in last if (r.get("custom") or {}).get("event") == "scorecard")

    http = requests.Session()
    csrf = http.get(f"{servers.web_url}/api/session").json()["csrf_token"]
    post = lambda path, body=None: http.post(f"{servers.web_url}{path}", json=body or {},  # noqa: E731
                                             headers={"X-CSRF-Token": csrf})
    call_id = post("/api/calls", {"persona": "car_showroom_inbound", "trainee": "王五"}).json()["call"]["id"]
    time.sleep(0.1)
    assert post(f"/api/calls/{call_id}/answer").json()["rings"] == 1
    post(f"/api/calls/{call_id}/turns", {"text": "您好，星辰汽车4S店，销售顾问小李为您服务！"})
    ended = post(f"/api/calls/{call_id}/hangup").json()
    assert ended["ended"]
    graded = ended["scorecard"]
    passed = {c["id"] for c in graded["criteria"] if c["passed"]}
    # A proper greeting, then the trainee hung up on the customer's first question (不可摔电话).
    assert "greeting" in passed
    assert not passed & {"name_capture", "invitation", "closing", "contact_exchange", "confirmation", "courtesy"}
    assert graded["score"] == sum(c["points"] for c in graded["criteria"] if c["passed"]) < graded["max_score"]

    engine = sa.create_engine(servers.env["DATABASE_URL"])
    with engine.connect() as connection:
        tables = set(sa.inspect(connection).get_table_names())
        assert {"events", "calls", "turns", "scorecards", "users", "alembic_version"} <= tables
        rows = connection.execute(sa.text("SELECT id, source, trainee, status FROM calls ORDER BY created_at")).all()
        senders = {r[0] for r in connection.execute(sa.text("SELECT DISTINCT sender_id FROM events"))}
    engine.dispose()
    assert [(r.source, r.status) for r in rows] == [("rest", "ended"), ("widget", "ended")]
    assert rows[0].id == card["call_id"] and rows[1].id == call_id and rows[1].trainee == "王五"
    assert {"pg-rest-1", f"web-{call_id}"} <= senders  # Rasa's conversations in the same database
    assert servers.store.get_call(call_id)["scorecard"] == ended["scorecard"]
