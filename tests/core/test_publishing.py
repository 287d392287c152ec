"""Scheduled publishing covers every draftable model, found without naming an app."""

import datetime as dt

from django.test import override_settings
from django.utils import timezone

from safechildhood.core import publishing
from tests.registry.factories import ServiceFactory

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_nothing_scheduled_means_no_moment(db):
    assert publishing.next_scheduled_moment() is None


def test_a_snippets_expiry_is_found(db):
    """Registry services are draftable snippets: core finds them through the app registry."""
    expire_at = timezone.now() + dt.timedelta(hours=2)
    ServiceFactory(live=True, expire_at=expire_at)
    ServiceFactory(live=True, expire_at=expire_at + dt.timedelta(hours=1))
    ServiceFactory(
        live=False, expire_at=expire_at - dt.timedelta(hours=1)
    )  # not live: nothing to do
    assert publishing.next_scheduled_moment() == expire_at


@override_settings(TASKS=DB_TASKS)
def test_publishing_a_service_with_an_expiry_plans_a_run(db, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    expire_at = timezone.now() + dt.timedelta(hours=2)
    service = ServiceFactory(live=False)
    service.expire_at = expire_at
    with django_capture_on_commit_callbacks(execute=True):
        service.save_revision().publish()
    queued = DBTaskResult.objects.filter(task_path=publishing.publish_scheduled_content.module_path)
    assert [task.run_after for task in queued] == [expire_at]
