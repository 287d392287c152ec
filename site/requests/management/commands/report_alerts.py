"""Run the alert check once (overdue urgent reports, idle reports, alerts due for a retry),
or with ``--digest`` send the daily digests.

On the database task backend the tasks plan themselves (`manage.py
schedule_report_maintenance`); with a backend that cannot defer, run this from cron:
``*/15 * * * * python manage.py report_alerts`` and ``0 8 * * * python manage.py
report_alerts --digest``.
"""

from django.core.management.base import BaseCommand

from safechildhood.requests import alerts
from safechildhood.requests.tasks import alert_digests, retry_due_alerts


class Command(BaseCommand):
    help = "Check for overdue reports and send due alerts once; --digest: the daily digests."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--digest", action="store_true", help="Send the daily digests.")

    def handle(self, *args, **options) -> None:
        if options["digest"]:
            count = alert_digests.call()
            self.stdout.write(f"{count} digest(s) queued.")
            return
        escalated, reminded = alerts.escalate_overdue(), alerts.remind_idle()
        retried = retry_due_alerts()
        self.stdout.write(
            f"{escalated} overdue urgent report(s) escalated, {reminded} reminder(s), "
            f"{retried} alert(s) queued for retry."
        )
