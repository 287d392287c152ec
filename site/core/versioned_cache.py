"""Values derived from tables that change seldom, cached until any of them changes.

A version string names every cached value of one kind (``<prefix>:<part>:<version>``);
a change replaces the version (:meth:`VersionedCache.forget`, connected to the models'
signals by the app), so every value of that kind is read afresh without deleting keys
one by one. A change is seen at once by every process sharing the cache (Redis); with
the per-process memory cache other processes see it within `timeout` seconds.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db import transaction

T = TypeVar("T")

DEFAULT_TIMEOUT = 300


class VersionedCache:
    """One kind of cached value (say, a listing's filter options) under `prefix`."""

    def __init__(self, prefix: str, timeout: int = DEFAULT_TIMEOUT) -> None:
        self.prefix = prefix
        self.timeout = timeout
        self.version_key = f"{prefix}:version"

    def forget(self, **kwargs) -> None:
        """Something changed: every value of this kind is computed again (a signal receiver)."""
        cache.set(self.version_key, uuid.uuid4().hex, None)

    def changed(self, sender=None, **kwargs) -> None:
        """A signal receiver: forget now (this connection) and again after commit (others,
        which may have read the old rows meanwhile)."""
        self.forget()
        transaction.on_commit(self.forget)

    def get(self, part: str, compute: Callable[[], T]) -> T:
        """The cached value for `part` (an index, a language…), else `compute()`, stored."""
        version = cache.get(self.version_key)
        if version is None:
            self.forget()
            version = cache.get(self.version_key)
        key = f"{self.prefix}:{part}:{version}"
        value = cache.get(key)
        if value is None:
            value = compute()
            cache.set(key, value, self.timeout)
        return value
