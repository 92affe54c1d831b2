"""Shared fixtures: trackers from JSON files (as in RasaHQ/financial-demo), the fixture personas,
the CLI in-process, private stores, the trained model loaded once, the real servers."""

from __future__ import annotations

import copy
import inspect
import io
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any, Callable, Dict, Optional, Tuple

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

FIXTURES = Path(__file__).parent / "fixtures"
PROJECT = Path(__file__).resolve().parent.parent
# The tests' personas. They started as copies of data/personas but are fixtures now: a trainer's
# edit of a shipped persona can't break a test (test_personas.py checks the shipped files apart).
PERSONAS = FIXTURES / "personas"
SHIPPED_PERSONAS = PROJECT / "data" / "personas"
_session_personas: Optional[Path] = None


def pytest_configure(config) -> None:
    """Every test reads personas from a private copy of tests/fixtures/personas, never from
    data/personas. Set here rather than in a fixture: test modules call default_registry() on
    import, before any fixture runs."""
    global _session_personas
    _session_personas = Path(tempfile.mkdtemp(prefix="peilian-personas-")) / "personas"
    shutil.copytree(PERSONAS, _session_personas)
    os.environ["PEILIAN_PERSONAS_DIR"] = str(_session_personas)


def pytest_unconfigure(config) -> None:
    if _session_personas is not None:
        shutil.rmtree(_session_personas.parent, ignore_errors=True)


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


@pytest.fixture(scope="session", autouse=True)
def fixture_personas():
    """The session's persona folder (see pytest_configure), checked once: the fixtures, not data/."""
    from bot.personas.registry import default_registry

    folder = default_registry().folder
    assert folder == _session_personas and folder.resolve() != SHIPPED_PERSONAS.resolve()
    return folder


@pytest.fixture
def persona_folder(tmp_path, monkeypatch) -> Path:
    """A test's own copy of the fixture personas, which default_registry() (and so the CLI and the
    web app) uses for this test: add, break and publish files freely."""
    from bot.personas.registry import default_registry

    copy = tmp_path / "personas"
    shutil.copytree(PERSONAS, copy)
    monkeypatch.setenv("PEILIAN_PERSONAS_DIR", str(copy))
    assert default_registry().folder == copy
    return copy


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


def _current_streams(function: Callable[..., Any]) -> Callable[..., Any]:
    parameters = inspect.signature(function).parameters

    def call(*args: Any, **kwargs: Any) -> Any:
        for name, stream in (("out", sys.stdout), ("err", sys.stderr)):
            if name in parameters:
                kwargs.setdefault(name, stream)
        return function(*args, **kwargs)

    return call


@pytest.fixture
def cli(capsys, monkeypatch) -> Callable[..., Tuple[int, str, str]]:
    """`python -m bot ARGS` in-process: cli(*args, stdin="") -> (exit code, stdout, stderr)."""
    import importlib

    from bot.__main__ import main

    # Some commands take `out: TextIO = sys.stdout` as a default, bound once when the module is
    # first imported (perhaps under another test's capsys, closed since): hand them the streams
    # of this moment, as a fresh `python -m bot` process would see them.
    for name in ("export", "grade", "evaluate"):
        module = importlib.import_module(f"bot.cli.{name}")
        for attribute, function in list(vars(module).items()):
            if attribute.startswith("run_") and inspect.isfunction(function):
                monkeypatch.setattr(module, attribute, _current_streams(function))

    def run(*argv: str, stdin: str = "") -> Tuple[int, str, str]:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        code = main(list(argv))
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


@pytest.fixture
def cli_store(tmp_path, monkeypatch):
    """A test's own var/ and SQLite database at the current schema, which the CLI reads from the
    environment; the Database object to look at it."""
    from bot.store.database import Database

    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("PEILIAN_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("DATABASE_URL", url)
    store = Database(url)
    store.upgrade()
    yield store
    store.engine.dispose()


@pytest.fixture(scope="session")
def model_parser():
    """The trained model's parser, loaded once per session for every model-dependent test."""
    from bot.nlu.model import DEFAULT_MODEL, ModelParser

    if not DEFAULT_MODEL.exists():
        pytest.fail(f"no trained model at {DEFAULT_MODEL}: run `make model` (make test does) first")
    return ModelParser(DEFAULT_MODEL)


@pytest.fixture
def shared_model(model_parser, monkeypatch):
    """`bot grade | regrade | eval | bench` in-process without loading the model again: the
    default model's ModelParser is the session's (any other --model path is loaded for real)."""
    import bot.nlu.model as nlu_model

    real = nlu_model.ModelParser

    def parser(model: Path = nlu_model.DEFAULT_MODEL):
        if Path(model).resolve() == nlu_model.DEFAULT_MODEL.resolve():
            return model_parser
        return real(model)

    monkeypatch.setattr(nlu_model, "ModelParser", parser)
    return model_parser


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
    shutil.copytree(PERSONAS, personas)
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
    return new_postgres_database(request.getfixturevalue("postgres_url"))


def new_postgres_database(base: str) -> str:
    """A fresh, empty database on the session's PostgreSQL server; its URL."""
    import uuid

    import sqlalchemy as sa

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
