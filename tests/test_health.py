"""`/healthz`: database, cache and task queue; 503 only when the site cannot serve."""

import datetime as dt
from unittest import mock

import pytest
from django.db import OperationalError
from django.utils import timezone

pytestmark = pytest.mark.django_db


def test_healthz_ok(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        response = client.get("/healthz")
    assert response.status_code == 200
    # The test settings run tasks immediately: there is no queue to report.
    assert response.json() == {"status": "ok", "db": "ok", "cache": "ok"}
    assert response["Cache-Control"] == "no-store"
    assert not response.cookies


def test_healthz_503_when_database_is_down(client):
    with mock.patch("safechildhood.health.connection.cursor", side_effect=OperationalError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "down", "db": "error", "cache": "ok"}


def test_healthz_answers_any_host_header(client, settings):
    """Container health checks call it as localhost, whatever ALLOWED_HOSTS says."""
    settings.ALLOWED_HOSTS = ["deti.example.org"]
    response = client.get("/healthz", HTTP_HOST="127.0.0.1:8000")
    assert response.status_code == 200


def test_healthz_reports_a_dead_redis_but_stays_200(client, redis_down):
    """Pages are served from each process's memory: degraded, not down."""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "db": "ok", "cache": "degraded"}


# --- the task queue (django_tasks_db) ----------------------------------------------------


@pytest.fixture
def db_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.HEALTH_TASKS_STALE_AFTER = 300


def queued(*, waited: dt.timedelta, scheduled: bool = False, status: str = "READY"):
    """A task row due since `waited` ago (scheduled: through run_after)."""
    from django_tasks_db.models import DBTaskResult, get_date_max

    now = timezone.now()
    row = DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="safechildhood.requests.tasks.report_maintenance",
        backend_name="default",
        run_after=now - waited if scheduled else get_date_max(),
        status=status,
    )
    enqueued = now - waited - dt.timedelta(hours=1) if scheduled else now - waited
    DBTaskResult.objects.filter(pk=row.pk).update(enqueued_at=enqueued)
    return row


def test_an_empty_queue_is_ok(client, db_queue, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["tasks"] == {"status": "ok", "waiting": 0, "oldest_waiting_seconds": 0}
    assert response.json()["status"] == "ok"


def test_the_queue_reports_the_oldest_due_task(client, db_queue):
    queued(waited=dt.timedelta(seconds=40))
    queued(waited=dt.timedelta(seconds=100), scheduled=True)  # due since run_after
    future = queued(waited=dt.timedelta(seconds=0), scheduled=True)
    type(future).objects.filter(pk=future.pk).update(
        run_after=timezone.now() + dt.timedelta(hours=1)
    )
    queued(waited=dt.timedelta(days=3), status="SUCCESSFUL")  # done: not waiting
    tasks = client.get("/healthz").json()["tasks"]
    assert tasks["status"] == "ok"
    assert tasks["waiting"] == 2
    assert 100 <= tasks["oldest_waiting_seconds"] < 130


def test_a_stale_queue_is_degraded_but_still_200(client, db_queue):
    """No worker: e-mails wait, but the site serves and reports are stored."""
    queued(waited=dt.timedelta(minutes=20))
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["tasks"]["status"] == "stale"
    assert body["tasks"]["oldest_waiting_seconds"] >= 1200


def test_the_queue_is_not_asked_when_the_database_is_down(client, db_queue):
    with mock.patch("safechildhood.health.connection.cursor", side_effect=OperationalError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert "tasks" not in response.json()
