"""Re-encrypt every stored report text under the first key of REPORTS_ENCRYPTION_KEYS.

Rotation: put a new key first in REPORTS_ENCRYPTION_KEYS (keep the old ones after
it), restart, run this command, then remove the old keys.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from safechildhood.requests.crypto import encrypted_fields
from safechildhood.requests.models import Report, ReportMessage, ReportNote

MODELS = {model: list(encrypted_fields(model)) for model in (Report, ReportMessage, ReportNote)}


class Command(BaseCommand):
    help = "Re-encrypt report content with the newest key (the first of REPORTS_ENCRYPTION_KEYS)."

    def handle(self, *args, **options) -> None:
        total = 0
        for model, fields in MODELS.items():
            ids = list(model.objects.values_list("pk", flat=True))
            for start in range(0, len(ids), 500):
                with transaction.atomic():
                    # Loading decrypts with any key; saving encrypts with the first one.
                    for obj in model.objects.filter(pk__in=ids[start : start + 500]).only(
                        "pk", *fields
                    ):
                        obj.save(update_fields=fields)
                        total += 1
        self.stdout.write(self.style.SUCCESS(f"Re-encrypted {total} rows."))
