"""Secrets generated on first run into var/ (never committed): Rasa's API token and the key that
encrypts session cookies. Files are created owner-only; an existing file is never replaced."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Optional

from cryptography.fernet import Fernet

from bot.settings import Settings

RASA_TOKEN_FILE = "rasa-token"
SESSION_KEY_FILE = "session-key"


def _read_or_create(path: Path, make) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
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


def session_key(settings: Optional[Settings] = None) -> bytes:
    """The Fernet key of the encrypted session cookie."""
    settings = settings or Settings.from_env()
    return _read_or_create(settings.var_dir / SESSION_KEY_FILE, lambda: Fernet.generate_key().decode()).encode()
