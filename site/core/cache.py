"""A Redis cache that degrades to per-process memory instead of failing the request.

Django's ``RedisCache`` raises ``redis.exceptions.ConnectionError`` from every call
while Redis is down, and Wagtail's site lookup, the registry's filter options and
the report form's rate limits all call the cache: a dead Redis would answer every
page with a 500. :class:`ResilientRedisCache` runs each call against Redis with
short timeouts and, when Redis fails, answers it from a local memory cache
(``LocMemCache``, one per process) instead.

A circuit breaker keeps a dead Redis cheap: after a failure the process does not
try Redis again for ``RETRY_AFTER`` seconds, so an outage costs one failed
connection attempt per process and period, not one per call. One warning is
logged when an outage starts and one line when Redis answers again (neither
names a visitor: the message is the Redis client's, about the Redis server).

Keys written or deleted while Redis was unreachable are deleted from Redis when
it comes back, so that nothing stale written before the outage (say, a page
cache entry an editor invalidated meanwhile) outlives it; past ``DIRTY_LIMIT``
keys the whole cache is cleared instead.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

EVERYTHING = object()  # `written` of clear(): every key changes

# Failures that mean "Redis cannot answer now". OSError covers socket errors the
# client does not wrap.
REDIS_FAILURES: tuple[type[BaseException], ...] = (RedisError, OSError)

DEFAULT_OPTIONS = {
    # Redis answers a cache call in well under a millisecond on a working network.
    "socket_connect_timeout": 0.25,
    "socket_timeout": 0.5,
    "health_check_interval": 30,
}


@dataclass
class Circuit:
    """Per-process state of one Redis server, shared by every thread's cache object."""

    retry_after: float
    down_until: float = 0.0
    in_outage: bool = False
    dirty: set[str] = field(default_factory=set)
    dirty_overflow: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)

    def is_open(self) -> bool:
        return time.monotonic() < self.down_until

    def trip(self, exc: BaseException, location: str) -> None:
        with self.lock:
            self.down_until = time.monotonic() + self.retry_after
            first = not self.in_outage
            self.in_outage = True
        if first:
            logger.warning(
                "Cache server %s unavailable (%s: %s): serving from this process's memory "
                "cache, retrying every %s s",
                location,
                type(exc).__name__,
                exc,
                self.retry_after,
            )

    def remember(self, keys: list[str] | None, limit: int) -> None:
        """Note keys changed while Redis was unreachable (None: all of them)."""
        with self.lock:
            if self.dirty_overflow:
                return
            if keys is not None:
                self.dirty.update(keys)
            if keys is None or len(self.dirty) > limit:
                self.dirty_overflow = True
                self.dirty.clear()


_circuits: dict[str, Circuit] = {}
_circuits_lock = threading.Lock()


def display_location(server: str) -> str:
    """The server for a log line: never its password (``redis://:secret@host`` is common)."""
    parts = urlsplit(server)
    if not parts.hostname:
        return parts.scheme + "://…"
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{parts.hostname}{port}{parts.path}"


def circuit_for(location: str, retry_after: float) -> Circuit:
    with _circuits_lock:
        return _circuits.setdefault(location, Circuit(retry_after=retry_after))


class ResilientRedisCache(RedisCache):
    """``RedisCache`` that never raises because Redis is down (see module docstring).

    Extra ``OPTIONS`` (removed before they reach redis-py): ``RETRY_AFTER`` seconds
    the breaker stays open (default 10), ``FALLBACK_MAX_ENTRIES`` of the local
    cache (default 1000), ``DIRTY_LIMIT`` (default 10,000).
    """

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        options = {**DEFAULT_OPTIONS, **(params.get("OPTIONS") or {})}
        retry_after = float(options.pop("RETRY_AFTER", 10))
        fallback_entries = int(options.pop("FALLBACK_MAX_ENTRIES", 1000))
        self.dirty_limit = int(options.pop("DIRTY_LIMIT", 10_000))
        super().__init__(server, {**params, "OPTIONS": options})
        self.location = display_location(server)
        self.circuit = circuit_for(server, retry_after)  # keyed by the full URL
        self.fallback = LocMemCache(
            f"safechildhood.core.cache.fallback:{server}",
            {
                **{k: v for k, v in params.items() if k not in ("OPTIONS", "BACKEND")},
                "OPTIONS": {"MAX_ENTRIES": fallback_entries},
            },
        )

    # --- the guard ------------------------------------------------------------------

    def _run(self, method: str, written, version, *args, **kwargs) -> Any:
        """Call `method` on Redis, or on the fallback while Redis is unreachable.

        `written`: the keys this call changes (a list, or EVERYTHING), remembered
        while Redis is down; None for reads.
        """
        if not self.circuit.is_open():
            try:
                if self.circuit.in_outage:
                    self._recover()
                return getattr(super(), method)(*args, **kwargs)
            except REDIS_FAILURES as exc:
                self.circuit.trip(exc, self.location)
        if written is EVERYTHING:
            self.circuit.remember(None, self.dirty_limit)
        elif written:
            made = [self.make_key(key, version=version) for key in written]
            self.circuit.remember(made, self.dirty_limit)
        return getattr(self.fallback, method)(*args, **kwargs)

    def _recover(self) -> None:
        """Redis may answer again: drop what it may hold stale, then trust it.

        Raises the Redis client's error if Redis still does not answer.
        """
        circuit = self.circuit
        with circuit.lock:
            if not circuit.in_outage:
                return
            dirty, overflow = list(circuit.dirty), circuit.dirty_overflow
        if overflow:
            self._cache.clear()
        elif dirty:
            self._cache.delete_many(dirty)
        else:
            self._cache.get_client().ping()
        with circuit.lock:
            circuit.dirty.difference_update(dirty)
            if overflow:
                circuit.dirty_overflow = False
            if circuit.dirty or circuit.dirty_overflow:
                return  # another thread's call failed meanwhile: the next call recovers again
            circuit.in_outage = False
        self.fallback.clear()
        logger.warning("Cache server %s answers again: back to the shared cache", self.location)

    def is_available(self) -> bool:
        """Whether Redis answers a PING now (for /healthz); False while the breaker is open."""
        if self.circuit.is_open():
            return False
        try:
            if self.circuit.in_outage:
                self._recover()
            self._cache.get_client().ping()
        except REDIS_FAILURES as exc:
            self.circuit.trip(exc, self.location)
            return False
        return True

    def shared_between_processes(self) -> bool:
        """False while answering from this process's memory: the page cache then keeps
        pages only briefly, since another worker's invalidation cannot reach them."""
        return not self.circuit.in_outage

    # --- Django's cache API -------------------------------------------------------------

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._run("add", [key], version, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._run("get", None, version, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._run("set", [key], version, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._run("touch", [key], version, key, timeout, version)

    def delete(self, key, version=None):
        return self._run("delete", [key], version, key, version)

    def get_many(self, keys, version=None):
        return self._run("get_many", None, version, keys, version)

    def has_key(self, key, version=None):
        return self._run("has_key", None, version, key, version)

    def incr(self, key, delta=1, version=None):
        return self._run("incr", [key], version, key, delta, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._run("set_many", list(data), version, data, timeout, version)

    def delete_many(self, keys, version=None):
        keys = list(keys)
        return self._run("delete_many", keys, version, keys, version)

    def clear(self):
        return self._run("clear", EVERYTHING, None)
