"""Reports sealed to the people they are for (GlobaLeaks' model, adapted).

* Each report has its own random 32-byte key; everything written in it is encrypted
  with it (:mod:`~safechildhood.requests.sealed_fields`).
* The key is sealed (X25519 ``SealedBox``) to each reader's public key — the
  specialists of the report's district and the coordinators, whoever has a key pair
  (:class:`~safechildhood.core.models.UserKeyPair`) — and to the operator's escrow
  key (``REPORTS_ESCROW_PUBLIC_KEY``): :class:`~.models.ReportKeyGrant` rows.
* The reporter's copy is wrapped under a key derived from the receipt code with
  Argon2id and a per-report salt; nothing else opens the status page's messages.
* A reader without a copy (new in the district, a report moved, a password reset) is
  a :class:`~.models.PendingGrant`: someone who holds the key seals it for them, a few
  per admin request (:func:`process_pending`) or with «Выдать доступ» (:func:`grant_all`).

The server holds no key that opens a report: the readers' private keys are wrapped
under their passwords, the escrow's private half is offline.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.http import HttpRequest
from django.utils import timezone

from safechildhood.core import keys
from safechildhood.core.models import UserKeyPair
from safechildhood.core.signin import keyring

from .models import PendingGrant, Report, ReportKeyGrant, users_for_district
from .sealed_fields import is_open, key_for, remember

logger = logging.getLogger(__name__)

PENDING_PER_REQUEST = 20


# --- A new report ----------------------------------------------------------------------------


def prepare(report: Report, code: str) -> bytes:
    """Give an unsaved report its key and the reporter's wrapped copy (before save)."""
    key = keys.random_key()
    report._new_report_key = key
    salt, at = keys.new_salt(), keys.cost("receipt")
    report.reporter_salt, report.reporter_kdf_cost = keys.b64(salt), at.label()
    report.reporter_wrapped_key = keys.wrap(keys.derive(code, salt, at), key)
    report.sealed_at = timezone.now()
    return key


def seal_to_readers(report: Report, key: bytes) -> int:
    """Seal a saved report's key to every reader with a key pair and to the escrow."""
    remember(report.pk, key)
    readers = list(
        UserKeyPair.objects.filter(user__in=users_for_district(report.district_id)).values_list(
            "user_id", "public_key"
        )
    )
    grants = [
        ReportKeyGrant(
            report=report, user_id=user_id, public_key=public, sealed_key=keys.seal(public, key)
        )
        for user_id, public in readers
    ]
    escrow = settings.REPORTS_ESCROW_PUBLIC_KEY
    if escrow:
        grants.append(
            ReportKeyGrant(report=report, public_key=escrow, sealed_key=keys.seal(escrow, key))
        )
    ReportKeyGrant.objects.bulk_create(grants)
    return len(grants)


# --- Opening ---------------------------------------------------------------------------------


def open_with_private_key(report: Report, user, private: bytes | None) -> bool:
    """Open the report's key for this request from `user`'s sealed copy."""
    if report.sealed_at is None:  # a report of old, read with REPORTS_ENCRYPTION_KEYS
        return bool(settings.REPORTS_ENCRYPTION_KEYS)
    if is_open(report.pk):
        return True
    if private is None:
        return False
    sealed = (
        ReportKeyGrant.objects.filter(report_id=report.pk, user=user)
        .values_list("sealed_key", flat=True)
        .first()
    )
    if sealed is None:
        return False
    try:
        remember(report.pk, keys.unseal(private, sealed))
    except keys.CryptoError:
        logger.warning("Sealed key of report %s did not open for user %s", report.pk, user.pk)
        return False
    return True


def open_for_request(request: HttpRequest, report: Report) -> bool:
    """Open the report for the signed-in staff user of this request, if they hold a copy."""
    return open_with_private_key(report, request.user, keyring.private_key(request))


def open_for_reporter(report: Report, code: str) -> bytes | None:
    """The report key from the receipt code (opened for this request), or None."""
    if not report.reporter_wrapped_key:
        return None
    at = keys.Cost.parse(report.reporter_kdf_cost)
    derived = keys.derive(code, keys.unb64(report.reporter_salt), at)
    try:
        key = keys.unwrap(derived, report.reporter_wrapped_key)
    except keys.CryptoError:
        return None
    remember(report.pk, key)
    return key


def open_with_key(report_id: int, key: bytes) -> None:
    """A key the reporter's page carried back (see views.follow_up)."""
    remember(report_id, key)


def current_key(report: Report) -> bytes | None:
    return key_for(report.pk)


# --- Grants ------------------------------------------------------------------------------------


