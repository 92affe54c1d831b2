"""`python -m bot setup | users | settings`, run in-process on a private var/ and database."""

from __future__ import annotations

import io
import re

import pytest

from bot.__main__ import main
from bot.store import users
from bot.store.database import Database


@pytest.fixture
def fresh(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("PEILIAN_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("DATABASE_URL", url)
    return Database(url)


def run(capsys, *argv: str, stdin: str = "") -> tuple:
    import sys

    sys.stdin = io.StringIO(stdin)
    try:
        code = main(list(argv))
    finally:
        sys.stdin = sys.__stdin__
    out = capsys.readouterr()
    return code, out.out, out.err


def test_setup_makes_secrets_schema_and_shows_the_admin_password_once(fresh, capsys, tmp_path):
    code, out, _ = run(capsys, "setup")
    assert code == 0 and f"schema {fresh.head()}" in out
    password = re.search(r"password: (\S+)", out).group(1)
    assert users.authenticate(fresh, "admin", password, "127.0.0.1").role == "admin"
    assert (tmp_path / "var" / "rasa-token").stat().st_mode & 0o777 == 0o600
    token = (tmp_path / "var" / "rasa-token").read_text()
    code, again, _ = run(capsys, "setup")
    assert code == 0 and "password" not in again  # shown once only
    assert (tmp_path / "var" / "rasa-token").read_text() == token  # never replaced


def test_users_add_list_set_role_disable_enable(fresh, capsys):
    run(capsys, "setup")
    code, out, _ = run(capsys, "users", "add", "wang", "--role", "evaluator", "--password-stdin", stdin="a-long-pass\n")
    assert code == 0 and "added wang (evaluator)" in out
    code, _, err = run(capsys, "users", "add", "wang", "--role", "trainee", "--password-stdin", stdin="a-long-pass\n")
    assert code == 2 and "already exists" in err
    code, _, err = run(capsys, "users", "add", "li", "--role", "trainee", "--password-stdin", stdin="short\n")
    assert code == 2 and "password" in err
    code, _, err = run(capsys, "users", "add", "li", "--role", "trainee")  # no terminal to ask on
    assert code == 2 and "--password-stdin" in err
    assert run(capsys, "users", "set-role", "wang", "admin")[1].strip() == "wang is now admin"
    assert run(capsys, "users", "disable", "wang")[0] == 0
    assert "wang\tadmin  (disabled)" in run(capsys, "users", "list")[1]
    assert users.authenticate(fresh, "wang", "a-long-pass", "127.0.0.1") is None
    run(capsys, "users", "enable", "wang")
    run(capsys, "users", "set-password", "wang", "--password-stdin", stdin="another-pass\n")
    assert users.authenticate(fresh, "wang", "another-pass", "127.0.0.1").username == "wang"
    code, _, err = run(capsys, "users", "set-role", "nobody", "trainee")
    assert code == 2 and "no user 'nobody'" in err


def test_open_practice_switch(fresh, capsys):
    run(capsys, "setup")
    assert run(capsys, "settings", "open-practice")[1].strip() == "open-practice: on"
    assert run(capsys, "settings", "open-practice", "off")[1].strip() == "open-practice: off"
    assert users.open_practice(fresh) is False
    assert run(capsys, "settings", "open-practice")[1].strip() == "open-practice: off"  # it stays off
    assert run(capsys, "settings", "open-practice", "on") == (0, "open-practice: on\n", "")
    assert users.open_practice(fresh) is True
    with pytest.raises(SystemExit):  # argparse: only on or off
        run(capsys, "settings", "open-practice", "maybe")
    assert "invalid choice: 'maybe'" in capsys.readouterr().err


def test_users_list_after_setup_and_changes_to_unknown_accounts(fresh, capsys):
    code, out, _ = run(capsys, "setup")
    assert code == 0 and out.startswith(f"==> Database {fresh.safe_url} is at schema {fresh.head()}")
    assert run(capsys, "users", "list") == (0, "admin\tadmin\n", "")
    code, _, err = run(capsys, "users", "set-password", "nobody", "--password-stdin", stdin="a-long-pass\n")
    assert code == 2 and "no user 'nobody'" in err
    code, _, err = run(capsys, "users", "disable", "nobody")
    assert code == 2 and "no user 'nobody'" in err
    code, out, _ = run(capsys, "users", "set-password", "admin", "--password-stdin", stdin="a-new-admin-pass\n")
    assert code == 0 and out == "password of admin changed\n"
    assert users.authenticate(fresh, "admin", "a-new-admin-pass", "127.0.0.1").role == "admin"


def test_commands_refuse_an_old_schema(fresh, capsys):
    fresh.upgrade("0001_calls")
    with pytest.raises(RuntimeError, match="python -m bot setup"):
        run(capsys, "users", "list")


def test_var_and_the_database_are_owner_only(fresh, capsys, tmp_path):
    run(capsys, "setup")
    var = tmp_path / "var"
    assert var.stat().st_mode & 0o777 == 0o700
    for name in ("rasa-token", "actions-token", "session-key"):
        assert (var / name).stat().st_mode & 0o777 == 0o600, name
