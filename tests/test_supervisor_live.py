"""`python -m bot serve all` (what `make run` starts): supervisord restarts a crashed server and
keeps the others running; stopping supervisord stops them all."""

from __future__ import annotations

import os
import signal
import tempfile
import time
import uuid
from pathlib import Path

import pytest

from tests import servers as running

pytestmark = pytest.mark.servers


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return not Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] == "Z"


def wait_for_new_pid(servers, program: str, old: int, timeout: float = 120) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pid = running.supervised_pid(servers, program)
        if pid and pid != old:
            return pid
        time.sleep(0.5)
    raise AssertionError(f"{program} was not restarted within {timeout:.0f} s")


def talk(servers, sender: str) -> str:
    """One turn of a call; the customer's words."""
    replies = servers.say(sender, "您好，星辰汽车4S店，销售顾问小李为您服务！", {"persona": "car_showroom_inbound"})
    return "".join(r.get("text", "") for r in replies)


@pytest.fixture(scope="module")
def supervised():
    workdir = Path(tempfile.mkdtemp(prefix="supervised-"))
    servers = running.start_supervised(workdir)
    yield servers
    running.stop(servers)


def test_a_killed_action_server_is_restarted_and_the_others_keep_running(supervised):
    pids = {name: running.supervised_pid(supervised, name) for name in ("actions", "rasa", "web")}
    assert all(pids.values()), pids
    os.kill(pids["actions"], signal.SIGKILL)
    new = wait_for_new_pid(supervised, "actions", pids["actions"])
    assert running.supervised_pid(supervised, "rasa") == pids["rasa"]
    assert running.supervised_pid(supervised, "web") == pids["web"]
    deadline = time.monotonic() + 60
    said = ""
    sender = f"after-restart-{uuid.uuid4().hex[:8]}"
    supervised.say(sender, "/start_call", {"persona": "car_showroom_inbound", "seed": 3})
    while not said and time.monotonic() < deadline:  # the new action server is loading
        said = talk(supervised, sender)
        time.sleep(0.5)
    assert said and alive(new)


def test_a_killed_rasa_server_is_restarted(supervised):
    old = running.supervised_pid(supervised, "rasa")
    web = running.supervised_pid(supervised, "web")
    os.kill(old, signal.SIGKILL)
    wait_for_new_pid(supervised, "rasa", old)
    running._wait(f"{supervised.rasa_url}/status?token={supervised.token}", supervised.processes[0],
                  supervised.workdir / "supervisord.out")
    assert running.supervised_pid(supervised, "web") == web


def test_stopping_supervisord_stops_every_server():
    workdir = Path(tempfile.mkdtemp(prefix="supervised-stop-"))
    servers = running.start_supervised(workdir)
    children = [running.supervised_pid(servers, name) for name in ("actions", "rasa", "web")]
    assert all(children)
    running.stop(servers)
    deadline = time.monotonic() + 30
    while any(alive(pid) for pid in children) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not any(alive(pid) for pid in children)
