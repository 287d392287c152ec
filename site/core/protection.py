"""Protected public forms: one implementation for every form strangers may post.

The report form, the report status page, its follow-up form and the registry's
correction form all use it, and so should any later public form. No cookie and no
stored address:

* **Form token** (the CSRF equivalent, no cookie): a token signed with
  ``django.core.signing`` naming the form and the time it was issued. A POST needs a
  valid token for *that* form, and a browser must not say it comes from another site
  (``Sec-Fetch-Site``, else ``Origin``). The same timestamp gives the token's age
  (``TOKEN_MAX_AGE``) and the minimum fill time.
* **Honeypot**: a field people never see; bots fill it.
* **Rate limits** (:class:`RateLimits`): counters in the cache named by a keyed hash of
  the client's address or network (:mod:`safechildhood.core.privacy`), expiring with
  their window. Nothing is written to the database or a log.

A view runs :func:`read_form` (cross-site, missing, forged or another form's token
raise :class:`TokenError`), then whatever limits it counts, then :func:`form_problem`
(expired, honeypot, filled too fast), in the order its answers need.
"""

from __future__ import annotations

import ipaddress
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.http import HttpRequest

from .privacy import client_address, client_digest, keyed_digest

HONEYPOT_FIELD = "homepage_url"
TOKEN_FIELD = "form_token"  # noqa: S105 - a field name, not a secret
TOKEN_MAX_AGE = 4 * 60 * 60  # a report can take a while to write

# What form_problem finds, in the order it looks.
EXPIRED = "expired"
HONEYPOT = "honeypot"
TOO_FAST = "too_fast"


# --- Form tokens (CSRF without a cookie) ---------------------------------------------------

_SIGNER_SALT = "safechildhood.requests.form"  # tokens issued before the move stay valid


class TokenError(Exception):
    """Cross-site, or the token is missing, forged or another form's (→ 400/403, never 500).

    `reason`: "cross_site", "missing", "forged" or "other_form".
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def issue_token(form_name: str, issued_at: float | None = None) -> str:
    """A token for one form; `issued_at` is kept across "change your answers" round trips."""
    return signing.dumps(
        {"f": form_name, "t": int(issued_at or time.time()), "n": secrets.token_hex(8)},
        salt=_SIGNER_SALT,
        compress=False,
    )


def read_token(raw: str | None, form_name: str) -> float:
    """When the token was issued. Raises TokenError("missing" / "forged" / "other_form")."""
    if not raw:
        raise TokenError("missing")
    try:
        data = signing.loads(raw, salt=_SIGNER_SALT)
    except signing.BadSignature as exc:
        raise TokenError("forged") from exc
    if not isinstance(data, dict) or data.get("f") != form_name:
        raise TokenError("other_form")
    issued = data.get("t")
    if not isinstance(issued, int):
        raise TokenError("forged")
    return float(issued)


def read_form(request: HttpRequest, form_name: str) -> float:
    """The posted token's issue time, once the browser and the token vouch for the POST.

    Raises TokenError("cross_site") before the token is read, else as :func:`read_token`.
    """
    if is_cross_site(request):
        raise TokenError("cross_site")
    return read_token(request.POST.get(TOKEN_FIELD), form_name)


def token_expired(issued_at: float) -> bool:
    return time.time() - issued_at > TOKEN_MAX_AGE


def filled_too_fast(issued_at: float) -> bool:
    return time.time() - issued_at < settings.REPORTS_MIN_FILL_SECONDS


def honeypot_filled(request: HttpRequest) -> bool:
    return bool(request.POST.get(HONEYPOT_FIELD, "").strip())


def form_problem(request: HttpRequest, issued_at: float, *, fill_time: bool = True) -> str:
    """What is wrong with a POST whose token was genuine: EXPIRED, HONEYPOT, TOO_FAST or "".

    `fill_time`: whether the form asks for the minimum fill time (a short form need not).
    """
    if token_expired(issued_at):
        return EXPIRED
    if honeypot_filled(request):
        return HONEYPOT
    if fill_time and filled_too_fast(issued_at):
        return TOO_FAST
    return ""


def is_cross_site(request: HttpRequest) -> bool:
    """A browser told us the POST comes from another site.

    ``Sec-Fetch-Site`` is sent by every current browser whatever the referrer
    policy; our pages send ``Referrer-Policy: no-referrer``, so a genuine ``Origin``
    is often ``null`` and only a concrete foreign origin counts against a request.
    Clients sending neither header rely on the signed token alone.
    """
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site:
        return fetch_site not in ("same-origin", "none")
    origin = request.headers.get("Origin")
    if not origin or origin == "null":
        return False
    allowed = {f"{request.scheme}://{request.get_host()}", *settings.CSRF_TRUSTED_ORIGINS}
    if origin in allowed:
        return False
    parts = urlsplit(origin)
    return f"{parts.scheme}://{parts.netloc}" not in allowed


# --- Client keys ----------------------------------------------------------------------------


def client_key(request: HttpRequest) -> str:
    """A keyed, truncated hash of the client's address (for cache keys only)."""
    return client_digest(request, "forms")


