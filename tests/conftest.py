"""Shared fixtures: trackers from JSON files (as in RasaHQ/financial-demo)."""

from __future__ import annotations

import copy
import json
import os
import shutil
import tempfile
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


@pytest.fixture(scope="session", autouse=True)
def private_database(tmp_path_factory):
    """Every test session gets its own var/ (secrets) and SQLite database, at the current schema."""
    from bot.store.database import database

    var = tmp_path_factory.mktemp("var")
    os.environ["PEILIAN_VAR_DIR"] = str(var)
    os.environ["DATABASE_URL"] = f"sqlite:///{var / 'peilian.db'}"
    database(os.environ["DATABASE_URL"]).upgrade()
    yield os.environ["DATABASE_URL"]


@pytest.fixture(scope="session")
def servers(request):
    """The real action server, Rasa server and web app (trained model, our SQLite store; with
    PEILIAN_TEST_POSTGRES=1 a PostgreSQL server the session starts, for every live test)."""
    from tests import servers as running

    database = {}
    if os.environ.get("PEILIAN_TEST_POSTGRES") == "1":
        database["DATABASE_URL"] = request.getfixturevalue("postgres_url")
    output = PROJECT / "test-output"
    output.mkdir(exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="servers-", dir=output))
    # The servers read personas from a copy, so tests can add and break files while they run.
    personas = workdir / "personas"
    shutil.copytree(PROJECT / "data" / "personas", personas)
    # Shorter ring cycles than the product's 3 s keep the browser tests quick; counting is the same.
    instance = running.start(workdir, env={"PEILIAN_PERSONAS_DIR": str(personas), "PEILIAN_RING_MS": "1500", **database})
    instance.personas = personas
    yield instance
    running.stop(instance)


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
    # CSP bypassed: Playwright's waits evaluate strings, and the XSS tests must prove the widget
    # renders text as text on its own, not merely that the page's CSP would block a script.
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", bypass_csp=True)
    tab = context.new_page()
    errors = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.set_default_timeout(30_000)
    yield tab
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


@pytest.fixture(scope="session")
def postgres_url():
    """A real PostgreSQL server for this test session (see tests/postgres.py)."""
    from tests.postgres import binaries_missing, postgres_server

    missing = binaries_missing()
    if missing:
        pytest.skip(f"{missing}; `make test` installs them (apt-get install postgresql)")
    with postgres_server() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database_url(request, tmp_path):
    """A new, empty database: a SQLite file, or a fresh database on the session's PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    import uuid

    import sqlalchemy as sa

    base = request.getfixturevalue("postgres_url")
    name = f"t_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return base.rsplit("/", 1)[0] + "/" + name


@pytest.fixture
def db(empty_database_url):
    """Our store on that database, at the current schema."""
    from bot.store.database import Database

    database = Database(empty_database_url)
    database.upgrade()
    yield database
    database.engine.dispose()


class Browser:
    """An aiohttp test client that behaves like the widget: cookies, the CSRF header, JSON."""

    def __init__(self, client) -> None:
        self.client, self.csrf = client, ""

    async def session(self) -> dict:
        body = await (await self.client.get("/api/session")).json()
        self.csrf = body["csrf_token"]
        return body

    async def get(self, path: str):
        return await self.client.get(path)

    async def post(self, path: str, body=None, csrf: bool = True, **headers):
        if csrf and not self.csrf:
            await self.session()
        if csrf:
            headers["X-CSRF-Token"] = self.csrf
        return await self.client.post(path, json=body if body is not None else {}, headers=headers)

    async def login(self, username: str, password: str):
        response = await self.post("/api/login", {"username": username, "password": password})
        if response.status == 200:
            self.csrf = (await response.json())["csrf_token"]
        return response


@pytest.fixture
async def web_app(tmp_path):
    """Makes the web app on aiohttp's test server with its own SQLite store; `.browser()` opens a
    new browser (its own cookie jar). Rasa is not running: these tests never reach the customer."""
    from aiohttp.test_utils import TestClient, TestServer

    from bot.settings import Settings
    from bot.store.database import Database
    from bot.web.app import create_app

    clients = []

    class Web:
        def __init__(self, **options) -> None:
            self.settings = Settings(var_dir=tmp_path / "var", database_url=f"sqlite:///{tmp_path / 'web.db'}",
                                     rasa_port=9, **options)
            self.db = Database(self.settings.database_url)
            self.db.upgrade()
            self.server = TestServer(create_app(self.settings, self.db))

        async def browser(self) -> Browser:
            client = TestClient(self.server)
            await client.start_server()
            clients.append(client)
            return Browser(client)

    yield Web
    for client in clients:
        await client.close()


@pytest.fixture
async def web(web_app):
    return web_app()
