"""Start and stop the real action server and Rasa server on private ports for a test session."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional

PROJECT = Path(__file__).resolve().parent.parent
MODEL = PROJECT / "models" / "peilian.tar.gz"
BIN = Path(sys.executable).parent


@dataclass
class Servers:
    rasa_url: str
    actions_url: str
    workdir: Path
    web_url: str = ""
    personas: Optional[Path] = None

    def say(self, sender: str, message: str, metadata: Optional[Dict[str, Any]] = None) -> List[Dict[str, Any]]:
        body = {"sender": sender, "message": message}
        if metadata:
            body["metadata"] = metadata
        return post_json(f"{self.rasa_url}/webhooks/rest/webhook", body)

    def tracker(self, sender: str) -> Dict[str, Any]:
        with urllib.request.urlopen(f"{self.rasa_url}/conversations/{sender}/tracker", timeout=30) as r:
            return json.loads(r.read())


def post_json(url: str, body: Dict[str, Any]) -> Any:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode("utf-8"), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def _wait(url: str, process: subprocess.Popen, log: Path, timeout: float = 180) -> None:
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


def start(workdir: Path, rasa_port: int = 5105, actions_port: int = 5155, web_port: int = 8100,
          env: Optional[Dict[str, str]] = None) -> tuple:
    if not MODEL.exists():
        raise RuntimeError(f"no trained model at {MODEL}: run `make model` (make test does) first")
    workdir.mkdir(parents=True, exist_ok=True)
    endpoints = workdir / "endpoints.yml"
    endpoints.write_text(
        f'action_endpoint:\n  url: "http://localhost:{actions_port}/webhook"\n'
        f"tracker_store:\n  type: SQL\n  dialect: sqlite\n  db: {workdir / 'tracker.db'}\n",
        encoding="utf-8",
    )
    environment = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
                   "PEILIAN_RASA_URL": f"http://localhost:{rasa_port}", **(env or {})}
    processes = []
    logs = []
    for name, command in (
        ("actions", [str(BIN / "rasa"), "run", "actions", "--actions", "actions", "--port", str(actions_port)]),
        ("rasa", [str(BIN / "rasa"), "run", "--model", str(MODEL), "--enable-api", "--cors", "*",
                  "--port", str(rasa_port), "--credentials", str(PROJECT / "credentials.yml"),
                  "--endpoints", str(endpoints)]),
        ("web", [sys.executable, "-m", "bot", "web", "--port", str(web_port)]),
    ):
        log = workdir / f"{name}.log"
        logs.append(log)
        processes.append(subprocess.Popen(command, cwd=PROJECT, env=environment,
                                          stdout=log.open("w"), stderr=subprocess.STDOUT))
    try:
        _wait(f"http://localhost:{actions_port}/health", processes[0], logs[0])
        _wait(f"http://localhost:{rasa_port}/status", processes[1], logs[1])
        _wait(f"http://localhost:{web_port}/api/config", processes[2], logs[2])
    except Exception:
        stop(processes)
        raise
    servers = Servers(f"http://localhost:{rasa_port}", f"http://localhost:{actions_port}/webhook", workdir,
                      web_url=f"http://localhost:{web_port}")
    return servers, processes


def stop(processes: List[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