def _grant(report_id: int, key: bytes, user_id: int, public: str) -> bool:
    try:
        with transaction.atomic():
            ReportKeyGrant.objects.create(
                report_id=report_id,
                user_id=user_id,
                public_key=public,
                sealed_key=keys.seal(public, key),
            )
    except IntegrityError:  # granted meanwhile
        return False
    return True


def _entitled(report: Report, user) -> bool:
    return Report.objects.for_user(user).filter(pk=report.pk).exists()


def grant_pending(pending: Iterable[PendingGrant], key_of) -> int:
    """Seal the key to each pending reader still entitled to it; drop the pending rows."""
    done = 0
    for item in pending:
        key = key_of(item.report)
        if key is None:
            continue
        pair = UserKeyPair.objects.filter(user_id=item.user_id).first()
        if pair is not None and _entitled(item.report, item.user):
            done += _grant(item.report_id, key, item.user_id, pair.public_key)
        if pair is not None or not _entitled(item.report, item.user):
            PendingGrant.objects.filter(pk=item.pk).delete()
    return done


def process_pending(user, private: bytes, limit: int = PENDING_PER_REQUEST) -> int:
    """Seal keys `user` holds to readers waiting for them (bounded work per request)."""
    held = ReportKeyGrant.objects.filter(report=OuterRef("report"), user=user)
    has_pair = UserKeyPair.objects.filter(user=OuterRef("user"))
    # Runs on every admin request and nearly always finds nothing: the ids alone first
    # (with the joins of the rows, PostgreSQL took ten times as long to plan the query).
    ids = list(
        PendingGrant.objects.filter(Exists(held), Exists(has_pair))
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    if not ids:
        return 0
    pending = (
        PendingGrant.objects.filter(pk__in=ids).select_related("report", "user").order_by("pk")
    )
    return grant_pending(
        pending,
        lambda report: key_for(report.pk) if open_with_private_key(report, user, private) else None,
    )


def grant_all(report: Report) -> int:
    """«Выдать доступ»: with the report open, seal its key to every reader waiting for it."""
    key = key_for(report.pk)
    if key is None:
        return 0
    sync_report(report)
    pending = PendingGrant.objects.filter(report=report).select_related("report", "user")
    return grant_pending(pending, lambda _report: key)


def waiting(report: Report) -> list:
    return [p.user for p in PendingGrant.objects.filter(report=report).select_related("user")]


# --- Access changes ----------------------------------------------------------------------------


def sync_user(user) -> None:
    """Queue the reports `user` may read but holds no key of; drop copies they may not."""
    scope = Report.objects.for_user(user).filter(sealed_at__isnull=False, purged_at__isnull=True)
    ReportKeyGrant.objects.filter(user=user).exclude(report__in=scope.values("pk")).delete()
    PendingGrant.objects.filter(user=user).exclude(report__in=scope.values("pk")).delete()
    if not UserKeyPair.objects.filter(user=user).exists():
        return
    missing = scope.exclude(
        Exists(ReportKeyGrant.objects.filter(report=OuterRef("pk"), user=user))
    ).exclude(Exists(PendingGrant.objects.filter(report=OuterRef("pk"), user=user)))
    PendingGrant.objects.bulk_create(
        [PendingGrant(report_id=pk, user=user) for pk in missing.values_list("pk", flat=True)],
        ignore_conflicts=True,
    )


def sync_report(report: Report) -> None:
    """After a district change: queue the new readers, drop the copies of former ones."""
    if report.sealed_at is None or report.purged_at is not None:
        return
    readers = set(
        UserKeyPair.objects.filter(user__in=users_for_district(report.district_id)).values_list(
            "user_id", flat=True
        )
    )
    ReportKeyGrant.objects.filter(report=report, user__isnull=False).exclude(
        user__in=readers
    ).delete()
    PendingGrant.objects.filter(report=report).exclude(user__in=readers).delete()
    holding = set(
        ReportKeyGrant.objects.filter(report=report, user__isnull=False).values_list(
            "user_id", flat=True
        )
    )
    PendingGrant.objects.bulk_create(
        [PendingGrant(report=report, user_id=uid) for uid in readers - holding],
        ignore_conflicts=True,
    )


def forget_user(user) -> None:
    """A key pair lost (password reset): its sealed copies open nothing any more."""
    ReportKeyGrant.objects.filter(user=user).delete()
    PendingGrant.objects.filter(user=user).delete()


def drop_keys(report: Report) -> None:
    """Retention: every sealed copy of the key goes with the content."""
    ReportKeyGrant.objects.filter(report=report).delete()
    PendingGrant.objects.filter(report=report).delete()
