"""Keys and entries of the page cache; every cache call is allowed to fail.

A dead Redis (or any error of the cache backend) makes a lookup a miss and a store a
no-op, logged at most once a minute per process: the page is rendered as if there
were no cache, never a 500.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.http import HttpRequest
from django.utils.translation import get_language

logger = logging.getLogger("safechildhood.core.pagecache")

GENERATION_KEY = "pagecache:generation"
# Parameters that links from newsletters and social networks append and no view reads.
IGNORED_PARAMETERS = frozenset({"fbclid", "gclid", "yclid", "_openstat", "ysclid", "vk_ref"})
MAX_QUERY_LENGTH = 1024
_last_error_logged = 0.0


def cache_call(method: str, *args, **kwargs) -> Any:
    """``caches[PAGE_CACHE_ALIAS].<method>(...)``, or None when the cache fails."""
    global _last_error_logged
    try:
        backend = caches[getattr(settings, "PAGE_CACHE_ALIAS", "default")]
        return getattr(backend, method)(*args, **kwargs)
    except Exception as error:  # noqa: BLE001 - any backend error is a miss, never a 500
        now = time.monotonic()
        if now - _last_error_logged > 60:
            _last_error_logged = now
            logger.warning("Page cache unavailable (%s): pages are rendered", type(error).__name__)
        return None


def is_ignored(name: str) -> bool:
    return name in IGNORED_PARAMETERS or name.startswith("utm_")


@dataclass(frozen=True)
class Lookup:
    """Where a request's page would be stored, and which parameters it carries."""

    key: str
    path_key: str  # all variants of one path share it (the variant cap)
    parameters: frozenset[str]


def lookup_for(request: HttpRequest, host: str) -> Lookup | None:
    """The cache key of this GET/HEAD, or None when the query string is unreasonable."""
    raw = request.META.get("QUERY_STRING", "")
    if len(raw) > MAX_QUERY_LENGTH:
        return None
    try:
        pairs = [
            (name, value)
            for name, values in sorted(request.GET.lists(), key=lambda item: item[0])
            if not is_ignored(name)
            for value in values
        ]
    except Exception:  # noqa: BLE001 - an unparsable query is simply not cached
        return None
    language = getattr(request, "LANGUAGE_CODE", "") or get_language() or ""
    place = "\n".join((request.scheme, host, request.path, language))
    path_key = hashlib.sha256(place.encode()).hexdigest()
    full = hashlib.sha256(f"{place}\n{urlencode(pairs)}".encode()).hexdigest()
    return Lookup(
        key=f"pagecache:page:{full}",
        path_key=f"pagecache:variants:{path_key}",
        parameters=frozenset(name for name, _ in pairs),
    )


def read(lookup: Lookup) -> tuple[dict | None, str | None]:
    """(entry if current, generation) in one round trip."""
    found = cache_call("get_many", [GENERATION_KEY, lookup.key]) or {}
    generation = found.get(GENERATION_KEY)
    entry = found.get(lookup.key)
    if (
        generation is None
        or not isinstance(entry, dict)
        or entry.get("g") != generation
        or entry.get("x", 0) <= time.time()
    ):
        return None, generation
    return entry, generation


def current_generation() -> str | None:
    """The generation, starting one if the cache has none (first use, eviction)."""
    cache_call("add", GENERATION_KEY, uuid.uuid4().hex, None)
    return cache_call("get", GENERATION_KEY)


def shared_between_processes() -> bool:
    """Whether every worker sees the same cache (Redis, memcached, the database).

    A per-process memory cache cannot carry one worker's invalidation to the others (nor
    the task worker's scheduled publishing to the web server): its pages are kept only
    ``PAGE_CACHE_LOCAL_SECONDS``. A backend may say so itself with a
    ``shared_between_processes`` attribute or method (e.g. while it falls back to memory).
    """
    try:
        backend = caches[getattr(settings, "PAGE_CACHE_ALIAS", "default")]
    except Exception:  # noqa: BLE001 - an unusable alias stores nothing anyway
        return False
    flag = getattr(backend, "shared_between_processes", None)
    if flag is not None:
        return bool(flag() if callable(flag) else flag)
    return not isinstance(backend, LocMemCache)


def lifetime_end(expires_at: float | None) -> float:
    seconds = settings.PAGE_CACHE_SECONDS
    if not shared_between_processes():
        seconds = min(seconds, getattr(settings, "PAGE_CACHE_LOCAL_SECONDS", 30))
    end = time.time() + seconds
    return min(end, expires_at) if expires_at else end


def claim_variant(lookup: Lookup, generation: str, window: int) -> bool:
    """Count one store for this path in the current window of ``window`` seconds (an
    entry's longest life); False past PAGE_CACHE_MAX_VARIANTS. So at most twice that
    many variants of one path (``?page=…``, ``?q=…``) are ever stored at once."""
    bucket = int(time.time() // window)
    key = f"{lookup.path_key}:{generation}:{bucket}"
    if cache_call("add", key, 1, window * 2):
        return True
    count = cache_call("incr", key)
    return count is not None and count <= getattr(settings, "PAGE_CACHE_MAX_VARIANTS", 100)


def write(lookup: Lookup, entry: dict) -> None:
    timeout = max(1, math.ceil(entry["x"] - time.time()))
    cache_call("set", lookup.key, entry, timeout)
