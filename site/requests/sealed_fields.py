"""The model field for what people wrote in a report, and the keys open in this request.

A :class:`SealedTextField` is stored as ``s1.`` + XChaCha20-Poly1305 ciphertext under
the report's own key (associated data: the model and field, so a ciphertext moved to
another field does not open). The server holds no such key: a report key is opened
from a staff user's sealed copy or the reporter's receipt code
(:mod:`safechildhood.requests.sealing`) and kept in :func:`open_keys` for the current
request only. Reading the field then gives the text; without the key it gives
:data:`LOCKED` (an empty text that says so) and saving keeps the ciphertext as it was.

Reports stored before sealing hold Fernet tokens; they read with
``REPORTS_ENCRYPTION_KEYS`` until ``manage.py seal_reports`` has moved them.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models.query_utils import DeferredAttribute

from safechildhood.core import keys

PREFIX = "s1."

_open: contextvars.ContextVar[dict[int, bytes] | None] = contextvars.ContextVar(
    "requests_open_report_keys", default=None
)


class ReportLocked(Exception):
    """The report's key is not open in this request: its text cannot be written."""


class Ciphertext(str):
    """A stored value as the database holds it (sealed, or a Fernet token of old)."""


class LockedText(str):
    """What a sealed field reads as without its key: empty, and says so."""

    locked = True


LOCKED = LockedText("")


# --- Report keys open in this request ---------------------------------------------------


class _RequestKeys(dict):
    """The keys open in one request (see OpenKeysMiddleware)."""


def in_request() -> bool:
    return isinstance(_open.get(), _RequestKeys)


@contextlib.contextmanager
def key_scope() -> Iterator[dict[int, bytes]]:
    """A fresh, empty set of open report keys, forgotten on exit (one per request)."""
    token = _open.set(_RequestKeys())
    try:
        yield _open.get()
    finally:
        _open.reset(token)


def remember(report_id: int, key: bytes) -> None:
    current = _open.get()
    if current is None:  # outside a request (a command, a test): this context only
        current = {}
        _open.set(current)
    current[report_id] = key


def key_for(report_id: int | None) -> bytes | None:
    current = _open.get()
    if current is None or report_id is None:
        return None
    return current.get(report_id)


def is_open(report_id: int | None) -> bool:
    return key_for(report_id) is not None


# --- The field ------------------------------------------------------------------------------


def is_stored_form(value: Any) -> bool:
    return isinstance(value, Ciphertext)


def _legacy_open(token: str) -> str | LockedText:
    if not settings.REPORTS_ENCRYPTION_KEYS:
        return LOCKED
    from .crypto import InvalidToken, decrypt

    try:
        return decrypt(token)
    except (InvalidToken, UnicodeError, ValueError):
        return LOCKED


class SealedAttribute(DeferredAttribute):
    """Reads decrypt with the key open in this request; the instance keeps ciphertext."""

    def raw(self, instance) -> Any:
        return super().__get__(instance, type(instance))

    def __set__(self, instance, value) -> None:
        # A data descriptor, so that every read goes through __get__ (Django's
        # DeferredAttribute alone lets the instance's __dict__ answer directly).
        instance.__dict__[self.field.attname] = value

    def __get__(self, instance, cls=None):
        if instance is None:
            return self
        value = self.raw(instance)
        if not isinstance(value, Ciphertext):
            return value
        if not value.startswith(PREFIX):
            return _legacy_open(value)
        key = self.field.key_of(instance)
        if key is None:
            return LOCKED
        try:
            return keys.decrypt_text(key, value[len(PREFIX) :], self.field.context)
        except keys.CryptoError:
            return LOCKED


class SealedTextField(models.TextField):
    """Text sealed under its report's key. Not searchable, filterable or indexable."""

    description = "Text sealed under the report's key"
    descriptor_class = SealedAttribute

    def __init__(self, *args, report_attr: str = "pk", **kwargs) -> None:
        self.report_attr = report_attr
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.report_attr != "pk":
            kwargs["report_attr"] = self.report_attr
        return name, path, args, kwargs

    @property
    def context(self) -> bytes:
        return f"{self.model._meta.label_lower}.{self.name}".encode()

    def key_of(self, instance) -> bytes | None:
        report_id = getattr(instance, self.report_attr)
        if report_id is None:
            return getattr(instance, "_new_report_key", None)
        return key_for(report_id) or getattr(instance, "_new_report_key", None)

    def from_db_value(self, value, expression, connection) -> Any:
        return Ciphertext(value) if value else value

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str) and value.startswith(PREFIX) and not is_stored_form(value):
            return Ciphertext(value)
        return super().to_python(value)

    def value_from_object(self, obj) -> Any:
        """Serialisation (``dumpdata``) writes what is stored: ciphertext, never text."""
        stored = obj.__dict__.get(self.attname)
        return stored if stored is not None else self.descriptor_class(self).raw(obj)

    def pre_save(self, model_instance, add: bool) -> Any:
        value = model_instance.__dict__.get(self.attname)
        if not value or isinstance(value, Ciphertext):
            return value
        if isinstance(value, LockedText):
            raise ReportLocked
        key = self.key_of(model_instance)
        if key is None:
            raise ReportLocked
        return Ciphertext(PREFIX + keys.encrypt_text(key, str(value), self.context))

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value and not isinstance(value, Ciphertext):
            raise ValueError("Report text must be sealed before it reaches the database.")
        return value


class OpenKeysMiddleware:
    """Every request starts with no report key open and forgets the ones it opened."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        with key_scope():
            return self.get_response(request)
