"""The report flow's own abuse policy, built on :mod:`safechildhood.core.protection`.

The signed form token, honeypot, fill time, cross-site refusal and the rate-limit
mechanism are core's (every public form shares them). What is the report's alone:

* **Its limits** (``LIMITS``): reports without proof of work (JavaScript off) get
  tighter limits, per address and per network, since a bot can always take that path;
  above the usual site-wide volume they are stored and flagged for staff instead.
* **Proof of work**: ALTCHA, self-hosted (``altcha`` on the server, its widget in
  our static files); a solved challenge is single-use. Without JavaScript there is
  no proof, and the stricter limits apply.
"""

from __future__ import annotations

import hashlib
import hmac
import time

import altcha
from django.conf import settings
from django.core.cache import cache

from safechildhood.core.protection import Limit, RateLimits

ALTCHA_FIELD = "altcha"
ALTCHA_TTL = 20 * 60  # the widget fetches a fresh challenge when one expires

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
    # A family's own request (family.py): a name and a phone, so fewer are needed.
    "family": Limit(3, 60 * 60),
    "family_network": Limit(10, 60 * 60),
    "family_form": Limit(30, 10 * 60),
}
RATE_LIMITS = RateLimits("requests:rl", LIMITS)
is_limited = RATE_LIMITS.is_limited
hit = RATE_LIMITS.hit


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
