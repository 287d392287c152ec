"""System checks that make production refuse defaults meant for development.

``base.py`` falls back to the console e-mail backend and to ``http://127.0.0.1:8000`` as the
admin's base URL so that ``make run`` needs no configuration. With DEBUG off either one is an
error: ``check --deploy``, ``migrate`` (run before gunicorn starts) and the task worker stop
with the message below. They are tagged ``security``, not ``deploy``, so that every command
that runs checks sees them; ``collectstatic`` (staticfiles checks only) and
``compile_translations`` (none) still run in the image's build. ``settings/test.py`` silences
both: tests keep mail in memory on purpose.
"""

from __future__ import annotations

import ipaddress
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks

# Backends that accept a message and never deliver it, and where its text goes instead.
UNDELIVERING_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend": "written to the server's output",
    "django.core.mail.backends.locmem.EmailBackend": "kept in memory and never sent",
    "django.core.mail.backends.dummy.EmailBackend": "thrown away",
    "django.core.mail.backends.filebased.EmailBackend": "written to files on the server",
}


@checks.register(checks.Tags.security)
def check_email_backend(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """E-mail must be delivered in production: it carries password-reset links and the
    visitors' correction notes with their contact details."""
    destination = UNDELIVERING_BACKENDS.get(settings.EMAIL_BACKEND)
    if settings.DEBUG or destination is None:
        return []
    name = settings.EMAIL_BACKEND.rsplit(".", 2)[-2]
    return [
        checks.Error(
            f"EMAIL_URL selects the {name} e-mail backend with DEBUG off: password-reset "
            "links, new-report notices and visitors' correction notes (with their contact "
            f"details) would be {destination} instead of being sent.",
            hint="Set EMAIL_URL to your mail server, e.g. "
            "smtp+tls://user:password@smtp.example.org:587 (and DEFAULT_FROM_EMAIL).",
            id="core.E001",
        )
    ]


def _is_loopback(host: str) -> bool:
    host = host.lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


@checks.register(checks.Tags.security)
def check_admin_base_url(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Links in admin e-mails (new reports, moderation, password resets) are built from
    WAGTAILADMIN_BASE_URL: in production it must be the site's public address."""
    if settings.DEBUG:
        return []
    url = getattr(settings, "WAGTAILADMIN_BASE_URL", "") or ""
    hint = "Set WAGTAILADMIN_BASE_URL to the site's public address, e.g. https://deti.example.org."
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        parts, host = None, ""
    if parts is None or parts.scheme not in ("http", "https") or not host:
        message = f"WAGTAILADMIN_BASE_URL is {url!r}: not an absolute http(s) address."
        return [checks.Error(message, hint=hint, id="core.E002")]
    if _is_loopback(host):
        message = (
            f"WAGTAILADMIN_BASE_URL is {url!r}, a loopback address, with DEBUG off: links in "
            "admin e-mails (new reports, moderation, password resets) would point at the "
            "reader's own computer."
        )
        return [checks.Error(message, hint=hint, id="core.E002")]
    return []
