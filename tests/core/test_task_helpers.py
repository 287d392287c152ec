"""Background-task helpers every app uses (safechildhood.core.tasks)."""

import datetime as dt
from unittest import mock

import pytest
from django.test import override_settings
from django.utils import timezone
from django_tasks import task

from safechildhood.core import tasks

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@task()
def sample_task(*args) -> str:
    return "done"


def test_the_back_off_grows_then_stays():
    minutes = [tasks.retry_delay(n).total_seconds() / 60 for n in range(0, 8)]
    assert minutes == [1, 1, 5, 15, 60, 180, 180, 180]


def test_next_daily_time_is_today_while_ahead_else_tomorrow():
    morning = timezone.make_aware(dt.datetime(2026, 3, 2, 2, 0))
    evening = timezone.make_aware(dt.datetime(2026, 3, 2, 4, 0))
    assert tasks.next_daily_time(3, now=morning) == timezone.make_aware(dt.datetime(2026, 3, 2, 3))
    assert tasks.next_daily_time(3, 30, now=evening) == timezone.make_aware(
        dt.datetime(2026, 3, 3, 3, 30)
    )


def test_without_a_deferring_backend_nothing_is_planned_or_retried(db):
    assert not tasks.can_plan()
    assert not tasks.plan_once(sample_task, timezone.now())
    assert tasks.retry_later(sample_task, 1, 5, "x") is None


@override_settings(TASKS=DB_TASKS)
def test_a_retry_is_queued_with_the_next_attempt_until_none_is_left(db):
    from django_tasks_db.models import DBTaskResult

    before = timezone.now()
    run_after = tasks.retry_later(sample_task, 2, 3, "x")
    assert before + dt.timedelta(minutes=5) <= run_after <= timezone.now() + dt.timedelta(minutes=5)
    queued = DBTaskResult.objects.get(task_path=sample_task.module_path)
    assert queued.args_kwargs["args"] == ["x", 3]
    assert tasks.retry_later(sample_task, 3, 3, "x") is None
    assert DBTaskResult.objects.count() == 1


@override_settings(TASKS=DB_TASKS)
def test_a_run_is_planned_once(db):
    from django_tasks_db.models import DBTaskResult

    soon = timezone.now() + dt.timedelta(hours=1)
    assert tasks.plan_once(sample_task, soon)
    assert tasks.is_queued(sample_task)
    assert not tasks.plan_once(sample_task, soon + dt.timedelta(hours=1))
    # earlier_only: a run waiting for later does not stand in for an earlier one.
    assert tasks.plan_once(sample_task, soon - dt.timedelta(minutes=30), earlier_only=True)
    assert not tasks.plan_once(sample_task, soon, earlier_only=True)
    assert DBTaskResult.objects.filter(task_path=sample_task.module_path).count() == 2


@pytest.mark.parametrize("attempt", [1, 4])
def test_retry_later_uses_the_tasks_own_backend(attempt):
    backend = mock.Mock(supports_defer=False)
    with mock.patch.object(type(sample_task), "get_backend", return_value=backend):
        assert tasks.retry_later(sample_task, attempt, 5) is None
