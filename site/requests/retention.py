"""Retention: closed reports lose their content `REPORTS_RETENTION_DAYS` after closing.

Staff see the reports due within a week in the inbox (dashboard panel and a list
filter) so that one that must be kept can be reopened in time. Every purge is an
audit-log entry and a log line (the report number only).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.utils import timezone

from . import services
from .models import Report

logger = logging.getLogger(__name__)

WARNING_DAYS = 7


def due_soon(now: dt.datetime | None = None):
    """Closed reports that will be purged within a week (not yet due)."""
    now = now or timezone.now()
    return Report.objects.purge_due(now, within_days=WARNING_DAYS).exclude(
        pk__in=Report.objects.purge_due(now).values("pk")
    )


def purge_due_reports(now: dt.datetime | None = None, dry_run: bool = False) -> int:
    """Strip every report past retention; returns how many."""
    count = 0
    for report in Report.objects.purge_due(now).only("pk").iterator(chunk_size=200):
        if not dry_run:
            services.purge(report)
        count += 1
    return count
