"""The real servers for a test session, started with the Procfile's own commands on free ports of
127.0.0.1, with a fresh var/ (secrets, SQLite database) in a temporary folder."""

from __future__ import annotations

import contextlib
import json
import os
import random
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import requests

from bot.settings import Settings
from bot.stack import procfile, replica_ports
from tests.postgres import free_port

PROJECT = Path(__file__).resolve().parent.parent
MODEL = PROJECT / "models" / "peilian.tar.gz"
BIN = Path(sys.executable).parent


@dataclass
class Servers:
    env: Dict[str, str]
    workdir: Path
    rasa_url: str = ""
    web_url: str = ""
    personas: Optional[Path] = None
    processes: List[subprocess.Popen] = field(default_factory=list)

    @property
    def token(self) -> str:
        return (Path(self.env["PEILIAN_VAR_DIR"]) / "rasa-token").read_text().strip()

    @property
    def store(self):
        from tests.store_view import StoreView

        return StoreView(self.env["DATABASE_URL"])

    def cli(self, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "bot", *args], cwd=PROJECT, env=self.env, input=stdin,
                              capture_output=True, text=True, timeout=120)

    def add_user(self, username: str, password: str, role: str = "trainee") -> None:
        result = self.cli("users", "add", username, "--role", role, "--password-stdin", stdin=password + "\n")
        assert result.returncode == 0, result.stderr

    def set_open_practice(self, allowed: bool) -> None:
        result = self.cli("settings", "open-practice", "on" if allowed else "off")
        assert result.returncode == 0, result.stderr

    def say(self, sender: str, message: str, metadata: Optional[Dict[str, Any]] = None,
            token: Optional[str] = None) -> Any:
        """One REST-channel turn (as a script would send it); the JSON answer."""
        body: Dict[str, Any] = {"sender": sender, "message": message}
        if metadata:
            body["metadata"] = metadata
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return post_json(f"{self.rasa_url}/webhooks/rest/webhook", body, headers)


    def rest(self, body: Any, token: Optional[str] = None) -> Tuple[int, Any]:
        """(status, JSON) of one raw REST-channel request, errors included."""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        try:
            return 200, post_json(f"{self.rasa_url}/webhooks/rest/webhook", body, headers)
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    def tracker(self, sender: str) -> Dict[str, Any]:
        """Rasa's tracker, read with the token as our own tools do."""
        url = f"{self.rasa_url}/conversations/{sender}/tracker?token={self.token}"
        with urllib.request.urlopen(url, timeout=30) as response:
            return json.loads(response.read())


class Page:
    """What the widget does, over HTTP: a cookie jar, the CSRF header, JSON."""

    def __init__(self, servers) -> None:
        self.url, self.http = servers.web_url, requests.Session()
        self.csrf = self.http.get(f"{self.url}/api/session").json()["csrf_token"]

    def post(self, path: str, body: Any = None) -> requests.Response:
        return self.http.post(f"{self.url}{path}", json=body or {}, headers={"X-CSRF-Token": self.csrf})

    def start(self, persona: str = "car_showroom_inbound", seed: int = 3) -> str:
        response = self.post("/api/calls", {"persona": persona, "seed": seed, "trainee": "攻击者"})
        assert response.status_code == 201, response.text
        return response.json()["call"]["id"]

    def say(self, call_id: str, text: str) -> Dict[str, Any]:
        response = self.post(f"/api/calls/{call_id}/turns", {"text": text})
        assert response.status_code == 200, response.text
        return response.json()


def post_json(url: str, body: Any, headers: Optional[Dict[str, str]] = None) -> Any:
    data = body if isinstance(body, bytes) else json.dumps(body).encode("utf-8")
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json", **(headers or {})})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def _wait(url: str, process: subprocess.Popen, log: Path, timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url} exited early; see {log}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(1)
    raise RuntimeError(f"{url} did not come up in {timeout:.0f}s; see {log}")


def free_block(size: int) -> int:
    """The first of `size` consecutive free ports on 127.0.0.1 (replicas take the ports after the base)."""
    for _ in range(200):
        base = random.randint(20000, 60000 - size)
        try:
            with contextlib.ExitStack() as held:
                for port in range(base, base + size):
                    sock = held.enter_context(socket.socket())
                    sock.bind(("127.0.0.1", port))
            return base
        except OSError:
            continue
    raise RuntimeError(f"no {size} consecutive free ports")


