"""What the apps' background tasks share: retries with back-off, and self-planning runs.

django-tasks has no automatic retry: a task that failed queues itself again after
:func:`retry_delay` (:func:`retry_later`). Several tasks plan their own next run with
``run_after`` (report maintenance at 03:00, scheduled publishing at its moment, search
statistics clean-up): each must be queued once, not once per start or per signal
(:func:`plan_once`). Only a backend that can defer (the database backend of
django-tasks) can hold such a plan; the immediate backend of the tests cannot.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django_tasks import default_task_backend
from django_tasks.base import Task

# Minutes before the 1st, 2nd, … retry of a message that could not be sent (then 180).
RETRY_MINUTES = (1, 5, 15, 60, 180)


def retry_delay(attempts: int) -> dt.timedelta:
    """How long to wait after `attempts` failed attempts."""
    return dt.timedelta(minutes=RETRY_MINUTES[min(max(attempts, 1), len(RETRY_MINUTES)) - 1])


def retry_later(task: Task, attempt: int, max_attempts: int, *args: Any) -> dt.datetime | None:
    """Queue ``task(*args, attempt + 1)`` after the back-off for `attempt`.

    Returns when it will run; None, queuing nothing, once `max_attempts` are used up or
    when the task's backend cannot defer (the caller then says that it gave up).
    """
    if attempt >= max_attempts or not task.get_backend().supports_defer:
        return None
    run_after = timezone.now() + retry_delay(attempt)
    task.using(run_after=run_after).enqueue(*args, attempt + 1)
    return run_after


def can_plan() -> bool:
    return default_task_backend.supports_defer


def is_queued(task: Task, not_after: dt.datetime | None = None) -> bool:
    """A run of `task` is waiting (at `not_after` or earlier, when given)."""
    try:
        from django_tasks_db.models import DBTaskResult  # only installed with its backend
    except ImportError:  # pragma: no cover - another deferring backend
        return False
    pending = DBTaskResult.objects.filter(task_path=task.module_path, status="READY")
    if not_after is not None:
        pending = pending.filter(run_after__lte=not_after)
    return pending.exists()


def plan_once(task: Task, run_after: dt.datetime, *, earlier_only: bool = False) -> bool:
    """Queue a run of `task` at `run_after` unless one is already waiting.

    `earlier_only`: only a run waiting for `run_after` or earlier counts (a task that
    plans its next moment itself, so a later run would come too late). False when
    nothing was queued (already planned, or a backend that cannot defer).
    """
    if not can_plan() or is_queued(task, run_after if earlier_only else None):
        return False
    task.using(run_after=run_after).enqueue()
    return True


def next_daily_time(hour: int, minute: int = 0, now: dt.datetime | None = None) -> dt.datetime:
    """The next `hour`:`minute` in the site's time zone (today if still ahead)."""
    local = timezone.localtime(now or timezone.now())
    run = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
    if run <= local:
        run += dt.timedelta(days=1)
    return run