NETWORK_PREFIX = {4: 24, 6: 48}  # what one household, office or small provider holds


def network_key(request: HttpRequest) -> str:
    """A keyed hash of the client's network: its /24 (IPv4) or /48 (IPv6) prefix.

    One person with many addresses usually has them in one network; the limits per
    network hold them back without touching anyone elsewhere.
    """
    raw = client_address(request)
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return keyed_digest("network:forms", raw)
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    network = ipaddress.ip_network(f"{address}/{NETWORK_PREFIX[address.version]}", strict=False)
    return keyed_digest("network:forms", str(network))


# --- Rate limits ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Limit:
    """At most `count` events per `window` seconds."""

    count: int
    window: int


class RateLimits:
    """One feature's named limits, counted in the cache under `prefix`.

    A limit counts per client (address) unless its name ends in ``_network`` (the
    address's /24 or /48) or ``_global`` (the whole site). `limits` is read at every
    call, so a test may change an entry.
    """

    def __init__(self, prefix: str, limits: Mapping[str, Limit]) -> None:
        self.prefix = prefix
        self.limits = limits

    def _key(self, name: str, subject: str) -> str:
        return f"{self.prefix}:{name}:{subject}"

    @staticmethod
    def _subject(request: HttpRequest, name: str) -> str:
        if name.endswith("_global"):
            return "all"
        if name.endswith("_network"):
            return network_key(request)
        return client_key(request)

    def is_limited(self, request: HttpRequest, name: str, event: str = "") -> bool:
        """Whether the limit `name` is already used up (without counting a new event).

        An `event` already counted (the same page sent again) is never limited: the
        repeat stores nothing, and must reach the page that answers it.
        """
        limit = self.limits[name]
        subject = self._subject(request, name)
        if event and cache.get(self._key(name, f"{subject}:{event}")):
            return False
        return (cache.get(self._key(name, subject)) or 0) >= limit.count

    def hit(self, request: HttpRequest, name: str, event: str = "") -> bool:
        """Count one event; True if it is still within the limit.

        With `event`, the same event (taps racing with one page) counts once.
        """
        limit = self.limits[name]
        subject = self._subject(request, name)
        if event and not cache.add(self._key(name, f"{subject}:{event}"), 1, timeout=limit.window):
            return True
        return self._count(self._key(name, subject), limit) <= limit.count

    def remaining(self, request: HttpRequest, name: str) -> int:
        """How many events the client may still have in the current window."""
        count = cache.get(self._key(name, self._subject(request, name))) or 0
        return max(self.limits[name].count - count, 0)

    def record(self, request: HttpRequest, name: str) -> int:
        """Count one event, remembering when its window ends; returns how many are left.

        For limits a person is told about ("3 tries left, then until 14:05"):
        `window_end` then gives the time.
        """
        limit = self.limits[name]
        key = self._key(name, self._subject(request, name))
        cache.add(f"{key}:until", time.time() + limit.window, timeout=limit.window)
        return max(limit.count - self._count(key, limit), 0)

    def window_end(self, request: HttpRequest, name: str) -> float:
        """When the client's count under `name` starts again from zero (a timestamp).

        Known for counts kept by `record`; otherwise a whole window from now, which is
        never earlier than the real end.
        """
        key = self._key(name, self._subject(request, name))
        return cache.get(f"{key}:until") or time.time() + self.limits[name].window

    @staticmethod
    def _count(key: str, limit: Limit) -> int:
        if cache.add(key, 1, timeout=limit.window):
            return 1
        try:
            return cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=limit.window)
            return 1