def prepare(workdir: Path, env: Optional[Dict[str, str]] = None, replicas: int = 1) -> Servers:
    """A fresh var/ with secrets and schema, on free ports (replicas take the ports after Rasa's and
    the action server's); nothing started yet."""
    if not MODEL.exists():
        raise RuntimeError(f"no trained model at {MODEL}: run `make model` (make test does) first")
    workdir.mkdir(parents=True, exist_ok=True)
    var = workdir / "var"
    if replicas == 1:
        ports = {name: free_port() for name in ("PEILIAN_ACTIONS_PORT", "PEILIAN_RASA_PORT", "PEILIAN_WEB_PORT")}
    else:
        base = free_block(2 * replicas + 2)  # web, actions x N, Rasa (nginx), Rasa x N
        ports = {"PEILIAN_WEB_PORT": base, "PEILIAN_ACTIONS_PORT": base + 1,
                 "PEILIAN_RASA_PORT": base + 1 + replicas}
    environment = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
                   "PEILIAN_VAR_DIR": str(var), "DATABASE_URL": f"sqlite:///{var / 'peilian.db'}",
                   **{k: str(v) for k, v in ports.items()}, **(env or {})}
    servers = Servers(env=environment, workdir=workdir,
                      rasa_url=f"http://127.0.0.1:{ports['PEILIAN_RASA_PORT']}",
                      web_url=f"http://127.0.0.1:{ports['PEILIAN_WEB_PORT']}")
    setup = servers.cli("setup")
    if setup.returncode != 0:
        raise RuntimeError(f"`bot setup` failed:\n{setup.stdout}\n{setup.stderr}")
    return servers


def start_supervised(workdir: Path, env: Optional[Dict[str, str]] = None, replicas: int = 1) -> Servers:
    """`python -m bot serve all` (what `make run` starts): supervisord and its servers, as one process
    group; `servers.processes` holds supervisord only."""
    servers = prepare(workdir, env, replicas)
    log = workdir / "supervisord.out"
    process = subprocess.Popen([sys.executable, "-m", "bot", "serve", "all", "--replicas", str(replicas)],
                               cwd=PROJECT, env=servers.env, stdout=log.open("w"), stderr=subprocess.STDOUT,
                               start_new_session=True)
    servers.processes.append(process)
    try:
        _wait(f"{servers.web_url}/api/config", process, log)
        _wait(f"{servers.rasa_url}/status?token={servers.token}", process, log)
        if replicas > 1:
            # Behind nginx the first replica up answers for all; each must be up before the tests
            # start, or nginx takes a still-loading replica out of rotation for its fail_timeout.
            ports_of = Settings(rasa_port=int(servers.env["PEILIAN_RASA_PORT"]),
                                actions_port=int(servers.env["PEILIAN_ACTIONS_PORT"]))
            for ports in replica_ports(ports_of, replicas):
                _wait(f"http://127.0.0.1:{ports['rasa']}/status?token={servers.token}", process, log)
                _wait(f"http://127.0.0.1:{ports['actions']}/health", process, log)
            _wait_until_nginx_routes_to_each(servers, [f"127.0.0.1:{p['rasa']}" for p in replica_ports(ports_of, replicas)])
    except Exception:
        stop(servers)
        raise
    return servers


def _wait_until_nginx_routes_to_each(servers: Servers, upstreams: List[str], timeout: float = 60) -> None:
    """nginx marks a replica it could not reach while it loaded as down for its fail_timeout; ask
    through nginx until its access log shows each replica answering."""
    access_log = Path(servers.env["PEILIAN_VAR_DIR"]) / "log" / "nginx-access.log"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(urllib.error.URLError, OSError):
            urllib.request.urlopen(f"{servers.rasa_url}/status?token={servers.token}", timeout=10).read()
        text = access_log.read_text() if access_log.exists() else ""
        served = re.findall(r"/status 200 (?:[\d.:]+, )*(127\.0\.0\.1:\d+)", text)
        if set(upstreams) <= set(served):
            return
        time.sleep(0.5)
    raise RuntimeError(f"nginx did not route to every replica in {timeout:.0f}s: {upstreams}; see {access_log}")


def supervised_pid(servers: Servers, program: str) -> int:
    """The PID supervisord reports for one of its programs (0 while it is not running)."""
    config = Path(servers.env["PEILIAN_VAR_DIR"]) / "supervisord.conf"
    result = subprocess.run([str(BIN / "supervisorctl"), "-c", str(config), "pid", program],
                            capture_output=True, text=True, timeout=30)
    return int(result.stdout.strip()) if result.stdout.strip().isdigit() else 0


def start(workdir: Path, env: Optional[Dict[str, str]] = None) -> Servers:
    servers = prepare(workdir, env)
    ports = {k: servers.env[k] for k in ("PEILIAN_ACTIONS_PORT", "PEILIAN_RASA_PORT", "PEILIAN_WEB_PORT")}
    environment = servers.env
    waits = {"actions": f"http://127.0.0.1:{ports['PEILIAN_ACTIONS_PORT']}/health",
             "rasa": f"{servers.rasa_url}/",
             "web": f"{servers.web_url}/api/config"}
    logs = {}
    for name, argv in procfile().items():
        logs[name] = workdir / f"{name}.log"
        servers.processes.append(subprocess.Popen(argv, cwd=PROJECT, env=environment,
                                                  stdout=logs[name].open("w"), stderr=subprocess.STDOUT))
    try:
        for process, name in zip(servers.processes, procfile()):
            _wait(waits[name], process, logs[name])
        _wait(f"{servers.rasa_url}/status?token={servers.token}", servers.processes[1], logs["rasa"])
    except Exception:
        stop(servers)
        raise
    return servers


def stop(servers: Servers) -> None:
    for process in servers.processes:
        if process.poll() is None:
            process.terminate()
    for process in servers.processes:
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
