"""PageCacheMiddleware: serve a stored page to an anonymous visitor, or store one.

Placed after LocaleMiddleware and CommonMiddleware (the language is known and the
host checked) and before everything that reads the session or sets cookies, so a
hit costs one cache round trip and touches neither the database nor the session.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_vary_headers

from . import store
from .policy import FRESH_ATTR, POLICY_ATTR, Policy, make_fresh

HEADER = "X-Page-Cache"
# Never stored with a page: set per response by the server or by outer middleware.
_UNSTORED_HEADERS = frozenset({"content-length", "date", "set-cookie", HEADER.lower()})
# A revalidating browser gets a 304 for an unchanged page; a page with a form token is
# fetched whole, so the token in it is always new.
REVALIDATE = "max-age=0, must-revalidate"
NO_CACHE = "no-cache"


@lru_cache(maxsize=8)
def _skip_pattern(patterns: tuple[str, ...]) -> re.Pattern[str] | None:
    return re.compile("|".join(f"(?:{p})" for p in patterns)) if patterns else None


def _eligible(request: HttpRequest) -> bool:
    """A GET or HEAD from a visitor without session or messages, outside the skipped paths."""
    if settings.PAGE_CACHE_SECONDS <= 0 or request.method not in ("GET", "HEAD"):
        return False
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies:
        return False
    pattern = _skip_pattern(tuple(getattr(settings, "PAGE_CACHE_SKIP_PATHS", ())))
    return not (pattern and pattern.match(request.path))


class PageCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        lookup = None
        if _eligible(request):
            try:
                lookup = store.lookup_for(request, request.get_host())
            except DisallowedHost:
                lookup = None
        if lookup is None:
            return self.get_response(request)
        entry, generation = store.read(lookup)
        if entry is not None:
            return _from_entry(request, entry)
        response = self.get_response(request)
        if request.method == "GET":
            _store(request, response, lookup, generation)
        response[HEADER] = "miss"
        return response


def _from_entry(request: HttpRequest, entry: dict) -> HttpResponse:
    parts, names = entry["p"], entry["f"]
    chunks = [parts[0]]
    for name, part in zip(names, parts[1:], strict=True):
        chunks.append((make_fresh(name) or "").encode())
        chunks.append(part)
    response = HttpResponse(b"".join(chunks), status=entry["s"])
    for name, value in entry["h"]:
        response[name] = value
    response[HEADER] = "hit"
    if entry.get("e"):
        return get_conditional_response(request, etag=entry["e"], response=response)
    return response


def _storable(request: HttpRequest, response: HttpResponse, policy: Policy | None) -> bool:
    """Only a plain 200 meant for everybody: no cookie, no private or no-store header,
    no message for this visitor, no CSRF token, no parameter the view does not read."""
    if policy is None or response.status_code != 200 or response.streaming:
        return False
    if response.cookies or request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False
    cache_control = response.get("Cache-Control", "").lower()
    if any(word in cache_control for word in ("private", "no-store", "no-cache")):
        return False
    # Eligible requests carry no session or messages cookie: only a message added now counts.
    return not getattr(getattr(request, "_messages", None), "_queued_messages", None)


def _split_fresh(request: HttpRequest, content: bytes) -> tuple[list[bytes], list[str]] | None:
    """The content cut around each per-request value (each must occur exactly once)."""
    found = []
    for name, value in getattr(request, FRESH_ATTR, ()):
        raw = value.encode()
        if content.count(raw) != 1:
            return None
        found.append((content.index(raw), len(raw), name))
    parts, names, start = [], [], 0
    for position, length, name in sorted(found):
        parts.append(content[start:position])
        names.append(name)
        start = position + length
    parts.append(content[start:])
    return parts, names


def _store(
    request: HttpRequest, response: HttpResponse, lookup: store.Lookup, generation: str | None
) -> None:
    policy = getattr(request, POLICY_ATTR, None)
    if not _storable(request, response, policy) or not lookup.parameters <= policy.parameters:
        return
    split = _split_fresh(request, response.content)
    if split is None:
        return
    parts, names = split
    if not response.has_header("Cache-Control"):
        response["Cache-Control"] = NO_CACHE if names else REVALIDATE
    if not names and not response.has_header("ETag"):
        response["ETag"] = f'"{hashlib.md5(response.content, usedforsecurity=False).hexdigest()}"'
    patch_vary_headers(response, ("Cookie",))  # a logged-in editor sees another page
    generation = generation or store.current_generation()
    window = settings.PAGE_CACHE_SECONDS
    if generation is None or not store.claim_variant(lookup, generation, window):
        return
    entry = {
        "g": generation,
        "x": store.lifetime_end(policy.expiry()),
        "s": response.status_code,
        "h": [(k, v) for k, v in response.items() if k.lower() not in _UNSTORED_HEADERS],
        "p": parts,
        "f": names,
        "e": response.get("ETag", ""),
        "t": time.time(),
    }
    store.write(lookup, entry)
