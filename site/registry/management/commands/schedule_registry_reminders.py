"""Queue the daily `provider_reminders` task (e-mails to organisations' staff about
entries not verified for a long time) if none is queued.

Idempotent: run it at every start (`make run` does). It needs a task backend that
can defer (the database backend of django-tasks).
"""

from django.core.management.base import BaseCommand

from safechildhood.registry.tasks import next_reminder_time, schedule_reminders


class Command(BaseCommand):
    help = "Queue the daily reminders to providers about stale registry entries if not queued."

    def handle(self, *args, **options) -> None:
        if schedule_reminders():
            self.stdout.write(
                f"Provider reminders queued for {next_reminder_time():%Y-%m-%d %H:%M}."
            )
        else:
            self.stdout.write(
                "Provider reminders already queued (or the task backend cannot defer)."
            )
