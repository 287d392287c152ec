"""Recovery with the escrow key: the operator's offline private key opens any report key.

Used by ``manage.py recover_reports`` (the operator brings the key on a file or stdin,
for the time of the command only): readers who lost their key pair (a password reset by
an administrator) or are waiting for a key nobody signed in holds get their copies.
Nothing here keeps the escrow key after the call.
"""

from __future__ import annotations

from collections.abc import Iterable

from safechildhood.core import keys

from . import sealing
from .models import PendingGrant, Report, ReportKeyGrant


class WrongEscrowKey(Exception):
    """The private key given is not the escrow key the reports are sealed to."""


def check_escrow_key(private: bytes) -> None:
    from django.conf import settings

    if keys.public_of(private) != settings.REPORTS_ESCROW_PUBLIC_KEY:
        raise WrongEscrowKey


def escrow_key_of(report: Report, private: bytes) -> bytes | None:
    sealed = (
        ReportKeyGrant.objects.filter(report=report, user__isnull=True)
        .values_list("sealed_key", flat=True)
        .first()
    )
    if sealed is None:
        return None
    try:
        return keys.unseal(private, sealed)
    except keys.CryptoError:
        return None


def grant_pending_with_escrow(
    private: bytes, user=None, report_ids: Iterable[int] | None = None
) -> int:
    """Seal report keys to the readers waiting for them (all, one user's, some reports')."""
    if user is not None:
        sealing.sync_user(user)
    pending = PendingGrant.objects.select_related("report", "user").order_by("pk")
    if user is not None:
        pending = pending.filter(user=user)
    if report_ids is not None:
        pending = pending.filter(report_id__in=list(report_ids))
    cache: dict[int, bytes | None] = {}

    def key_of(report: Report) -> bytes | None:
        if report.pk not in cache:
            cache[report.pk] = escrow_key_of(report, private)
        return cache[report.pk]

    return sealing.grant_pending(pending.iterator(chunk_size=200), key_of)
