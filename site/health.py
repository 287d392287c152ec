"""`/healthz`: can this process serve, and how are its dependencies? Answered first.

It sits in MIDDLEWARE before the host checks (after the security and permissions
headers; exempt from the SSL redirect) so that a container health check on localhost
works whatever ALLOWED_HOSTS and SECURE_SSL_REDIRECT say, and it touches no session.

The answer is 503 only when the site cannot serve pages: the database does not
answer. A dead cache (each process then serves from its own memory) or a task
queue nobody works on (e-mails wait, reports are stored anyway) is reported as
``degraded`` with status 200, so that an orchestrator does not restart healthy
web processes for a fault they cannot fix. Monitoring should alert on it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone

HEALTH_PATH = "/healthz"
DB_TASKS_BACKEND = "django_tasks_db.DatabaseBackend"


def database_status() -> bool:
    """Return True when the default database answers a trivial query."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return False
    return True


def cache_status() -> str:
    """``ok``, or ``degraded`` while the shared cache (Redis) does not answer."""
    probe = getattr(cache, "is_available", None)  # ResilientRedisCache only
    if probe is None:
        return "ok"  # a local memory cache cannot be down
    return "ok" if probe() else "degraded"


def queue_status() -> dict[str, Any] | None:
    """The database task queue: tasks due to run and how long the oldest has waited.

    None when no database task backend is configured (tasks run elsewhere). The
    count and the age come from one aggregate over the READY rows (a partial index).
    """
    aliases = [
        alias
        for alias, config in settings.TASKS.items()
        if config.get("BACKEND") == DB_TASKS_BACKEND
    ]
    if not aliases:
        return None
    from django.db.models import Case, Count, F, Min, When
    from django_tasks_db.models import DBTaskResult, get_date_max

    # A task without a run_after waits from its enqueueing, a scheduled one from run_after.
    waiting_since = Case(When(run_after=get_date_max(), then=F("enqueued_at")), default="run_after")
    due = DBTaskResult.objects.ready().filter(backend_name__in=aliases)
    totals = due.aggregate(waiting=Count("pk"), since=Min(waiting_since))
    oldest = totals["since"]
    age = max(0, int((timezone.now() - oldest).total_seconds())) if oldest else 0
    stale = age > settings.HEALTH_TASKS_STALE_AFTER
    return {
        "status": "stale" if stale else "ok",
        "waiting": totals["waiting"],
        "oldest_waiting_seconds": age,
    }


def health() -> tuple[dict[str, Any], int]:
    """The report and its HTTP status (503 only when the database does not answer)."""
    if not database_status():
        return {"status": "down", "db": "error", "cache": cache_status()}, 503
    parts: dict[str, Any] = {"db": "ok", "cache": cache_status()}
    try:
        tasks = queue_status()
    except DatabaseError:
        tasks = {"status": "error"}
    if tasks is not None:
        parts["tasks"] = tasks
    degraded = parts["cache"] != "ok" or (tasks is not None and tasks["status"] != "ok")
    return {"status": "degraded" if degraded else "ok", **parts}, 200


def healthz_response() -> JsonResponse:
    report, status = health()
    response = JsonResponse(report, status=status)
    response["Cache-Control"] = "no-store"
    return response


class HealthCheckMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path in (HEALTH_PATH, HEALTH_PATH + "/"):
            return healthz_response()
        return self.get_response(request)
