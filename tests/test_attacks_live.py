"""Every way a score was forged or a call reached before (issue: trust), tried against the real
servers. Each must fail."""

from __future__ import annotations

import os
import time
import urllib.error
import uuid
from pathlib import Path
from typing import List

import pytest
import requests

from tests.servers import Page

pytestmark = pytest.mark.servers
META = {"persona": "car_showroom_inbound", "seed": 3, "date": "2026-11-22"}
GREETING = "您好，星辰汽车4S店，销售顾问小李为您服务！"


def listening_addresses(port: int) -> List[str]:
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hexport = local.rsplit(":", 1)
            if state == "0A" and int(hexport, 16) == port:
                found.append(address)
    return found


def test_every_server_listens_on_loopback_only(servers):
    for name in ("PEILIAN_ACTIONS_PORT", "PEILIAN_RASA_PORT", "PEILIAN_WEB_PORT"):
        addresses = listening_addresses(int(servers.env[name]))
        assert addresses and set(addresses) <= {"0100007F"}, (name, addresses)  # 127.0.0.1


def test_rasa_http_api_needs_the_token(servers):
    sender = f"victim-{uuid.uuid4().hex[:6]}"
    servers.say(sender, GREETING, META)
    forged = [{"event": "slot", "name": "call", "value": {"ended_by": "customer", "end_reason": "goodbye"}}]
    for token in (None, "wrong-token"):
        params = {"token": token} if token else {}
        assert requests.get(f"{servers.rasa_url}/conversations/{sender}/tracker", params=params).status_code == 401
        events = requests.post(f"{servers.rasa_url}/conversations/{sender}/tracker/events", json=forged, params=params)
        assert events.status_code == 401
    assert servers.tracker(sender)["slots"]["call"]["ended_by"] is None


def test_rasa_sends_no_cors_headers_to_another_origin(servers):
    evil = {"Origin": "https://evil.example"}
    preflight = requests.options(f"{servers.rasa_url}/conversations/x/tracker/events",
                                 headers={**evil, "Access-Control-Request-Method": "POST"})
    assert "Access-Control-Allow-Origin" not in preflight.headers
    webhook = requests.post(f"{servers.rasa_url}/webhooks/rest/webhook", headers=evil,
                            json={"sender": "cors-1", "message": GREETING, "metadata": META})
    assert "Access-Control-Allow-Origin" not in webhook.headers


@pytest.mark.parametrize("body, field", [
    ({"message": GREETING}, "sender"),
    ({"sender": "", "message": GREETING}, "sender"),
    ({"sender": "web-0123456789", "message": GREETING}, "sender"),
    ({"sender": "a", "message": GREETING, "metadata": {"seed": "abc"}}, "metadata.seed"),
    ({"sender": "a", "message": GREETING, "metadata": {"date": "2026-02-30"}}, "metadata.date"),
    ({"sender": "a", "message": GREETING, "metadata": {"rings": -5}}, "metadata.rings"),
    ({"sender": "a", "message": GREETING, "metadata": {"rings": 0}}, "metadata.rings"),
    ({"sender": "a", "message": GREETING, "metadata": {"trainee": "alice"}}, "metadata.trainee"),
    ({"sender": "a", "message": "好" * 301}, "message"),
    ({"sender": "a", "message": GREETING, "metadata": {"date": "9999-12-31"}}, "metadata.date"),
])
def test_rest_refuses_bad_requests_naming_the_field(servers, body, field):
    status, answer = servers.rest(body)
    assert status == 400 and field in [p["field"] for p in answer["problems"]]


def test_rest_names_every_problem_at_once(servers):
    status, answer = servers.rest({"message": "", "metadata": {"seed": "abc", "date": "x"}})
    assert status == 400
    assert {p["field"] for p in answer["problems"]} == {"sender", "message", "metadata.seed", "metadata.date"}


def test_deeply_nested_json_is_refused_not_a_server_error(servers):
    status, answer = servers.rest(b"[" * 15000)  # under the 16 KB limit, past the recursion limit
    assert status == 400 and answer["reason"] == "bad_json"


def test_five_megabytes_of_metadata_are_refused_and_not_stored(servers):
    if not servers.env["DATABASE_URL"].startswith("sqlite"):
        pytest.skip("measures the SQLite file's growth")
    database = Path(servers.env["PEILIAN_VAR_DIR"]) / "peilian.db"
    size = lambda: sum(p.stat().st_size for p in database.parent.glob("peilian.db*"))  # noqa: E731
    before = size()
    body = {"sender": "junk-1", "message": GREETING, "metadata": {**META, "junk": "x" * 5_000_000}}
    try:
        status, _ = servers.rest(body)
    except urllib.error.URLError:  # Sanic answers 413 and closes the line before reading it all
        status = 413
    assert status == 413
    half = {"sender": "junk-2", "message": GREETING, "metadata": {**META, "junk": "x" * 500_000}}
    status, answer = servers.rest(half)  # under Sanic's 1 MB limit: our channel's 16 KB refuses it
    assert status == 400 and answer["reason"] == "body_too_large"
    assert size() - before < 100_000


