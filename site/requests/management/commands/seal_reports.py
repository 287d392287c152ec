"""Move reports stored before sealing (Fernet, REPORTS_ENCRYPTION_KEYS) to their own keys.

Each report gets a random key; its text, messages and notes are encrypted with it; the
key is sealed to its readers who have key pairs and to the escrow key (readers without a
pair get it at their first sign-in, from a colleague or `recover_reports`). Afterwards
REPORTS_ENCRYPTION_KEYS opens nothing and can be removed from the environment.

A receipt code is not stored anywhere, so a moved report has no reporter's copy of its
key: its reporter still sees the status, not the messages (README «Что осталось»).
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from safechildhood.core import keys
from safechildhood.requests import sealing
from safechildhood.requests.models import Report
from safechildhood.requests.sealed_fields import LockedText, remember

FIELDS = [
    "description",
    "place",
    "children_ages",
    "contact_name",
    "contact_phone",
    "contact_email",
]


def _plain(value) -> str:
    if isinstance(value, LockedText):
        raise CommandError("A report does not open with REPORTS_ENCRYPTION_KEYS.")
    return str(value)


def seal_one(report: Report) -> None:
    """Re-encrypt one report of old under a new key of its own and seal that key."""
    key = keys.random_key()
    texts = {name: _plain(getattr(report, name)) for name in FIELDS}
    rows = [(row, _plain(row.body)) for row in [*report.messages.all(), *report.notes.all()]]
    remember(report.pk, key)
    for name, text in texts.items():
        setattr(report, name, text)
    report.sealed_at = timezone.now()
    report.save(update_fields=[*FIELDS, "sealed_at"])
    for row, text in rows:
        row.body = text
        row.save(update_fields=["body"])
    sealing.seal_to_readers(report, key)


class Command(BaseCommand):
    help = "Seal every report stored before sealing to its readers' keys (run once)."

    def handle(self, *args, **options) -> None:
        pending = Report.objects.filter(sealed_at__isnull=True)
        Report.objects.filter(sealed_at__isnull=True, purged_at__isnull=False).update(
            sealed_at=timezone.now()
        )
        todo = list(pending.values_list("pk", flat=True))
        if todo and not settings.REPORTS_ENCRYPTION_KEYS:
            raise CommandError("REPORTS_ENCRYPTION_KEYS is needed to read the reports of old.")
        for pk in todo:
            with transaction.atomic():
                seal_one(Report.objects.select_for_update().get(pk=pk))
        self.stdout.write(
            self.style.SUCCESS(
                f"Sealed {len(todo)} reports. REPORTS_ENCRYPTION_KEYS can now be removed."
            )
        )
