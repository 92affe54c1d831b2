"""Faults a class meets: the action server or Rasa going down mid-call, the database busy. The
customer keeps talking in character, the call resumes where it was, and no turn is lost."""

from __future__ import annotations

import sqlite3
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import pytest

from bot.customer.misheard import LINE_DROPPED
from bot.store import calls
from tests import servers as running
from tests.servers import PROJECT, Page, procfile

pytestmark = pytest.mark.servers
GREETING = "您好，星辰汽车4S店，销售顾问小李为您服务！"


@pytest.fixture
def own_servers():
    """Servers of this test alone: it stops and restarts them."""
    servers = running.start(Path(tempfile.mkdtemp(prefix="faults-")))
    yield servers
    running.stop(servers)


def restart(servers, index: int, name: str, ready_url: str) -> None:
    """Start the Procfile's `name` again in place of servers.processes[index] (as supervisord would)."""
    log = servers.workdir / f"{name}-restarted.log"
    process = subprocess.Popen(procfile()[name], cwd=PROJECT, env=servers.env, stdout=log.open("w"),
                               stderr=subprocess.STDOUT)
    servers.processes[index] = process
    running._wait(ready_url, process, log)


def stop(servers, index: int) -> None:
    servers.processes[index].terminate()
    servers.processes[index].wait(timeout=30)


def user_turns(servers, conversation_id: str):
    return [e["text"] for e in servers.tracker(conversation_id)["events"] if e["event"] == "user"]


def start_call(page: Page) -> str:
    call_id = page.start()
    assert page.post(f"/api/calls/{call_id}/answer").status_code == 200
    return call_id


def conversation_of(servers, call_id: str) -> str:
    return calls.get_call(servers.store.db, call_id).conversation_id


def test_action_server_down_the_customer_still_answers_and_the_call_resumes(own_servers):
    servers, page = own_servers, Page(own_servers)
    call_id = start_call(page)
    (line, *_) = page.say(call_id, GREETING)["messages"]
    spoken = page.http.get(page.url + line["speech"])  # the customer's line, as Mandarin speech
    assert spoken.status_code == 200 and spoken.headers["Content-Type"] == "audio/wav"
    stop(servers, 0)  # the action server

    answer = page.say(call_id, "请问您贵姓？")
    assert answer["unheard"] is True and [m["text"] for m in answer["messages"]] == [LINE_DROPPED] and not answer["ended"]

    restart(servers, 0, "actions", f"http://127.0.0.1:{servers.env['PEILIAN_ACTIONS_PORT']}/health")
    again = page.say(call_id, "请问您贵姓？")
    assert not again.get("unheard") and again["messages"] and again["messages"][0]["text"] != LINE_DROPPED
    ended = page.post(f"/api/calls/{call_id}/hangup").json()
    assert ended["ended"] and ended["scorecard"]["score"] is not None
    conversation = conversation_of(servers, call_id)
    assert user_turns(servers, conversation).count("请问您贵姓？") == 2  # both tries kept, in order


def test_rasa_restarted_mid_call_the_call_resumes_with_nothing_lost(own_servers):
    servers, page = own_servers, Page(own_servers)
    call_id = start_call(page)
    page.say(call_id, GREETING)
    page.say(call_id, "X5的指导价是十八万八起，现在店里有两万的优惠")
    conversation = conversation_of(servers, call_id)
    before = user_turns(servers, conversation)
    stop(servers, 1)  # Rasa

    down = page.post(f"/api/calls/{call_id}/turns", {"text": "请问您贵姓？"})
    assert down.status_code == 503 and down.json()["reason"] == "rasa_down"

    restart(servers, 1, "rasa", f"{servers.rasa_url}/status?token={servers.token}")
    answer = page.say(call_id, "请问您贵姓？")
    assert answer["messages"] and not answer.get("unheard")
    assert user_turns(servers, conversation) == [*before, "请问您贵姓？"]  # nothing lost, nothing doubled
    ended = page.post(f"/api/calls/{call_id}/hangup").json()
    assert ended["ended"] and ended["scorecard"] is not None


def test_a_busy_database_delays_a_turn_but_loses_nothing(own_servers):
    servers, page = own_servers, Page(own_servers)
    call_id = start_call(page)
    page.say(call_id, GREETING)
    database = servers.env["DATABASE_URL"].removeprefix("sqlite:///")
    locked = threading.Event()

    def hold_the_database() -> None:
        connection = sqlite3.connect(database, timeout=30)
        connection.execute("BEGIN EXCLUSIVE")  # nobody else writes (or, in WAL, checkpoints) meanwhile
        locked.set()
        time.sleep(3)
        connection.rollback()
        connection.close()

    holder = threading.Thread(target=hold_the_database)
    holder.start()
    locked.wait(10)
    answer = page.say(call_id, "请问您贵姓？")  # waits for the lock (busy_timeout), then goes through
    holder.join()
    assert answer["messages"]
    assert "请问您贵姓？" in user_turns(servers, conversation_of(servers, call_id))
