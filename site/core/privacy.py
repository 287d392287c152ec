"""Keyed hashes, so that what tells people apart is never stored as it is.

An address or a typed user name becomes an HMAC under a key derived from ``SECRET_KEY``
and a purpose label, and only that digest names a cache counter or a database row.
Without the secret key the digests cannot be tested against guesses.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.http import HttpRequest


def keyed_digest(purpose: str, value: str, length: int = 32) -> str:
    """HMAC-SHA256 of `value` under a key for `purpose`, hex, cut to `length` characters."""
    key = hashlib.sha256(f"safechildhood.core:{purpose}:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()[:length]


def client_address(request: HttpRequest) -> str:
    """The client's address, only to be hashed at once: never returned to a caller that stores.

    Behind `TRUSTED_PROXY_COUNT` reverse proxies the address is the one the outermost
    trusted proxy appended to X-Forwarded-For; a client cannot forge it.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        ]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def client_digest(request: HttpRequest, purpose: str) -> str:
    """A keyed hash of the client's address for one purpose (cache keys only)."""
    return keyed_digest(f"client:{purpose}", client_address(request))
