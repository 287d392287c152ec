"""Queue the daily `report_maintenance` task (purge + e-mail retries) if none is queued,
and the alert tasks: the check for overdue reports every REPORTS_ALERT_CHECK_MINUTES
and the daily digest at REPORTS_DIGEST_HOUR.

Idempotent: run it at every start (`make run` does). It needs a task backend that
can defer (the database backend); with another one, schedule `purge_reports` in cron.
"""

from django.core.management.base import BaseCommand

from safechildhood.requests.tasks import (
    next_maintenance_time,
    schedule_alerts,
    schedule_maintenance,
)


class Command(BaseCommand):
    help = (
        "Queue the daily report maintenance task (purge, e-mail retries) and the alert "
        "tasks (overdue check, daily digest) if not queued yet."
    )

    def handle(self, *args, **options) -> None:
        if schedule_maintenance():
            self.stdout.write(
                f"Report maintenance queued for {next_maintenance_time():%Y-%m-%d %H:%M}."
            )
        else:
            self.stdout.write(
                "Report maintenance already queued (or the task backend cannot defer)."
            )
        if schedule_alerts():
            self.stdout.write("Alert check and daily digest queued.")
        else:
            self.stdout.write("Alert tasks already queued (or the task backend cannot defer).")
