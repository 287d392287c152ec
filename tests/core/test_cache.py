"""ResilientRedisCache: Redis when it answers, this process's memory when it does not."""

from __future__ import annotations

import logging
import os

import pytest
from django.core.cache.backends.redis import RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError

from safechildhood.core import cache as core_cache
from safechildhood.core.cache import ResilientRedisCache
from tests.outages import closed_port

REDIS_URL = os.environ.get("REDIS_URL_FOR_TESTS", "")
needs_redis = pytest.mark.skipif(not REDIS_URL, reason="REDIS_URL_FOR_TESTS unset")


@pytest.fixture(autouse=True)
def fresh_circuits():
    core_cache._circuits.clear()
    yield
    core_cache._circuits.clear()


@pytest.fixture
def clock(monkeypatch):
    """The breaker's clock, moved by hand."""
    now = [1000.0]
    monkeypatch.setattr(core_cache.time, "monotonic", lambda: now[0])
    return now


@pytest.fixture
def attempts(monkeypatch):
    """How many times the cache asked redis-py for a client (one per Redis round trip)."""
    calls = []
    original = RedisCacheClient.get_client

    def counted(self, *args, **kwargs):
        calls.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(RedisCacheClient, "get_client", counted)
    return calls


def dead_cache(**options) -> ResilientRedisCache:
    cache = ResilientRedisCache(
        f"redis://127.0.0.1:{closed_port()}/1",
        {"KEY_PREFIX": "t", "OPTIONS": {"RETRY_AFTER": 10, **options}},
    )
    cache.fallback.clear()
    return cache


def test_a_dead_redis_is_answered_from_memory(clock):
    cache = dead_cache()
    assert cache.get("missing", "default") == "default"
    cache.set("k", {"a": 1}, 60)
    assert cache.get("k") == {"a": 1}
    assert cache.add("k", "other") is False
    assert cache.add("counter", 1) is True
    assert cache.incr("counter") == 2
    with pytest.raises(ValueError):
        cache.incr("never-set")
    assert cache.get_many(["k", "counter"]) == {"k": {"a": 1}, "counter": 2}
    cache.delete("k")
    assert cache.has_key("k") is False


def test_the_breaker_stops_asking_a_dead_redis(clock, attempts):
    cache = dead_cache()
    cache.get("a")
    assert len(attempts) == 1
    for _ in range(50):
        cache.get("a")
        cache.set("b", 1)
    assert len(attempts) == 1  # not one more attempt while the breaker is open

    clock[0] += 10.5  # the period is over: one new attempt, which fails again
    cache.get("a")
    cache.get("a")
    assert len(attempts) == 2


def test_the_breaker_is_shared_by_every_thread_of_a_process(clock, attempts):
    """Django builds one cache object per thread: they must share one breaker."""
    first, second = dead_cache(), dead_cache()
    first.get("a")
    second.get("a")
    assert len(attempts) == 1
    assert first.circuit is second.circuit
    first.set("shared", 1)
    assert second.get("shared") == 1  # one memory cache per process, too


@pytest.mark.django_db
def test_one_warning_per_outage_without_a_visitor_address(client, home, clock, caplog, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "safechildhood.core.cache.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/1",
            "OPTIONS": {"RETRY_AFTER": 10},
        }
    }
    with caplog.at_level(logging.INFO, logger="safechildhood.core.cache"):
        for _ in range(3):
            assert client.get("/", REMOTE_ADDR="203.0.113.77").status_code == 200
            clock[0] += 11  # every retry fails again: still the same outage
    warnings = [r for r in caplog.records if r.name == "safechildhood.core.cache"]
    assert len(warnings) == 1
    assert "unavailable" in warnings[0].getMessage()
    assert "203.0.113.77" not in caplog.text


@needs_redis
def test_recovery_forgets_what_changed_during_the_outage(clock, monkeypatch, caplog):
    cache = ResilientRedisCache(REDIS_URL, {"KEY_PREFIX": "i9-resilience-test"})
    cache.set("page", "old version", 60)
    cache.set("untouched", "kept", 60)

    def refuse(self, *args, **kwargs):
        raise RedisConnectionError("Error 111 connecting. Connection refused.")

    with monkeypatch.context() as patched:
        patched.setattr(RedisCacheClient, "get_client", refuse)
        cache.delete("page")  # an editor published: the cached page is invalidated...
        assert cache.get("page") is None  # ...which this process sees at once
        cache.set("during", "local only", 60)
        assert cache.get("during") == "local only"

    assert cache.get("page") is None  # breaker still open: still the local answer
    clock[0] += 11
    with caplog.at_level(logging.INFO, logger="safechildhood.core.cache"):
        assert cache.get("page") is None  # Redis again, and the stale page is gone
    assert "answers again" in caplog.text
    assert cache.get("untouched") == "kept"
    assert cache.get("during") is None  # never written to Redis, and forgotten locally
    assert cache.is_available()
    cache.delete_many(["untouched"])


@needs_redis
def test_clear_during_an_outage_clears_redis_when_it_returns(clock, monkeypatch):
    cache = ResilientRedisCache(REDIS_URL, {"KEY_PREFIX": "i9-resilience-test"})
    cache.set("page", "old version", 60)
    with monkeypatch.context() as patched:
        patched.setattr(
            RedisCacheClient,
            "get_client",
            lambda *a, **k: (_ for _ in ()).throw(RedisConnectionError("down")),
        )
        cache.clear()
    clock[0] += 11
    assert cache.get("page") is None


def test_the_log_never_shows_the_redis_password(clock, caplog):
    cache = ResilientRedisCache(
        f"redis://:s3cret-pass@127.0.0.1:{closed_port()}/1", {"OPTIONS": {"RETRY_AFTER": 10}}
    )
    with caplog.at_level(logging.WARNING, logger="safechildhood.core.cache"):
        cache.get("a")
    assert f"redis://127.0.0.1:{closed_port()}/1" in caplog.text
    assert "s3cret-pass" not in caplog.text


def test_health_probe_reports_a_dead_redis_without_waiting(clock, attempts):
    cache = dead_cache()
    assert cache.is_available() is False
    assert cache.is_available() is False
    assert len(attempts) == 1
