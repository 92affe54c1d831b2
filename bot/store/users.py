"""Accounts: argon2 password hashes, roles, login throttling, and the first admin."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import List, Optional

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from bot.errors import FieldError
from bot.store.database import Database
from bot.store.schema import ROLES, LoginFailure, Setting, User, utcnow

MIN_PASSWORD_CHARS = 8
THROTTLE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_USER = 5
MAX_FAILURES_PER_ADDRESS = 20
OPEN_PRACTICE = "open_practice"
_hasher = PasswordHasher()
# Verified against when the user name is unknown, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


class UserError(FieldError):
    """A refused account change: names the field."""


class LoginThrottled(Exception):
    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(f"too many failed logins; try again in {retry_after} s")


@dataclass(frozen=True)
class Account:
    id: int
    username: str
    role: str
    disabled: bool = False
    session_epoch: int = 0

    @classmethod
    def of(cls, user: User) -> Account:
        return cls(user.id, user.username, user.role, user.disabled, user.session_epoch or 0)

    def to_dict(self) -> dict:
        return {"id": self.id, "username": self.username, "role": self.role}


def _check_username(username: str) -> str:
    username = (username or "").strip()
    if not (1 <= len(username) <= 64) or any(ch.isspace() for ch in username):
        raise UserError("username", "must be 1-64 characters without spaces")
    return username


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise UserError("role", f"must be one of {', '.join(ROLES)}")
    return role


def _check_password(password: str) -> str:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_CHARS:
        raise UserError("password", f"must be at least {MIN_PASSWORD_CHARS} characters")
    return password


def add_user(db: Database, username: str, password: str, role: str) -> Account:
    username, role, password = _check_username(username), _check_role(role), _check_password(password)
    with db.session() as session:
        if session.scalar(sa.select(User.id).where(User.username == username)) is not None:
            raise UserError("username", f"{username!r} already exists")
        user = User(username=username, password_hash=_hasher.hash(password), role=role, disabled=False)
        session.add(user)
        session.flush()
        return Account.of(user)


def _user(session, username: str) -> User:
    user = session.scalar(sa.select(User).where(User.username == username))
    if user is None:
        raise UserError("username", f"no user {username!r}")
    return user


def set_role(db: Database, username: str, role: str) -> Account:
    role = _check_role(role)
    with db.session() as session:
        user = _user(session, username)
        user.role = role
        user.session_epoch = (user.session_epoch or 0) + 1
        return Account.of(user)


def set_disabled(db: Database, username: str, disabled: bool = True) -> Account:
    with db.session() as session:
        user = _user(session, username)
        user.disabled = disabled
        user.session_epoch = (user.session_epoch or 0) + 1
        return Account.of(user)


def set_password(db: Database, username: str, password: str) -> Account:
    password = _check_password(password)
    with db.session() as session:
        user = _user(session, username)
        user.password_hash = _hasher.hash(password)
        user.session_epoch = (user.session_epoch or 0) + 1
        return Account.of(user)


def end_sessions(db: Database, user_id: int) -> None:
    """Log the account out everywhere: every session cookie issued so far stops working."""
    with db.session() as session:
        user = session.get(User, user_id)
        if user is not None:
            user.session_epoch = (user.session_epoch or 0) + 1


def list_users(db: Database) -> List[Account]:
    with db.session() as session:
        return [Account.of(u) for u in session.scalars(sa.select(User).order_by(User.username))]


def username_taken(db: Database, name: str) -> bool:
    with db.session() as session:
        return session.scalar(sa.select(User.id).where(User.username == name.strip())) is not None


def get_account(db: Database, user_id: int) -> Optional[Account]:
    """The enabled account with this id (a disabled account is logged out at its next request)."""
    with db.session() as session:
        user = session.get(User, user_id)
        return Account.of(user) if user is not None and not user.disabled else None


def authenticate(db: Database, username: str, password: str, address: str) -> Optional[Account]:
    """The account, None for wrong credentials, or LoginThrottled after too many failures.

    The attempt is recorded (and committed) before anything is checked, so parallel guesses can't
    slip past the count. A name with too many recent failures waits even with the right password;
    an address with too many is refused unless the password is right (so one noisy address, or a
    proxy in front of everyone, can't lock every user out).
    """
    username = (username or "").strip()[:64]
    address = (address or "?")[:64]
    now = utcnow()
    with db.session() as session:
        attempt = LoginFailure(username=username, address=address, at=now)
        session.add(attempt)
        session.flush()
        attempt_id = attempt.id
    since = now - THROTTLE_WINDOW
    with db.session() as session:
        recent = sa.select(sa.func.count(), sa.func.min(LoginFailure.at)).where(LoginFailure.at >= since)
        by_user = session.execute(recent.where(LoginFailure.username == username)).one()
        by_address = session.execute(recent.where(LoginFailure.address == address)).one()
    if by_user[0] > MAX_FAILURES_PER_USER:
        raise LoginThrottled(_retry_after(by_user[1], now))
    with db.session() as session:
        user = session.scalar(sa.select(User).where(User.username == username))
        right = _verify(user.password_hash if user else _DUMMY_HASH, password) and user is not None
        if right and not user.disabled:
            session.execute(
                sa.delete(LoginFailure).where(sa.or_(LoginFailure.id == attempt_id, LoginFailure.username == username))
            )
            if _hasher.check_needs_rehash(user.password_hash):
                user.password_hash = _hasher.hash(password)
            return Account.of(user)
    if by_address[0] > MAX_FAILURES_PER_ADDRESS:
        raise LoginThrottled(_retry_after(by_address[1], now))
    return None


def _retry_after(oldest, now) -> int:
    return max(1, int((oldest + THROTTLE_WINDOW - now).total_seconds()))


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password or "")
    except (VerificationError, InvalidHashError):
        return False


def create_first_admin(db: Database) -> Optional[tuple]:
    """(account, password) of a new admin when the database has no enabled admin, else None."""
    with db.session() as session:
        if session.scalar(sa.select(User.id).where(User.role == "admin", User.disabled.is_(False))) is not None:
            return None
        taken = set(session.scalars(sa.select(User.username)))
    name = next(n for n in ("admin", *(f"admin{i}" for i in range(2, 1000))) if n not in taken)
    password = secrets.token_urlsafe(12)
    return add_user(db, name, password, "admin"), password


def open_practice(db: Database) -> bool:
    """Whether anyone may rehearse without an account (default: yes; an admin can switch it off)."""
    with db.session() as session:
        value = session.scalar(sa.select(Setting.value).where(Setting.key == OPEN_PRACTICE))
    return value != "off"


def set_open_practice(db: Database, allowed: bool) -> None:
    with db.session() as session:
        setting = session.get(Setting, OPEN_PRACTICE) or Setting(key=OPEN_PRACTICE)
        setting.value = "on" if allowed else "off"
        session.merge(setting)
