"""Rasa's lock store from REDIS_URL: RedisLockStore when it is set (replicas must share their locks,
so two turns of one conversation never run at once on two servers), else the in-memory one.
endpoints.yml names EnvironmentLockStore (Rasa loads only classes from there)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from rasa.core.lock_store import InMemoryLockStore, LockStore, RedisLockStore

from bot.settings import Settings

KEY_PREFIX = "peilian"


def from_environment(endpoint_config: Any = None) -> LockStore:
    url = Settings.from_env().redis_url
    if not url:
        return InMemoryLockStore()
    parts = urlsplit(url)
    if parts.scheme not in ("redis", "rediss"):
        raise ValueError(f"REDIS_URL must start with redis:// or rediss:// (got {parts.scheme or 'no scheme'}://)")
    return RedisLockStore(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 6379,
        db=int(parts.path.strip("/") or 1),
        username=parts.username or None,
        password=parts.password or None,
        use_ssl=parts.scheme == "rediss",
        key_prefix=KEY_PREFIX,
    )


class EnvironmentLockStore(LockStore):
    """What endpoints.yml names: constructing it gives from_environment()'s store."""

    def __new__(cls, endpoint_config: Any = None) -> LockStore:
        return from_environment(endpoint_config)
