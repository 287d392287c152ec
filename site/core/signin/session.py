"""What a signed-in session records about itself, and how a sign-in is completed."""

from __future__ import annotations

import time

from django.http import HttpRequest
from django_otp import login as otp_login

from . import audit, throttle

SIGNED_IN_AT = "core.signed_in_at"  # seconds since the epoch: the absolute lifetime
SEEN_AT = "core.seen_at"  # last request: the idle timeout
PASSWORD_AT = "core.password_at"  # noqa: S105 - a session key; last password entry: enrolment needs a fresh one
NEW_RECOVERY_CODES = "core.new_recovery_codes"  # shown once, then dropped
NEXT_URL = "core.next"  # where to go after the second factor

# Enrolling a first factor needs a password typed this recently in this session, so
# that an old or stolen session cannot bind an attacker's phone to the account.
ENROL_WITHIN_SECONDS = 30 * 60


def start(request: HttpRequest) -> None:
    """A new signed-in session: both clocks start now."""
    now = time.time()
    request.session[SIGNED_IN_AT] = now
    request.session[SEEN_AT] = now


def password_is_fresh(request: HttpRequest) -> bool:
    entered = request.session.get(PASSWORD_AT)
    return entered is not None and time.time() - entered <= ENROL_WITHIN_SECONDS


def complete(request: HttpRequest, device, method: str) -> None:
    """The second factor passed: mark the session verified under a new key, log it."""
    user = request.user
    otp_login(request, device)
    request.session.cycle_key()
    throttle.record_success(user.get_username())
    audit.log_account(user, audit.SIGNED_IN, user, method=method)
