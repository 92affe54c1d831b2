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
    # Shorter ring cycles than the product's 3 s keep the browser tests quick; counting is the same.
    instance, processes = running.start(workdir, env={"PEILIAN_PERSONAS_DIR": str(personas), "PEILIAN_RING_MS": "700"})
    instance.personas = personas
    yield instance
    running.stop(processes)


CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = PROJECT / "test-output" / "browser"


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium driven by Playwright (no browser download); `make test` installs it.

    Module-scoped: Playwright's sync API holds an event loop while it runs, and later tests that
    load a Rasa agent need to start their own."""
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make test` (it installs Debian's chromium) "
                    "or `apt-get install chromium`")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                  "--autoplay-policy=no-user-gesture-required"])
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A phone-sized page; any JavaScript error on it fails the test."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    tab = context.new_page()
    errors = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.set_default_timeout(30_000)
    yield tab
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"
