"""What the apps' self-planning background tasks share.

Several tasks plan their own next run with ``run_after`` (report maintenance at
03:00, scheduled publishing at its moment, search statistics clean-up): each must
be queued once, not once per start or per signal. Only a backend that can defer
(the database backend of django-tasks) can hold such a plan.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import default_task_backend

# Minutes before the 1st, 2nd, … retry of a message that could not be sent (then 180).
RETRY_MINUTES = (1, 5, 15, 60, 180)


def retry_delay(attempts: int) -> dt.timedelta:
    """How long to wait after `attempts` failed attempts."""
    return dt.timedelta(minutes=RETRY_MINUTES[min(max(attempts, 1), len(RETRY_MINUTES)) - 1])


def can_plan() -> bool:
    return default_task_backend.supports_defer


def is_queued(task, not_after: dt.datetime | None = None) -> bool:
    """A run of `task` is waiting (at `not_after` or earlier, when given)."""
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # pragma: no cover - another deferring backend
        return False
    pending = DBTaskResult.objects.filter(task_path=task.module_path, status="READY")
    if not_after is not None:
        pending = pending.filter(run_after__lte=not_after)
    return pending.exists()


def next_daily_time(hour: int, minute: int = 0, now: dt.datetime | None = None) -> dt.datetime:
    """The next `hour`:`minute` in the site's time zone (today if still ahead)."""
    local = timezone.localtime(now or timezone.now())
    run = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
    if run <= local:
        run += dt.timedelta(days=1)
    return run
