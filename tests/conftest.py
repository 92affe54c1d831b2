"""Shared fixtures: trackers from JSON files (as in RasaHQ/financial-demo)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any, Callable, Dict, Optional

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

FIXTURES = Path(__file__).parent / "fixtures"
PROJECT = Path(__file__).resolve().parent.parent


def load_tracker(name: str, **latest: Any) -> Tracker:
    state: Dict[str, Any] = json.loads((FIXTURES / "trackers" / f"{name}.json").read_text("utf-8"))
    state = copy.deepcopy(state)
    state["latest_message"].update(latest)
    return Tracker.from_dict(state)


@pytest.fixture
def tracker() -> Callable[..., Tracker]:
    return load_tracker


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


@pytest.fixture
def domain() -> Dict[str, Any]:
    return {}


def slot_value(events, name: str) -> Optional[Any]:
    values = [e["value"] for e in events if e.get("event") == "slot" and e.get("name") == name]
    return values[-1] if values else None


@pytest.fixture(scope="session")
def servers():
    """The real action server + Rasa server (trained model, SQLite tracker store)."""
    from tests import servers as running

    import shutil

    workdir = PROJECT / "test-output" / "servers"
    # The servers read personas from a copy, so tests can add and break files while they run.
    personas = workdir / "personas"
    shutil.rmtree(personas, ignore_errors=True)
    shutil.copytree(PROJECT / "data" / "personas", personas)
    instance, processes = running.start(workdir, env={"PEILIAN_PERSONAS_DIR": str(personas)})
    instance.personas = personas
    yield instance
    running.stop(processes)
