"""`python -m bot setup | users ... | settings ...`: the database, accounts and the admin's switches."""

from __future__ import annotations

import getpass
import sys
from typing import Optional, TextIO

from bot.secrets import actions_token, private_var, rasa_token, session_key
from bot.settings import Settings
from bot.store import users
from bot.store.database import database


def run_setup(out: Optional[TextIO] = None) -> int:
    """Secrets into var/, the schema up to date, and a first admin whose password is shown once."""
    out = out or sys.stdout
    settings = Settings.from_env()
    private_var(settings)
    rasa_token(settings)
    actions_token(settings)
    session_key(settings)
    db = database(settings.database_url)
    db.upgrade()
    created = users.create_first_admin(db)
    print(f"==> Database {db.safe_url} is at schema {db.revision()}", file=out)
    if created:
        account, password = created
        print(
            "\n    First run: created the administrator account (the password is shown only this once).\n"
            f"      user:     {account.username}\n      password: {password}\n"
            "    Log in at the page's 登录 link; add people with "
            "`.venv/bin/python -m bot users add NAME --role trainee`.\n",
            file=out,
            flush=True,
        )
    return 0


def _password(stdin: bool, err: TextIO) -> Optional[str]:
    if stdin:
        return sys.stdin.readline().rstrip("\n")
    if not sys.stdin.isatty():
        print("error: no terminal to ask for the password; use --password-stdin", file=err)
        return None
    first = getpass.getpass("password: ")
    if first != getpass.getpass("again: "):
        print("error: the passwords differ", file=err)
        return None
    return first


def run_users(args, out: Optional[TextIO] = None, err: Optional[TextIO] = None) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    db = database(Settings.from_env().database_url)
    db.check_current()
    try:
        if args.users_command == "list":
            for account in users.list_users(db):
                state = "  (disabled)" if account.disabled else ""
                print(f"{account.username}\t{account.role}{state}", file=out)
            return 0
        if args.users_command in ("add", "set-password"):
            password = _password(args.password_stdin, err)
            if password is None:
                return 2
            if args.users_command == "add":
                account = users.add_user(db, args.name, password, args.role)
                print(f"added {account.username} ({account.role})", file=out)
            else:
                users.set_password(db, args.name, password)
                print(f"password of {args.name} changed", file=out)
            return 0
        if args.users_command == "set-role":
            account = users.set_role(db, args.name, args.role)
            print(f"{account.username} is now {account.role}", file=out)
            return 0
        account = users.set_disabled(db, args.name, args.users_command == "disable")
        print(f"{account.username} is {'disabled' if account.disabled else 'enabled'}", file=out)
        return 0
    except users.UserError as error:
        print(f"error: {error}", file=err)
        return 2


def run_settings(args, out: Optional[TextIO] = None) -> int:
    out = out or sys.stdout
    db = database(Settings.from_env().database_url)
    db.check_current()
    if args.value is not None:
        users.set_open_practice(db, args.value == "on")
    print(f"open-practice: {'on' if users.open_practice(db) else 'off'}", file=out)
    return 0
