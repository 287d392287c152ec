"""Strip closed reports past REPORTS_RETENTION_DAYS of their content (and retry due e-mails).

Runs daily: as the self-rescheduling `report_maintenance` task on the database task
backend (`manage.py schedule_report_maintenance`, which `make run` calls), or from
cron: `15 3 * * * python manage.py purge_reports`.
"""

from django.core.management.base import BaseCommand

from safechildhood.requests.retention import due_soon, purge_due_reports
from safechildhood.requests.tasks import retry_due_notifications


class Command(BaseCommand):
    help = "Purge the content of closed reports past the retention period; retry due e-mails."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Only count, change nothing.")

    def handle(self, *args, **options) -> None:
        dry_run = options["dry_run"]
        purged = purge_due_reports(dry_run=dry_run)
        soon = due_soon().count()
        retried = 0 if dry_run else retry_due_notifications()
        verb = "Would purge" if dry_run else "Purged"
        self.stdout.write(
            f"{verb} {purged} report(s); {soon} more within a week; "
            f"{retried} notification(s) queued for retry."
        )
