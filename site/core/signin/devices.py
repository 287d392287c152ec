"""A staff member's second factors: an authenticator app, recovery codes, passkeys.

django-otp stores them: `TOTPDevice` (RFC 6238 app), `StaticDevice` with one-time
`StaticToken`s (recovery codes) and django-otp-webauthn's `WebAuthnCredential` (passkeys).
"""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass

import segno
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

RECOVERY_CODE_COUNT = 10
# No 0/o, 1/l/i: codes are read off paper.
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
RECOVERY_CODE_LENGTH = 12
APP_NAME = "app"
RECOVERY_NAME = "recovery"


@dataclass(frozen=True)
class Factors:
    """What a user has, for the account page and the coordinators' list."""

    app: TOTPDevice | None
    recovery_left: int
    passkeys: list

    @property
    def any(self) -> bool:
        return bool(self.app or self.passkeys or self.recovery_left)


def factors(user) -> Factors:
    app = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()
    recovery_left = StaticToken.objects.filter(device__user=user, device__confirmed=True).count()
    passkeys = list(WebAuthnCredential.objects.filter(user=user, confirmed=True).order_by("pk"))
    return Factors(app, recovery_left, passkeys)


# --- Authenticator app -----------------------------------------------------------------------


def pending_app(user) -> TOTPDevice:
    """The unconfirmed app device the set-up page shows (the same one until confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    return device or TOTPDevice.objects.create(user=user, name=APP_NAME, confirmed=False)


def secret_for_display(device: TOTPDevice) -> str:
    """The key as people type it into an app: base32 in groups of four."""
    text = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// link as an inline SVG QR code (no script, no request elsewhere)."""
    code = segno.make(device.config_url, error="m")
    return code.svg_inline(
        scale=5, border=2, title=_("QR-код для приложения-аутентификатора"), omitsize=True
    )


@transaction.atomic
def confirm_app(user, device: TOTPDevice) -> bool:
    """Make the pending device the user's app; True if it replaced an earlier one."""
    replaced = TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()[0] > 0
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return replaced


# --- Recovery codes --------------------------------------------------------------------------


def normalise_recovery_code(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def format_recovery_code(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


@transaction.atomic
def new_recovery_codes(user) -> list[str]:
    """Replace the user's recovery codes with fresh ones; returns them for showing once."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [
        "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))
        for _ in range(RECOVERY_CODE_COUNT)
    ]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return [format_recovery_code(code) for code in codes]


def recovery_device(user) -> StaticDevice | None:
    return StaticDevice.objects.filter(user=user, confirmed=True).first()


# --- All of them ---------------------------------------------------------------------------


@transaction.atomic
def remove_all(user) -> int:
    """Delete every second factor of the user (a reset, or turning it off)."""
    removed = 0
    for model in (TOTPDevice, StaticDevice, WebAuthnCredential):
        removed += model.objects.filter(user=user).delete()[0]
    return removed
