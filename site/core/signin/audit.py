"""Audit-log entries for staff accounts (Wagtail's audit log, `AccountLogEntry`).

Each entry names the account, who acted (the account itself, a coordinator, or nobody
for an unknown name), the action and the time; `data` holds the method or the end of a
hold. Never an address, a typed name of an unknown account, a password or a code.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.functional import LazyObject
from wagtail.log_actions import log

from ..models import AccountLogEntry

SIGNED_IN = "core.signin.success"
FAILED = "core.signin.failure"
HELD = "core.signin.hold"
HOLD_LIFTED = "core.signin.hold_lifted"
TOTP_ENROLLED = "core.second_factor.totp_enrolled"
TOTP_REPLACED = "core.second_factor.totp_replaced"
RECOVERY_CODES = "core.second_factor.recovery_codes"
PASSKEY_ADDED = "core.second_factor.passkey_added"
PASSKEY_REMOVED = "core.second_factor.passkey_removed"
TURNED_OFF = "core.second_factor.turned_off"
RESET = "core.second_factor.reset"

# How the sign-in was completed, or which step failed.
PASSWORD = "password"  # noqa: S105 - a method name
TOTP = "totp"
RECOVERY_CODE = "recovery_code"
PASSKEY = "passkey"


def _concrete(user):
    """`request.user` is a lazy proxy; Wagtail picks the log model by the real class."""
    if isinstance(user, LazyObject):
        user.pk  # noqa: B018 - evaluates the proxy
        return user._wrapped
    return user


def log_account(account, action: str, by, **data) -> AccountLogEntry:
    """An entry about `account` done by `by` (the account itself, a coordinator, or None
    when whoever typed at the sign-in page is unknown)."""
    return log(_concrete(account), action, user=_concrete(by), data=data)


def log_unknown_account(action: str, **data) -> AccountLogEntry:
    """An entry about a name that matches no account (the name itself is not kept)."""
    return AccountLogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(get_user_model()),
        object_id="",
        label="—",
        action=action,
        timestamp=timezone.now(),
        data=data,
    )


def log_failure(account, step: str, hold_until=None) -> None:
    """A failed password or code, and the hold it started, for a known or unknown account."""
    entries = [(FAILED, {"step": step})]
    if hold_until is not None:
        entries.append((HELD, {"until": hold_until.isoformat()}))
    for action, data in entries:
        if account is None:
            log_unknown_account(action, **data)
        else:
            log_account(account, action, None, **data)
