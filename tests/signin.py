"""Test helpers for the staff sign-in: a known authenticator app, codes, verified sessions.

`Client.force_login` in tests means "fully signed in" (see `tests/conftest.py`): a user who
must use a second factor gets an authenticator app and a session that passed it, as after
a real sign-in. Production code has no switch for this: the helpers write the same rows
and session key that a real enrolment and verification write.
"""

from __future__ import annotations

import time

import pyotp
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from safechildhood.core.signin import policy

# Long, not common, not like any test user name: passes AUTH_PASSWORD_VALIDATORS.
STAFF_PASSWORD = "Тихая-заводь-восемь-лип"  # noqa: S105 - a test password

_original_force_login = Client.force_login


def staff_password(username: str) -> str:
    return f"{STAFF_PASSWORD}-{username}"


def enrol_app(user) -> pyotp.TOTP:
    """Give the user a confirmed authenticator app; returns a TOTP that makes its codes."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    return totp_for(device)


def totp_for(device: TOTPDevice) -> pyotp.TOTP:
    import base64

    return pyotp.TOTP(base64.b32encode(device.bin_key).decode())


def fresh_code(totp: pyotp.TOTP, device: TOTPDevice | None = None) -> str:
    """A code the device has not accepted yet (django-otp refuses a code used before)."""
    now = time.time()
    if device is not None:
        device.refresh_from_db()
        used_step = device.last_t
        step = int(now // 30)
        if used_step >= step:
            return totp.at(now + 30 * (used_step - step + 1))
    return totp.now()


def mark_verified(client: Client, user) -> None:
    """The session of `client` passed the second factor with the user's app."""
    enrol_app(user)
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key


def force_login_verified(self: Client, user, backend=None) -> None:
    """`Client.force_login`, plus the second factor for those who must or can use one."""
    from tests.sealing import sign_in_keys

    _original_force_login(self, user, backend)
    if policy.has_admin_access(user) and (
        policy.requires_second_factor(user) or policy.has_second_factor(user)
    ):
        mark_verified(self, user)
    if user.has_usable_password() and user.check_password(staff_password(user.get_username())):
        sign_in_keys(self, user)  # what the password does at a real sign-in


def force_login_password_only(client: Client, user) -> None:
    """Signed in with the password alone: the state before the second factor."""
    _original_force_login(client, user)


def make_user(username: str, **fields):
    User = get_user_model()
    return User.objects.create_user(username=username, password=staff_password(username), **fields)
