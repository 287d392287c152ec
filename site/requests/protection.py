"""Abuse protection that does not cost reporters their anonymity.

* **Client key**: rate limits need to tell clients apart, but no address may be
  stored or logged. The address (and its network, /24 or /48) is turned into an
  HMAC under a key derived from ``SECRET_KEY`` at once and only that (truncated)
  digest names a cache counter, which expires with its window. Nothing is written
  to the database or a log.
* **Form token** (the CSRF equivalent, no cookie): a token signed with
  ``django.core.signing`` naming the form and the time it was issued. A POST needs
  a valid, unexpired token for *that* form, and a browser must not say it comes
  from another site (``Sec-Fetch-Site``, else ``Origin``). The same timestamp gives
  the minimum fill time.
* **Honeypot**: a field people never see; bots fill it.
* **Proof of work**: ALTCHA, self-hosted (``altcha`` on the server, its widget in
  our static files); a solved challenge is single-use. Without JavaScript there is
  no proof, and stricter limits apply (see ``LIMITS``).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import altcha
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.http import HttpRequest

HONEYPOT_FIELD = "homepage_url"
TOKEN_FIELD = "form_token"  # noqa: S105 - a field name, not a secret
TOKEN_MAX_AGE = 4 * 60 * 60  # a report can take a while to write
ALTCHA_FIELD = "altcha"
ALTCHA_TTL = 20 * 60  # the widget fetches a fresh challenge when one expires


@dataclass(frozen=True)
class Limit:
    """At most `count` events per `window` seconds."""

    count: int
    window: int


# Per client (address) unless named *_network (the address's /24 or /48) or *_global
# (the whole site). Reports without proof of work (JavaScript off) get tighter limits,
# since a bot can always take that path: per address and per network they are refused
# (429, the report kept on the page to send later). "report_unverified_global" is no
# refusal but the usual hourly volume: reports above it are stored and flagged for staff
# (Report.over_volume), so that many networks together cannot shut out honest people.
LIMITS: dict[str, Limit] = {
    "report": Limit(5, 10 * 60),
    "report_unverified": Limit(2, 60 * 60),
    "report_unverified_network": Limit(6, 60 * 60),
    "report_unverified_global": Limit(30, 60 * 60),
    "preview": Limit(30, 10 * 60),
    "status_failure": Limit(10, 60 * 60),
    "status_lookup": Limit(30, 10 * 60),
    "followup": Limit(10, 60 * 60),
}


# --- Client key ---------------------------------------------------------------------------


def _client_address(request: HttpRequest) -> str:
    """The address used only to derive the key; never returned or stored elsewhere."""
    proxies = settings.REPORTS_TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        ]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def _keyed(purpose: str, value: str) -> str:
    seed = f"safechildhood.requests.{purpose}:{settings.SECRET_KEY}"
    key = hashlib.sha256(seed.encode()).digest()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()[:32]


def client_key(request: HttpRequest) -> str:
    """A keyed, truncated hash of the client's address (for cache keys only)."""
    return _keyed("client", _client_address(request))


NETWORK_PREFIX = {4: 24, 6: 48}  # what one household, office or small provider holds


def network_key(request: HttpRequest) -> str:
    """A keyed hash of the client's network: its /24 (IPv4) or /48 (IPv6) prefix.

    One person with many addresses usually has them in one network; the limits per
    network hold them back without touching anyone elsewhere.
    """
    raw = _client_address(request)
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return _keyed("network", raw)
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    network = ipaddress.ip_network(f"{address}/{NETWORK_PREFIX[address.version]}", strict=False)
    return _keyed("network", str(network))


# --- Rate limits --------------------------------------------------------------------------


def _counter_key(name: str, subject: str) -> str:
    return f"requests:rl:{name}:{subject}"


def _subject(request: HttpRequest, name: str) -> str:
    if name.endswith("_global"):
        return "all"
    if name.endswith("_network"):
        return network_key(request)
    return client_key(request)


def is_limited(request: HttpRequest, name: str, event: str = "") -> bool:
    """Whether the limit `name` is already used up (without counting a new event).

    An `event` already counted (the same report page tapped again) is never limited:
    the repeat stores nothing, and must reach the page that shows its receipt.
    """
    limit = LIMITS[name]
    subject = _subject(request, name)
    if event and cache.get(_counter_key(name, f"{subject}:{event}")):
        return False
    return (cache.get(_counter_key(name, subject)) or 0) >= limit.count


def hit(request: HttpRequest, name: str, event: str = "") -> bool:
    """Count one event; True if it is still within the limit.

    With `event`, the same event (taps racing with one report page) counts once.
    """
    limit = LIMITS[name]
    subject = _subject(request, name)
    if event and not cache.add(_counter_key(name, f"{subject}:{event}"), 1, timeout=limit.window):
        return True
    key = _counter_key(name, subject)
    if cache.add(key, 1, timeout=limit.window):
        return limit.count >= 1
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=limit.window)
        count = 1
    return count <= limit.count


# --- Form tokens (CSRF without a cookie) ---------------------------------------------------

_SIGNER_SALT = "safechildhood.requests.form"


class TokenError(Exception):
    """The token is missing, forged or for another form (→ 400/403, never a 500)."""

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


def token_expired(issued_at: float) -> bool:
    return time.time() - issued_at > TOKEN_MAX_AGE


def filled_too_fast(issued_at: float) -> bool:
    return time.time() - issued_at < settings.REPORTS_MIN_FILL_SECONDS


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


def honeypot_filled(request: HttpRequest) -> bool:
    return bool(request.POST.get(HONEYPOT_FIELD, "").strip())


# --- Proof of work (ALTCHA) -------------------------------------------------------------------


def _altcha_secret() -> str:
    return hmac.new(
        settings.SECRET_KEY.encode(), b"safechildhood.requests.altcha", hashlib.sha256
    ).hexdigest()


def new_challenge() -> dict:
    """A signed ALTCHA v2 challenge (cheap to create: nothing is derived here)."""
    challenge = altcha.create_challenge(
        "PBKDF2/SHA-256",
        settings.REPORTS_ALTCHA_COST,
        key_prefix="00",
        expires_at=int(time.time()) + ALTCHA_TTL,
        hmac_secret=_altcha_secret(),
    )
    return challenge.to_dict()


def verify_proof(payload: str) -> bool:
    """A valid, unexpired, unused solution. Each solution is accepted once."""
    if not payload or len(payload) > 4000:
        return False
    try:
        result = altcha.verify_solution(payload, _altcha_secret())
    except (ValueError, TypeError, KeyError, OverflowError):
        return False
    if not result.verified:
        return False
    try:
        nonce = altcha.Payload.from_base64(payload).challenge.parameters.nonce
    except (ValueError, TypeError, KeyError, AttributeError):
        return False
    return cache.add(f"requests:altcha:used:{nonce}", 1, timeout=ALTCHA_TTL + 60)