def test_typed_commands_are_words_and_cannot_wipe_or_end_a_call(servers):
    page = Page(servers)
    call_id = page.start()
    time.sleep(0.2)
    assert page.post(f"/api/calls/{call_id}/answer").status_code == 200
    page.say(call_id, GREETING)
    rude = page.say(call_id, "你到底买不买？烦死了")
    for typed in ("/restart", "/goodbye", '/ask_name{"addressee": "王先生"}', "开始", "挂断"):
        reply = page.say(call_id, typed)
        assert not reply["ended"] and reply["messages"], typed  # still on the line, and answered
        # Garbled turns in a row wear the customer out (bot.customer.misheard): a clear one between.
        assert not page.say(call_id, "好的")["ended"]
    page.say(call_id, "请问您贵姓？")
    last = page.say(call_id, "好的王先生，谢谢您的来电，再见！")
    assert last["ended"] and last["scorecard"]
    stored = servers.store.get_call(call_id)
    trainee_lines = [t["text"] for t in stored["turns"] if t["speaker"] == "trainee"]
    assert "你到底买不买？烦死了" in trainee_lines and "／restart" in trainee_lines  # nothing wiped
    assert stored["scorecard"] == last["scorecard"] and rude["messages"]
    courtesy = next(c for c in stored["scorecard"]["criteria"] if c["id"] == "courtesy")
    assert not courtesy["passed"]
    name = next(c for c in stored["scorecard"]["criteria"] if c["id"] == "name_capture")
    assert not any("ask_name" in e["text"] for e in name["evidence"])  # no injected addressee entity

    # The stored scorecard and a re-grade of the exported call agree.
    exported = Path(servers.workdir) / f"{call_id}.yml"
    assert servers.cli("export", call_id, "-o", str(exported)).returncode == 0
    regrade = servers.cli("grade", "--json", str(exported))
    import json

    assert json.loads(regrade.stdout)["score"] == stored["scorecard"]["score"]


def test_the_ring_count_is_measured_by_the_server(servers):
    page = Page(servers)
    call_id = page.start()
    ring_ms = int(servers.env.get("PEILIAN_RING_MS", "3000"))
    time.sleep(ring_ms * 3.2 / 1000)  # the fourth ring has sounded
    answered = page.post(f"/api/calls/{call_id}/answer", {"rings": 0}).json()
    assert answered["rings"] == 4
    forged = page.post("/api/calls", {"persona": "car_showroom_inbound", "rings": 0})
    assert forged.status_code == 400 and forged.json()["field"] == "rings"
    page.say(call_id, GREETING)
    page.post(f"/api/calls/{call_id}/hangup")
    stored = servers.store.get_call(call_id)
    assert stored["rings"] == 4
    greeting = next(c for c in stored["scorecard"]["criteria"] if c["id"] == "greeting")
    assert not greeting["passed"]  # more than three rings without 让您久等了


def test_another_browser_cannot_touch_the_call(servers):
    owner, other = Page(servers), Page(servers)
    call_id = owner.start()
    assert owner.post(f"/api/calls/{call_id}/answer").status_code == 200
    for action, body in (("turns", {"text": "您好"}), ("hangup", {}), ("record-card", {"card": {"class": "A"}})):
        assert other.post(f"/api/calls/{call_id}/{action}", body).status_code == 404
    assert other.http.get(f"{servers.web_url}/api/calls/{call_id}").status_code == 404
    assert owner.http.get(f"{servers.web_url}/api/calls/{call_id}").status_code == 200


def test_only_rasa_can_run_actions(servers):
    """A forged tracker posted to the action server would grade and store any turns for anyone."""
    url = f"http://127.0.0.1:{servers.env['PEILIAN_ACTIONS_PORT']}/webhook"
    forged = {"next_action": "action_trainee_hung_up", "sender_id": "forged-1", "version": "3.6.2",
              "tracker": {"sender_id": "forged-1", "slots": {}, "latest_message": {"text": "/hangup", "metadata":
                          {"source": "widget", "user_id": 1}}, "events": []}, "domain": {}}
    assert requests.post(url, json=forged).status_code == 401
    assert requests.post(url, json=forged, params={"token": "guess"}).status_code == 401
    plain = requests.post(url, data=__import__("json").dumps(forged), params={"token": "guess"},
                          headers={"Content-Type": "text/plain", "Origin": "https://evil.example"})
    assert plain.status_code == 401 and "Access-Control-Allow-Origin" not in plain.headers
    assert servers.store.call_of_conversation("forged-1") is None


def test_a_call_left_open_is_hung_up_and_graded_when_the_next_begins(servers):
    page = Page(servers)
    abandoned = page.start()
    assert page.post(f"/api/calls/{abandoned}/answer").status_code == 200
    page.say(abandoned, "喂？你谁啊，有事快说")  # rude, then the tab is closed
    page.start()  # a clean new call from the same browser
    stored = servers.store.get_call(abandoned)
    assert stored["status"] == "ended" and stored["hangup_by"] == "trainee"
    assert "喂？你谁啊，有事快说" in [t["text"] for t in stored["turns"]]
    graded = stored["scorecard"]
    verdicts = {c["id"]: c["passed"] for c in graded["criteria"]}
    assert verdicts["greeting"] is False and verdicts["courtesy"] is False  # 喂 and 你谁啊: neither passes
    assert graded["score"] == sum(c["points"] for c in graded["criteria"]) < graded["max_score"]


def test_the_secrets_are_generated_into_var_and_owner_only(servers):
    var = Path(servers.env["PEILIAN_VAR_DIR"])
    assert var.stat().st_mode & 0o777 == 0o700
    if servers.env["DATABASE_URL"].startswith("sqlite"):  # transcripts and password hashes
        assert (var / "peilian.db").stat().st_mode & 0o777 == 0o600
    for name in ("rasa-token", "actions-token", "session-key"):
        mode = (var / name).stat().st_mode & 0o777
        assert mode == 0o600, (name, oct(mode))
    assert servers.token not in " ".join(open(f"/proc/{p.pid}/cmdline").read() for p in servers.processes
                                         if os.path.exists(f"/proc/{p.pid}/cmdline"))
