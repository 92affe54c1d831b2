"""`python -m bot serve rasa` hands Rasa its settings: the token always as one argument."""

from __future__ import annotations

import argparse
import os
import sys

import pytest

from bot.cli import serve


def test_a_token_that_starts_with_a_dash_reaches_rasa_whole(tmp_path, monkeypatch):
    """token_urlsafe() starts with "-" one time in 64: as a separate argv item argparse took it for
    an option and Rasa refused to start."""
    monkeypatch.setenv("PEILIAN_VAR_DIR", str(tmp_path))
    (tmp_path / "rasa-token").write_text("-5rSecretToken")
    seen = {}

    fake_rasa = type(sys)("rasa.__main__")
    fake_rasa.main = lambda: seen.update(argv=list(sys.argv))  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "rasa.__main__", fake_rasa)
    monkeypatch.setattr(sys, "argv", list(sys.argv))
    monkeypatch.chdir(tmp_path)

    assert serve.serve("rasa") == 0
    parser = argparse.ArgumentParser()
    parser.add_argument("-t", "--auth-token")
    parser.add_argument("--interface")
    known, _ = parser.parse_known_args(seen["argv"][2:])
    assert known.auth_token == "-5rSecretToken" and known.interface == "127.0.0.1"


@pytest.fixture(autouse=True)
def _keep_environment():
    """serve() sets PEILIAN_ACTIONS_URL, PEILIAN_ACTIONS_TOKEN, SANIC_REQUEST_MAX_SIZE for Rasa: not
    for the tests after this one."""
    saved = dict(os.environ)
    yield
    os.environ.clear()
    os.environ.update(saved)
