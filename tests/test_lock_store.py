"""The lock store follows REDIS_URL: in memory without it, Redis (with the URL's parts) with it."""

from __future__ import annotations

import pytest
from rasa.core.lock_store import InMemoryLockStore, LockStore, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

from bot.store.lock_store import from_environment


def test_without_redis_url_the_locks_are_in_memory(monkeypatch):
    monkeypatch.delenv("REDIS_URL", raising=False)
    store = LockStore.create(EndpointConfig(type="bot.store.lock_store.EnvironmentLockStore"))
    assert isinstance(store, InMemoryLockStore)


def test_redis_url_gives_rasas_redis_lock_store_with_its_parts(monkeypatch):
    monkeypatch.setenv("REDIS_URL", "redis://:s3cret@127.0.0.1:6390/3")
    store = LockStore.create(EndpointConfig(type="bot.store.lock_store.EnvironmentLockStore"))
    assert isinstance(store, RedisLockStore)
    kwargs = store.red.connection_pool.connection_kwargs
    assert (kwargs["host"], kwargs["port"], kwargs["db"], kwargs["password"]) == ("127.0.0.1", 6390, 3, "s3cret")


def test_a_redis_url_without_its_scheme_is_refused_by_name(monkeypatch):
    monkeypatch.setenv("REDIS_URL", "127.0.0.1:6379")
    with pytest.raises(ValueError, match="REDIS_URL"):
        from_environment()
