"""Encryption of report content at rest, and of the answers between the form's steps.

Reports stored before sealing (see :mod:`~safechildhood.requests.sealing`) hold their
content as Fernet tokens under ``REPORTS_ENCRYPTION_KEYS``; ``sealed_fields`` reads them
with :func:`decrypt` until ``manage.py seal_reports`` has moved them, after which the
keys can be removed. New content is never written with these keys.
(``EncryptedTextField`` stays for the old migrations that name it.)

The answers a visitor typed travel from the question page to the "check your
report" page inside the page itself (nothing is stored before they confirm), so
that blob is encrypted too, under a key derived from ``SECRET_KEY``: it is
tamper-proof, carries its own timestamp and expires.
"""

from __future__ import annotations

import base64
import json
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core import checks
from django.db import models

__all__ = [
    "EncryptedTextField",
    "InvalidToken",
    "decrypt",
    "encrypt",
    "encrypted_fields",
    "open_box",
    "rotate",
    "seal_box",
]


@lru_cache(maxsize=4)
def _multifernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.strip().encode()) for key in keys])


def content_cipher() -> MultiFernet:
    """The MultiFernet for report content (cached per key list, so settings overrides work)."""
    return _multifernet(tuple(settings.REPORTS_ENCRYPTION_KEYS))


def encrypt(plaintext: str) -> str:
    """Fernet token (ASCII) for a text; the empty text stays empty (nothing to hide)."""
    if not plaintext:
        return ""
    return content_cipher().encrypt(plaintext.encode()).decode("ascii")


def decrypt(token: str) -> str:
    if not token:
        return ""
    return content_cipher().decrypt(token.encode("ascii")).decode()


def rotate(token: str) -> str:
    """Re-encrypt a token under the first (newest) key."""
    if not token:
        return ""
    return content_cipher().rotate(token.encode("ascii")).decode("ascii")


class EncryptedTextField(models.TextField):
    """A text field stored as a Fernet token: Python sees plaintext, the database never does.

    Not searchable or filterable by design; keep what staff filter on in plain fields.
    """

    description = "Encrypted text"

    def from_db_value(self, value: str | None, expression, connection) -> str | None:
        if value is None:
            return value
        return decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None:
            return value
        return encrypt(str(value))

    def check(self, **kwargs) -> list[checks.CheckMessage]:
        errors = super().check(**kwargs)
        if self.db_index or self.unique:
            errors.append(
                checks.Error("An encrypted field cannot be indexed.", obj=self, id="requests.E002")
            )
        return errors


def encrypted_fields(model: type[models.Model]) -> tuple[str, ...]:
    """The model's encrypted fields, from its declaration: what a list view defers,
    never listed by hand (Fernet fields of old and fields sealed under a report's key)."""
    from .sealed_fields import SealedTextField  # it reads Fernet tokens of old through this module

    kinds = (EncryptedTextField, SealedTextField)
    return tuple(field.name for field in model._meta.concrete_fields if isinstance(field, kinds))


# --- The answers between steps --------------------------------------------------------


@lru_cache(maxsize=4)
def _box(secret_key: str) -> Fernet:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"safechildhood.requests.box")
    return Fernet(base64.urlsafe_b64encode(hkdf.derive(secret_key.encode())))


def seal_box(data: dict[str, Any]) -> str:
    """Encrypt and authenticate a small JSON document for a hidden form field."""
    return _box(settings.SECRET_KEY).encrypt(json.dumps(data).encode()).decode("ascii")


def open_box(token: str, max_age: int) -> dict[str, Any]:
    """The document sealed by :func:`seal_box`; ``InvalidToken`` if forged or older than max_age."""
    try:
        raw = _box(settings.SECRET_KEY).decrypt(token.encode("ascii"), ttl=max_age)
        data = json.loads(raw)
    except (UnicodeEncodeError, ValueError) as exc:
        raise InvalidToken from exc
    if not isinstance(data, dict):
        raise InvalidToken
    return data


@checks.register()
def check_encryption_keys(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Every configured key must be a valid Fernet key (32 url-safe base64 bytes)."""
    errors = []
    for position, key in enumerate(settings.REPORTS_ENCRYPTION_KEYS, start=1):
        try:
            Fernet(key.strip().encode())
        except ValueError:
            errors.append(
                checks.Error(
                    f"REPORTS_ENCRYPTION_KEYS: key #{position} is not a valid Fernet key.",
                    hint="Generate one with `python -c 'from cryptography.fernet import "
                    "Fernet; print(Fernet.generate_key().decode())'`.",
                    id="requests.E001",
                )
            )
    return errors
