"""Secrets generated on first run into var/ (never committed): Rasa's API token, the action
server's token and the key that encrypts session cookies. var/ and every file in it are
owner-only (the SQLite database lives there too); an existing secret is never replaced."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Optional

from cryptography.fernet import Fernet

from bot.settings import Settings

RASA_TOKEN_FILE = "rasa-token"
ACTIONS_TOKEN_FILE = "actions-token"
SESSION_KEY_FILE = "session-key"


def private_var(settings: Optional[Settings] = None) -> Path:
    """var/, owner-only, and files created from now on in this process owner-only too."""
    settings = settings or Settings.from_env()
    os.umask(0o077)
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    settings.var_dir.chmod(0o700)
    return settings.var_dir


def _read_or_create(path: Path, make) -> str:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()
    value = make()
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(value + "\n")
    return value


def rasa_token(settings: Optional[Settings] = None) -> str:
    """The bearer token for Rasa's HTTP API and for the trusted REST channel metadata."""
    settings = settings or Settings.from_env()
    return _read_or_create(settings.var_dir / RASA_TOKEN_FILE, lambda: secrets.token_urlsafe(32))


def actions_token(settings: Optional[Settings] = None) -> str:
    """What Rasa shows the action server (`?token=`), so no other local process can run actions."""
    settings = settings or Settings.from_env()
    return _read_or_create(settings.var_dir / ACTIONS_TOKEN_FILE, lambda: secrets.token_urlsafe(32))


def session_key(settings: Optional[Settings] = None) -> bytes:
    """The Fernet key of the encrypted session cookie."""
    settings = settings or Settings.from_env()
    return _read_or_create(settings.var_dir / SESSION_KEY_FILE, lambda: Fernet.generate_key().decode()).encode()
