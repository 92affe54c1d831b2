"""The workspace against the real servers: real calls imported and graded by the running model,
the same grade `bot grade` gives; a rehearsal played through the web API appears in the queue."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import requests

pytestmark = pytest.mark.servers
GOLDEN = Path(__file__).parent / "golden"
FIXTURES = Path(__file__).parent / "fixtures" / "transcripts"


def evaluator_session(servers, name: str) -> tuple:
    servers.add_user(name, "evaluator password", "evaluator")
    http = requests.Session()
    csrf = http.get(f"{servers.web_url}/api/session").json()["csrf_token"]
    response = http.post(f"{servers.web_url}/api/login", json={"username": name, "password": "evaluator password"},
                         headers={"X-CSRF-Token": csrf})
    assert response.status_code == 200
    return http, response.json()["csrf_token"]


def test_real_calls_are_imported_graded_and_queued(servers):
    http, csrf = evaluator_session(servers, "importer")
    files = [GOLDEN / "car_good_01.yml", GOLDEN / "truck_argue_01.yml", FIXTURES / "broken.yml"]
    response = http.post(f"{servers.web_url}/review/import", data={"csrf_token": csrf, "trainee": "真实销售A"},
                         files=[("files", (f.name, f.read_bytes(), "application/x-yaml")) for f in files])
    assert response.status_code == 200
    page = response.text
    assert "broken.yml:6: turns[2]: unknown speaker" in page  # the bad file is named, the others still imported
    imported = dict(re.findall(r"(\w+\.yml)：(\d+)/100 分", page))
    assert set(imported) == {"car_good_01.yml", "truck_argue_01.yml"}
    offline = servers.cli("grade", "--json", *(str(f) for f in files[:2]))
    for line in offline.stdout.splitlines():
        card = json.loads(line)
        assert int(imported[Path(card["file"]).name]) == card["score"]  # the same rubric, the same model
    queue = http.get(f"{servers.web_url}/review", params={"kind": "real", "trainee": "真实销售A"}).text
    assert "共 2 通" in queue and "真实通话" in queue
